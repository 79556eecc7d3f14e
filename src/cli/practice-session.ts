import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Question, QuestionType } from '../bank/schema.ts';
import { isFreeText } from '../bank/schema.ts';
import { isUserError, UserError } from '../errors.ts';
import { t, type Locale } from '../messages/catalog.ts';
import type { CurrentQuestion, QuizMode, QuizService, QuizSummary } from '../quiz/types.ts';
import {
  hasReference,
  renderFollowUp,
  renderFollowUpKeys,
  renderOutcome,
  renderQuestion,
  renderReference,
  renderSummary,
  type PracticeView,
  type Style,
} from './practice-render.ts';

/**
 * The terminal quiz loop of `tutor practice`, over the same QuizService as the Discord bot. It reads
 * lines, so a script can pipe answers in; at the end of input the session ends cleanly with a summary.
 */

export interface LineReader {
  /** The next line without its newline, or null once the input has ended. */
  read(prompt: string): Promise<string | null>;
  close(): void;
}

/**
 * Reads lines from `input`. On a terminal readline draws the prompt and echoes; otherwise the prompt
 * and the line read are written to `output`, so a scripted run's transcript reads like a session.
 * Lines that arrive while the quiz is busy grading are buffered by the iterator, never dropped.
 */
export function createLineReader(input: Readable, output: Writable, terminal: boolean): LineReader {
  const rl = readline.createInterface({ input, ...(terminal ? { output } : {}), terminal, crlfDelay: Infinity });
  // Ctrl-C on a terminal ends the quiz like the end of input does: the summary still prints.
  rl.on('SIGINT', () => rl.close());
  const lines = rl[Symbol.asyncIterator]();
  let ended = false;
  return {
    async read(prompt) {
      if (ended) return null;
      if (terminal) {
        rl.setPrompt(prompt);
        rl.prompt();
      } else {
        output.write(prompt);
      }
      const next = await lines.next();
      if (next.done) {
        ended = true;
        // Finish the prompt's line (after Ctrl-D, Ctrl-C or the end of a script).
        output.write('\n');
        return null;
      }
      const line = String(next.value);
      if (!terminal) output.write(`${line}\n`);
      return line;
    },
    close() {
      ended = true;
      rl.close();
    },
  };
}

export interface PracticeSessionOptions {
  userId: string;
  displayName: string;
  /** What `tutor stats --user` takes for this learner, shown in the closing hint. */
  userName: string;
  bankId?: string;
  type?: QuestionType;
  topic?: string;
  count?: number;
  /** `review`: due review cards first, then recently missed questions (the Discord /review). */
  mode?: QuizMode;
  /** Passed to the tutor so feedback comes in this language; absent: the bank's language. */
  locale?: string;
  /** The interface language; absent: the language of the first question's bank. */
  interfaceLocale?: Locale;
  /** Show "Grading…" while the tutor works (useful on a terminal, noise in a transcript). */
  showProgress: boolean;
  /** IANA zone the next review's date is shown in (the config's TIME_ZONE); absent: the process's. */
  timeZone?: string;
}

/** When the learner's reviews fall due, for the summary. */
export interface ReviewSchedule {
  nextDue(userId: string): Date | null;
  dueCount(userId: string, now: Date): number;
}

export interface PracticeSessionDeps {
  quiz: QuizService;
  reader: LineReader;
  out: Writable;
  style: Style;
  reviews?: ReviewSchedule;
  clock?: () => Date;
}

export type AnswerInput = { kind: 'end' } | { kind: 'quit' } | { kind: 'ask'; text: string } | { kind: 'answer'; text: string };

/** A line ends a written answer when it holds only a full stop (`.` or `。`). */
export function isEndOfAnswer(line: string): boolean {
  return /^[.。]$/.test(line.trim());
}

function startsWithQuestionMark(line: string): boolean {
  return /^[?？]/.test(line.trim());
}

function endsWithQuestionMark(line: string): boolean {
  return /[?？]$/.test(line.trim());
}

function stripQuestionMark(line: string): string {
  return line.trim().replace(/^[?？]\s*/, '');
}

function isQuit(line: string): boolean {
  return /^(q|quit|exit)$/i.test(line.trim());
}

