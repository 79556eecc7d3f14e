import { ButtonStyle, ComponentType, type ModalBuilder, type APIEmbed, type APIEmbedField, type APIStringSelectComponent } from 'discord.js';
import type { Question } from '../bank/schema.ts';
import type { ExamCover, ExamGradingProgress, ExamNavigation, ExamQuestionView, ExamReport, ExamReviewItem, ExamSubmitConfirmation, ExamSubmittedBy } from '../exam/types.ts';
import type { RawAnswer } from '../grading/types.ts';
import { t, type MessageKey } from '../messages/catalog.ts';
import { formatPoints } from '../messages/format.ts';
import { encodeComponentId } from './custom-id.ts';
import {
  COLOR,
  SELECT_LABEL_LIMIT,
  THREAD_NAME_LIMIT,
  button,
  displayAnswer,
  formatDuration,
  message,
  optionLines,
  quoteBlock,
  renderAnswerControls,
  renderAnswerModalFor,
  renderBlanksContinueFor,
  renderVerdictEmbed,
  row,
  truncate,
  typeLabel,
  userMention,
  type AnswerControlIds,
  type MessagePayload,
} from './render.ts';

/**
 * Everything `/exam` shows, built from the exam service's views so tests call these without Discord.
 * Nothing rendered before hand-in carries a verdict, the key, the analysis or a hint: the question
 * view's `question` holds the key (for the answer controls), and only its stem and options are used.
 */

type Locale = string | null | undefined;

/** A Discord timestamp: renders in the reader's own time zone, and `R` counts down by itself without edits. */
export function discordTime(date: Date, style: 'R' | 't' | 'f'): string {
  return `<t:${Math.floor(date.getTime() / 1000)}:${style}>`;
}

/** 1-based question numbers as the learner sees them, e.g. "3, 7, 12". */
function numbers(indexes: readonly number[], max = 40): string {
  const shown = indexes.slice(0, max).map((index) => String(index + 1));
  if (indexes.length > max) shown.push('…');
  return shown.join(', ');
}

export function renderExamThreadName(locale: Locale, userName: string, title: string): string {
  const name = t(locale, 'exam.threadName', { user: userName, title }).replace(/\s+/g, ' ').trim();
  return truncate(name || 'exam', THREAD_NAME_LIMIT);
}

// ---------------------------------------------------------------------------------------------
// The command's card and the cover

export interface ExamCardInput {
  locale: Locale;
  cover: ExamCover;
  /** The exam's thread, or null when the exam runs in place. */
  threadId: string | null;
  /** Why the exam runs in place, or that a private thread became public. */
  notice?: string;
}

/** The reply to `/exam` where it was typed: whose exam, and where it is. */
export function renderExamCard(input: ExamCardInput): MessagePayload {
  const { locale, cover } = input;
  const lines = [
    t(locale, 'exam.card.description', { user: userMention(cover.ownerId), count: cover.questionCount, points: cover.totalPoints, minutes: cover.timeLimitMinutes }),
    input.threadId ? t(locale, 'exam.card.thread', { thread: `<#${input.threadId}>` }) : t(locale, 'exam.card.inPlace'),
  ];
  if (input.notice) lines.push(`\n${input.notice}`);
  return message({ embeds: [{ title: t(locale, 'exam.card.title', { title: cover.title }), description: lines.join('\n'), color: COLOR.info }] });
}

/** A second `/exam` while one is open: where that one is. */
export function renderExamAlreadyOpen(locale: Locale, cover: Pick<ExamCover, 'title' | 'threadId'>): MessagePayload {
  const where = cover.threadId ? t(locale, 'exam.alreadyOpen.where', { thread: `<#${cover.threadId}>` }) : '';
  return message({ content: t(locale, 'exam.alreadyOpen', { title: cover.title, where }) });
}

