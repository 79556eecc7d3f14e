import { isFreeText, type Question } from '../bank/schema.ts';
import type { GradeResult, PartVerdict } from '../grading/types.ts';
import type { AnswerOutcome, CurrentQuestion, QuizSummary } from '../quiz/types.ts';
import type { FollowUpReply, FreeTextFeedback, RubricPointVerdict } from '../tutor/types.ts';
import type { PracticeStrings } from './practice-text.ts';

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

function formatPoints(value: number): number {
  return Math.round(value * 100) / 100;
}

function indent(text: string, prefix = '  '): string {
  return text
    .split('\n')
    .map((line) => (line.length > 0 ? `${prefix}${line}` : line))
    .join('\n');
}

export function answerHint(question: Question, t: PracticeStrings): string {
  switch (question.type) {
    case 'choice':
      return t.hintChoice;
    case 'multi':
      return t.hintMulti;
    case 'truefalse':
      return t.hintTrueFalse;
    case 'numeric':
      return t.hintNumeric(question.unit);
    case 'blank':
      return t.hintBlank(question.blanks.length);
    case 'short':
    case 'essay':
      return t.hintFreeText;
  }
}

export function renderQuestion(current: CurrentQuestion, t: PracticeStrings, style: Style): string {
  const { question } = current;
  const heading = `${t.questionHeading(current.index + 1, current.total)} · ${t.typeName[question.type]} · ${t.points(question.points)}`;
  const lines = ['', style.bold(style.cyan(heading)), question.stem];
  if (question.type === 'choice' || question.type === 'multi') {
    for (const option of question.options) lines.push(`  ${style.bold(`${option.key}.`)} ${option.text}`);
  }
  lines.push(style.dim(answerHint(question, t)));
  return `${lines.join('\n')}\n`;
}

function verdictLine(score: number, maxScore: number, t: PracticeStrings, style: Style): string {
  const label = score >= maxScore ? style.green(`✔ ${t.correct}`) : score > 0 ? style.yellow(`◐ ${t.partly}`) : style.red(`✖ ${t.wrong}`);
  return `${style.bold(label)} — ${t.scoreLine(formatPoints(score), formatPoints(maxScore))}`;
}

function renderParts(question: Question, grade: GradeResult, t: PracticeStrings, style: Style): string[] {
  if (grade.status !== 'graded') return [];
  const symbol = (part: PartVerdict) =>
    part.verdict === 'correct' ? style.green('✔') : part.verdict === 'missed' ? style.yellow('○') : style.red('✖');
  if (question.type === 'blank' && grade.parts.length > 1) {
    return grade.parts.map((part) => {
      const given = part.given ? `“${part.given}”` : '—';
      const expected = part.verdict === 'correct' || !part.expected ? '' : ` · ${t.expected}: ${part.expected}`;
      return `  ${symbol(part)} ${t.blank(Number(part.part))}: ${given}${expected}`;
    });
  }
  if (question.type === 'multi') {
    // Only the options that went wrong need pointing out; the expected keys follow on their own line.
    return grade.parts
      .filter((part) => part.verdict !== 'correct' && (part.given !== undefined || part.verdict === 'missed'))
      .map((part) => `  ${symbol(part)} ${t.option(part.part)}: ${t.partVerdict[part.verdict]}`);
  }
  return [];
}

function rubricLine(point: RubricPointVerdict, style: Style): string {
  const symbol = point.verdict === 'met' ? style.green('✔') : point.verdict === 'partial' ? style.yellow('◐') : style.red('✖');
  const evidence = point.evidence ? ` ${style.dim(`“${point.evidence}”`)}` : '';
  return `  ${symbol} ${point.point} (${formatPoints(point.score)}/${formatPoints(point.maxScore)})${evidence}`;
}