/**
 * Objective questions take one line. Written answers (short, essay) take lines, blank ones included,
 * until a line holding only `.` or the end of input. Only the first line can turn the input into
 * something else: `q` quits, a leading `?` asks the tutor; and for a short answer a first line ending
 * in ? / ？ followed at once by the end (`.`, a blank line, end of input) is a question. An essay's
 * opening line is never taken for a question: rhetorical openings are common in essays.
 */
export async function readAnswer(current: CurrentQuestion, reader: LineReader, locale: Locale): Promise<AnswerInput> {
  const first = await reader.read(t(locale, 'practice.answerPrompt'));
  if (first === null) return { kind: 'end' };
  if (isQuit(first)) return { kind: 'quit' };
  if (first.trim().length > 0 && startsWithQuestionMark(first)) return { kind: 'ask', text: stripQuestionMark(first) };
  if (!isFreeText(current.question)) {
    if (first.trim().length > 0 && endsWithQuestionMark(first)) return { kind: 'ask', text: first.trim() };
    return { kind: 'answer', text: first };
  }
  if (isEndOfAnswer(first)) return { kind: 'answer', text: '' };
  const lines = [first];
  const mayBeQuestion = current.question.type === 'short' && endsWithQuestionMark(first);
  for (;;) {
    const more = await reader.read(t(locale, 'practice.morePrompt'));
    if (more === null || isEndOfAnswer(more)) break;
    if (mayBeQuestion && lines.length === 1 && more.trim().length === 0) return { kind: 'ask', text: first.trim() };
    lines.push(more);
  }
  if (mayBeQuestion && lines.length === 1) return { kind: 'ask', text: first.trim() };
  // Trailing blank lines carry nothing; blank lines between paragraphs are kept.
  while (lines.length > 1 && lines[lines.length - 1]!.trim() === '') lines.pop();
  return { kind: 'answer', text: lines.join('\n') };
}

/** A write the database refused (read-only file, full disk, I/O error): practice cannot go on. */
export function isStorageFailure(error: unknown): error is Error & { code: string } {
  if (!(error instanceof Error) || error.name !== 'SqliteError') return false;
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' && /^SQLITE_(READONLY|FULL|IOERR|CANTOPEN|PERM)/.test(code);
}

class PracticeStopped extends Error {
  constructor(readonly reason: 'end-of-input' | 'quit' | 'done' | 'storage', readonly detail?: string) {
    super(reason);
  }
}

/**
 * Runs one quiz to its summary. Returns the summary; the session is finished on return, whether the
 * questions ran out, the learner typed q, or the input ended. When the database refuses a write, the
 * learner is told so in plain words and gets the summary of what was stored.
 */