/** The cover card: title, sections, points, time limit; Start until the clock runs, then the deadline. */
export function renderExamCover(locale: Locale, cover: ExamCover): MessagePayload {
  const fields: APIEmbedField[] = [
    {
      name: t(locale, 'exam.cover.sections'),
      value: cover.sections.map((section) => `• ${t(locale, 'exam.cover.sectionLine', { title: section.title, count: section.questionCount, points: section.points })}`).join('\n'),
    },
  ];
  const lines = [
    t(locale, 'exam.cover.summary', { count: cover.questionCount, points: cover.totalPoints, minutes: cover.timeLimitMinutes }),
    t(locale, 'exam.cover.bank', { bank: cover.bankTitle }),
    '',
    t(locale, 'exam.cover.rules'),
  ];
  if (cover.status === 'running' && cover.startedAt && cover.deadline) {
    lines.push('', t(locale, 'exam.cover.started', { start: discordTime(cover.startedAt, 't'), end: discordTime(cover.deadline, 'R') }));
  } else if (cover.status === 'grading' || cover.status === 'graded') {
    lines.push('', t(locale, 'exam.cover.handedIn'));
  }
  const components = cover.status === 'ready' ? [row(button(encodeComponentId({ kind: 'exam-start', examId: cover.examId }), t(locale, 'exam.button.start'), ButtonStyle.Success))] : [];
  return message({ embeds: [{ title: cover.title, description: lines.join('\n'), color: COLOR.info, fields }], components });
}

// ---------------------------------------------------------------------------------------------
// One question during the exam

/** The exam's custom ids for question `index`'s answer controls: the menu saves a pick at once (no Submit). */
export function examAnswerIds(examId: string, index: number): AnswerControlIds {
  return {
    choice: (choice) => encodeComponentId({ kind: 'exam-answer', examId, index, choice }),
    select: () => encodeComponentId({ kind: 'exam-select', examId, index }),
    open: (from) => encodeComponentId({ kind: 'exam-open', examId, index, from }),
  };
}

function howToKey(question: Question): MessageKey | null {
  switch (question.type) {
    case 'short':
    case 'essay':
      return 'exam.howTo.text';
    case 'blank':
      return 'exam.howTo.blank';
    case 'multi':
      return 'exam.howTo.multi';
    case 'numeric':
      return 'exam.howTo.numeric';
    default:
      return null;
  }
}

function answerAsText(answer: RawAnswer): string {
  return typeof answer === 'string' ? answer : answer.join('\n');
}

/** A saved answer as the learner gave it: an option with its text, the keys of a multi, numbered blanks. */
export function describeSavedAnswer(locale: Locale, question: Question, answer: RawAnswer): string {
  const text = answerAsText(answer);
  switch (question.type) {
    case 'choice': {
      const option = question.options.find((candidate) => candidate.key === text.trim());
      return option ? `${option.key}. ${option.text}` : text;
    }
    case 'multi':
      return /^[A-Z]+$/.test(text) ? text.split('').join(', ') : text;
    case 'blank':
      return (typeof answer === 'string' ? answer.split('\n') : [...answer]).map((blank, index) => `${index + 1}. ${blank}`).join('\n');
    default:
      return displayAnswer(locale, question, text);
  }
}

/** The key of the option or true/false button matching the saved answer, to show it in green. */
function chosenKey(question: Question, answer: RawAnswer | null): string | undefined {
  if (answer === null) return undefined;
  const text = answerAsText(answer).trim();
  if (question.type === 'choice') return text;
  if (question.type === 'truefalse') return text === 'true' ? 'T' : text === 'false' ? 'F' : undefined;
  return undefined;
}

const JUMP_OPTIONS = 25;

/** The jump menu: every question (a window of 25 around the current one on longer papers) with its state. */
function jumpMenu(locale: Locale, examId: string, navigation: ExamNavigation): APIStringSelectComponent {
  const first = Math.max(0, Math.min(navigation.current - Math.floor(JUMP_OPTIONS / 2), navigation.total - JUMP_OPTIONS));
  const items = navigation.items.slice(first, first + JUMP_OPTIONS);
  return {
    type: ComponentType.StringSelect,
    custom_id: encodeComponentId({ kind: 'exam-jump', examId }),
    placeholder: truncate(t(locale, 'exam.jump.placeholder', { answered: navigation.answered, unanswered: navigation.unanswered, flagged: navigation.flagged }), 150),
    min_values: 1,
    max_values: 1,
    options: items.map((item) => {
      const state = t(locale, item.state === 'answered' ? 'exam.jump.answered' : 'exam.jump.unanswered');
      const mark = item.flagged ? '🚩' : item.state === 'answered' ? '✅' : '⬜';
      return {
        label: truncate(`${mark} ${t(locale, 'exam.jump.option', { index: item.index + 1, type: typeLabel(locale, item.questionType), points: formatPoints(item.points) })}`, SELECT_LABEL_LIMIT),
        value: String(item.index),
        description: item.flagged ? `${state} · ${t(locale, 'exam.jump.flagged')}` : state,
        default: item.index === navigation.current,
      };
    }),
  };
}

