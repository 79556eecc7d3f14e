import type { ExamStats } from '../exam/types.ts';
import { examStatsLines } from '../messages/exam-stats.ts';
import {
  ButtonStyle,
  ComponentType,
  LabelBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIEmbedField,
  type APIStringSelectComponent,
} from 'discord.js';
import type { Bank, Question, QuestionType } from '../bank/schema.ts';
import { describeExpectedAnswer } from '../grading/expected.ts';
import type { GradeResult, InvalidReason } from '../grading/types.ts';
import type { Leaderboard, UserStats } from '../progress/types.ts';
import type { AttemptGradedBy, ForgetResult } from '../progress/ports.ts';
import type { AnswerOutcome, CurrentQuestion, QuizSession, QuizSummary } from '../quiz/types.ts';
import type { FollowUpReply, FreeTextFeedback } from '../tutor/types.ts';
import { encodeComponentId, type QuestionPointer } from './custom-id.ts';
import { t, type MessageKey } from '../messages/catalog.ts';
import { distinctFeedbackItems } from '../messages/feedback.ts';
import { formatPercent, formatPoints, splitDuration } from '../messages/format.ts';

/**
 * Every message, modal and thread name the bot sends, built from plain data so tests can call these
 * without Discord. Messages are returned as raw API-shaped JSON (discord.js accepts it as is), always
 * with `allowedMentions` that parse nothing: a learner's answer quoting @everyone must not ping.
 */

export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  fields: 25,
  total: 6000,
} as const;
export const CONTENT_LIMIT = 2000;
export const BUTTON_LABEL_LIMIT = 80;
export const SELECT_LABEL_LIMIT = 100;
export const MODAL_TITLE_LIMIT = 45;
export const LABEL_LIMIT = 45;
export const TEXT_INPUT_MAX = 4000;
export const BLANKS_PER_MODAL = 5;
export const THREAD_NAME_LIMIT = 100;

/** Mentions render as names but notify nobody, and replies do not ping their author. */
export const NO_MENTIONS = { parse: [] as [], repliedUser: false };

export interface MessagePayload {
  content?: string;
  embeds: APIEmbed[];
  components: Array<APIActionRowComponent<APIComponentInMessageActionRow>>;
  allowedMentions: typeof NO_MENTIONS;
}

export const COLOR = { info: 0x5865f2, correct: 0x57f287, partial: 0xfee75c, wrong: 0xed4245, neutral: 0x99aab5 } as const;

/** Cuts text to `max` characters (by code point, never splitting a surrogate pair), marking the cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

function embedLength(embed: APIEmbed): number {
  let total = (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const field of embed.fields ?? []) total += field.name.length + field.value.length;
  return total;
}

/**
 * Applies Discord's embed limits: each part truncated, at most 25 fields, and fields dropped from the
 * end (then the description shortened) until the whole embed is within 6,000 characters.
 */
export function fitEmbed(embed: APIEmbed): APIEmbed {
  const fitted: APIEmbed = { ...embed };
  if (fitted.title) fitted.title = truncate(fitted.title, EMBED_LIMITS.title);
  if (fitted.description !== undefined) fitted.description = truncate(fitted.description, EMBED_LIMITS.description);
  if (fitted.footer) fitted.footer = { ...fitted.footer, text: truncate(fitted.footer.text, EMBED_LIMITS.footer) };
  if (fitted.fields) {
    fitted.fields = fitted.fields.slice(0, EMBED_LIMITS.fields).map((field) => ({
      ...field,
      name: truncate(field.name || '\u200b', EMBED_LIMITS.fieldName),
      value: truncate(field.value || '\u200b', EMBED_LIMITS.fieldValue),
    }));
    while (embedLength(fitted) > EMBED_LIMITS.total && fitted.fields.length > 0) fitted.fields = fitted.fields.slice(0, -1);
  }
  const over = embedLength(fitted) - EMBED_LIMITS.total;
  if (over > 0 && fitted.description) fitted.description = truncate(fitted.description, Math.max(1, fitted.description.length - over));
  return fitted;
}

/**
 * Discord counts the 6,000-character limit over all embeds of a message: the later embeds (the
 * verdict's details under a question) lose fields first.
 */
export function fitEmbeds(embeds: readonly APIEmbed[]): APIEmbed[] {
  const fitted = embeds.map(fitEmbed);
  let total = fitted.reduce((sum, embed) => sum + embedLength(embed), 0);
  for (let index = fitted.length - 1; index >= 0 && total > EMBED_LIMITS.total; index--) {
    const embed = fitted[index]!;
    while (total > EMBED_LIMITS.total && embed.fields && embed.fields.length > 0) {
      const dropped = embed.fields[embed.fields.length - 1]!;
      embed.fields = embed.fields.slice(0, -1);
      total -= dropped.name.length + dropped.value.length;
    }
    if (total > EMBED_LIMITS.total && embed.description) {
      const keep = Math.max(1, embed.description.length - (total - EMBED_LIMITS.total));
      total -= embed.description.length;
      embed.description = truncate(embed.description, keep);
      total += embed.description.length;
    }
  }
  return fitted;
}

