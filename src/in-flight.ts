import { UserError } from './errors.ts';
import type { QuizService } from './quiz/types.ts';

/**
 * Graceful shutdown for the quiz flow: the calls that may wait on the LLM (`submitAnswer`, `ask`) are
 * counted while they run, so the process can close the database only after each has stored its result
 * (the LLM's grade, or the fallback's, stored as pending when the LLM timed out). Once draining starts,
 * new calls are refused in plain words instead of starting work that would be cut off.
 */
export interface InFlightTracker {
  /** The wrapped service: the same behaviour, counted. */
  readonly quiz: QuizService;
  /** Calls running now. */
  count(): number;
  /** Refuses new calls from now on and resolves when the running ones have settled. */
  drain(): Promise<void>;
}

export const SHUTTING_DOWN_MESSAGE = 'The tutor is restarting; your answer was not taken. Please try again in a minute.';

export function trackInFlight(quiz: QuizService): InFlightTracker {
  const running = new Set<Promise<unknown>>();
  let draining = false;
  let notifyIdle: (() => void) | undefined;

  function track<T>(work: () => Promise<T>): Promise<T> {
    if (draining) return Promise.reject(new UserError('shutting-down', SHUTTING_DOWN_MESSAGE));
    const promise = work();
    running.add(promise);
    const settle = () => {
      running.delete(promise);
      if (running.size === 0) notifyIdle?.();
    };
    promise.then(settle, settle);
    return promise;
  }

  const wrapped: QuizService = {
    ...quiz,
    start: (input) => quiz.start(input),
    attachThread: (sessionId, threadId) => quiz.attachThread(sessionId, threadId),
    view: (sessionId) => quiz.view(sessionId),
    findActiveByThread: (threadId, ownerId) => quiz.findActiveByThread(threadId, ownerId),
    next: (sessionId, userId, now) => quiz.next(sessionId, userId, now),
    end: (sessionId, userId, now) => quiz.end(sessionId, userId, now),
    summary: (sessionId) => quiz.summary(sessionId),
    submitAnswer: (input) => track(() => quiz.submitAnswer(input)),
    ask: (input) => track(() => quiz.ask(input)),
  };

  return {
    quiz: wrapped,
    count: () => running.size,
    drain() {
      draining = true;
      if (running.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        notifyIdle = resolve;
      });
    },
  };
}