export interface ExamQuestionInput {
  locale: Locale;
  view: ExamQuestionView;
  /** A line above the question: "Answer saved", why an answer could not be read. */
  notice?: string;
}

/**
 * The question with its answer controls (the same as `/quiz`'s), the saved answer, the time left as a
 * Discord timestamp, and Previous / Next / jump / Flag / Hand in. Never a verdict or the analysis.
 */
export function renderExamQuestion(input: ExamQuestionInput): MessagePayload {
  const { locale, view } = input;
  const { question, navigation } = view;
  const examId = view.cover.examId;
  const options = optionLines(question);
  const fields: APIEmbedField[] = [
    view.answer === null
      ? { name: t(locale, 'exam.question.yourAnswer'), value: t(locale, 'exam.question.notAnswered') }
      : { name: t(locale, 'exam.question.yourAnswer'), value: quoteBlock(describeSavedAnswer(locale, question, view.answer), 1000) },
  ];
  const howTo = howToKey(question);
  if (howTo) fields.push({ name: '\u200b', value: t(locale, howTo) });
  const embed: APIEmbed = {
    author: { name: truncate(view.sectionTitle, 256) },
    title: t(locale, 'exam.question.title', { index: view.index + 1, total: navigation.total, type: typeLabel(locale, question.type), points: formatPoints(view.points) }),
    description: options ? `${question.stem}\n\n${options}` : question.stem,
    color: view.flagged ? COLOR.partial : COLOR.info,
    fields,
    footer: { text: t(locale, 'exam.question.footer', { answered: navigation.answered, total: navigation.total }) },
  };
  const content = [
    input.notice,
    t(locale, 'exam.question.timeLeft', { end: discordTime(view.deadline, 'R'), at: discordTime(view.deadline, 't') }),
    view.flagged ? t(locale, 'exam.question.flagged') : undefined,
  ].filter(Boolean);
  const controls = renderAnswerControls({
    locale,
    question,
    ids: examAnswerIds(examId, view.index),
    // Two rows stay for the jump menu and the navigation buttons.
    maxRows: 3,
    ...(question.type === 'multi' && view.answer !== null ? { selectedKeys: answerAsText(view.answer) } : {}),
    ...(chosenKey(question, view.answer) !== undefined ? { chosenKey: chosenKey(question, view.answer)! } : {}),
    ...(view.answer !== null ? { openLabel: t(locale, 'exam.button.change') } : {}),
  });
  const navigationRow = row(
    button(encodeComponentId({ kind: 'exam-prev', examId, index: view.index }), t(locale, 'exam.button.previous'), ButtonStyle.Secondary, !navigation.hasPrevious),
    button(encodeComponentId({ kind: 'exam-next', examId, index: view.index }), t(locale, 'exam.button.next'), ButtonStyle.Secondary, !navigation.hasNext),
    view.flagged
      ? button(encodeComponentId({ kind: 'exam-flag', examId, index: view.index, flagged: false }), t(locale, 'exam.button.unflag'))
      : button(encodeComponentId({ kind: 'exam-flag', examId, index: view.index, flagged: true }), t(locale, 'exam.button.flag')),
    button(encodeComponentId({ kind: 'exam-submit', examId }), t(locale, 'exam.button.submit'), ButtonStyle.Danger),
  );
  return message({ content: content.join('\n'), embeds: [embed], components: [...controls, row(jumpMenu(locale, examId, navigation)), navigationRow] });
}