export function message(parts: { content?: string; embeds?: APIEmbed[]; components?: MessagePayload['components'] }): MessagePayload {
  const payload: MessagePayload = {
    embeds: fitEmbeds(parts.embeds ?? []),
    components: parts.components ?? [],
    allowedMentions: NO_MENTIONS,
  };
  if (parts.content !== undefined) payload.content = truncate(parts.content, CONTENT_LIMIT);
  return payload;
}

export function row(...components: APIComponentInMessageActionRow[]): APIActionRowComponent<APIComponentInMessageActionRow> {
  return { type: ComponentType.ActionRow, components };
}

export function button(customId: string, label: string, style: ButtonStyle = ButtonStyle.Secondary, disabled = false): APIButtonComponent {
  return { type: ComponentType.Button, custom_id: customId, label: truncate(label, BUTTON_LABEL_LIMIT), style, disabled } as APIButtonComponent;
}

/** Discord markdown would bold or hide parts of a learner's text: show it as typed. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/([\\*_~`|])/g, '\\$1')
    .replace(/^(\s*)([>#-])/gm, '$1\\$2');
}

export function quoteBlock(text: string, max: number): string {
  const body = truncate(text.trim() || '—', max - 2);
  return body
    .split('\n')
    .map((line) => `> ${escapeMarkdown(line)}`)
    .join('\n');
}

export function userMention(userId: string): string {
  return `<@${userId}>`;
}

export function typeLabel(locale: string | null | undefined, type: QuestionType): string {
  return t(locale, `type.${type}` as MessageKey);
}

export function formatDuration(locale: string | null | undefined, ms: number): string {
  const { minutes, seconds } = splitDuration(ms);
  return minutes > 0 ? t(locale, 'duration.minutes', { minutes, seconds }) : t(locale, 'duration.seconds', { seconds });
}

export function translateInvalidReason(locale: string | null | undefined, reason: InvalidReason): string {
  return t(locale, `invalid.${reason.code}`);
}

// ---------------------------------------------------------------------------------------------
// Quiz card, thread name, questions

export function renderThreadName(userName: string, bankTitle: string): string {
  const name = `${userName} · ${bankTitle}`.replace(/\s+/g, ' ').trim();
  return truncate(name || 'quiz', THREAD_NAME_LIMIT);
}

export interface QuizCardInput {
  locale: string | null | undefined;
  session: QuizSession;
  bankTitle: string;
  /** The thread the questions are in, or null when the quiz runs in place. */
  threadId: string | null;
  /** Why the quiz runs in place, or that a private thread became public. */
  notice?: string;
}

export function renderQuizCard(input: QuizCardInput): MessagePayload {
  const { locale, session } = input;
  const vars = { bank: input.bankTitle, count: session.questions.length, user: userMention(session.ownerId) };
  const lines = [session.mode === 'review' ? t(locale, 'quiz.card.review', vars) : t(locale, 'quiz.card.description', vars)];
  lines.push(input.threadId ? t(locale, 'quiz.card.thread', { thread: `<#${input.threadId}>` }) : t(locale, 'quiz.card.inPlace'));
  if (input.notice) lines.push(`\n${input.notice}`);
  return message({ embeds: [{ title: t(locale, 'quiz.card.title', { bank: input.bankTitle }), description: lines.join('\n'), color: COLOR.info }] });
}

export function optionLines(question: Question): string {
  if (question.type !== 'choice' && question.type !== 'multi') return '';
  return question.options.map((option) => `**${option.key}.** ${option.text}`).join('\n');
}

/** A button shows `A. text` when the text is short enough to read on a button, else only `A`. */
export function optionButtonLabel(key: string, text: string): string {
  const full = `${key}. ${text.replace(/\s+/g, ' ').trim()}`;
  return [...full].length <= 40 ? full : key;
}

function howToAnswerKey(type: QuestionType): MessageKey | null {
  switch (type) {
    case 'short':
    case 'essay':
      return 'quiz.question.howToAnswer.text';
    case 'blank':
      return 'quiz.question.howToAnswer.blank';
    case 'multi':
      return 'quiz.question.howToAnswer.multi';
    case 'numeric':
      return 'quiz.question.howToAnswer.numeric';
    default:
      return null;
  }
}

export interface QuestionMessageInput {
  locale: string | null | undefined;
  sessionId: string;
  current: Pick<CurrentQuestion, 'bank' | 'question' | 'index' | 'total'>;
  /** For a `multi` question, the keys picked so far (shown as selected; enables Submit). */
  selectedKeys?: string;
}

