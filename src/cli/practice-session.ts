import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { QuestionType } from '../bank/schema.ts';
import { isFreeText } from '../bank/schema.ts';
import { isUserError } from '../errors.ts';
import type { CurrentQuestion, QuizService, QuizSummary } from '../quiz/types.ts';
import { renderFollowUp, renderOutcome, renderQuestion, renderSummary, type Style } from './practice-render.ts';
import type { PracticeStrings } from './practice-text.ts';

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
  /** Passed to the tutor so feedback comes in this language; absent: the bank's language. */
  locale?: string;
  /** Show "Grading…" while the tutor works (useful on a terminal, noise in a transcript). */
  showProgress: boolean;
}

export interface PracticeSessionDeps {
  quiz: QuizService;
  reader: LineReader;
  out: Writable;
  t: PracticeStrings;
  style: Style;
}

export type AnswerInput = { kind: 'end' } | { kind: 'quit' } | { kind: 'ask'; text: string } | { kind: 'answer'; text: string };

/** The rule of quiz threads on Discord too: a line that starts with ? or ends with ? / ？ is a question. */
export function isQuestionLine(line: string): boolean {
  const trimmed = line.trim();
  return /^[?？]/.test(trimmed) || /[?？]$/.test(trimmed);
}

function stripQuestionMark(line: string): string {
  return line.trim().replace(/^[?？]\s*/, '');
}

function isQuit(line: string): boolean {
  return /^(q|quit|exit)$/i.test(line.trim());
}

async function readAnswer(current: CurrentQuestion, deps: PracticeSessionDeps): Promise<AnswerInput> {
  const first = await deps.reader.read(deps.t.answerPrompt);
  if (first === null) return { kind: 'end' };
  if (isQuit(first)) return { kind: 'quit' };
  if (first.trim().length > 0 && isQuestionLine(first)) return { kind: 'ask', text: stripQuestionMark(first) };
  if (!isFreeText(current.question) || first.trim().length === 0) return { kind: 'answer', text: first };
  // Short and essay answers may span lines; an empty line (or the end of input) sends them.
  const lines = [first];
  for (;;) {
    const more = await deps.reader.read(deps.t.morePrompt);
    if (more === null || more.trim().length === 0) break;
    lines.push(more);
  }
  return { kind: 'answer', text: lines.join('\n') };
}

async function askTutor(sessionId: string, text: string, options: PracticeSessionOptions, deps: PracticeSessionDeps): Promise<void> {
  if (text.length === 0) return;
  if (options.showProgress) deps.out.write(`${deps.style.dim(deps.t.thinking)}\n`);
  const reply = await deps.quiz.ask({ sessionId, userId: options.userId, message: text, ...(options.locale ? { locale: options.locale } : {}) });
  deps.out.write(renderFollowUp(reply, deps.t, deps.style));
}

function finish(sessionId: string, options: PracticeSessionOptions, deps: PracticeSessionDeps, reason: 'end-of-input' | 'quit' | 'done'): QuizSummary {
  if (reason === 'end-of-input') deps.out.write(`${deps.t.endOfInput}\n`);
  const view = deps.quiz.view(sessionId);
  const summary = view.session.status === 'active' ? deps.quiz.end(sessionId, options.userId) : deps.quiz.summary(sessionId);
  deps.out.write(renderSummary(summary, options.userName, deps.t, deps.style));
  return summary;
}

/**
 * Runs one quiz to its summary. Returns the summary; the session is always finished on return,
 * whether the questions ran out, the learner typed q, or the input ended.
 */
export async function runPracticeSession(options: PracticeSessionOptions, deps: PracticeSessionDeps): Promise<QuizSummary> {
  const { quiz, reader, out, t, style } = deps;
  const started = quiz.start({
    userId: options.userId,
    displayName: options.displayName,
    ...(options.locale ? { locale: options.locale } : {}),
    ...(options.bankId ? { bankId: options.bankId } : {}),
    ...(options.type ? { type: options.type } : {}),
    ...(options.topic ? { topic: options.topic } : {}),
    ...(options.count ? { count: options.count } : {}),
  });
  const sessionId = started.session.id;
  const title = started.current?.bank.title ?? started.session.bankId ?? '';
  out.write(`${style.bold(t.intro(title, started.session.questions.length))}\n${style.dim(t.howTo)}\n`);

  let current = started.current;
  while (current) {
    out.write(renderQuestion(current, t, style));
    let answered = current.attempt !== null;
    while (!answered) {
      const input = await readAnswer(current, deps);
      if (input.kind === 'end') return finish(sessionId, options, deps, 'end-of-input');
      if (input.kind === 'quit') return finish(sessionId, options, deps, 'quit');
      if (input.kind === 'ask') {
        await askTutor(sessionId, input.text, options, deps);
        continue;
      }
      if (options.showProgress && isFreeText(current.question)) out.write(`${style.dim(t.grading)}\n`);
      try {
        const outcome = await quiz.submitAnswer({
          sessionId,
          questionId: current.question.id,
          userId: options.userId,
          answer: input.text,
          ...(options.locale ? { locale: options.locale } : {}),
        });
        if (outcome.status === 'invalid') {
          const reason = outcome.grade.status === 'invalid' ? outcome.grade.reason.message : '';
          out.write(`${style.yellow(t.invalid(reason))}\n`);
          continue;
        }
        out.write(renderOutcome(outcome, input.text, t, style));
        answered = true;
      } catch (error) {
        // e.g. the same session answered from another terminal: say so and move on with the stored state.
        if (!isUserError(error) || error.code !== 'already-answered') throw error;
        out.write(`${error.message}\n`);
        answered = true;
      }
    }

    const isLast = current.index + 1 >= current.total;
    for (;;) {
      out.write(`${style.dim(t.followUpPrompt(isLast))}\n`);
      const line = await reader.read('> ');
      if (line === null) return finish(sessionId, options, deps, 'end-of-input');
      const trimmed = line.trim();
      if (trimmed === '' || /^n(ext)?$/i.test(trimmed)) break;
      if (isQuit(trimmed)) return finish(sessionId, options, deps, 'quit');
      // Nothing is expected here but questions, so any other text goes to the tutor too.
      await askTutor(sessionId, stripQuestionMark(trimmed), options, deps);
    }
    current = quiz.next(sessionId, options.userId).current;
  }
  return finish(sessionId, options, deps, 'done');
}
