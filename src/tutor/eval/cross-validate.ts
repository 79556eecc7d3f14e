import { blendRubric, DEFAULT_THRESHOLDS, gradeRubric, rubricEvidence, scaleToQuestion, sumScores, type FallbackThresholds, type RubricEvidence } from '../fallback-grader.ts';
import { containsHan, normalizeForMatch, tokenize } from '../text.ts';
import type { EvalDataset, EvalItem } from './datasets.ts';
import { pearson } from './metrics.ts';

/**
 * Question-level cross-validation of the evidence grader against human scores. The dataset's
 * questions (never its answers) are split into k folds; for each fold the grader's thresholds are
 * chosen on the other folds' questions only and the fold's answers are scored with them, so no
 * question is measured with settings tuned on it. Reported next to the grader with its shipped
 * defaults (nothing tuned at all) and next to plain overlap with the reference.
 */

export interface AgreementFigures {
  /** Pearson over every answer of the dataset together. */
  pooled: number | null;
  /** Mean of the per-question Pearson coefficients (questions with 3+ answers and varied scores on both sides). */
  withinQuestion: number | null;
  /** How many questions entered the within-question mean. */
  questionsMeasured: number;
}

export interface CrossValidationReport {
  dataset: string;
  answers: number;
  questions: number;
  folds: number;
  /** Thresholds tuned on the training folds, scored on the held-out fold. */
  fallbackCrossValidated: AgreementFigures;
  /** The shipped thresholds, tuned on nothing. */
  fallbackDefaults: AgreementFigures;
  /** Word (English, stemmed) or character-bigram (Chinese) recall of the reference in the answer. */
  overlapBaseline: AgreementFigures;
  /** The thresholds each fold chose. */
  chosenThresholds: FallbackThresholds[];
}

/** Plain overlap: the share of the reference's content words (stems) or Han bigrams found in the answer. */
export function referenceOverlap(reference: string, answer: string): number {
  const keys = (text: string) => {
    const set = new Set<string>();
    if (containsHan(text)) {
      const chars = [...normalizeForMatch(text).replace(/\s+/g, '')];
      for (let index = 0; index + 1 < chars.length; index += 1) set.add(chars[index]! + chars[index + 1]!);
    } else {
      for (const token of tokenize(text)) if (!token.stop) set.add(token.key);
    }
    return set;
  };
  const wanted = keys(reference);
  if (wanted.size === 0) return 0;
  const found = keys(answer);
  let hits = 0;
  for (const key of wanted) if (found.has(key)) hits += 1;
  return hits / wanted.size;
}

function fallbackScore(item: EvalItem, thresholds: FallbackThresholds): number {
  const verdicts = scaleToQuestion(gradeRubric(item.question, item.answer, thresholds), item.question);
  return sumScores(verdicts, item.question.points) / item.question.points;
}

export function agreement(items: readonly EvalItem[], scores: readonly number[]): AgreementFigures {
  const human = items.map((item) => item.human);
  const byQuestion = new Map<string, number[]>();
  items.forEach((item, index) => byQuestion.set(item.question.id, [...(byQuestion.get(item.question.id) ?? []), index]));
  const perQuestion: number[] = [];
  for (const indexes of byQuestion.values()) {
    if (indexes.length < 3) continue;
    const r = pearson(
      indexes.map((index) => scores[index]!),
      indexes.map((index) => human[index]!),
    );
    if (r !== null) perQuestion.push(r);
  }
  return {
    pooled: pearson(scores, human),
    withinQuestion: perQuestion.length ? perQuestion.reduce((a, b) => a + b, 0) / perQuestion.length : null,
    questionsMeasured: perQuestion.length,
  };
}

const MET_GRID = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
const PARTIAL_GRID = [0.01, 0.1, 0.2, 0.3, 0.4, 0.5];
const EVIDENCE_WEIGHT_GRID = [0.25, 0.5, 0.75];
const FULL_SIMILARITY_GRID = [0.3, 0.5, 0.7, 1];

/** What the grader found in each answer, per verdict threshold pair: the costly part, computed once per dataset. */
export type EvidenceCache = Map<string, RubricEvidence[]>;

const cacheKey = (met: number, partial: number) => `${met}/${partial}`;

export function buildEvidenceCache(items: readonly EvalItem[]): EvidenceCache {
  const cache: EvidenceCache = new Map();
  for (const met of MET_GRID) {
    for (const partial of PARTIAL_GRID) {
      if (partial >= met) continue;
      cache.set(cacheKey(met, partial), items.map((item) => rubricEvidence(item.question, item.answer, { met, partial })));
    }
  }
  return cache;
}