function questionEmbed(input: QuestionMessageInput): APIEmbed {
  const { locale, current } = input;
  const { question } = current;
  const options = optionLines(question);
  const howTo = howToAnswerKey(question.type);
  return {
    title: t(locale, 'quiz.question.title', {
      index: current.index + 1,
      total: current.total,
      type: typeLabel(locale, question.type),
      points: formatPoints(question.points),
    }),
    description: options ? `${question.stem}\n\n${options}` : question.stem,
    color: COLOR.info,
    fields: howTo ? [{ name: '\u200b', value: t(locale, howTo) }] : [],
    footer: { text: t(locale, 'quiz.question.footer', { bank: current.bank.title }) },
  };
}

/**
 * The custom ids of one question's answer controls. `/quiz` and `/exam` show the same controls for
 * every question type (buttons, option menu, Answer modal) and differ only in where a click goes.
 */
export interface AnswerControlIds {
  /** A choice button (`key` is an option key) or a true/false button (`T` / `F`). */
  choice(key: string): string;
  /** The option menu of a `multi` question, or of a choice question with more options than buttons fit. */
  select(): string;
  /** Submit under the menu, carrying the keys picked so far. Without it, picking in the menu is the answer. */
  submit?(keys: string): string;
  /** The Answer button, opening the modal at blank `from` (0-based). */
  open(from: number): string;
}

export interface AnswerControlsInput {
  locale: string | null | undefined;
  question: Question;
  ids: AnswerControlIds;
  /** Action rows the controls may take; the message's other rows belong to the caller (Discord allows five). */
  maxRows: number;
  /** Keys picked so far (`multi`, or a choice shown as a menu): preselected in the menu, enabling Submit. */
  selectedKeys?: string;
  /** The answer already given to a choice or true/false question (an option key, `T`, `F`), shown in green. */
  chosenKey?: string;
  /** Label of the button opening the modal; default "Answer". */
  openLabel?: string;
}

/** The answer controls of one question, by its type: option buttons, true/false, an option menu, or Answer (a modal). */
export function renderAnswerControls(input: AnswerControlsInput): MessagePayload['components'] {
  const { locale, question, ids } = input;
  const chosen = (key: string) => (input.chosenKey === key ? ButtonStyle.Success : ButtonStyle.Primary);
  switch (question.type) {
    case 'choice': {
      // More options than the rows of buttons hold: a single-choice menu, like `multi`.
      if (question.options.length > 5 * input.maxRows) return optionMenuRows(input, question.options, 1);
      const buttons = question.options.map((option) => button(ids.choice(option.key), optionButtonLabel(option.key, option.text), chosen(option.key)));
      const rows: MessagePayload['components'] = [];
      for (let start = 0; start < buttons.length; start += 5) rows.push(row(...buttons.slice(start, start + 5)));
      return rows;
    }
    case 'truefalse':
      return [
        row(
          button(ids.choice('T'), t(locale, 'truefalse.true'), input.chosenKey === undefined ? ButtonStyle.Success : chosen('T')),
          button(ids.choice('F'), t(locale, 'truefalse.false'), input.chosenKey === undefined ? ButtonStyle.Danger : chosen('F')),
        ),
      ];
    case 'multi':
      return optionMenuRows(input, question.options, question.options.length);
    default:
      return [row(button(ids.open(0), input.openLabel ?? t(locale, 'quiz.button.answer'), ButtonStyle.Primary))];
  }
}

/** The quiz's custom ids for a question's controls (see custom-id.ts; `index` is used when an id is too long). */
function quizAnswerIds(sessionId: string, questionId: string, index: number): AnswerControlIds {
  const question: QuestionPointer = { id: questionId };
  return {
    choice: (choice) => encodeComponentId({ kind: 'answer', sessionId, question, choice }, index),
    select: () => encodeComponentId({ kind: 'select', sessionId, question }, index),
    submit: (keys) => encodeComponentId({ kind: 'submit', sessionId, question, keys }, index),
    open: (from) => encodeComponentId({ kind: 'open', sessionId, question, from }, index),
  };
}

function answerRows(input: QuestionMessageInput): MessagePayload['components'] {
  const { question, index } = input.current;
  // Four rows of answer controls: the fifth holds Ask and End.
  return renderAnswerControls({
    locale: input.locale,
    question,
    ids: quizAnswerIds(input.sessionId, question.id, index),
    maxRows: 4,
    ...(input.selectedKeys !== undefined ? { selectedKeys: input.selectedKeys } : {}),
  });
}

function sessionRow(locale: string | null | undefined, sessionId: string, next?: { last: boolean }): APIActionRowComponent<APIComponentInMessageActionRow> {
  const buttons: APIButtonComponent[] = [];
  if (next) {
    buttons.push(button(encodeComponentId({ kind: 'next', sessionId }), t(locale, next.last ? 'quiz.button.finish' : 'quiz.button.next'), ButtonStyle.Primary));
  }
  buttons.push(button(encodeComponentId({ kind: 'ask', sessionId }), t(locale, 'quiz.button.ask')));
  buttons.push(button(encodeComponentId({ kind: 'end', sessionId }), t(locale, 'quiz.button.end'), ButtonStyle.Danger));
  return row(...buttons);
}