/** The Answer modal of question `index` from blank `from`, filled with the saved answer to change it. */
export function renderExamAnswerModal(locale: Locale, view: ExamQuestionView, from = 0): ModalBuilder {
  return renderAnswerModalFor({
    locale,
    question: view.question,
    from,
    customId: encodeComponentId({ kind: 'exam-modal', examId: view.cover.examId, index: view.index, from }),
    ...(view.answer !== null ? { current: view.answer } : {}),
  });
}

/** After five blanks of a longer question: Continue opens the modal for the next ones. */
export function renderExamBlanksContinue(locale: Locale, examId: string, index: number, from: number, total: number): MessagePayload {
  return renderBlanksContinueFor(locale, encodeComponentId({ kind: 'exam-open', examId, index, from }), from, total);
}

// ---------------------------------------------------------------------------------------------
// Hand-in: confirmation, grading progress, score report

/** Submit's confirmation: how many questions are unanswered (and which), the flagged ones, and the deadline. */
export function renderExamConfirm(locale: Locale, confirmation: ExamSubmitConfirmation): MessagePayload {
  const { cover } = confirmation;
  const lines = [
    t(locale, 'exam.confirm.answered', { answered: confirmation.answered, total: confirmation.total }),
    t(locale, 'exam.confirm.unanswered', { count: confirmation.unanswered, list: numbers(confirmation.unansweredIndexes) }),
  ];
  if (confirmation.flaggedIndexes.length > 0) lines.push(t(locale, 'exam.confirm.flagged', { count: confirmation.flaggedIndexes.length, list: numbers(confirmation.flaggedIndexes) }));
  if (cover.deadline) lines.push('', t(locale, 'exam.confirm.final', { end: discordTime(cover.deadline, 'R') }));
  return message({
    content: '',
    embeds: [{ title: t(locale, 'exam.confirm.title'), description: lines.join('\n'), color: confirmation.unanswered > 0 ? COLOR.partial : COLOR.info }],
    components: [
      row(
        button(encodeComponentId({ kind: 'exam-confirm', examId: cover.examId }), t(locale, 'exam.button.confirm'), ButtonStyle.Danger),
        button(encodeComponentId({ kind: 'exam-back', examId: cover.examId }), t(locale, 'exam.button.keepWorking'), ButtonStyle.Secondary),
      ),
    ],
  });
}

export interface ExamGradingInput {
  locale: Locale;
  cover: ExamCover;
  submittedBy: ExamSubmittedBy;
  progress: ExamGradingProgress | null;
}

/** Right after hand-in: objective answers graded, "Grading written answers: 2 of 4". */
export function renderExamGrading(input: ExamGradingInput): MessagePayload {
  const { locale, progress } = input;
  const lines: string[] = [];
  if (input.submittedBy === 'deadline') lines.push(t(locale, 'exam.grading.byDeadline'));
  lines.push(t(locale, 'exam.grading.objective'));
  if (progress && progress.writtenTotal > 0) lines.push(t(locale, 'exam.grading.written', { done: progress.writtenDone, total: progress.writtenTotal }));
  return message({ content: '', embeds: [{ title: t(locale, 'exam.grading.title', { title: input.cover.title }), description: lines.join('\n'), color: COLOR.neutral }], components: [] });
}

const LOST_LINES = 20;

