import { MessageFlags } from 'discord.js';
import type { RawAnswer } from '../../grading/types.ts';
import { UserError } from '../../errors.ts';
import type { QuizSession, SessionView } from '../../quiz/types.ts';
import type { QuestionPointer } from '../custom-id.ts';
import type { Locale } from '../../messages/catalog.ts';
import { bankTitleOf } from '../quiz-flow.ts';
import {
  BLANKS_PER_MODAL,
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
 * The quiz's buttons, select menu and modals. The dispatcher has already checked that the clicker
 * owns the session and that it is still active, and has acknowledged the interaction per `defer`.
 */

function questionIdOf(session: QuizSession, pointer: QuestionPointer): string {
  if ('id' in pointer) return pointer.id;
  const ref = session.questions[pointer.index];
  if (!ref) throw new UserError('stale-question');
  return ref.questionId;
}

/** The current question, checked to be the one the component was made for and still unanswered. */
function requireCurrent(deps: BotDeps, sessionId: string, pointer: QuestionPointer): SessionView & { current: NonNullable<SessionView['current']> } {
  const view = deps.quiz.view(sessionId);
  const current = view.current;
  if (!current) throw new UserError('session-finished');
  if (current.question.id !== questionIdOf(view.session, pointer)) throw new UserError('stale-question');
  if (current.attempt) throw new UserError('already-answered');
  return { ...view, current };
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
    await interaction.editReply(renderInvalidAnswer(locale, outcome.grade.reason));
    return;
  }
  await interaction.editReply(renderVerdict({ locale, outcome, answerText }));
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
  const payload = renderVerdict({ locale, outcome, answerText, withQuestion: true });
  await (lateAck ? interaction.editReply(payload) : interaction.update(payload));
}

const answerButton: ComponentHandler<'answer'> = {
  kinds: ['answer'],
  defer: 'none',
  async handle(context) {
    const { id, deps } = context;
    const { current } = requireCurrent(deps, id.sessionId, id.question);
    const answer = current.question.type === 'truefalse' ? (id.choice === 'T' ? 'true' : 'false') : id.choice;
    await gradeInPlace(context, current.question.id, answer, answer);
  },
};

const multiSelect: ComponentHandler<'select'> = {
  kinds: ['select'],
  defer: 'update',
  async handle({ interaction, id, deps, locale }) {
    if (!interaction.isStringSelectMenu()) return;
    const view = requireCurrent(deps, id.sessionId, id.question);
    const keys = [...interaction.values].sort().join('');
    await interaction.editReply(renderQuestion({ locale, sessionId: id.sessionId, current: view.current, selectedKeys: keys }));
  },
};

const multiSubmit: ComponentHandler<'submit'> = {
  kinds: ['submit'],
  defer: 'none',
  async handle(context) {
    const { id, deps } = context;
    const { current } = requireCurrent(deps, id.sessionId, id.question);
    await gradeInPlace(context, current.question.id, id.keys, id.keys.split('').join(', '));
  },
};

const openAnswerModal: ComponentHandler<'open'> = {
  kinds: ['open'],
  defer: 'none',
  async handle({ interaction, id, deps, locale }) {
    if (interaction.isModalSubmit()) return;
    const { current } = requireCurrent(deps, id.sessionId, id.question);
    await interaction.showModal(renderAnswerModal({ locale, sessionId: id.sessionId, question: current.question, index: current.index, from: id.from }));
  },
};

/**
 * Blanks typed so far for questions with more than five blanks (one modal holds five). Kept in memory
 * only: after a restart the learner starts that question's modals again, nothing stored is lost.
 */
const partialBlanks = new Map<string, string[]>();

const answerModal: ComponentHandler<'modal'> = {
  kinds: ['modal'],
  defer: 'grading',
  async handle(context) {
    const { interaction, id, deps, locale } = context;
    if (!interaction.isModalSubmit()) return;
    const { current } = requireCurrent(deps, id.sessionId, id.question);
    const question = current.question;
    if (question.type !== 'blank') {
      const text = interaction.fields.getTextInputValue('answer');
      await submitAndShowVerdict(context, question.id, text, text);
      return;
    }
    const key = `${id.sessionId}:${question.id}`;
    const total = question.blanks.length;
    const answers = id.from === 0 ? [] : (partialBlanks.get(key) ?? []);
    if (answers.length < id.from) {
      // The earlier blanks were lost (a restart): ask for them again from the first.
      await interaction.editReply(renderBlanksContinue(locale, id.sessionId, question, current.index, 0, total));
      return;
    }
    const to = Math.min(total, id.from + BLANKS_PER_MODAL);
    for (let blank = id.from; blank < to; blank++) answers[blank] = interaction.fields.getTextInputValue(`blank-${blank}`);
    if (to < total) {
      partialBlanks.set(key, answers);
      await interaction.editReply(renderBlanksContinue(locale, id.sessionId, question, current.index, to, total));
      return;
    }
    partialBlanks.delete(key);
    const shown = answers.map((answer, index) => `${index + 1}. ${answer}`).join('\n');
    await submitAndShowVerdict(context, question.id, answers, shown, id.from === 0 ? 'question' : 'prompt');
  },
};

const nextButton: ComponentHandler<'next'> = {
  kinds: ['next'],
  defer: 'update',
  async handle({ interaction, id, deps, locale }) {
    const view = deps.quiz.next(id.sessionId, interaction.user.id);
    await interaction.editReply({ components: [], allowedMentions: NO_MENTIONS });
    if (view.current) {
      await interaction.followUp(renderQuestion({ locale, sessionId: id.sessionId, current: view.current }));
      return;
    }
    await interaction.followUp(renderSummary(locale, deps.quiz.summary(id.sessionId), bankTitleOf(view, locale, deps)));
  },
};

const endButton: ComponentHandler<'end'> = {
  kinds: ['end'],
  defer: 'update',
  async handle({ interaction, id, deps, locale }) {
    const summary = deps.quiz.end(id.sessionId, interaction.user.id);
    await interaction.editReply({ components: [], allowedMentions: NO_MENTIONS });
    await interaction.followUp(renderSummary(locale, summary, bankTitleOf({ session: summary.session, current: null }, locale, deps)));
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
    await interaction.editReply(await askTutor(deps, id.sessionId, interaction.user.id, text, locale));
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