function optionMenuRows(input: AnswerControlsInput, options: ReadonlyArray<{ key: string; text: string }>, maxValues: number): MessagePayload['components'] {
  const { locale, ids } = input;
  const picked = new Set((input.selectedKeys ?? '').split(''));
  const select: APIStringSelectComponent = {
    type: ComponentType.StringSelect,
    custom_id: ids.select(),
    placeholder: t(locale, 'quiz.select.placeholder'),
    min_values: 1,
    max_values: Math.min(maxValues, 25),
    options: options.slice(0, 25).map((option) => ({
      label: truncate(`${option.key}. ${option.text.replace(/\s+/g, ' ')}`, SELECT_LABEL_LIMIT),
      value: option.key,
      default: picked.has(option.key),
    })),
  };
  const keys = input.selectedKeys ?? '';
  if (!ids.submit) return [row(select)];
  return [row(select), row(button(ids.submit(keys), t(locale, 'quiz.button.submit'), ButtonStyle.Primary, keys.length === 0))];
}

/** The question with its answer components, plus Ask (a hint before answering) and End. */
export function renderQuestion(input: QuestionMessageInput): MessagePayload {
  return message({ embeds: [questionEmbed(input)], components: [...answerRows(input), sessionRow(input.locale, input.sessionId)] });
}

/** The question once answered: the same text, its components removed so nobody clicks it again. */
export function renderAnsweredQuestion(input: QuestionMessageInput): MessagePayload {
  return message({ embeds: [{ ...questionEmbed(input), fields: [], color: COLOR.neutral }], components: [] });
}

export interface AnswerModalInput {
  locale: string | null | undefined;
  sessionId: string;
  question: Question;
  index: number;
  /** First blank (0-based) this modal asks for; blanks come five to a modal. */
  from?: number;
}

/** The answer modal: one field per blank (at most five), or one paragraph (short, essay) or line (numeric). */
export function renderAnswerModal(input: AnswerModalInput): ModalBuilder {
  const { locale, sessionId, question, index } = input;
  const from = input.from ?? 0;
  return renderAnswerModalFor({ locale, question, from, customId: encodeComponentId({ kind: 'modal', sessionId, question: { id: question.id }, from }, index) });
}

export interface AnswerModalForInput {
  locale: string | null | undefined;
  question: Question;
  customId: string;
  /** First blank (0-based) this modal asks for; blanks come five to a modal. */
  from?: number;
  /** The answer given so far (a changeable exam answer), filled in to edit: the text, or one entry per blank. */
  current?: string | readonly string[];
}

/** {@link renderAnswerModal} for any custom id: the quiz's and the exam's modals are the same form. */
export function renderAnswerModalFor(input: AnswerModalForInput): ModalBuilder {
  const { locale, question } = input;
  const from = input.from ?? 0;
  const modal = new ModalBuilder().setCustomId(input.customId);
  const prefill = (field: TextInputBuilder, value: string | undefined, max: number) => (value ? field.setValue(truncate(value, max)) : field);
  if (question.type === 'blank') {
    const total = question.blanks.length;
    const to = Math.min(total, from + BLANKS_PER_MODAL);
    const given = typeof input.current === 'string' ? input.current.split('\n') : (input.current ?? []);
    modal.setTitle(truncate(t(locale, 'quiz.modal.blanksTitle', { from: from + 1, to, total }), MODAL_TITLE_LIMIT));
    for (let blank = from; blank < to; blank++) {
      modal.addLabelComponents(
        new LabelBuilder()
          .setLabel(truncate(t(locale, 'quiz.modal.blankLabel', { n: blank + 1 }), LABEL_LIMIT))
          .setTextInputComponent(prefill(new TextInputBuilder().setCustomId(`blank-${blank}`).setStyle(TextInputStyle.Short).setRequired(true).setMaxLength(200), given[blank], 200)),
      );
    }
    return modal;
  }
  const paragraph = question.type === 'short' || question.type === 'essay';
  const maxLength = paragraph ? Math.min(TEXT_INPUT_MAX, question.maxLength ?? TEXT_INPUT_MAX) : 100;
  const given = typeof input.current === 'string' ? input.current : input.current?.join('\n');
  modal.setTitle(truncate(t(locale, 'quiz.modal.answerTitle'), MODAL_TITLE_LIMIT));
  modal.addLabelComponents(
    new LabelBuilder()
      .setLabel(truncate(t(locale, 'quiz.modal.answerLabel'), LABEL_LIMIT))
      .setTextInputComponent(
        prefill(new TextInputBuilder().setCustomId('answer').setStyle(paragraph ? TextInputStyle.Paragraph : TextInputStyle.Short).setRequired(true).setMaxLength(maxLength), given, maxLength),
      ),
  );
  return modal;
}

