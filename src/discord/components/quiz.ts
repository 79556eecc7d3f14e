import { MessageFlags } from 'discord.js';
import type { RawAnswer } from '../../grading/types.ts';
import type { Locale } from '../../messages/catalog.ts';
import type { AnswerOutcome, QuestionPointer } from '../../quiz/types.ts';
import { deliverResult, postResult, retireButtons } from '../deliver.ts';
import { bankTitleOf } from '../quiz-flow.ts';
import { readAnswerModal } from './answer-input.ts';
import {
  NO_MENTIONS,
  renderAnswerModal,
  renderAnsweredQuestion,
  renderAskModal,
  renderBlanksContinue,
  renderFollowUp,
  renderInvalidAnswer,
  renderQuestion,
  renderSummary,
  renderVerdict,
} from '../render.ts';
import type { BotDeps, ComponentContext, ComponentHandler } from '../types.ts';

/**
 * The quiz's buttons, select menu and modals. The quiz service checks who may click and whether the
 * question can still be answered (`quiz.openQuestion`, `quiz.submitAnswer`); the dispatcher asked it
 * before acknowledging the interaction per `defer`.
 */

/**
 * A click on a question whose answer is already stored (a repeat click, or the result never reached
 * Discord: a deleted reply, a locked thread) shows that stored verdict with Next instead of refusing.
 * Returns false, touching nothing, when the question is still unanswered.
 */
async function showStoredVerdict(
  context: Pick<ComponentContext, 'interaction' | 'deps' | 'locale'> & { id: { sessionId: string } },
  pointer: QuestionPointer,
): Promise<boolean> {
  const { interaction, deps, locale, id } = context;
  const answered = deps.quiz.answeredQuestion(id.sessionId, interaction.user.id, pointer);
  if (!answered) return false;
  const { session, current } = answered;
  const attempt = current.attempt;
  const outcome: Extract<AnswerOutcome, { status: 'graded' }> = {
    status: 'graded',
    session,
    bank: current.bank,
    question: current.question,
    grade: attempt.grade,
    feedback: attempt.feedback,
    attemptId: attempt.attemptId,
    score: attempt.score,
    maxScore: attempt.maxScore,
    gradedBy: attempt.gradedBy,
    isLastQuestion: current.index >= current.total - 1,
  };
  // Shown as it was when first graded: numbered blanks, and a menu's keys ("AC") as "A, C".
  const type = current.question.type;
  const answerText =
    type === 'blank'
      ? attempt.answer.split('\n').map((blank, index) => `${index + 1}. ${blank}`).join('\n')
      : type === 'multi' && /^[A-Z]+$/.test(attempt.answer)
        ? attempt.answer.split('').join(', ')
        : attempt.answer;
  // Unless a reply ("Grading…") was sent, the message shown is the question's own: keep the question above the verdict.
  await deliverResult(interaction, renderVerdict({ locale, outcome, answerText, withQuestion: !interaction.replied }), deps.logger);
  return true;
}

/** Grades an answer and turns the visible "Grading…" reply into the verdict. */
export async function submitAndShowVerdict(
  context: Pick<ComponentContext, 'interaction' | 'deps' | 'locale'> & { id: { sessionId: string } },
  questionId: string,
  answer: RawAnswer,
  answerText: string,
  /** What the component's message is: the question (shown as answered) or a Continue prompt (buttons removed). */
  source: 'question' | 'prompt' = 'question',
): Promise<void> {
  const { interaction, deps, locale, id } = context;
  const sessionId = id.sessionId;
  const outcome = await deps.quiz.submitAnswer({ sessionId, questionId, userId: interaction.user.id, answer, locale });
  if (outcome.status === 'invalid') {
    if (outcome.grade.status !== 'invalid') throw new Error('An invalid outcome without a reason');
    await deliverResult(interaction, renderInvalidAnswer(locale, outcome.grade.reason), deps.logger);
    return;
  }
  await deliverResult(interaction, renderVerdict({ locale, outcome, answerText }), deps.logger);
  // The question's own buttons go, so nobody clicks an answered question; a failure here is harmless.
  if (interaction.message) {
    const current = { bank: outcome.bank, question: outcome.question, index: outcome.session.position, total: outcome.session.questions.length };
    const cleared = source === 'question' ? renderAnsweredQuestion({ locale, sessionId, current }) : { components: [], allowedMentions: NO_MENTIONS };
    await interaction.message.edit(cleared).catch((error: unknown) => {
      deps.logger.debug({ err: error, interactionId: interaction.id }, 'could not clear an answered question’s buttons');
    });
  }
}