export function renderFeedback(feedback: FreeTextFeedback, t: PracticeStrings, style: Style): string[] {
  const heading = feedback.gradedBy === 'llm' && !feedback.provisional ? t.tutorAi(feedback.model) : style.yellow(t.tutorFallback);
  const lines = [style.bold(heading)];
  for (const point of feedback.rubric) lines.push(rubricLine(point, style));
  if (feedback.strengths.length > 0) lines.push(`  ${t.strengths}: ${feedback.strengths.join('; ')}`);
  if (feedback.improvements.length > 0) lines.push(`  ${t.improvements}: ${feedback.improvements.join('; ')}`);
  if (feedback.explanation) lines.push(indent(feedback.explanation));
  if (feedback.status === 'flagged') lines.push(style.yellow(t.flagged));
  return lines;
}

/**
 * The fallback's explanation quotes the reference and analysis, cut to fit a Discord embed. A terminal
 * has room for them whole (printed after the feedback), so the quoted copy is dropped from its heading on.
 */
export function withoutQuotedReference(explanation: string, reference: string): string {
  const at = explanation.indexOf(reference.slice(0, 40));
  if (at < 0) return explanation;
  const headingStart = explanation.lastIndexOf('\n', Math.max(0, at - 2));
  return explanation.slice(0, Math.max(0, headingStart)).trim();
}

export function renderOutcome(outcome: Extract<AnswerOutcome, { status: 'graded' }>, answerText: string, t: PracticeStrings, style: Style): string {
  const { question, grade } = outcome;
  const lines = ['', verdictLine(outcome.score, outcome.maxScore, t, style)];
  lines.push(`${t.yourAnswer}: ${grade.status === 'graded' ? grade.normalizedAnswer : answerText.trim()}`);
  if (grade.status === 'graded' && !grade.correct) lines.push(`${t.expected}: ${style.bold(grade.expected)}`);
  lines.push(...renderParts(question, grade, t, style));
  if (outcome.feedback) {
    const feedback = isFreeText(question)
      ? { ...outcome.feedback, explanation: withoutQuotedReference(outcome.feedback.explanation, question.reference) }
      : outcome.feedback;
    lines.push('', ...renderFeedback(feedback, t, style));
    if (outcome.gradedBy === 'fallback' && outcome.feedback.status !== 'flagged') lines.push(style.dim(t.pending));
  }
  if (isFreeText(question)) lines.push('', style.bold(`${t.reference}:`), indent(question.reference));
  if (question.analysis) lines.push('', style.bold(`${t.analysis}:`), indent(question.analysis));
  return `${lines.join('\n')}\n`;
}

export function renderFollowUp(reply: FollowUpReply, t: PracticeStrings, style: Style): string {
  const label = reply.gradedBy === 'llm' ? style.bold(`${t.tutorSays}:`) : `${style.bold(`${t.tutorSays}:`)} ${style.dim(t.tutorNotAi)}`;
  const lines = [label, indent(reply.text)];
  if (reply.note && reply.gradedBy === 'llm') lines.push(style.dim(reply.note));
  return `${lines.join('\n')}\n`;
}

export function renderSummary(summary: QuizSummary, user: string, t: PracticeStrings, style: Style): string {
  const lines = [
    '',
    style.bold(style.cyan(t.summaryHeading)),
    t.summaryScore(formatPoints(summary.score), formatPoints(summary.maxScore), summary.answered, summary.total, t.duration(summary.durationMs)),
  ];
  const types = Object.entries(summary.byType);
  if (types.length > 0) {
    lines.push(`${t.byType}:`);
    for (const [type, totals] of types) {
      const name = t.typeName[type as keyof PracticeStrings['typeName']] ?? type;
      lines.push(
        `  ${name.padEnd(18)} ${t.correctCount(totals.correct, totals.answered).padEnd(16)} ${t.scoreLine(formatPoints(totals.score), formatPoints(totals.maxScore))}`,
      );
    }
  }
  if (summary.answered > 0) {
    if (summary.toReview.length === 0) lines.push(t.nothingToReview);
    else {
      lines.push(`${t.toReview}:`);
      for (const item of summary.toReview) {
        const stem = item.stem.replace(/\s+/g, ' ');
        const short = stem.length > 60 ? `${stem.slice(0, 59)}…` : stem;
        lines.push(`  - ${item.questionId}: ${short} (${formatPoints(item.score)}/${formatPoints(item.maxScore)})`);
      }
    }
  }
  lines.push(style.dim(t.statsHint(user)));
  return `${lines.join('\n')}\n`;
}