export function renderAskModal(locale: string | null | undefined, sessionId: string): ModalBuilder {
  return renderAskModalFor(locale, encodeComponentId({ kind: 'askmodal', sessionId }));
}

/** {@link renderAskModal} for any custom id (the exam's Review asks about one question). */
export function renderAskModalFor(locale: string | null | undefined, customId: string): ModalBuilder {
  return new ModalBuilder()
    .setCustomId(customId)
    .setTitle(truncate(t(locale, 'quiz.modal.askTitle'), MODAL_TITLE_LIMIT))
    .addLabelComponents(
      new LabelBuilder()
        .setLabel(truncate(t(locale, 'quiz.modal.askLabel'), LABEL_LIMIT))
        .setTextInputComponent(new TextInputBuilder().setCustomId('message').setStyle(TextInputStyle.Paragraph).setRequired(true).setMaxLength(2000)),
    );
}

/** After the first five blanks of a longer question: a button opening the modal for the next five. */
export function renderBlanksContinue(locale: string | null | undefined, sessionId: string, question: Question, index: number, from: number, total: number): MessagePayload {
  return renderBlanksContinueFor(locale, encodeComponentId({ kind: 'open', sessionId, question: { id: question.id }, from }, index), from, total);
}

/** {@link renderBlanksContinue} for any custom id of the Continue button (the quiz's or the exam's). */
export function renderBlanksContinueFor(locale: string | null | undefined, openCustomId: string, from: number, total: number): MessagePayload {
  const to = Math.min(total, from + BLANKS_PER_MODAL);
  return message({
    content: t(locale, 'quiz.blanks.partial', { from: 1, to: from }),
    components: [row(button(openCustomId, t(locale, 'quiz.button.continueBlanks', { from: from + 1, to }), ButtonStyle.Primary))],
  });
}

// ---------------------------------------------------------------------------------------------
// Verdicts, follow-ups, summaries

export function renderGrading(locale: string | null | undefined): MessagePayload {
  return message({ content: t(locale, 'quiz.grading') });
}

export function renderThinking(locale: string | null | undefined): MessagePayload {
  return message({ content: t(locale, 'quiz.thinking') });
}

export function renderInvalidAnswer(locale: string | null | undefined, reason: InvalidReason): MessagePayload {
  return message({ content: t(locale, 'quiz.invalid', { reason: translateInvalidReason(locale, reason) }) });
}

/** `byTeacher`: a teacher has since set the grade, so the tutor's provisional warning no longer applies. */
export function feedbackFields(locale: string | null | undefined, feedback: FreeTextFeedback, byTeacher = false): APIEmbedField[] {
  const fields: APIEmbedField[] = [];
  const notes: string[] = [];
  if (!byTeacher && (feedback.provisional || feedback.gradedBy === 'fallback')) {
    notes.push(`⚠️ ${t(locale, feedback.note === 'no-llm-configured' ? 'quiz.verdict.noLlm' : 'quiz.verdict.fallback')}`);
  }
  if (feedback.status === 'flagged') notes.push(`🚩 ${t(locale, 'quiz.verdict.flagged')}`);
  const explanation = [feedback.explanation, ...notes].filter(Boolean).join('\n\n');
  if (explanation) fields.push({ name: t(locale, 'quiz.verdict.feedback'), value: explanation });
  if (feedback.rubric.length > 0) {
    const mark = { met: '✅', partial: '🟡', missed: '❌' } as const;
    fields.push({
      name: t(locale, 'quiz.verdict.rubric'),
      value: feedback.rubric.map((point) => `${mark[point.verdict]} ${point.point} (${formatPoints(point.score)}/${formatPoints(point.maxScore)})`).join('\n'),
    });
  }
  // The rubric lines above already name each marking point: items that only repeat one are left out.
  const { strengths, improvements } = distinctFeedbackItems(feedback);
  if (strengths.length > 0) fields.push({ name: t(locale, 'quiz.verdict.strengths'), value: strengths.map((strength) => `• ${strength}`).join('\n') });
  if (improvements.length > 0) fields.push({ name: t(locale, 'quiz.verdict.improvements'), value: improvements.map((improvement) => `• ${improvement}`).join('\n') });
  return fields;
}

export interface VerdictInput {
  locale: string | null | undefined;
  outcome: Extract<AnswerOutcome, { status: 'graded' }>;
  /** What the learner submitted, shown back to them (never parsed for mentions). */
  answerText: string;
  /**
   * Set when the verdict replaces the question's own message (a button answer): the question is
   * kept above the verdict, its answer buttons replaced by Next, Ask and End.
   */
  withQuestion?: boolean;
}

