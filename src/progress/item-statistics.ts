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

/**
 * One row per question, in the order questions first appear in `attempts`. Each (learner, question)
 * pair must appear once: the caller picks the first attempt. Throws on a duplicate pair, since
 * counting a learner twice would silently skew every figure.
 */
export function computeItemStatistics(attempts: readonly FirstAttempt[], options: ItemStatisticsOptions = {}): ItemStatistics[] {
  const minAttempts = options.minAttempts ?? 5;
  const totals = new Map<string, number>();
  const byQuestion = new Map<string, FirstAttempt[]>();
  const seen = new Set<string>();
  for (const attempt of attempts) {
    const pair = `${attempt.userId}\u0000${attempt.questionId}`;
    if (seen.has(pair)) throw new Error(`Two first attempts for learner ${attempt.userId} on question ${attempt.questionId}.`);
    seen.add(pair);
    totals.set(attempt.userId, (totals.get(attempt.userId) ?? 0) + attempt.score);
    const list = byQuestion.get(attempt.questionId);
    if (list) list.push(attempt);
    else byQuestion.set(attempt.questionId, [attempt]);
  }

  return [...byQuestion].map(([questionId, list]) => {
    const s = list.length;
    const marks = list.map((attempt) => attempt.score);
    const rests = list.map((attempt) => (totals.get(attempt.userId) ?? 0) - attempt.score);
    // Questions keep their points across attempts, but an edited bank may change them: average the fractions.
    const fractions = list.map((attempt) => (attempt.maxScore > 0 ? attempt.score / attempt.maxScore : Number.NaN));
    const facility = fractions.some(Number.isNaN) ? null : mean(fractions);

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
      const sortedMarks = [...marks].sort((a, b) => a - b);
      const sortedRests = [...rests].sort((a, b) => a - b);
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
  });
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return values.length === 0 ? 0 : sum / values.length;
}
