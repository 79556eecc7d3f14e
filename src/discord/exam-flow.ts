import type { ChatInputCommandInteraction, Client, Message, ThreadChannel } from 'discord.js';
import { startExamDeadlineTimer } from '../exam/deadline-timer.ts';
import type { ExamCover, ExamReport, ExamSubmission } from '../exam/types.ts';
import { isUserError } from '../errors.ts';
import { resolveLocale, t, type Locale, type MessageKey } from '../messages/catalog.ts';
import { postResult } from './deliver.ts';
import { classifyThreadMessage } from './message-rule.ts';
import { displayNameOf, openThread, threadPlan, type NoThreadReason } from './quiz-flow.ts';
import { renderExamAlreadyOpen, renderExamCard, renderExamCover, renderExamGrading, renderExamQuestion, renderExamReport, renderExamThreadName } from './render-exam.ts';
import { renderError, renderInvalidAnswer, renderPlain, type MessagePayload } from './render.ts';
import { newReference } from './router.ts';
import type { BotDeps } from './types.ts';

/**
 * `/exam` on Discord outside the component handlers: opening the exam (card, private thread, cover),
 * posting automatic submissions and their score reports, the deadline timer, and messages typed in an
 * exam thread (written answers taken, everything else politely refused until hand-in).
 */

const NO_THREAD_KEYS: Record<NoThreadReason, MessageKey> = {
  permission: 'exam.noThread.permission',
  inThread: 'exam.noThread.inThread',
  dm: 'exam.noThread.dm',
  channelType: 'exam.noThread.channelType',
  failed: 'exam.noThread.failed',
};

export interface StartExamOptions {
  bankId?: string;
  paperId?: string;
  minutes?: number;
}

/** Runs after the dispatcher deferred a public reply: the card answers the command, the cover goes in a private thread. */
export async function startExamFromCommand(interaction: ChatInputCommandInteraction, deps: BotDeps, locale: Locale, options: StartExamOptions): Promise<void> {
  const displayName = displayNameOf(interaction);
  let cover: ExamCover;
  try {
    cover = deps.exams.create({
      userId: interaction.user.id,
      displayName,
      locale,
      guildId: interaction.guildId,
      channelId: interaction.channelId,
      ...(options.bankId ? { bankId: options.bankId } : {}),
      ...(options.paperId ? { paperId: options.paperId } : {}),
      ...(options.minutes !== undefined ? { minutes: options.minutes } : {}),
    });
  } catch (error) {
    // One exam at a time: the second /exam points to the open one.
    if (!isUserError(error) || error.code !== 'exam-already-open') throw error;
    const threadId = String(error.params.threadId ?? '');
    await interaction.editReply(renderExamAlreadyOpen(locale, { title: String(error.params.title ?? ''), threadId: threadId || null }));
    return;
  }
  // An exam is one learner's: a private thread where the server allows it.
  const plan = threadPlan(interaction, true);
  if ('reason' in plan) {
    await runInPlace(interaction, deps, locale, cover, t(locale, NO_THREAD_KEYS[plan.reason]));
    return;
  }
  const card = (await interaction.editReply(renderExamCard({ locale, cover, threadId: null }))) as Message;
  let thread: ThreadChannel;
  try {
    thread = await openThread(plan, interaction.user.id, renderExamThreadName(locale, displayName, cover.title), card.id);
  } catch (error) {
    deps.logger.warn({ err: error, interactionId: interaction.id, examId: cover.examId }, 'could not open an exam thread; running in place');
    await runInPlace(interaction, deps, locale, cover, t(locale, 'exam.noThread.failed'));
    return;
  }
  deps.exams.attachThread(cover.examId, thread.id);
  deps.logger.info({ examId: cover.examId, userId: interaction.user.id, guildId: interaction.guildId, threadId: thread.id, private: plan.private }, 'exam opened in a thread');
  const coverMessage = renderExamCover(locale, cover);
  await thread.send(coverMessage).catch(async (error: unknown) => {
    deps.logger.warn({ err: error, interactionId: interaction.id, examId: cover.examId }, 'could not post the exam cover in the thread');
    await postResult(interaction, coverMessage, deps.logger);
  });
  await interaction.editReply(renderExamCard({ locale, cover, threadId: thread.id, ...(plan.privateRefused ? { notice: t(locale, 'exam.privateFallback') } : {}) }));
}