export interface VerdictEmbedInput {
  locale: string | null | undefined;
  question: Question;
  score: number;
  maxScore: number;
  /** Null for a question left unanswered (an exam's): the key is shown as the grader would show it. */
  grade: GradeResult | null;
  feedback: FreeTextFeedback | null;
  /** Who set the stored grade; `teacher` replaces the AI tutor's label and provisional warning. */
  gradedBy?: AttemptGradedBy | null;
  /** What the learner submitted, shown back to them (never parsed for mentions). */
  answerText: string;
  /** Lines added under the points (e.g. "That was the last question"). */
  notes?: string[];
  /** Replaces the verdict's title (e.g. "Not answered"). */
  title?: string;
}

/** The verdict's embed, shared by a quiz's verdict and an exam's Review page. */
export function renderVerdictEmbed(input: VerdictEmbedInput): APIEmbed {
  const { locale, question, score, maxScore } = input;
  const verdictKey: MessageKey = score >= maxScore ? 'quiz.verdict.correct' : score > 0 ? 'quiz.verdict.partial' : 'quiz.verdict.wrong';
  const color = score >= maxScore ? COLOR.correct : score > 0 ? COLOR.partial : COLOR.wrong;
  const fields: APIEmbedField[] = [{ name: t(locale, 'quiz.verdict.yourAnswer'), value: quoteBlock(displayAnswer(locale, question, input.answerText), 1000) }];
  if (input.grade?.status === 'graded') {
    fields.push({ name: t(locale, 'quiz.verdict.correctAnswer'), value: escapeMarkdown(input.grade.expected || '—') });
  } else if (question.type === 'short' || question.type === 'essay') {
    fields.push({ name: t(locale, 'quiz.verdict.reference'), value: question.reference });
  } else if (!input.grade) {
    fields.push({ name: t(locale, 'quiz.verdict.correctAnswer'), value: escapeMarkdown(describeExpectedAnswer(question) || '—') });
  }
  // Analysis comes before the rubric details: if an essay's feedback overflows the embed, the details go first.
  const byTeacher = input.gradedBy === 'teacher';
  const feedback = input.feedback ? feedbackFields(locale, input.feedback, byTeacher) : [];
  if (feedback[0]) fields.push(feedback[0]);
  if (question.analysis.trim()) fields.push({ name: t(locale, 'quiz.verdict.analysis'), value: question.analysis });
  fields.push(...feedback.slice(1));
  const description = [`**${t(locale, 'quiz.verdict.points', { score: formatPoints(score), max: formatPoints(maxScore) })}**`];
  if (byTeacher) description.push(`-# ${t(locale, 'quiz.verdict.teacher')}`);
  else if (input.feedback?.gradedBy === 'llm') description.push(`-# ${t(locale, 'quiz.verdict.llm')}`);
  description.push(...(input.notes ?? []));
  return { title: input.title ?? t(locale, verdictKey), description: description.join('\n'), color, fields };
}

/** The verdict: points, the learner's answer, the correct answer, the analysis and any tutor feedback. */
export function renderVerdict(input: VerdictInput): MessagePayload {
  const { locale, outcome } = input;
  const { question, score, maxScore } = outcome;
  const notes = outcome.isLastQuestion ? [t(locale, 'quiz.verdict.lastQuestion')] : [];
  const verdict = renderVerdictEmbed({ locale, question, score, maxScore, grade: outcome.grade, feedback: outcome.feedback, gradedBy: outcome.gradedBy, answerText: input.answerText, notes });
  const current = { bank: outcome.bank, question, index: outcome.session.position, total: outcome.session.questions.length };
  const answeredQuestion: APIEmbed = { ...questionEmbed({ locale, sessionId: outcome.session.id, current }), fields: [], color: COLOR.neutral };
  const controls = sessionRow(locale, outcome.session.id, { last: outcome.isLastQuestion });
  // --- h12-queue-appeals --- every stored result can be contested, once (services/appeals.ts checks).
  controls.components.push(button(encodeComponentId({ kind: 'appeal-open', attemptId: outcome.attemptId }), t(locale, 'appeal.button')));
  return message({
    content: '',
    embeds: input.withQuestion ? [answeredQuestion, verdict] : [verdict],
    components: [controls],
  });
}

export function displayAnswer(locale: string | null | undefined, question: Question, answer: string): string {
  if (question.type === 'truefalse') {
    if (answer === 'true') return t(locale, 'truefalse.true');
    if (answer === 'false') return t(locale, 'truefalse.false');
  }
  return answer;
}

export interface FollowUpInput {
  locale: string | null | undefined;
  sessionId: string;
  /** The learner's question, quoted back (never parsed for mentions). */
  message: string;
  reply: FollowUpReply;
  /** Offer Next/End under the reply (after an answered question) or Ask/End only. */
  answered: boolean;
  isLastQuestion?: boolean;
}

