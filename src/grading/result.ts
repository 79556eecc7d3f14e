import type { Question } from '../bank/schema.ts';
import type { GradedResult, InvalidReasonCode, InvalidResult, PartVerdict } from './types.ts';

/** Rounds to hundredths, so that 1/3 of 2 points shows as 0.67 and sums never drift to 0.30000000000000004. */
export function roundScore(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
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
