import type { QuestionType } from '../bank/schema.ts';
import { matchKeyOfNormalized } from '../grading/normalize.ts';

/**
 * Response analysis (Moodle's name): for each objectively graded question, every distinct answer
 * learners gave, how often, and how it was graded, the most frequent wrong answers first. A right
 * answer the key rejects shows up here as a frequent "wrong" answer given by strong learners, which is
 * how a teacher finds the accepted variants a bank is missing. Pure: src/storage reads the rows.
 */

/** The question types whose answers are short and comparable; free text has no "distinct answers". */
export const ANALYSED_TYPES = ['choice', 'multi', 'truefalse', 'numeric', 'blank'] as const satisfies readonly QuestionType[];
export type AnalysedType = (typeof ANALYSED_TYPES)[number];

export function isAnalysedType(type: string): type is AnalysedType {
  return (ANALYSED_TYPES as readonly string[]).includes(type);
}

export interface StoredResponse {
  questionId: string;
  questionType: QuestionType;
  userId: string;
  rawAnswer: string;
  /** As the grader stored it: `AC` for multi, `true`, `3.5 ms`, blanks joined by ` | `. */
  normalizedAnswer: string;
  score: number;
  maxScore: number;
}

export type ResponseVerdict = 'correct' | 'partial' | 'wrong';

export interface ResponseRow {
  /** The answer as shown: the stored normalised form most attempts of this group had (the first seen on a tie). */
  answer: string;
  /** One learner's answer as typed, for a teacher who wants to add it to the key verbatim. */
  exampleRaw: string;
  /** Attempts that gave this answer. */
  count: number;
  /** Distinct learners among them. */
  learners: number;
  /**
   * `correct` when every attempt scored full marks, `wrong` when every one scored 0, else `partial`
   * (partial credit, or a key that changed between attempts: `meanFraction` tells them apart).
   */
  verdict: ResponseVerdict;
  meanFraction: number;
}

export interface QuestionResponses {
  questionId: string;
  questionType: AnalysedType;
  attempts: number;
  /** Wrong answers first, then partial, then correct; within each, most attempts first. */
  responses: ResponseRow[];
}

const VERDICT_ORDER: Record<ResponseVerdict, number> = { wrong: 0, partial: 1, correct: 2 };
const BLANK_JOINER = ' | ';

/**
 * The key two stored answers are "the same answer" by. Choice, multi, true/false and numeric answers
 * are stored in the grader's canonical form already; a blank answer is compared blank by blank with
 * the grader's own match key (case, width, spacing and edge punctuation folded), so `Pruning` and
 * `pruning.` are one row as they are one answer to the grader.
 */
export function responseKey(questionType: QuestionType, normalizedAnswer: string): string {
  if (questionType !== 'blank') return normalizedAnswer;
  return normalizedAnswer.split(BLANK_JOINER).map(matchKeyOfNormalized).join(BLANK_JOINER);
}

interface Group {
  forms: Map<string, number>;
  exampleRaw: string;
  count: number;
  users: Set<string>;
  full: number;
  zero: number;
  fractionSum: number;
}

/**
 * One entry per analysed question, in the order questions first appear; rows of other types
 * (short, essay) are skipped.
 */
export function analyseResponses(rows: readonly StoredResponse[]): QuestionResponses[] {
  const questions = new Map<string, { type: AnalysedType; attempts: number; groups: Map<string, Group> }>();
  for (const row of rows) {
    if (!isAnalysedType(row.questionType)) continue;
    let question = questions.get(row.questionId);
    if (!question) {
      question = { type: row.questionType, attempts: 0, groups: new Map() };
      questions.set(row.questionId, question);
    }
    question.attempts += 1;
    const key = responseKey(row.questionType, row.normalizedAnswer);
    let group = question.groups.get(key);
    if (!group) {
      group = { forms: new Map(), exampleRaw: row.rawAnswer, count: 0, users: new Set(), full: 0, zero: 0, fractionSum: 0 };
      question.groups.set(key, group);
    }
    group.forms.set(row.normalizedAnswer, (group.forms.get(row.normalizedAnswer) ?? 0) + 1);
    group.count += 1;
    group.users.add(row.userId);
    const fraction = row.maxScore > 0 ? Math.min(1, Math.max(0, row.score / row.maxScore)) : 0;
    group.fractionSum += fraction;
    if (fraction >= 1) group.full += 1;
    else if (fraction <= 0) group.zero += 1;
  }

  return [...questions].map(([questionId, question]) => ({
    questionId,
    questionType: question.type,
    attempts: question.attempts,
    responses: [...question.groups.values()]
      .map((group): ResponseRow => ({
        answer: mostFrequent(group.forms),
        exampleRaw: group.exampleRaw,
        count: group.count,
        learners: group.users.size,
        verdict: group.full === group.count ? 'correct' : group.zero === group.count ? 'wrong' : 'partial',
        meanFraction: group.fractionSum / group.count,
      }))
      .sort(
        (a, b) =>
          VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict] ||
          b.count - a.count ||
          b.learners - a.learners ||
          (a.answer < b.answer ? -1 : a.answer > b.answer ? 1 : 0),
      ),
  }));
}

function mostFrequent(forms: Map<string, number>): string {
  let best = '';
  let bestCount = -1;
  for (const [form, count] of forms) {
    // Ties go to the form seen first (Map order), so the row reads as learners first wrote it.
    if (count > bestCount) {
      best = form;
      bestCount = count;
    }
  }
  return best;
}