export function renderFollowUp(input: FollowUpInput): MessagePayload {
  return message({
    content: '',
    embeds: [renderFollowUpEmbed(input.locale, input.message, input.reply)],
    components: [sessionRow(input.locale, input.sessionId, input.answered ? { last: input.isLastQuestion ?? false } : undefined)],
  });
}

/** The tutor's reply to a follow-up with the learner's question quoted: shared by the quiz and the exam's Review. */
export function renderFollowUpEmbed(locale: string | null | undefined, asked: string, reply: FollowUpReply): APIEmbed {
  const fields: APIEmbedField[] = [{ name: t(locale, 'quiz.followUp.asked'), value: quoteBlock(asked, 1000) }];
  const fallbackNote = reply.note === 'no-llm-configured' ? 'quiz.followUp.noLlm' : 'quiz.followUp.fallback';
  const description = reply.gradedBy === 'fallback' && (!reply.note || reply.note === 'no-llm-configured') ? `${reply.text}\n\n-# ${t(locale, fallbackNote)}` : reply.text;
  return { title: t(locale, 'quiz.followUp.title'), description, color: COLOR.info, fields };
}

export function renderSummary(locale: string | null | undefined, summary: QuizSummary, bankTitle: string): MessagePayload {
  const fields: APIEmbedField[] = [];
  const typeLines = Object.entries(summary.byType).map(([type, totals]) =>
    t(locale, 'quiz.summary.typeLine', {
      type: typeLabel(locale, type as QuestionType),
      correct: totals.correct,
      answered: totals.answered,
      score: formatPoints(totals.score),
      max: formatPoints(totals.maxScore),
    }),
  );
  if (typeLines.length > 0) fields.push({ name: t(locale, 'quiz.summary.byType'), value: typeLines.join('\n') });
  if (summary.answered === 0) {
    fields.push({ name: t(locale, 'quiz.summary.review'), value: t(locale, 'quiz.summary.nothingAnswered') });
  } else if (summary.toReview.length === 0) {
    fields.push({ name: t(locale, 'quiz.summary.review'), value: t(locale, 'quiz.summary.nothingToReview') });
  } else {
    fields.push({
      name: t(locale, 'quiz.summary.review'),
      value: summary.toReview
        .map((item) => `• ${truncate(item.stem.replace(/\s+/g, ' '), 80)} (${formatPoints(item.score)}/${formatPoints(item.maxScore)})`)
        .join('\n'),
    });
  }
  return message({
    embeds: [
      {
        title: t(locale, 'quiz.summary.title', { bank: bankTitle }),
        description: t(locale, 'quiz.summary.score', {
          score: formatPoints(summary.score),
          max: formatPoints(summary.maxScore),
          answered: summary.answered,
          total: summary.total,
          duration: formatDuration(locale, summary.durationMs),
        }),
        color: COLOR.info,
        fields,
      },
    ],
  });
}

export function renderNotOwner(locale: string | null | undefined, ownerId: string): MessagePayload {
  return message({ content: t(locale, 'quiz.notOwner', { owner: userMention(ownerId) }) });
}

export function renderPlain(content: string): MessagePayload {
  return message({ content });
}

export function renderError(locale: string | null | undefined, reference: string): MessagePayload {
  return message({ content: t(locale, 'error.generic', { ref: reference }) });
}

// ---------------------------------------------------------------------------------------------
// /stats, /leaderboard, /bank, /forget-me

export interface StatsInput {
  locale: string | null | undefined;
  stats: UserStats;
  /** The member's name for the title (a mention would not render there). */
  userName: string;
  bankTitle?: string;
  /** The attachment name of the chart image, when one is attached. */
  chartFile?: string;
  // --- h12-queue-appeals ---
  /** Fields after the figures: the learner's appeals (render-queue.ts). */
  extraFields?: APIEmbedField[];
  // --- h13-exam-core ---
  /** The learner's exams (every server and bank); the line is left out when they have taken none. */
  exams?: ExamStats;
}