async function runInPlace(interaction: ChatInputCommandInteraction, deps: BotDeps, locale: Locale, cover: ExamCover, notice: string): Promise<void> {
  deps.logger.info({ examId: cover.examId, userId: interaction.user.id, channelId: interaction.channelId, notice }, 'exam opened in place');
  await interaction.editReply(renderExamCard({ locale, cover, threadId: null, notice }));
  await postResult(interaction, renderExamCover(locale, cover), deps.logger);
}

// ---------------------------------------------------------------------------------------------
// Grading progress and the score report

/** Written answers still with the tutor right after submission (answered, no attempt yet). */
export function writtenPending(report: ExamReport): number {
  return report.questions.filter((question) => question.answered && question.attemptId === null).length;
}

/**
 * Keeps a "Grading written answers: 2 of 4" message current while the tutor grades, at most one edit
 * per `intervalMs` (every REST edit counts against discord.js's global 50 requests/s), then shows the
 * report in its place. An edit that fails is logged; the report is posted anew by the caller.
 */
export function progressEditor(edit: (payload: MessagePayload) => Promise<unknown>, deps: Pick<BotDeps, 'logger'>, intervalMs = 1_000) {
  let latest: MessagePayload | null = null;
  let chain: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    if (!latest) return;
    const payload = latest;
    latest = null;
    chain = chain.then(() => edit(payload)).catch((error: unknown) => deps.logger.debug({ err: error }, 'could not update the grading progress'));
  }, intervalMs);
  timer.unref();
  return {
    update(payload: MessagePayload): void {
      latest = payload;
    },
    /** Stops the updates and waits for the one in flight, so the report is never overwritten by a late progress line. */
    async stop(): Promise<void> {
      clearInterval(timer);
      latest = null;
      await chain;
    },
  };
}

/**
 * An automatic submission (the deadline passed, while running or while the bot was down): "time is up"
 * and the grading line in the exam's thread (or the channel it runs in), then the score report there.
 */
export async function postAutoSubmission(client: Client, deps: BotDeps, submission: ExamSubmission): Promise<void> {
  const { cover } = submission;
  const locale = resolveLocale(cover.locale);
  const where = cover.threadId ?? cover.channelId;
  if (!where) {
    deps.logger.warn({ examId: cover.examId }, 'an exam was submitted automatically but has no thread or channel to report in');
    return;
  }
  const channel = await client.channels.fetch(where).catch(() => null);
  if (!channel?.isSendable()) {
    deps.logger.warn({ examId: cover.examId, channelId: where }, 'the exam’s thread is gone or closed; its report is kept for /stats');
    return;
  }
  const grading = renderExamGrading({ locale, cover, submittedBy: submission.submittedBy, progress: { examId: cover.examId, writtenTotal: writtenPending(submission.initial), writtenDone: 0 } });
  const pending = writtenPending(submission.initial) > 0 ? await channel.send(grading) : null;
  const report = renderExamReport(locale, await submission.report);
  if (pending) {
    const edited = await pending.edit(report).then(
      () => true,
      () => false,
    );
    if (edited) return;
  }
  await channel.send(report);
}

/**
 * Submits exams at their deadline through the core's timer (at start: anything overdue while the bot
 * was down, or left grading by a crash; then at each deadline) and posts each automatic submission and
 * its report in the exam's thread, once per process.
 */
