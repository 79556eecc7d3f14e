import type { Question } from '../bank/schema.ts';
import type { GradedResult, InvalidReasonCode, InvalidResult, PartVerdict } from './types.ts';

/** Rounds to hundredths, so that 1/3 of 2 points shows as 0.67 and sums never drift to 0.30000000000000004. */
export function roundScore(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}

/**
 * Moodle stores fractions to 7 decimals (a third is 0.3333333), so three thirds make 0.9999999: a share
 * within 1e-6 of 1 is 1, as in Moodle's question_state::graded_state_for_fraction.
 */
export function snapFraction(fraction: number): number {
  return Math.abs(fraction - 1) < 1e-6 ? 1 : fraction;
}

/** The guarantee every grader relies on: a score is a number within 0..max, in hundredths. */
export function clampScore(value: number, max: number): number {
  if (!Number.isFinite(value) || value <= 0) return 0;
  return roundScore(Math.min(value, max));
}

export function invalidResult(question: Question, code: InvalidReasonCode, message: string): InvalidResult {
  return { status: 'invalid', questionType: question.type, score: 0, maxScore: question.points, reason: { code, message } };
}

export function gradedResult(
  question: Question,
  rawScore: number,
  parts: PartVerdict[],
  normalizedAnswer: string,
  expected: string,
): GradedResult {
  const score = clampScore(rawScore, question.points);
  return {
    status: 'graded',
    questionType: question.type,
    score,
    maxScore: question.points,
    correct: rawScore >= question.points - 1e-9,
    parts,
    normalizedAnswer,
    expected,
  };
}