function blendedScore(item: EvalItem, evidence: RubricEvidence, thresholds: FallbackThresholds): number {
  return sumScores(scaleToQuestion(blendRubric(item.question, evidence, thresholds), item.question), item.question.points) / item.question.points;
}

/**
 * The settings with the best pooled plus within-question agreement on the items at `indexes` (the
 * training folds): verdict thresholds, the weight of evidence against similarity, and the recall
 * at which similarity counts in full.
 */
export function tuneThresholds(items: readonly EvalItem[], indexes: readonly number[], cache: EvidenceCache): FallbackThresholds {
  const training = indexes.map((index) => items[index]!);
  let best = DEFAULT_THRESHOLDS;
  let bestValue = -Infinity;
  for (const met of MET_GRID) {
    for (const partial of PARTIAL_GRID) {
      if (partial >= met) continue;
      const evidence = cache.get(cacheKey(met, partial))!;
      for (const evidenceWeight of EVIDENCE_WEIGHT_GRID) {
        for (const fullSimilarity of FULL_SIMILARITY_GRID) {
          const thresholds = { met, partial, evidenceWeight, fullSimilarity };
          const figures = agreement(training, indexes.map((index) => blendedScore(items[index]!, evidence[index]!, thresholds)));
          const value = (figures.pooled ?? 0) + (figures.withinQuestion ?? 0);
          if (value > bestValue) {
            bestValue = value;
            best = thresholds;
          }
        }
      }
    }
  }
  return best;
}

/** Questions go to folds round-robin in order of first appearance, so each fold holds whole questions. */
export function assignFolds(items: readonly EvalItem[], folds: number): number[] {
  const foldOf = new Map<string, number>();
  for (const item of items) if (!foldOf.has(item.question.id)) foldOf.set(item.question.id, foldOf.size % folds);
  return items.map((item) => foldOf.get(item.question.id)!);
}

export function crossValidateFallback(dataset: EvalDataset, folds = 5): CrossValidationReport {
  const items = dataset.items;
  const questions = new Set(items.map((item) => item.question.id)).size;
  const k = Math.max(2, Math.min(folds, questions));
  const fold = assignFolds(items, k);
  const heldOut = new Array<number>(items.length).fill(0);
  const chosenThresholds: FallbackThresholds[] = [];
  const cache = buildEvidenceCache(items);
  for (let current = 0; current < k; current += 1) {
    const training = items.flatMap((_item, index) => (fold[index] !== current ? [index] : []));
    const thresholds = tuneThresholds(items, training, cache);
    chosenThresholds.push(thresholds);
    const evidence = cache.get(cacheKey(thresholds.met, thresholds.partial))!;
    items.forEach((item, index) => {
      if (fold[index] === current) heldOut[index] = blendedScore(item, evidence[index]!, thresholds);
    });
  }
  const round = (figures: AgreementFigures): AgreementFigures => ({
    ...figures,
    pooled: figures.pooled === null ? null : Math.round(figures.pooled * 1000) / 1000,
    withinQuestion: figures.withinQuestion === null ? null : Math.round(figures.withinQuestion * 1000) / 1000,
  });
  return {
    dataset: dataset.name,
    answers: items.length,
    questions,
    folds: k,
    fallbackCrossValidated: round(agreement(items, heldOut)),
    fallbackDefaults: round(agreement(items, items.map((item) => fallbackScore(item, DEFAULT_THRESHOLDS)))),
    overlapBaseline: round(agreement(items, items.map((item) => referenceOverlap(item.question.reference, item.answer)))),
    chosenThresholds,
  };
}

export function renderCrossValidation(report: CrossValidationReport): string {
  const figure = (value: number | null) => (value === null ? '  n/a' : value.toFixed(3).padStart(6));
  const row = (name: string, figures: AgreementFigures) => `  ${name.padEnd(34)} ${figure(figures.pooled)}   ${figure(figures.withinQuestion)}`;
  return (
    [
      `Dataset: ${report.dataset}: ${report.answers} answers to ${report.questions} questions, ${report.folds}-fold cross-validation by question`,
      `  ${'grader'.padEnd(34)} pooled r   within-question r (mean of ${report.fallbackCrossValidated.questionsMeasured} questions)`,
      row('evidence fallback (cross-validated)', report.fallbackCrossValidated),
      row('evidence fallback (shipped defaults)', report.fallbackDefaults),
      row('reference overlap (baseline)', report.overlapBaseline),
      `  settings chosen per fold (met/partial/evidence weight/full similarity): ${report.chosenThresholds.map((t) => `${t.met}/${t.partial}/${t.evidenceWeight}/${t.fullSimilarity}`).join('; ')}`,
    ].join('\n') + '\n'
  );
}