/** The score report: total out of the paper's points, per section, time used, the questions that lost points; Review. */
export function renderExamReport(locale: Locale, report: ExamReport): MessagePayload {
  const { cover } = report;
  const description = [
    t(locale, 'exam.report.score', {
      score: formatPoints(report.score),
      max: formatPoints(report.totalPoints),
      answered: report.answered,
      total: report.questions.length,
      duration: formatDuration(locale, report.timeUsedMs),
    }),
    t(locale, report.submittedBy === 'deadline' ? 'exam.report.byDeadline' : 'exam.report.byLearner', { at: discordTime(report.submittedAt, 'f') }),
  ];
  if (report.submittedBy === 'deadline') description.unshift(t(locale, 'exam.grading.byDeadline'), '');
  const fields: APIEmbedField[] = [
    {
      name: t(locale, 'exam.report.sections'),
      value: report.sections
        .map((section) =>
          t(locale, 'exam.report.sectionLine', {
            title: section.title,
            score: formatPoints(section.score),
            points: formatPoints(section.points),
            answered: section.answered,
            count: section.questionCount,
          }),
        )
        .join('\n'),
    },
  ];
  const lost = report.lostPoints.map((index) => report.questions[index]).filter((question) => question !== undefined);
  const lostLines = lost.slice(0, LOST_LINES).map((question) => {
    const params = { index: question.index + 1, type: typeLabel(locale, question.questionType), score: formatPoints(question.score), points: formatPoints(question.points) };
    const line = t(locale, question.answered ? 'exam.report.lostLine' : 'exam.report.lostUnanswered', params);
    return question.provisional ? `${line} ⚠️` : line;
  });
  if (lost.length > LOST_LINES) lostLines.push(t(locale, 'exam.report.more', { count: lost.length - LOST_LINES }));
  fields.push({ name: t(locale, 'exam.report.lost'), value: lostLines.length > 0 ? lostLines.join('\n') : t(locale, 'exam.report.noneLost') });
  if (report.provisional) fields.push({ name: '\u200b', value: t(locale, 'exam.report.provisional') });
  fields.push({ name: '\u200b', value: t(locale, 'exam.report.reviewHint') });
  const ratio = report.totalPoints > 0 ? report.score / report.totalPoints : 0;
  return message({
    content: '',
    embeds: [
      {
        title: t(locale, 'exam.report.title', { title: cover.title }),
        description: description.join('\n'),
        color: ratio >= 0.85 ? COLOR.correct : ratio >= 0.6 ? COLOR.partial : COLOR.wrong,
        fields,
      },
    ],
    components: [row(button(encodeComponentId({ kind: 'exam-reviewstart', examId: cover.examId }), t(locale, 'exam.button.review'), ButtonStyle.Primary))],
  });
}

// ---------------------------------------------------------------------------------------------
// Review, after hand-in

/** One Review page: the question, the learner's answer, the verdict and points, the key, the analysis and the tutor's feedback. */
export function renderExamReview(locale: Locale, item: ExamReviewItem): MessagePayload {
  const { question } = item;
  const examId = item.cover.examId;
  const options = optionLines(question);
  const questionEmbed: APIEmbed = {
    author: { name: truncate(t(locale, 'exam.review.title', { index: item.index + 1, total: item.total, section: item.sectionTitle }), 256) },
    title: t(locale, 'exam.question.title', { index: item.index + 1, total: item.total, type: typeLabel(locale, question.type), points: formatPoints(item.points) }),
    description: options ? `${question.stem}\n\n${options}` : question.stem,
    color: COLOR.neutral,
  };
  const verdict = renderVerdictEmbed({
    locale,
    question,
    score: item.score,
    maxScore: item.points,
    grade: item.answered ? item.grade : null,
    feedback: item.feedback,
    gradedBy: item.gradedBy,
    answerText: item.answered && item.answerText !== null ? describeSavedAnswer(locale, question, item.answerText) : '—',
    ...(item.answered ? {} : { title: t(locale, 'exam.review.unanswered', { points: formatPoints(item.points) }) }),
  });
  const navigation = row(
    button(encodeComponentId({ kind: 'exam-review', examId, index: Math.max(0, item.index - 1) }), t(locale, 'exam.button.previous'), ButtonStyle.Secondary, item.index === 0),
    button(encodeComponentId({ kind: 'exam-review', examId, index: Math.min(item.total - 1, item.index + 1) }), t(locale, 'exam.button.next'), ButtonStyle.Secondary, item.index >= item.total - 1),
    button(encodeComponentId({ kind: 'exam-ask', examId, index: item.index }), t(locale, 'quiz.button.ask')),
  );
  // A one-question paper would give Previous and Next the same custom id, which Discord refuses.
  const rows = item.total > 1 ? [navigation] : [row(navigation.components[2]!)];
  return message({ content: '', embeds: [questionEmbed, verdict], components: rows });
}
