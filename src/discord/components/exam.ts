import type { ExamAnswerOutcome, ExamGradingProgress, ExamQuestionView } from '../../exam/types.ts';
import type { RawAnswer } from '../../grading/types.ts';
import { t, type Locale } from '../../messages/catalog.ts';
import { deliverResult, postResult } from '../deliver.ts';
import { progressEditor, writtenPending } from '../exam-flow.ts';
import {
  renderExamAnswerModal,
  renderExamBlanksContinue,
  renderExamConfirm,
  renderExamCover,
  renderExamGrading,
  renderExamQuestion,
  renderExamReport,
  renderExamReview,
} from '../render-exam.ts';
import { encodeComponentId } from '../custom-id.ts';
import { NO_MENTIONS, button, message, renderAskModalFor, renderFollowUpEmbed, row, translateInvalidReason, type MessagePayload } from '../render.ts';
import type { ComponentContext, ComponentHandler } from '../types.ts';
import { readAnswerModal } from './answer-input.ts';

/**
 * `/exam`'s buttons, menus and modals. The dispatcher checked that the clicker owns the exam before
 * acknowledging; the exam service checks the rest (started, not handed in, the deadline: a click after
 * it submits the exam and is refused). Everything during the exam updates the one question message in
 * place; nothing shown before hand-in carries a verdict.
 */

function questionPayload(locale: Locale, view: ExamQuestionView, notice?: string): MessagePayload {
  return renderExamQuestion({ locale, view, ...(notice ? { notice } : {}) });
}

function outcomePayload(locale: Locale, outcome: ExamAnswerOutcome): MessagePayload {
  if (outcome.status === 'invalid') return questionPayload(locale, outcome.view, t(locale, 'exam.invalid', { reason: translateInvalidReason(locale, outcome.reason) }));
  return questionPayload(locale, outcome.view, t(locale, 'exam.saved', { index: outcome.view.index + 1 }));
}

type ExamContext = Pick<ComponentContext, 'interaction' | 'deps' | 'locale'> & { id: { examId: string } };

async function saveAnswer(context: ExamContext, index: number, answer: RawAnswer): Promise<void> {
  const { interaction, id, deps, locale } = context;
  const outcome = deps.exams.answer({ examId: id.examId, userId: interaction.user.id, index, answer });
  await deliverResult(interaction, outcomePayload(locale, outcome), deps.logger);
}

async function showQuestion(context: Omit<ExamContext, 'id'>, view: ExamQuestionView): Promise<void> {
  await deliverResult(context.interaction, questionPayload(context.locale, view), context.deps.logger);
}

const startButton: ComponentHandler<'exam-start'> = {
  kinds: ['exam-start'],
  defer: 'update',
  async handle({ interaction, id, deps, locale }) {
    const view = deps.exams.begin(id.examId, interaction.user.id);
    deps.logger.info({ examId: id.examId, userId: interaction.user.id, deadline: view.deadline.toISOString() }, 'exam started');
    // The cover loses Start and shows the deadline; the first question follows as the exam's own message.
    await deliverResult(interaction, renderExamCover(locale, view.cover), deps.logger);
    await postResult(interaction, questionPayload(locale, view), deps.logger);
  },
};

const answerButton: ComponentHandler<'exam-answer'> = {
  kinds: ['exam-answer'],
  defer: 'update',
  async handle(context) {
    const { id, deps, interaction } = context;
    const { question } = deps.exams.view(id.examId, interaction.user.id, id.index);
    const answer = question.type === 'truefalse' ? (id.choice === 'T' ? 'true' : 'false') : id.choice;
    await saveAnswer(context, id.index, answer);
  },
};

const optionMenu: ComponentHandler<'exam-select'> = {
  kinds: ['exam-select'],
  defer: 'update',
  async handle(context) {
    const { interaction, id } = context;
    if (!interaction.isStringSelectMenu()) return;
    await saveAnswer(context, id.index, [...interaction.values].sort().join(''));
  },
};

const openAnswerModal: ComponentHandler<'exam-open'> = {
  kinds: ['exam-open'],
  defer: 'none',
  async handle({ interaction, id, deps, locale }) {
    if (interaction.isModalSubmit()) return;
    const view = deps.exams.view(id.examId, interaction.user.id, id.index);
    await interaction.showModal(renderExamAnswerModal(locale, view, id.from));
  },
};

const answerModal: ComponentHandler<'exam-modal'> = {
  kinds: ['exam-modal'],
  defer: 'update',
  async handle(context) {
    const { interaction, id, deps, locale } = context;
    if (!interaction.isModalSubmit()) return;
    const view = deps.exams.view(id.examId, interaction.user.id, id.index);
    const read = readAnswerModal(interaction, view.question, id.from, `exam:${id.examId}:${id.index}`);
    if (read.status === 'continue') {
      await deliverResult(interaction, renderExamBlanksContinue(locale, id.examId, id.index, read.from, read.total), deps.logger);
      return;
    }
    await saveAnswer(context, id.index, read.answer);
  },
};

/** Previous and Next move from the question shown on the message clicked, so a double click moves once. */
const stepButtons: ComponentHandler<'exam-prev' | 'exam-next'> = {
  kinds: ['exam-prev', 'exam-next'],
  defer: 'update',
  async handle(context) {
    const { interaction, id, deps } = context;
    const total = deps.exams.cover(id.examId).questionCount;
    const target = Math.min(total - 1, Math.max(0, id.index + (id.kind === 'exam-next' ? 1 : -1)));
    await showQuestion(context, deps.exams.view(id.examId, interaction.user.id, target));
  },
};

