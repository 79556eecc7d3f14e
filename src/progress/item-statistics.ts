/**
 * Item statistics for a teacher: which questions are too hard, and which reward the wrong learners
 * (a sign the key is wrong). Pure: the caller hands in each learner's first attempt per question
 * (src/storage/class-report-repository.ts reads them) and gets one row per question.
 *
 * Definitions follow Moodle's question statistics calculator
 * (moodle/moodle question/classes/statistics/questions/calculator.php, used by
 * mod/quiz/report/statistics), with a learner's set of first attempts in one bank playing the part of
 * one quiz attempt:
 * - mark x = the points the learner scored on the question (fraction × max points);
 * - the learner's total T = the sum of their marks over every question in the input;
 * - rest y = T − x ("the rest of the test", Moodle's othermark);
 * - s = the number of learners who answered the question.
 * Then, per question:
 * - facility index F = mean(x) / max points = the mean fraction of points (Moodle: markaverage / maxmark);
 * - discrimination index D = 100 · cov(x, y) / sqrt(var(x) · var(y)), the Pearson correlation between
 *   the question's mark and the rest of the test, ×100 (−100..100); `null` when var(x) · var(y) is 0
 *   (everyone scored the same on the question or on the rest, or s ≤ 1), as Moodle leaves it empty;
 * - discriminative efficiency E = 100 · cov(x, y) / covmax, where covmax pairs the sorted marks with
 *   the sorted rest scores (the largest covariance these marks could have); `null` when covmax is 0.
 * Variances and covariances divide by s − 1 as Moodle does; D and E do not depend on that choice.
 *
 * Unlike a Moodle quiz, learners here answer different subsets of a bank, so T also grows with the
 * number of questions a learner answered: D reads "learners who did more and better elsewhere did
 * better here", which is what a wrong key breaks.
 *
 * "Check the key" (`flags`): facility below 0.2, or a discrimination index below 10 (near zero or
 * negative on Moodle's ×100 scale; Moodle's own help calls values under 20 weak and negative ones a
 * sign of a wrong key). Flags need at least `minAttempts` learners (default 5): with two or three the
 * correlation is ±100 by chance.
 */

export interface FirstAttempt {
  userId: string;
  questionId: string;
  /** Points scored on the learner's first attempt, 0..maxScore. */
  score: number;
  maxScore: number;
}

export type ItemFlag = 'low-facility' | 'low-discrimination' | 'negative-discrimination';

export interface ItemStatistics {
  questionId: string;
  /** Learners with a first attempt at this question (Moodle's s). */
  attempts: number;
  /** Mean fraction of points, 0..1; null when the question is worth 0 points. */
  facility: number | null;
  /** Moodle's discrimination index, −100..100; null when undefined (see the module comment). */
  discriminationIndex: number | null;
  /** Moodle's discriminative efficiency, in % of the largest possible covariance; null when undefined. */
  discriminativeEfficiency: number | null;
  /** Why a teacher should check this question's key; empty when nothing looks wrong. */
  flags: ItemFlag[];
}

export interface ItemStatisticsOptions {
  /** Learners a question needs before it is flagged. Default 5. */
  minAttempts?: number;
}

export const LOW_FACILITY = 0.2;
/** On Moodle's ×100 scale: a discrimination index below this is near zero (or negative). */
export const LOW_DISCRIMINATION = 10;

/** One question's first attempts as columns: learner i is userIds[i], who scored scores[i] of maxScores[i]. */
export interface QuestionFirstAttempts {
  questionId: string;
  userIds: readonly string[];
  scores: readonly number[];
  maxScores: readonly number[];
}

/**
 * What the formulas need of one question: for learner i, the mark x = marks[i], the rest of their
 * test y = rests[i] (their total over every question of the input minus x) and the points maxScores[i].
 */
export interface QuestionMarks {
  questionId: string;
  marks: readonly number[];
  rests: readonly number[];
  maxScores: readonly number[];
}

/**
 * One row per question, in the order questions first appear in `attempts`. Each (learner, question)
 * pair must appear once: the caller picks the first attempt. Throws on a duplicate pair, since
 * counting a learner twice would silently skew every figure.
 */