export function renderStats(input: StatsInput): MessagePayload {
  const { locale, stats } = input;
  const user = userMention(stats.userId);
  const title = t(locale, 'stats.title', { user: input.userName });
  if (stats.attempts === 0) return message({ embeds: [{ title, description: t(locale, 'stats.empty', { user }), color: COLOR.neutral }] });
  const fields: APIEmbedField[] = [
    {
      name: t(locale, 'stats.overview'),
      value: t(locale, 'stats.overviewLine', {
        attempts: stats.attempts,
        accuracy: formatPercent(stats.accuracy),
        points: formatPoints(stats.pointsEarned),
        available: formatPoints(stats.pointsAvailable),
        seen: stats.questionsSeen,
        mastered: stats.questionsMastered,
        streak: stats.currentStreakDays,
        longest: stats.longestStreakDays,
        due: stats.reviewsDue,
      }),
    },
  ];
  // --- h13-exam-core ---
  const examLines = examStatsLines(locale, input.exams);
  if (examLines) fields.push({ name: t(locale, 'examStats.title'), value: examLines.join('\n') });
  if (stats.byType.length > 0) {
    fields.push({
      name: t(locale, 'stats.byType'),
      value: stats.byType.map((g) => `${typeLabel(locale, g.type)}: ${g.correct}/${g.attempts} (${formatPercent(g.accuracy)})`).join('\n'),
      inline: true,
    });
  }
  if (stats.byBank.length > 0 && !stats.bankId) {
    fields.push({
      name: t(locale, 'stats.byBank'),
      value: stats.byBank.map((g) => `\`${g.bankId}\`: ${g.correct}/${g.attempts} (${formatPercent(g.accuracy)})`).join('\n'),
      inline: true,
    });
  }
  if (stats.weakestTopics.length > 0) {
    fields.push({ name: t(locale, 'stats.weakTopics'), value: stats.weakestTopics.map((g) => `• ${g.topic}: ${formatPercent(g.accuracy)} (${g.attempts})`).join('\n') });
  }
  if (stats.missedRubricPoints.length > 0) {
    fields.push({ name: t(locale, 'stats.missedRubric'), value: stats.missedRubricPoints.map((p) => `• ${p.point} (${p.missed}/${p.attempts})`).join('\n') });
  }
  fields.push(...(input.extraFields ?? [])); // --- h12-queue-appeals ---
  const embed: APIEmbed = {
    title,
    description: [user, input.bankTitle ? t(locale, 'stats.scope.bank', { bank: input.bankTitle }) : ''].filter(Boolean).join('\n'),
    color: COLOR.info,
    fields,
  };
  if (input.chartFile) {
    embed.image = { url: `attachment://${input.chartFile}` };
    embed.footer = { text: t(locale, 'stats.chart') };
  }
  return message({ embeds: [embed] });
}

export function renderLeaderboard(locale: string | null | undefined, board: Leaderboard): MessagePayload {
  const title = t(locale, board.period === 'week' ? 'leaderboard.title.week' : 'leaderboard.title.all');
  const description =
    board.rows.length === 0
      ? t(locale, 'leaderboard.empty')
      : board.rows
          .map((r, i) => t(locale, 'leaderboard.row', { rank: i + 1, user: userMention(r.userId), points: formatPoints(r.points), attempts: r.attempts }))
          .join('\n');
  return message({ embeds: [{ title, description, color: COLOR.info }] });
}

export function renderBankList(locale: string | null | undefined, banks: readonly Bank[]): MessagePayload {
  const description =
    banks.length === 0
      ? t(locale, 'bank.list.empty')
      : banks
          .map((bank) =>
            t(locale, 'bank.list.row', {
              id: bank.id,
              title: bank.title,
              count: bank.questions.filter((q) => q.status !== 'draft').length,
              language: bank.language,
            }),
          )
          .join('\n');
  return message({ embeds: [{ title: t(locale, 'bank.list.title'), description, color: COLOR.info }] });
}

export interface ImportReportView {
  fileName: string;
  /** Set when the bank was saved. */
  saved?: { bankId: string; questionCount: number };
  /** Why nothing was saved (already translated), when not because of `problems`. */
  reason?: string;
  problems: string[];
  warnings: string[];
}

export function renderImportReport(locale: string | null | undefined, report: ImportReportView): MessagePayload {
  const lines: string[] = [];
  if (report.saved) lines.push(t(locale, 'bank.import.saved', { id: report.saved.bankId, count: report.saved.questionCount }));
  else lines.push(report.reason ?? t(locale, 'bank.import.notSaved'));
  const fields: APIEmbedField[] = [];
  const list = (items: string[]) => {
    const shown = items.slice(0, 15).map((item) => `• ${item}`);
    if (items.length > 15) shown.push(`… +${items.length - 15}`);
    return shown.join('\n');
  };
  if (report.problems.length > 0) fields.push({ name: t(locale, 'bank.import.problems'), value: list(report.problems) });
  if (report.warnings.length > 0) fields.push({ name: t(locale, 'bank.import.warnings'), value: list(report.warnings) });
  return message({
    embeds: [
      {
        title: t(locale, 'bank.import.title', { file: report.fileName }),
        description: lines.join('\n'),
        color: report.saved ? COLOR.correct : COLOR.wrong,
        fields,
      },
    ],
  });
}

export function renderForgetPrompt(locale: string | null | undefined, userId: string): MessagePayload {
  return message({
    content: t(locale, 'forget.prompt'),
    components: [
      row(
        button(encodeComponentId({ kind: 'forget-confirm', userId }), t(locale, 'forget.confirm'), ButtonStyle.Danger),
        button(encodeComponentId({ kind: 'forget-cancel', userId }), t(locale, 'forget.cancel')),
      ),
    ],
  });
}

export function renderForgetDone(locale: string | null | undefined, result: ForgetResult): MessagePayload {
  return message({ content: t(locale, 'forget.done', { ...result }), components: [] });
}
