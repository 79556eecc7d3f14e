import { isFreeText, type Question, type QuestionType } from '../bank/schema.ts';
import type { GradeResult, PartVerdict } from '../grading/types.ts';
import { t, type Locale, type MessageKey } from '../messages/catalog.ts';
import { distinctFeedbackItems } from '../messages/feedback.ts';
import { formatColumns, formatDateTime, formatFraction, formatPoints, formatRelativeTime, splitDuration, truncateWidth } from '../messages/format.ts';
import type { AnswerOutcome, CurrentQuestion, QuizSummary } from '../quiz/types.ts';
import type { FollowUpReply, FreeTextFeedback, RubricPointVerdict } from '../tutor/types.ts';

/** Pure text builders for `tutor practice`: plain data in, lines out, so tests read what a learner sees. */

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const paint = (code: string) => (text: string) => `\x1b[${code}m${text}\x1b[0m`;
const plain = (text: string) => text;

/** ANSI colours only on a terminal; scripted runs and tests get plain text. */
export function createStyle(colour: boolean): Style {
  return colour
    ? { bold: paint('1'), dim: paint('2'), green: paint('32'), red: paint('31'), yellow: paint('33'), cyan: paint('36') }
    : { bold: plain, dim: plain, green: plain, red: plain, yellow: plain, cyan: plain };
}

/** What every builder needs: the interface language and the colours. */
export interface PracticeView {
  locale: Locale;
  style: Style;
}

function indent(text: string, prefix = '  '): string {
  return text
    .split('\n')
    .map((line) => (line.length > 0 ? `${prefix}${line}` : line))
    .join('\n');
}

/** A label followed by the locale's colon. */
function label(locale: Locale, key: MessageKey): string {
  return t(locale, 'label', { label: t(locale, key) });
}

export function typeName(locale: Locale, type: QuestionType): string {
  return t(locale, `type.${type}` as MessageKey);
}

export function formatPracticeDuration(locale: Locale, ms: number): string {
  const { minutes, seconds } = splitDuration(ms);
  return minutes > 0 ? t(locale, 'duration.minutes', { minutes, seconds }) : t(locale, 'duration.seconds', { seconds });
}

export function answerHint(question: Question, locale: Locale): string {
  switch (question.type) {
    case 'choice':
      return t(locale, 'practice.hint.choice');
    case 'multi':
      return t(locale, 'practice.hint.multi');
    case 'truefalse':
      return t(locale, 'practice.hint.truefalse');
    case 'numeric':
      return question.unit ? t(locale, 'practice.hint.numericUnit', { unit: question.unit }) : t(locale, 'practice.hint.numeric');
    case 'blank':
      return t(locale, 'practice.hint.blank', { count: question.blanks.length });
    case 'short':
    case 'essay':
      return t(locale, 'practice.hint.freeText');
  }
}

export function renderQuestion(current: CurrentQuestion, view: PracticeView): string {
  const { locale, style } = view;
  const { question } = current;
  const heading = t(locale, 'quiz.question.title', { index: current.index + 1, total: current.total, type: typeName(locale, question.type), points: question.points });
  const lines = ['', style.bold(style.cyan(heading)), question.stem];
  if (question.type === 'choice' || question.type === 'multi') {
    for (const option of question.options) lines.push(`  ${style.bold(`${option.key}.`)} ${option.text}`);
  }
  lines.push(style.dim(answerHint(question, locale)));
  return `${lines.join('\n')}\n`;
}

function verdictLine(score: number, maxScore: number, view: PracticeView): string {
  const { locale, style } = view;
  const label =
    score >= maxScore
      ? style.green(`✔ ${t(locale, 'practice.correct')}`)
      : score > 0
        ? style.yellow(`◐ ${t(locale, 'practice.partly')}`)
        : style.red(`✖ ${t(locale, 'practice.wrong')}`);
  return `${style.bold(label)} — ${formatPoints(score)}/${t(locale, 'points', { points: maxScore })}`;
}

/** The right answer as the learner can read it: for choices the options' own text, not only their letters. */
export function describeRightAnswer(question: Question, grade: GradeResult): string {
  if (question.type === 'choice' || question.type === 'multi') {
    const keys = question.type === 'choice' ? [question.answer] : question.answer;
    const texts = keys.map((key) => {
      const option = question.options.find((candidate) => candidate.key === key);
      return option ? `${key}. ${option.text.replace(/\s+/g, ' ').trim()}` : key;
    });
    return texts.length === 1 ? texts[0]! : `\n${texts.map((text) => `    ${text}`).join('\n')}`;
  }
  return grade.status === 'graded' ? grade.expected : '';
}