/** If grading has not answered within this long, acknowledge first and edit afterwards. */
const INSTANT_GRADING_BUDGET_MS = 1_500;

/**
 * A button answer to an objective question (choice, true/false, multi): graded by rule in
 * milliseconds, so the click is answered by updating the question's own message with the verdict
 * (one callback, no "Grading…" message). Should grading ever be slow, the update is deferred first,
 * so the 3-second deadline still holds.
 */
async function gradeInPlace(
  context: Pick<ComponentContext, 'interaction' | 'deps' | 'locale'> & { id: { sessionId: string } },
  questionId: string,
  answer: RawAnswer,
  answerText: string,
): Promise<void> {
  const { interaction, deps, locale, id } = context;
  if (interaction.isModalSubmit()) return;
  let lateAck: Promise<unknown> | undefined;
  const timer = setTimeout(() => {
    lateAck = interaction.deferUpdate();
  }, INSTANT_GRADING_BUDGET_MS);
  let outcome;
  try {
    outcome = await deps.quiz.submitAnswer({ sessionId: id.sessionId, questionId, userId: interaction.user.id, answer, locale });
  } finally {
    clearTimeout(timer);
    if (lateAck) await lateAck;
  }
  if (outcome.status === 'invalid') {
    if (outcome.grade.status !== 'invalid') throw new Error('An invalid outcome without a reason');
    const note = { ...renderInvalidAnswer(locale, outcome.grade.reason), flags: MessageFlags.Ephemeral as const };
    await (lateAck ? interaction.followUp(note) : interaction.reply(note));
    return;
  }
  await deliverResult(interaction, renderVerdict({ locale, outcome, answerText, withQuestion: true }), deps.logger);
}

const answerButton: ComponentHandler<'answer'> = {
  kinds: ['answer'],
  defer: 'none',
  async handle(context) {
    const { interaction, id, deps } = context;
    if (await showStoredVerdict(context, id.question)) return;
    const { current } = deps.quiz.openQuestion(id.sessionId, interaction.user.id, id.question);
    const answer = current.question.type === 'truefalse' ? (id.choice === 'T' ? 'true' : 'false') : id.choice;
    await gradeInPlace(context, current.question.id, answer, answer);
  },
};

const multiSelect: ComponentHandler<'select'> = {
  kinds: ['select'],
  defer: 'update',
  async handle(context) {
    const { interaction, id, deps, locale } = context;
    if (!interaction.isStringSelectMenu()) return;
    if (await showStoredVerdict(context, id.question)) return;
    const view = deps.quiz.openQuestion(id.sessionId, interaction.user.id, id.question);
    const keys = [...interaction.values].sort().join('');
    await deliverResult(interaction, renderQuestion({ locale, sessionId: id.sessionId, current: view.current, selectedKeys: keys }), deps.logger);
  },
};

const multiSubmit: ComponentHandler<'submit'> = {
  kinds: ['submit'],
  defer: 'none',
  async handle(context) {
    const { interaction, id, deps } = context;
    if (await showStoredVerdict(context, id.question)) return;
    const { current } = deps.quiz.openQuestion(id.sessionId, interaction.user.id, id.question);
    await gradeInPlace(context, current.question.id, id.keys, id.keys.split('').join(', '));
  },
};

