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

/**
 * The settled attempts that gave one stored answer to one question, summed: a single attempt, or a
 * roll-up row (src/storage keeps one per question, answer and learner, and sums them per answer).
 */
export interface ResponseTally {
  questionId: string;
  questionType: QuestionType;
  normalizedAnswer: string;
  /** The answer as typed in the earliest of these attempts. */
  exampleRaw: string;
  /** Orders answers as learners first gave them (the earliest attempt's id, or any increasing number). */
  firstSeen: number;
  attempts: number;
  /** Distinct learners among the attempts. */
  learners: number;
  /**
   * Those learners' ids. Required for blank questions, where answers stored differently can be one
   * answer to the grader (responseKey) and learners must be counted once across them.
   */
  userIds?: readonly string[];
  /** Attempts that scored full marks, and none. */
  fullMarks: number;
  noMarks: number;
  /** Sum over the attempts of the fraction of points, each clamped to 0..1. */
  fractionSum: number;
}

/**
 * One entry per analysed question, in the order questions first appear; rows of other types
 * (short, essay) are skipped.
 */
export function analyseResponses(rows: readonly StoredResponse[]): QuestionResponses[] {
  return analyseResponseTallies(tallyResponses(rows));
}

/** Each stored answer as a tally of one, in the rows' order. */
export function tallyResponses(rows: readonly StoredResponse[]): ResponseTally[] {
  return rows.map((row, index): ResponseTally => {
    const fraction = row.maxScore > 0 ? Math.min(1, Math.max(0, row.score / row.maxScore)) : 0;
    return {
      questionId: row.questionId,
      questionType: row.questionType,
      normalizedAnswer: row.normalizedAnswer,
      exampleRaw: row.rawAnswer,
      firstSeen: index,
      attempts: 1,
      learners: 1,
      userIds: [row.userId],
      fullMarks: fraction >= 1 ? 1 : 0,
      noMarks: fraction <= 0 ? 1 : 0,
      fractionSum: fraction,
    };
  });
}

interface Group {
  /** Attempts per stored form, with the form's first sighting for ties. */
  forms: Map<string, { count: number; firstSeen: number }>;
  exampleRaw: string;
  firstSeen: number;
  count: number;
  tallies: ResponseTally[];
  full: number;
  zero: number;
  fractionSum: number;
}

/**
 * The same analysis from tallies: questions in the order their first tally appears, answers grouped
 * by responseKey.
 */
export function analyseResponseTallies(tallies: readonly ResponseTally[]): QuestionResponses[] {
  const questions = new Map<string, { type: AnalysedType; attempts: number; groups: Map<string, Group> }>();
  for (const tally of tallies) {
    if (!isAnalysedType(tally.questionType)) continue;
    let question = questions.get(tally.questionId);
    if (!question) {
      question = { type: tally.questionType, attempts: 0, groups: new Map() };
      questions.set(tally.questionId, question);
    }
    question.attempts += tally.attempts;
    const key = responseKey(tally.questionType, tally.normalizedAnswer);
    let group = question.groups.get(key);
    if (!group) {
      group = { forms: new Map(), exampleRaw: tally.exampleRaw, firstSeen: tally.firstSeen, count: 0, tallies: [], full: 0, zero: 0, fractionSum: 0 };
      question.groups.set(key, group);
    } else if (tally.firstSeen < group.firstSeen) {
      group.exampleRaw = tally.exampleRaw;
      group.firstSeen = tally.firstSeen;
    }
    const form = group.forms.get(tally.normalizedAnswer);
    if (form) {
      form.count += tally.attempts;
      form.firstSeen = Math.min(form.firstSeen, tally.firstSeen);
    } else group.forms.set(tally.normalizedAnswer, { count: tally.attempts, firstSeen: tally.firstSeen });
    group.count += tally.attempts;
    group.tallies.push(tally);
    group.full += tally.fullMarks;
    group.zero += tally.noMarks;
    group.fractionSum += tally.fractionSum;
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
        learners: learnersOf(questionId, group.tallies),
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

/** Distinct learners of one answer group: a tally's own count, or the union of the tallies' learners. */
function learnersOf(questionId: string, tallies: readonly ResponseTally[]): number {
  if (tallies.length === 1) return tallies[0]!.learners;
  const users = new Set<string>();
  for (const tally of tallies) {
    if (!tally.userIds) throw new Error(`Question ${questionId}: answers merged by the grader's match key need their learners' ids.`);
    for (const user of tally.userIds) users.add(user);
  }
  return users.size;
}

function mostFrequent(forms: Map<string, { count: number; firstSeen: number }>): string {
  let best = '';
  let bestCount = -1;
  let bestSeen = Number.POSITIVE_INFINITY;
  for (const [form, { count, firstSeen }] of forms) {
    // Ties go to the form seen first, so the row reads as learners first wrote it.
    if (count > bestCount || (count === bestCount && firstSeen < bestSeen)) {
      best = form;
      bestCount = count;
      bestSeen = firstSeen;
    }
  }
  return best;
}