const jumpMenu: ComponentHandler<'exam-jump'> = {
  kinds: ['exam-jump'],
  defer: 'update',
  async handle(context) {
    const { interaction, id, deps } = context;
    if (!interaction.isStringSelectMenu()) return;
    const index = Number(interaction.values[0]);
    await showQuestion(context, deps.exams.view(id.examId, interaction.user.id, Number.isInteger(index) ? index : undefined));
  },
};

const flagButton: ComponentHandler<'exam-flag'> = {
  kinds: ['exam-flag'],
  defer: 'update',
  async handle(context) {
    const { interaction, id, deps } = context;
    await showQuestion(context, deps.exams.flag(id.examId, interaction.user.id, id.index, id.flagged));
  },
};

const submitButton: ComponentHandler<'exam-submit'> = {
  kinds: ['exam-submit'],
  defer: 'update',
  async handle({ interaction, id, deps, locale }) {
    await deliverResult(interaction, renderExamConfirm(locale, deps.exams.confirmSubmit(id.examId, interaction.user.id)), deps.logger);
  },
};

const keepWorkingButton: ComponentHandler<'exam-back'> = {
  kinds: ['exam-back'],
  defer: 'update',
  async handle(context) {
    const { interaction, id, deps } = context;
    await showQuestion(context, deps.exams.view(id.examId, interaction.user.id));
  },
};

/**
 * Hand-in: the confirmation becomes the grading line ("Grading written answers: 2 of 4"), kept current
 * while the tutor grades, and then the score report. The report is stored whatever happens to the
 * message; if Discord refuses the edit (a token past 15 minutes, a deleted message) it is posted anew.
 */
const confirmButton: ComponentHandler<'exam-confirm'> = {
  kinds: ['exam-confirm'],
  defer: 'update',
  async handle({ interaction, id, deps, locale }) {
    // The first progress call comes from inside submit (0 done), before anything can be edited.
    const progressing: { latest: ExamGradingProgress | null; onUpdate?: (update: ExamGradingProgress) => void } = { latest: null };
    const submission = deps.exams.submit({
      examId: id.examId,
      userId: interaction.user.id,
      onProgress: (update) => {
        progressing.latest = update;
        progressing.onUpdate?.(update);
      },
    });
    deps.logger.info({ examId: id.examId, userId: interaction.user.id, writtenPending: writtenPending(submission.initial) }, 'exam handed in');
    await deliverResult(interaction, renderExamGrading({ locale, cover: submission.cover, submittedBy: 'learner', progress: progressing.latest }), deps.logger);
    const progress = progressEditor((payload) => interaction.editReply(payload), deps);
    progressing.onUpdate = (update) => progress.update(renderExamGrading({ locale, cover: submission.cover, submittedBy: 'learner', progress: update }));
    let report;
    try {
      report = renderExamReport(locale, await submission.report);
    } finally {
      await progress.stop();
    }
    try {
      await interaction.editReply(report);
    } catch (error) {
      deps.logger.warn({ err: error, interactionId: interaction.id, examId: id.examId }, 'could not show the exam report in place; posting it anew');
      if (interaction.channel?.isSendable()) await interaction.channel.send(report);
      else await postResult(interaction, report, deps.logger);
    }
  },
};

/** Review from the score report: the first page as a new message, so the report stays in view. */
const reviewStartButton: ComponentHandler<'exam-reviewstart'> = {
  kinds: ['exam-reviewstart'],
  defer: 'update',
  async handle({ interaction, id, deps, locale }) {
    await postResult(interaction, renderExamReview(locale, deps.exams.review(id.examId, interaction.user.id, 0)), deps.logger);
  },
};

/** A Review page, paged in place. */
const reviewButton: ComponentHandler<'exam-review'> = {
  kinds: ['exam-review'],
  defer: 'update',
  async handle({ interaction, id, deps, locale }) {
    await deliverResult(interaction, renderExamReview(locale, deps.exams.review(id.examId, interaction.user.id, id.index)), deps.logger);
  },
};

const askButton: ComponentHandler<'exam-ask'> = {
  kinds: ['exam-ask'],
  defer: 'none',
  async handle({ interaction, id, deps, locale }) {
    if (interaction.isModalSubmit()) return;
    // Refused before hand-in: the review is the owner's and only after submission.
    deps.exams.review(id.examId, interaction.user.id, id.index);
    await interaction.showModal(renderAskModalFor(locale, encodeComponentId({ kind: 'exam-askmodal', examId: id.examId, index: id.index })));
  },
};

const askModal: ComponentHandler<'exam-askmodal'> = {
  kinds: ['exam-askmodal'],
  defer: 'thinking',
  async handle({ interaction, id, deps, locale }) {
    if (!interaction.isModalSubmit()) return;
    const text = interaction.fields.getTextInputValue('message');
    const reply = await deps.exams.ask({ examId: id.examId, userId: interaction.user.id, index: id.index, message: text, locale });
    const payload = message({
      content: '',
      embeds: [renderFollowUpEmbed(locale, text, reply)],
      components: [row(button(encodeComponentId({ kind: 'exam-ask', examId: id.examId, index: id.index }), t(locale, 'quiz.button.ask')))],
    });
    await deliverResult(interaction, { ...payload, allowedMentions: NO_MENTIONS }, deps.logger);
  },
};

export const examComponentHandlers = [
  startButton,
  answerButton,
  optionMenu,
  openAnswerModal,
  answerModal,
  stepButtons,
  jumpMenu,
  flagButton,
  submitButton,
  keepWorkingButton,
  confirmButton,
  reviewStartButton,
  reviewButton,
  askButton,
  askModal,
] as const;
