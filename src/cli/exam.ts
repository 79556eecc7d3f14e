import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { isFreeText } from '../bank/schema.ts';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { isUserError, UserError } from '../errors.ts';
import type { ExamCover, ExamQuestionView, ExamReport, ExamService, ExamSubmission } from '../exam/types.ts';
import { createLogger } from '../logger.ts';
import { resolveLocale, t, type Locale } from '../messages/catalog.ts';
import { formatDateTime, formatPoints } from '../messages/format.ts';
import { secretsFromEnv } from '../redact.ts';
import { createStyle, formatPracticeDuration, renderFollowUp, renderOutcome, renderQuestion, renderReference, type PracticeView } from './practice-render.ts';
import { defaultUserName, LOCAL_USER_PREFIX, localeFromEnv } from './practice.ts';
import { createLineReader, isEndOfAnswer, type LineReader } from './practice-session.ts';
import type { CliCommand, CliIo } from './types.ts';

/**
 * `tutor exam`: exam mode in the terminal, over the same ExamService and storage as `/exam`. One
 * question at a time; a line is a command (n, p, g 7, f, l, t, submit, q) or the answer to the question
 * shown, saved as given. Lines can be piped in, so a script can sit a whole paper. Leaving (q, the end
 * of input) keeps the exam open with its clock running; `tutor exam` again continues it.
 */

export interface ExamSessionOptions {
  userId: string;
  displayName: string;
  bankId?: string;
  paperId?: string;
  minutes?: number;
  /** Passed to the tutor so feedback comes in this language; absent: the bank's language. */
  locale?: string;
  interfaceLocale?: Locale;
  timeZone?: string;
}

export interface ExamSessionDeps {
  exams: ExamService;
  reader: LineReader;
  out: Writable;
  view?: Omit<PracticeView, 'locale'>;
  clock?: () => Date;
}

export interface ExamSessionResult {
  examId: string;
  /** The final report, or null when the learner left with the exam still open. */
  report: ExamReport | null;
}

/** `1:05:09`, or `5:09` under an hour: a countdown, read at a glance. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (value: number) => String(value).padStart(2, '0');
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${minutes}:${two(seconds)}`;
}

type Command = { kind: 'next' | 'previous' | 'flag' | 'list' | 'time' | 'submit' | 'quit' } | { kind: 'go'; index: number } | { kind: 'answer'; text: string };

/** Commands are whole lines; anything else answers the question shown (so `C` or `延迟; 吞吐量` are answers). */
export function parseExamCommand(line: string): Command {
  const trimmed = line.trim();
  if (/^(n|next)$/i.test(trimmed)) return { kind: 'next' };
  if (/^(p|prev|previous)$/i.test(trimmed)) return { kind: 'previous' };
  if (/^(f|flag)$/i.test(trimmed)) return { kind: 'flag' };
  if (/^(l|list)$/i.test(trimmed)) return { kind: 'list' };
  if (/^(t|time)$/i.test(trimmed)) return { kind: 'time' };
  if (/^submit$/i.test(trimmed)) return { kind: 'submit' };
  if (/^(q|quit|exit)$/i.test(trimmed)) return { kind: 'quit' };
  const go = /^g(?:o)?\s*(\d{1,4})$/i.exec(trimmed);
  if (go) return { kind: 'go', index: Number(go[1]) - 1 };
  return { kind: 'answer', text: line };
}

class ExamLeft extends Error {}
class ExamTimeUp extends Error {}