export function computeItemStatistics(attempts: readonly FirstAttempt[], options: ItemStatisticsOptions = {}): ItemStatistics[] {
  return marksOf(firstAttemptsByQuestion(attempts)).map((question) => itemStatisticsOf(question, options));
}

/** First attempts as per-question columns, questions in the order they first appear. */
export function firstAttemptsByQuestion(attempts: readonly FirstAttempt[]): QuestionFirstAttempts[] {
  const byQuestion = new Map<string, { userIds: string[]; scores: number[]; maxScores: number[] }>();
  for (const attempt of attempts) {
    let columns = byQuestion.get(attempt.questionId);
    if (!columns) {
      columns = { userIds: [], scores: [], maxScores: [] };
      byQuestion.set(attempt.questionId, columns);
    }
    columns.userIds.push(attempt.userId);
    columns.scores.push(attempt.score);
    columns.maxScores.push(attempt.maxScore);
  }
  return [...byQuestion].map(([questionId, columns]) => ({ questionId, ...columns }));
}

/** Each learner's total over every question given, and from it each mark's rest. Throws on a learner counted twice in a question. */
export function marksOf(questions: readonly QuestionFirstAttempts[]): QuestionMarks[] {
  const totals = new Map<string, number>();
  for (const { questionId, userIds, scores } of questions) {
    const seen = new Set<string>();
    userIds.forEach((userId, index) => {
      if (seen.has(userId)) throw new Error(`Two first attempts for learner ${userId} on question ${questionId}.`);
      seen.add(userId);
      totals.set(userId, (totals.get(userId) ?? 0) + scores[index]!);
    });
  }
  return questions.map(({ questionId, userIds, scores, maxScores }) => ({
    questionId,
    marks: scores,
    rests: scores.map((score, index) => totals.get(userIds[index]!)! - score),
    maxScores,
  }));
}

/** The figures of one question (see the module comment for the definitions). */
export function itemStatisticsOf(question: QuestionMarks, options: ItemStatisticsOptions = {}): ItemStatistics {
  const minAttempts = options.minAttempts ?? 5;
  const { questionId, marks, rests, maxScores } = question;
  const s = marks.length;
  if (rests.length !== s || maxScores.length !== s) throw new Error(`Question ${questionId}: marks, rests and points differ in length.`);
  // Questions keep their points across attempts, but an edited bank may change them: average the fractions.
  let facility: number | null = 0;
  for (let index = 0; index < s; index += 1) {
    const maxScore = maxScores[index]!;
    if (!(maxScore > 0)) {
      facility = null;
      break;
    }
    facility += marks[index]! / maxScore;
  }
  if (facility !== null && s > 0) facility /= s;

  let discriminationIndex: number | null = null;
  let discriminativeEfficiency: number | null = null;
  if (s > 1) {
    const markMean = mean(marks);
    const restMean = mean(rests);
    let markSquares = 0;
    let restSquares = 0;
    let products = 0;
    for (let index = 0; index < s; index += 1) {
      const dx = marks[index]! - markMean;
      const dy = rests[index]! - restMean;
      markSquares += dx * dx;
      restSquares += dy * dy;
      products += dx * dy;
    }
    const sortedMarks = Float64Array.from(marks).sort();
    const sortedRests = Float64Array.from(rests).sort();
    let maxProducts = 0;
    for (let index = 0; index < s; index += 1) maxProducts += (sortedMarks[index]! - markMean) * (sortedRests[index]! - restMean);
    // Sums of squares of equal values can come out as 1e-30 rather than 0: treat those as no spread.
    const epsilon = 1e-12;
    if (markSquares > epsilon && restSquares > epsilon) discriminationIndex = (100 * products) / Math.sqrt(markSquares * restSquares);
    if (Math.abs(maxProducts) > epsilon) discriminativeEfficiency = (100 * products) / maxProducts;
  }

  const flags: ItemFlag[] = [];
  if (s >= minAttempts) {
    if (facility !== null && facility < LOW_FACILITY) flags.push('low-facility');
    if (discriminationIndex !== null && discriminationIndex < 0) flags.push('negative-discrimination');
    else if (discriminationIndex !== null && discriminationIndex < LOW_DISCRIMINATION) flags.push('low-discrimination');
  }
  return { questionId, attempts: s, facility, discriminationIndex, discriminativeEfficiency, flags };
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return values.length === 0 ? 0 : sum / values.length;
}
