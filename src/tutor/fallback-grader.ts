import type { FreeTextQuestion, RubricPoint } from '../bank/schema.ts';
import { t } from '../messages/catalog.ts';
import { FEEDBACK_LIMITS } from './limits.ts';
import type { FreeTextFeedback, RubricPointVerdict } from './types.ts';
import { extractKeyTerms, indexAnswer, termAppearsIn, truncateText, type AnswerIndex, type FeedbackLanguage } from './text.ts';

/**
 * The deterministic rubric-coverage grader: used when the LLM is not configured, fails, or is not to
 * be trusted. Pure and total. Each rubric point's key terms are looked up in the normalised answer;
 * the score is provisional and is always shown as such, with the reference answer and analysis.
 */

/** Words that say what a rubric point asks for rather than what the answer must contain. */
const RUBRIC_INSTRUCTION_WORDS = new Set(
  (
    'explain explains explained explaining describe describes mention mentions mentioned state states identify identifies ' +
    'give gives example examples correct correctly answer answers point points clear clearly discuss discusses note notes ' +
    'learner student reason reasons show shows name names list lists define defines definition ' +
    '说明 指出 解释 提到 描述 举例 答出 正确 回答 要点 能够 阐述 论述 分析 给出 列出 写出 包括 定义'
  ).split(' '),
);

const MAX_DERIVED_TERMS = 8;

export interface PointTerms {
  /** Each entry is one term with its accepted alternatives (a keyword `a|b` lists synonyms). */
  terms: string[][];
  /** True when the terms come from the author's `keywords`, not derived from the text. */
  explicit: boolean;
}

/** The terms a rubric point is checked against: its keywords, else terms of the point (or the reference). */
export function termsForPoint(point: RubricPoint, reference: string): PointTerms {
  if (point.keywords && point.keywords.length > 0) {
    return {
      explicit: true,
      terms: point.keywords.map((keyword) =>
        keyword
          .split('|')
          .map((alternative) => alternative.trim())
          .filter(Boolean),
      ),
    };
  }
  let derived = extractKeyTerms(point.point).filter((term) => !RUBRIC_INSTRUCTION_WORDS.has(term));
  if (derived.length === 0) derived = extractKeyTerms(reference);
  return { explicit: false, terms: derived.slice(0, MAX_DERIVED_TERMS).map((term) => [term]) };
}

export interface PointCoverage {
  verdict: RubricPointVerdict['verdict'];
  matched: string[];
  total: number;
}

/** met: at least 75% of explicit keywords (60% of derived terms) found; partial: some found; else missed. */
export function coverPoint(terms: PointTerms, index: AnswerIndex): PointCoverage {
  const matched: string[] = [];
  for (const alternatives of terms.terms) {
    const hit = alternatives.find((alternative) => termAppearsIn(alternative, index));
    if (hit !== undefined) matched.push(hit);
  }
  const total = terms.terms.length;
  if (total === 0 || matched.length === 0) return { verdict: 'missed', matched, total };
  const ratio = matched.length / total;
  const metThreshold = terms.explicit ? 0.75 : 0.6;
  return { verdict: ratio >= metThreshold ? 'met' : 'partial', matched, total };
}

/** met → the point's marks, partial → half, missed → 0; summed, clamped to 0..max and rounded to 2 decimals. */
export function scoreVerdicts(verdicts: ReadonlyArray<Pick<RubricPointVerdict, 'verdict' | 'maxScore'>>, maxScore: number): number {
  let total = 0;
  for (const verdict of verdicts) {
    if (verdict.verdict === 'met') total += verdict.maxScore;
    else if (verdict.verdict === 'partial') total += verdict.maxScore / 2;
  }
  return roundScore(Math.min(Math.max(total, 0), maxScore));
}

export function roundScore(value: number): number {
  return Math.round(value * 100) / 100;
}

export interface FallbackOptions {
  language: FeedbackLanguage;
  /** Why the fallback was used, e.g. `no-llm-configured`, `timeout`, `injection`. */
  note: string;
  status?: FreeTextFeedback['status'];
}

/** Per-point verdicts by keyword coverage, the evidence being the matched terms. */
export function coverRubric(question: FreeTextQuestion, answer: string): RubricPointVerdict[] {
  const index = indexAnswer(answer);
  return question.rubric.map((point, position) => {
    const coverage = coverPoint(termsForPoint(point, question.reference), index);
    const score = coverage.verdict === 'met' ? point.points : coverage.verdict === 'partial' ? point.points / 2 : 0;
    return {
      index: position,
      point: point.point,
      verdict: coverage.verdict,
      evidence: coverage.matched.join(', '),
      score: roundScore(score),
      maxScore: point.points,
    };
  });
}

/** The maximum a question is worth: its `points`, which the rubric's points share. */
export function maxScoreOf(question: FreeTextQuestion): number {
  return question.points;
}

/**
 * Scales rubric verdicts so their maxima add up to the question's points (a rubric may be written on
 * a different scale than the question), keeping each verdict's share.
 */
export function scaleToQuestion(verdicts: RubricPointVerdict[], question: FreeTextQuestion): RubricPointVerdict[] {
  const rubricTotal = verdicts.reduce((sum, verdict) => sum + verdict.maxScore, 0);
  if (rubricTotal <= 0 || Math.abs(rubricTotal - question.points) < 1e-9) return verdicts;
  const factor = question.points / rubricTotal;
  return verdicts.map((verdict) => ({
    ...verdict,
    score: roundScore(verdict.score * factor),
    maxScore: roundScore(verdict.maxScore * factor),
  }));
}

export function gradeByRubricCoverage(question: FreeTextQuestion, answer: string, options: FallbackOptions): FreeTextFeedback {
  const language = options.language;
  const rubric = scaleToQuestion(coverRubric(question, answer), question);
  const maxScore = maxScoreOf(question);
  const score = scoreVerdicts(rubric, maxScore);
  const covered = rubric.filter((verdict) => verdict.verdict === 'met');
  const missed = rubric.filter((verdict) => verdict.verdict !== 'met');
  const limits = FEEDBACK_LIMITS;
  const explanationParts = [
    t(language, 'tutor.provisionalLabel'),
    `${t(language, 'tutor.referenceHeading')}\n${truncateText(question.reference, limits.referenceChars)}`,
  ];
  if (question.analysis.trim()) explanationParts.push(`${t(language, 'tutor.analysisHeading')}\n${truncateText(question.analysis, limits.analysisChars)}`);
  return {
    gradedBy: 'fallback',
    status: options.status ?? 'graded',
    provisional: true,
    score,
    maxScore,
    rubric: rubric.map((verdict) => ({ ...verdict, point: truncateText(verdict.point, limits.pointChars), evidence: truncateText(verdict.evidence, limits.evidenceChars) })),
    strengths: covered.slice(0, limits.listItems).map((verdict) => truncateText(t(language, 'tutor.coveredPoint', { point: verdict.point }), limits.listItemChars)),
    improvements: missed.slice(0, limits.listItems).map((verdict) => truncateText(t(language, 'tutor.missedPoint', { point: verdict.point }), limits.listItemChars)),
    explanation: explanationParts.join('\n\n'),
    note: options.note,
  };
}