const openAnswerModal: ComponentHandler<'open'> = {
  kinds: ['open'],
  defer: 'none',
  async handle(context) {
    const { interaction, id, deps, locale } = context;
    if (interaction.isModalSubmit()) return;
    if (await showStoredVerdict(context, id.question)) return;
    const { current } = deps.quiz.openQuestion(id.sessionId, interaction.user.id, id.question);
    await interaction.showModal(renderAnswerModal({ locale, sessionId: id.sessionId, question: current.question, index: current.index, from: id.from }));
  },
};

const answerModal: ComponentHandler<'modal'> = {
  kinds: ['modal'],
  defer: 'grading',
  async handle(context) {
    const { interaction, id, deps, locale } = context;
    if (!interaction.isModalSubmit()) return;
    if (await showStoredVerdict(context, id.question)) return;
    const { current } = deps.quiz.openQuestion(id.sessionId, interaction.user.id, id.question);
    const question = current.question;
    const read = readAnswerModal(interaction, question, id.from, `${id.sessionId}:${question.id}`);
    if (read.status === 'continue') {
      await deliverResult(interaction, renderBlanksContinue(locale, id.sessionId, question, current.index, read.from, read.total), deps.logger);
      return;
    }
    await submitAndShowVerdict(context, question.id, read.answer, read.shown, id.from === 0 ? 'question' : 'prompt');
  },
};

const nextButton: ComponentHandler<'next'> = {
  kinds: ['next'],
  defer: 'update',
  async handle({ interaction, id, deps, locale }) {
    // Next is offered only under an answered question. On an unanswered one it was pressed already
    // (a second click on a message whose buttons could not be removed): show that question, don't skip it.
    const shown = deps.quiz.view(id.sessionId);
    const view = shown.current && !shown.current.attempt ? shown : deps.quiz.next(id.sessionId, interaction.user.id);
    await retireButtons(interaction, { components: [], allowedMentions: NO_MENTIONS }, deps.logger);
    if (view.current) {
      await postResult(interaction, renderQuestion({ locale, sessionId: id.sessionId, current: view.current }), deps.logger);
      return;
    }
    await postResult(interaction, renderSummary(locale, deps.quiz.summary(id.sessionId), bankTitleOf(view, locale, deps)), deps.logger);
  },
};

const endButton: ComponentHandler<'end'> = {
  kinds: ['end'],
  defer: 'update',
  async handle({ interaction, id, deps, locale }) {
    const summary = deps.quiz.end(id.sessionId, interaction.user.id);
    await retireButtons(interaction, { components: [], allowedMentions: NO_MENTIONS }, deps.logger);
    await postResult(interaction, renderSummary(locale, summary, bankTitleOf({ session: summary.session, current: null }, locale, deps)), deps.logger);
  },
};

const askButton: ComponentHandler<'ask'> = {
  kinds: ['ask'],
  defer: 'none',
  async handle({ interaction, id, locale }) {
    if (interaction.isModalSubmit()) return;
    await interaction.showModal(renderAskModal(locale, id.sessionId));
  },
};

const askModal: ComponentHandler<'askmodal'> = {
  kinds: ['askmodal'],
  defer: 'thinking',
  async handle({ interaction, id, deps, locale }) {
    if (!interaction.isModalSubmit()) return;
    const text = interaction.fields.getTextInputValue('message');
    await deliverResult(interaction, await askTutor(deps, id.sessionId, interaction.user.id, text, locale), deps.logger);
  },
};

/** A follow-up to the tutor, rendered with Next/End when the current question is already answered. */
export async function askTutor(deps: BotDeps, sessionId: string, userId: string, text: string, locale: Locale) {
  const reply = await deps.quiz.ask({ sessionId, userId, message: text, locale });
  const view = deps.quiz.view(sessionId);
  const answered = Boolean(view.current?.attempt);
  const isLastQuestion = view.current ? view.current.index === view.current.total - 1 : false;
  return renderFollowUp({ locale, sessionId, message: text, reply, answered, isLastQuestion });
}

export const quizComponentHandlers = [
  answerButton,
  multiSelect,
  multiSubmit,
  openAnswerModal,
  answerModal,
  nextButton,
  endButton,
  askButton,
  askModal,
] as const;