export function watchExamDeadlines(client: Client, deps: BotDeps, options: { pollMs?: number; clock?: () => Date } = {}): () => void {
  const posted = new Set<string>();
  // Registered before the timer starts, so the submissions it makes at once are posted too.
  const unsubscribe = deps.exams.onAutoSubmit((submission) => {
    const examId = submission.cover.examId;
    if (posted.has(examId)) return;
    posted.add(examId);
    deps.logger.info({ examId, userId: submission.cover.ownerId, submittedBy: submission.submittedBy }, 'exam submitted automatically');
    postAutoSubmission(client, deps, submission).catch((error: unknown) => deps.logger.error({ err: error, examId }, 'could not post an automatic exam submission'));
  });
  const timer = startExamDeadlineTimer(deps.exams, {
    logger: deps.logger,
    ...(options.pollMs !== undefined ? { maxDelayMs: options.pollMs } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return () => {
    timer.stop();
    unsubscribe();
  };
}

// ---------------------------------------------------------------------------------------------
// Messages typed in an exam thread

/**
 * A message from the exam's owner in its thread. While the exam runs, a written answer typed for the
 * current short or essay question is saved (as the quiz takes typed answers); anything else, a
 * follow-up question above all, is politely refused: no tutor before hand-in. Returns false when the
 * thread holds no exam of the author's, so the quiz's handling applies.
 */
export async function handleExamThreadMessage(message: Message, text: string, deps: BotDeps): Promise<boolean> {
  const exam = deps.exams.findByThread(message.channelId, message.author.id);
  if (!exam) return false;
  const locale = resolveLocale(exam.locale);
  try {
    if (exam.status === 'grading' || exam.status === 'graded') {
      await message.reply(renderPlain(t(locale, 'exam.askInReview')));
      return true;
    }
    if (exam.status === 'ready') {
      await message.reply(renderPlain(t(locale, 'error.exam-not-started')));
      return true;
    }
    const view = deps.exams.view(exam.examId, message.author.id);
    // Answers stay changeable, so a typed text is an answer even where one is saved: "answered" is false.
    const intent = classifyThreadMessage({ text, questionType: view.question.type, answered: false });
    if (intent !== 'answer') {
      await message.reply(renderPlain(t(locale, 'exam.refused')));
      return true;
    }
    const outcome = deps.exams.answer({ examId: exam.examId, userId: message.author.id, index: view.index, answer: text });
    if (outcome.status === 'invalid') {
      await message.reply(renderInvalidAnswer(locale, outcome.reason));
      return true;
    }
    await message.reply(renderPlain(t(locale, 'exam.typedSaved', { index: view.index + 1 })));
    await refreshQuestionMessage(message, exam.examId, view.index, renderExamQuestion({ locale, view: outcome.view })).catch((error: unknown) => {
      deps.logger.debug({ err: error, messageId: message.id }, 'could not show a typed exam answer on its question');
    });
  } catch (error) {
    let payload;
    if (isUserError(error)) {
      payload = renderPlain(error.localized(locale));
    } else {
      const reference = newReference();
      deps.logger.error({ err: error, messageId: message.id, examId: exam.examId, reference }, 'exam thread message failed');
      payload = renderError(locale, reference);
    }
    await message.reply(payload).catch((secondError: unknown) => deps.logger.warn({ err: secondError, messageId: message.id }, 'could not answer in the exam thread'));
  }
  return true;
}

/** The question's own message (its Previous button names the exam and the question) shows the typed answer as saved. */
async function refreshQuestionMessage(message: Message, examId: string, index: number, payload: MessagePayload): Promise<void> {
  if (!message.channel.isThread()) return;
  const marker = `"exam:prev:${examId}:${index}"`;
  const botId = message.client.user.id;
  const isQuestion = (candidate: Message) => candidate.author.id === botId && JSON.stringify(candidate.components.map((component) => component.toJSON())).includes(marker);
  const thread = message.channel;
  const found = [...thread.messages.cache.values()].reverse().find(isQuestion) ?? (await thread.messages.fetch({ limit: 25 })).find(isQuestion);
  if (found) await found.edit(payload);
}