export async function runExamSession(options: ExamSessionOptions, deps: ExamSessionDeps): Promise<ExamSessionResult> {
  const { exams, reader, out } = deps;
  const clock = deps.clock ?? (() => new Date());
  const style = deps.view?.style ?? createStyle(false);

  // A learner's open exam is continued (its deadline unchanged); otherwise a new one is drawn.
  let cover: ExamCover;
  let resumed = false;
  try {
    cover = exams.create({
      userId: options.userId,
      displayName: options.displayName,
      ...(options.locale ? { locale: options.locale } : {}),
      ...(options.bankId ? { bankId: options.bankId } : {}),
      ...(options.paperId ? { paperId: options.paperId } : {}),
      ...(options.minutes !== undefined ? { minutes: options.minutes } : {}),
    });
  } catch (error) {
    const open = isUserError(error) && error.code === 'exam-already-open' ? exams.findOpen(options.userId) : null;
    if (!open) throw error;
    cover = open;
    resumed = true;
  }
  const examId = cover.examId;
  const locale: Locale = options.interfaceLocale ?? resolveLocale(cover.locale);
  const view: PracticeView = { locale, style };
  const when = (date: Date) => formatDateTime(date, locale, options.timeZone);

  out.write(`${style.bold(t(locale, 'examCli.cover', { title: cover.title, count: cover.questionCount, points: cover.totalPoints, minutes: cover.timeLimitMinutes }))}\n`);
  for (const section of cover.sections) {
    out.write(`${t(locale, 'examCli.section', { title: section.title, count: section.questionCount, points: section.points })}\n`);
  }
  out.write(`${style.dim(t(locale, 'examCli.howTo'))}\n`);

  /** Runs an exam action; past the deadline the service hands the exam in and we report that. */
  const act = <T>(action: () => T): T => {
    try {
      return action();
    } catch (error) {
      if (isUserError(error) && error.code === 'exam-submitted') throw new ExamTimeUp();
      throw error;
    }
  };

  const showQuestion = (current: ExamQuestionView) => {
    out.write(renderQuestion({ bank: current.bank, question: current.question, index: current.index, total: current.navigation.total, attempt: null }, view));
    const status = [t(locale, 'examCli.status', { section: current.sectionTitle, left: formatClock(current.timeLeftMs) })];
    if (current.flagged) status.push(style.yellow(t(locale, 'examCli.flagged')));
    out.write(`${style.dim(status.join(' · '))}\n`);
    out.write(`${current.answerText === null ? t(locale, 'examCli.noAnswer') : t(locale, 'examCli.yourAnswer', { answer: current.answerText })}\n`);
  };

  const showList = (current: ExamQuestionView) => {
    const nav = current.navigation;
    out.write(`${t(locale, 'examCli.list', { answered: nav.answered, unanswered: nav.unanswered, flagged: nav.flagged })}\n`);
    for (const section of current.cover.sections) {
      const marks = section.questionIndexes.map((index) => {
        const item = nav.items[index]!;
        return `${index + 1}${item.state === 'answered' ? '✔' : '○'}${item.flagged ? '⚑' : ''}`;
      });
      out.write(`${t(locale, 'examCli.listSection', { title: section.title, marks: marks.join(' ') })}\n`);
    }
  };

  /** Reads a written answer: lines until one holding only `.` (or the end of input). */
  const readWritten = async (first: string): Promise<string> => {
    if (isEndOfAnswer(first)) return '';
    const lines = [first];
    for (;;) {
      const more = await reader.read(t(locale, 'practice.morePrompt'));
      if (more === null || isEndOfAnswer(more)) break;
      lines.push(more);
    }
    while (lines.length > 1 && lines[lines.length - 1]!.trim() === '') lines.pop();
    return lines.join('\n');
  };

  let submission: ExamSubmission | null = null;
  try {
    let current = act(() => exams.begin(examId, options.userId, clock()));
    out.write(`${t(locale, resumed ? 'examCli.resumed' : 'examCli.started', { deadline: when(current.deadline) })}\n`);
    showQuestion(current);
    for (;;) {
      const line = await reader.read(t(locale, 'practice.answerPrompt'));
      if (line === null) throw new ExamLeft();
      const command = parseExamCommand(line);
      try {
        switch (command.kind) {
          case 'quit':
            throw new ExamLeft();
          case 'next':
          case 'previous': {
            const move = command.kind;
            current = act(() => exams.go(examId, options.userId, move, clock()));
            showQuestion(current);
            break;
          }
          case 'go':
            current = act(() => exams.go(examId, options.userId, { index: command.index }, clock()));
            showQuestion(current);
            break;
          case 'flag':
            current = act(() => exams.flag(examId, options.userId, current.index, undefined, clock()));
            out.write(`${current.flagged ? t(locale, 'examCli.flagged') : t(locale, 'examCli.saved')}\n`);
            break;
          case 'list':
            current = act(() => exams.view(examId, options.userId, current.index, clock()));
            showList(current);
            break;
          case 'time':
            current = act(() => exams.view(examId, options.userId, current.index, clock()));
            out.write(`${t(locale, 'examCli.timeLeft', { left: formatClock(current.timeLeftMs), deadline: when(current.deadline) })}\n`);
            break;
          case 'submit': {
            const confirmation = act(() => exams.confirmSubmit(examId, options.userId, clock()));
            const answer = await reader.read(`${t(locale, 'examCli.confirm', { unanswered: confirmation.unanswered })} `);
            if (answer === null) throw new ExamLeft();
            if (!/^(y|yes|是|确定)$/i.test(answer.trim())) {
              out.write(`${t(locale, 'examCli.notSubmitted')}\n`);
              break;
            }
            submission = act(() =>
              exams.submit({
                examId,
                userId: options.userId,
                now: clock(),
                onProgress: (progress) => {
                  if (progress.writtenTotal > 0) out.write(`${style.dim(t(locale, 'examCli.grading', { done: progress.writtenDone, total: progress.writtenTotal }))}\n`);
                },
              }),
            );
            break;
          }
          case 'answer': {
            const text = isFreeText(current.question) ? await readWritten(command.text) : command.text;
            const outcome = act(() => exams.answer({ examId, userId: options.userId, index: current.index, answer: text, now: clock() }));
            if (outcome.status === 'invalid') {
              out.write(`${style.yellow(t(locale, 'practice.invalid', { reason: t(locale, `invalid.${outcome.reason.code}`) }))}\n`);
              break;
            }
            out.write(`${style.green(t(locale, 'examCli.saved'))}\n`);
            // Like turning the page: after an answer the next question is shown (the last one stays).
            current = outcome.view.navigation.hasNext ? act(() => exams.go(examId, options.userId, 'next', clock())) : outcome.view;
            showQuestion(current);
            break;
          }
        }
      } catch (error) {
        if (!isUserError(error) || error.code !== 'exam-question-out-of-range') throw error;
        out.write(`${error.localized(locale)}\n`);
      }
      if (submission) break;
    }
  } catch (error) {
    if (error instanceof ExamLeft) {
      const open = exams.cover(examId);
      if (open.deadline) out.write(`${t(locale, 'examCli.left', { deadline: when(open.deadline) })}\n`);
      return { examId, report: null };
    }
    if (!(error instanceof ExamTimeUp)) throw error;
    out.write(`${style.yellow(t(locale, 'examCli.timeUp'))}\n`);
  }

  const report = submission ? await submission.report : await exams.awaitReport(examId);
  out.write(renderExamReport(report, view));
  await reviewLoop(report, options, { ...deps, view }, locale);
  return { examId, report };
}