export async function runPracticeSession(options: PracticeSessionOptions, deps: PracticeSessionDeps): Promise<QuizSummary> {
  const { quiz, reader, out, style } = deps;
  const started = quiz.start({
    userId: options.userId,
    displayName: options.displayName,
    ...(options.locale ? { locale: options.locale } : {}),
    ...(options.bankId ? { bankId: options.bankId } : {}),
    ...(options.type ? { type: options.type } : {}),
    ...(options.topic ? { topic: options.topic } : {}),
    ...(options.count ? { count: options.count } : {}),
    ...(options.mode ? { mode: options.mode } : {}),
  });
  const sessionId = started.session.id;
  const locale: Locale = options.interfaceLocale ?? (started.current?.bank.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en-US');
  const view: PracticeView = { locale, style };
  const count = started.session.questions.length;
  const title = started.current?.bank.title ?? started.session.bankId ?? '';
  const intro = started.session.mode === 'review' ? t(locale, 'practice.introReview', { count }) : t(locale, 'practice.intro', { title, count });
  out.write(`${style.bold(intro)}\n${style.dim(t(locale, 'practice.howTo'))}\n`);

  // Whether the current question's reference answer and analysis are on screen already.
  let referenceShown = false;
  const showReference = (question: Question): void => {
    out.write(renderReference(question, view));
    referenceShown = true;
  };

  const ask = async (text: string, answered: Question | null): Promise<void> => {
    if (text.length === 0) return;
    if (options.showProgress) out.write(`${style.dim(t(locale, 'practice.thinking'))}\n`);
    const reply = await quiz.ask({ sessionId, userId: options.userId, message: text, ...(options.locale ? { locale: options.locale } : {}) });
    const fromBank = answered && reply.gradedBy === 'fallback' && reply.note !== 'user-budget' && reply.note !== 'guild-budget';
    if (!fromBank) {
      out.write(renderFollowUp(reply, view));
      return;
    }
    // Without the AI, the reply after an answer is the bank's reference and analysis: its opening
    // notice, then the reference shown once (or a pointer to it), never the same text again.
    const notice = reply.text.split('\n\n')[0] ?? '';
    out.write(renderFollowUp({ ...reply, text: notice }, view));
    if (referenceShown || !hasReference(answered)) out.write(`${style.dim(t(locale, 'practice.referenceAbove'))}\n`);
    else showReference(answered);
  };

  try {
    let current = started.current;
    while (current) {
      out.write(renderQuestion(current, view));
      let answered = current.attempt !== null;
      while (!answered) {
        const input = await readAnswer(current, reader, locale);
        if (input.kind === 'end') throw new PracticeStopped('end-of-input');
        if (input.kind === 'quit') throw new PracticeStopped('quit');
        if (input.kind === 'ask') {
          await ask(input.text, null);
          continue;
        }
        if (options.showProgress && isFreeText(current.question)) out.write(`${style.dim(t(locale, 'practice.grading'))}\n`);
        try {
          const outcome = await quiz.submitAnswer({
            sessionId,
            questionId: current.question.id,
            userId: options.userId,
            answer: input.text,
            ...(options.locale ? { locale: options.locale } : {}),
          });
          if (outcome.status === 'invalid') {
            const reason = outcome.grade.status === 'invalid' ? t(locale, `invalid.${outcome.grade.reason.code}`) : '';
            out.write(`${style.yellow(t(locale, 'practice.invalid', { reason }))}\n`);
            continue;
          }
          out.write(renderOutcome(outcome, view));
          answered = true;
        } catch (error) {
          // e.g. the same session answered from another terminal: say so and move on with the stored state.
          if (!isUserError(error) || error.code !== 'already-answered') throw error;
          out.write(`${error.localized(locale)}\n`);
          answered = true;
        }
      }

      const question = current.question;
      const isLast = current.index + 1 >= current.total;
      referenceShown = false;
      let keysShown = false;
      for (;;) {
        if (!keysShown) out.write(renderFollowUpKeys(question, isLast, view));
        keysShown = true;
        const line = await reader.read('> ');
        if (line === null) throw new PracticeStopped('end-of-input');
        const trimmed = line.trim();
        if (trimmed === '' || /^n(ext)?$/i.test(trimmed)) break;
        if (isQuit(trimmed)) throw new PracticeStopped('quit');
        if (/^r(ef|eference)?$/i.test(trimmed) && hasReference(question)) {
          showReference(question);
          continue;
        }
        // Nothing is expected here but questions, so any other text goes to the tutor too.
        await ask(stripQuestionMark(trimmed), question);
      }
      current = quiz.next(sessionId, options.userId).current;
    }
    return finish('done');
  } catch (error) {
    if (error instanceof PracticeStopped) return finish(error.reason);
    if (isStorageFailure(error)) return finish('storage', new UserError('storage-write-failed', { reason: error.code }).localized(locale));
    throw error;
  }

  function finish(reason: PracticeStopped['reason'], detail?: string): QuizSummary {
    if (reason === 'end-of-input') out.write(`${t(locale, 'practice.endOfInput')}\n`);
    if (reason === 'storage') out.write(`${style.yellow(t(locale, 'practice.storageFailed', { reason: detail ?? '' }))}\n`);
    let summary: QuizSummary;
    try {
      const state = quiz.view(sessionId);
      summary = state.session.status === 'active' && reason !== 'storage' ? quiz.end(sessionId, options.userId) : quiz.summary(sessionId);
    } catch (error) {
      // Ending the session is a write too: on a refused write, the summary of what was stored.
      if (!isStorageFailure(error)) throw error;
      summary = quiz.summary(sessionId);
    }
    const now = (deps.clock ?? (() => new Date()))();
    const nextDue = reason === 'storage' ? null : (deps.reviews?.nextDue(options.userId) ?? null);
    const nextReview = nextDue
      ? { due: nextDue, now, dueNow: deps.reviews?.dueCount(options.userId, now) ?? 0, ...(options.timeZone ? { timeZone: options.timeZone } : {}) }
      : null;
    out.write(renderSummary(summary, options.userName, view, { nextReview }));
    return summary;
  }
}