function renderParts(question: Question, grade: GradeResult, view: PracticeView): string[] {
  const { locale, style } = view;
  if (grade.status !== 'graded') return [];
  const symbol = (part: PartVerdict) =>
    part.verdict === 'correct' ? style.green('✔') : part.verdict === 'missed' ? style.yellow('○') : style.red('✖');
  if (question.type === 'blank' && grade.parts.length > 1) {
    return grade.parts.map((part) => {
      const given = part.given ? `“${part.given}”` : '—';
      const expected = part.verdict === 'correct' || !part.expected ? '' : ` · ${label(locale, 'practice.expected')}${part.expected}`;
      return `  ${symbol(part)} ${t(locale, 'label', { label: t(locale, 'practice.blank', { n: Number(part.part) }) })}${given}${expected}`;
    });
  }
  if (question.type === 'multi') {
    // Only the options that went wrong need pointing out; the right options follow with their text.
    return grade.parts
      .filter((part) => part.verdict !== 'correct' && (part.given !== undefined || part.verdict === 'missed'))
      .map((part) => `  ${symbol(part)} ${t(locale, 'label', { label: t(locale, 'practice.option', { key: part.part }) })}${t(locale, `practice.part.${part.verdict}`)}`);
  }
  return [];
}

function rubricLine(point: RubricPointVerdict, style: Style): string {
  const symbol = point.verdict === 'met' ? style.green('✔') : point.verdict === 'partial' ? style.yellow('◐') : style.red('✖');
  const evidence = point.evidence ? ` ${style.dim(`“${point.evidence}”`)}` : '';
  return `  ${symbol} ${point.point} (${formatFraction(point.score, point.maxScore)})${evidence}`;
}

const PROVISIONAL_LABELS = [t('en-US', 'tutor.provisionalLabel'), t('zh-CN', 'tutor.provisionalLabel')];

/**
 * What the tutor wrote beyond the rubric. The keyword fallback's explanation is its provisional label
 * and the bank's reference and analysis, which this screen shows under its heading and behind `r`:
 * only a preface before them (a budget notice, an injection note) is kept.
 */
export function feedbackExplanation(feedback: FreeTextFeedback): string {
  if (feedback.gradedBy !== 'fallback') return feedback.explanation.trim();
  const at = Math.min(...PROVISIONAL_LABELS.map((label) => feedback.explanation.indexOf(label)).filter((index) => index >= 0), feedback.explanation.length);
  return feedback.explanation.slice(0, at).trim();
}

export function renderFeedback(feedback: FreeTextFeedback, view: PracticeView): string[] {
  const { locale, style } = view;
  const heading =
    feedback.gradedBy === 'llm' && !feedback.provisional
      ? t(locale, 'practice.tutorAi', { model: feedback.model ?? 'LLM' })
      : style.yellow(t(locale, feedback.note === 'no-llm-configured' ? 'practice.tutorNoLlm' : 'practice.tutorFallback'));
  const lines = [style.bold(heading)];
  for (const point of feedback.rubric) lines.push(rubricLine(point, style));
  const { strengths, improvements } = distinctFeedbackItems(feedback);
  if (strengths.length > 0) lines.push(`  ${label(locale, 'practice.strengths')}${strengths.join(t(locale, 'tutor.listSeparator'))}`);
  if (improvements.length > 0) lines.push(`  ${label(locale, 'practice.improvements')}${improvements.join(t(locale, 'tutor.listSeparator'))}`);
  const explanation = feedbackExplanation(feedback);
  if (explanation) lines.push(indent(explanation));
  if (feedback.status === 'flagged') lines.push(style.yellow(t(locale, 'practice.flagged')));
  return lines;
}

/** The compact result: verdict and points, the right answer with its text, the tutor's feedback. */
export function renderOutcome(
  outcome: Pick<Extract<AnswerOutcome, { status: 'graded' }>, 'question' | 'grade' | 'score' | 'maxScore' | 'feedback' | 'gradedBy'>,
  view: PracticeView,
): string {
  const { locale, style } = view;
  const { question, grade } = outcome;
  const lines = ['', verdictLine(outcome.score, outcome.maxScore, view)];
  if (grade.status === 'graded') {
    lines.push(`${label(locale, 'practice.yourAnswer')}${grade.normalizedAnswer}`);
    if (!grade.correct) lines.push(`${label(locale, 'practice.expected')}${style.bold(describeRightAnswer(question, grade))}`);
  }
  lines.push(...renderParts(question, grade, view));
  if (outcome.feedback) {
    lines.push('', ...renderFeedback(outcome.feedback, view));
    const revisable = outcome.gradedBy === 'fallback' && outcome.feedback.status !== 'flagged' && outcome.feedback.note !== 'no-llm-configured';
    if (revisable) lines.push(style.dim(t(locale, 'practice.pending')));
  }
  return `${lines.join('\n')}\n`;
}

