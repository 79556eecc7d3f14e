import type { Logger } from '../logger.ts';
import type { ExamService } from './types.ts';

export interface ExamDeadlineTimerOptions {
  clock?: () => Date;
  /**
   * The longest sleep between checks: an exam started after the timer last looked has a deadline it
   * has not seen, so it looks again at least this often. Default 30 s.
   */
  maxDelayMs?: number;
  logger?: Logger;
}

export interface ExamDeadlineTimer {
  stop(): void;
}

/**
 * Hands in exams at their deadline, for a front end that stays up (the bot): submits at once what is
 * already overdue (an exam whose deadline passed while the bot was down, or grading a crash cut
 * short), then sleeps until the next deadline. Submissions reach the front end through
 * `exams.onAutoSubmit`, so register the listener before starting the timer.
 */
export function startExamDeadlineTimer(exams: ExamService, options: ExamDeadlineTimerOptions = {}): ExamDeadlineTimer {
  const clock = options.clock ?? (() => new Date());
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const tick = () => {
    if (stopped) return;
    try {
      exams.submitOverdue(clock());
    } catch (error) {
      // A failing check (e.g. the disk full) must not stop the timer: the next tick tries again.
      options.logger?.error({ err: error }, 'submitting overdue exams failed');
    }
    const next = exams.nextDeadline();
    const wait = next ? Math.min(maxDelayMs, Math.max(0, next.getTime() - clock().getTime())) : maxDelayMs;
    timer = setTimeout(tick, wait);
    // The timer alone must not keep a process alive (the CLI, tests).
    timer.unref();
  };
  tick();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