/** The score report: total, per section, time used, questions that lost points. */
export function renderExamReport(report: ExamReport, view: PracticeView): string {
  const { locale, style } = view;
  const lines = ['', style.bold(t(locale, 'examCli.score', { score: formatPoints(report.score), total: formatPoints(report.totalPoints) }))];
  for (const section of report.sections) {
    lines.push(t(locale, 'examCli.sectionScore', { title: section.title, score: formatPoints(section.score), points: formatPoints(section.points) }));
  }
  lines.push(t(locale, 'examCli.timeUsed', { time: formatPracticeDuration(locale, report.timeUsedMs) }));
  lines.push(t(locale, 'examCli.answered', { answered: report.answered, total: report.questions.length }));
  if (report.lostPoints.length === 0) {
    lines.push(t(locale, 'examCli.lostNone'));
  } else {
    const list = report.lostPoints.map((index) => {
      const result = report.questions[index]!;
      return `${index + 1} (${formatPoints(result.score)}/${formatPoints(result.points)}${result.provisional ? '*' : ''})`;
    });
    lines.push(t(locale, 'examCli.lost', { list: list.join(', ') }));
  }
  if (report.provisional) lines.push(style.dim(t(locale, 'examCli.provisional')));
  return `${lines.join('\n')}\n`;
}