/** True when there is a reference answer or an analysis to show behind `r`. */
export function hasReference(question: Question): boolean {
  return isFreeText(question) || question.analysis.trim().length > 0;
}

/** The reference answer and analysis, shown when the learner asks for them (`r`). */
export function renderReference(question: Question, view: PracticeView): string {
  const { locale, style } = view;
  const lines: string[] = [];
  if (isFreeText(question)) lines.push(style.bold(label(locale, 'practice.reference').trimEnd()), indent(question.reference));
  if (question.analysis.trim()) lines.push(style.bold(label(locale, 'practice.analysis').trimEnd()), indent(question.analysis));
  return `${lines.join('\n')}\n`;
}

/** The keys after a result, on one line. */
export function renderFollowUpKeys(question: Question, isLast: boolean, view: PracticeView): string {
  const { locale, style } = view;
  const keys: MessageKey[] = [];
  if (hasReference(question)) keys.push('practice.key.reference');
  keys.push('practice.key.ask', isLast ? 'practice.key.summary' : 'practice.key.next', 'practice.key.quit');
  return `${style.dim(keys.map((key) => t(locale, key)).join(' · '))}\n`;
}

export function renderFollowUp(reply: FollowUpReply, view: PracticeView): string {
  const { locale, style } = view;
  const lines = [style.bold(label(locale, 'practice.tutorSays').trimEnd()), indent(reply.text)];
  if (reply.note && reply.gradedBy === 'llm') lines.push(style.dim(reply.note));
  return `${lines.join('\n')}\n`;
}

export interface SummaryExtras {
  /** The learner's next review card due, if any; with `now`, said as "in 3 days (date)". */
  nextReview?: { due: Date; now: Date; dueNow: number; timeZone?: string } | null;
}

export function renderSummary(summary: QuizSummary, user: string, view: PracticeView, extras: SummaryExtras = {}): string {
  const { locale, style } = view;
  const lines = [
    '',
    style.bold(style.cyan(t(locale, 'practice.summary'))),
    t(locale, 'practice.summaryScore', {
      score: formatPoints(summary.score),
      max: summary.maxScore,
      answered: summary.answered,
      total: summary.total,
      duration: formatPracticeDuration(locale, summary.durationMs),
    }),
  ];
  const types = Object.entries(summary.byType);
  if (types.length > 0) {
    lines.push(label(locale, 'practice.byType').trimEnd());
    const rows = types.map(([type, totals]) => [
      typeName(locale, type as QuestionType),
      t(locale, 'practice.correctCount', { correct: totals.correct, answered: totals.answered }),
      `${formatPoints(totals.score)}/${t(locale, 'points', { points: totals.maxScore })}`,
    ]);
    lines.push(...formatColumns(rows, { indent: '  ' }));
  }
  if (summary.answered > 0) {
    if (summary.toReview.length === 0) lines.push(t(locale, 'practice.nothingToReview'));
    else {
      lines.push(label(locale, 'practice.toReview').trimEnd());
      const rows = summary.toReview.map((item) => [
        `- ${item.questionId}`,
        truncateWidth(item.stem.replace(/\s+/g, ' '), 60),
        `(${formatFraction(item.score, item.maxScore)})`,
      ]);
      lines.push(...formatColumns(rows, { indent: '  ' }));
    }
  }
  const next = extras.nextReview;
  if (next) {
    if (next.dueNow > 0) lines.push(t(locale, 'quiz.summary.reviewsDueNow', { count: next.dueNow }), style.dim(t(locale, 'practice.reviewHint')));
    else lines.push(t(locale, 'quiz.summary.nextReview', { when: formatRelativeTime(next.due, next.now, locale), date: formatDateTime(next.due, locale, next.timeZone) }));
  }
  lines.push(style.dim(t(locale, 'practice.statsHint', { user })));
  return `${lines.join('\n')}\n`;
}