async function reviewLoop(report: ExamReport, options: ExamSessionOptions, deps: ExamSessionDeps & { view: PracticeView }, locale: Locale): Promise<void> {
  const { exams, reader, out, view } = deps;
  const examId = report.cover.examId;
  out.write(`${view.style.dim(t(locale, 'examCli.reviewHowTo'))}\n`);
  let shown: number | null = null;
  for (;;) {
    const line = await reader.read(t(locale, 'examCli.reviewPrompt'));
    if (line === null) return;
    const trimmed = line.trim();
    if (trimmed === '' || /^(q|quit|exit)$/i.test(trimmed)) return;
    if (/^\d{1,4}$/.test(trimmed)) {
      try {
        const item = exams.review(examId, options.userId, Number(trimmed) - 1);
        shown = item.index;
        out.write(`\n${view.style.bold(t(locale, 'examCli.reviewHeading', { index: item.index + 1, total: item.total, section: item.sectionTitle, score: formatPoints(item.score), points: formatPoints(item.points) }))}\n${item.question.stem}\n`);
        if (item.grade && item.grade.status !== 'invalid' && item.gradedBy !== null && item.gradedBy !== 'teacher') {
          out.write(renderOutcome({ question: item.question, grade: item.grade, score: item.score, maxScore: item.points, feedback: item.feedback, gradedBy: item.gradedBy }, view));
        } else {
          out.write(`${t(locale, item.answered ? 'examCli.yourAnswer' : 'examCli.unanswered', { answer: item.answerText ?? '' })}\n`);
        }
        out.write(renderReference(item.question, view));
      } catch (error) {
        if (!isUserError(error)) throw error;
        out.write(`${error.localized(locale)}\n`);
      }
      continue;
    }
    if (shown === null) {
      out.write(`${t(locale, 'examCli.askFirst')}\n`);
      continue;
    }
    const reply = await exams.ask({ examId, userId: options.userId, index: shown, message: trimmed.replace(/^[?？]\s*/u, ''), ...(options.locale ? { locale: options.locale } : {}) });
    out.write(renderFollowUp(reply, view));
  }
}

function parseMinutes(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const minutes = Number(value);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 600) throw new UserError('invalid-option', { option: '--minutes', expected: 'a whole number from 1 to 600', value });
  return minutes;
}

function isTty(stream: CliIo['stdin'] | CliIo['stdout']): boolean {
  return 'isTTY' in stream && stream.isTTY === true;
}

export const examCommand: CliCommand = {
  path: ['exam'],
  usage: 'exam [--bank <id>] [--paper <id>] [--minutes <n>] [--user <name>] [--lang en|zh]',
  summary: 'Sit a paper as an exam in the terminal, under its time limit, with a score report at the end',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      strict: true,
      options: { bank: { type: 'string' }, paper: { type: 'string' }, minutes: { type: 'string' }, user: { type: 'string' }, lang: { type: 'string' } },
    });
    let interfaceLocale = localeFromEnv(io.env);
    try {
      if (values.lang !== undefined) {
        if (!/^(en|zh)(-|$)/i.test(values.lang)) throw new UserError('invalid-option', { option: '--lang', expected: 'en or zh', value: values.lang });
        interfaceLocale = resolveLocale(values.lang);
      }
      const minutes = parseMinutes(values.minutes);
      const userName = values.user?.trim() || defaultUserName(io.env);
      const config = loadConfig(io.env);
      const logger = createLogger({ level: io.env.LOG_LEVEL ? config.LOG_LEVEL : 'error', destination: io.stderr, secrets: secretsFromEnv(config) });
      const app = await createApp(config, { logger, cwd: io.cwd });
      const terminal = isTty(io.stdin) && isTty(io.stdout);
      const reader = createLineReader(io.stdin, io.stdout, terminal);
      try {
        if (values.bank && !app.banks.get(values.bank)) {
          throw new UserError('unknown-bank', { bankId: values.bank, banks: app.banks.list().map((bank) => bank.id).join(', ') || '—', hint: '' });
        }
        // An exam whose deadline passed while nobody was looking is handed in before anything else.
        app.exams.submitOverdue();
        interfaceLocale ??= resolveLocale(app.banks.get(values.bank ?? app.banks.list()[0]?.id ?? '')?.language);
        await runExamSession(
          {
            userId: `${LOCAL_USER_PREFIX}${userName}`,
            displayName: userName,
            ...(values.bank ? { bankId: values.bank } : {}),
            ...(values.paper ? { paperId: values.paper } : {}),
            ...(minutes !== undefined ? { minutes } : {}),
            ...(values.lang || localeFromEnv(io.env) ? { locale: interfaceLocale } : {}),
            interfaceLocale,
            timeZone: config.TIME_ZONE,
          },
          { exams: app.exams, reader, out: io.stdout, view: { style: createStyle(terminal && !io.env.NO_COLOR) } },
        );
        return 0;
      } finally {
        reader.close();
        app.close();
      }
    } catch (error) {
      if (isUserError(error)) {
        io.stderr.write(`${error.localized(interfaceLocale)}\n`);
        return 1;
      }
      throw error;
    }
  },
};
