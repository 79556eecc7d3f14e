import type { QuestionType } from '../bank/schema.ts';

/** Why an answer could not be graded: the learner is asked again, it is never marked wrong. */
export type InvalidReasonCode =
  | 'empty'
  | 'too-long'
  | 'no-valid-option'
  | 'too-many-options'
  | 'blank-count'
  | 'not-a-number'
  | 'not-true-false';

export interface InvalidReason {
  code: InvalidReasonCode;
  /** A plain English sentence; render layers translate by `code`. */
  message: string;
}

/** One gradable part of an answer: an option of a choice question, or one blank. */
export interface PartVerdict {
  /** `A`…`Z` for options, `1`, `2`… for blanks (1-based, as shown to learners), `answer` otherwise. */
  part: string;
  verdict: 'correct' | 'wrong' | 'missed';
  /** What the learner gave for this part, normalised; absent when nothing was given. */
  given?: string;
  /** The expected answer for this part, for display. */
  expected?: string;
  score: number;
  maxScore: number;
}

export interface GradedResult {
  status: 'graded';
  questionType: QuestionType;
  score: number;
  maxScore: number;
  /** score === maxScore */
  correct: boolean;
  parts: PartVerdict[];
  /** The learner's answer in canonical form (e.g. `AC` for multi, `true`, blanks joined by ` | `). */
  normalizedAnswer: string;
  /** The expected answer for display (e.g. `C`, `对`, `量化; 剪枝`). */
  expected: string;
}

export interface InvalidResult {
  status: 'invalid';
  questionType: QuestionType;
  score: 0;
  maxScore: number;
  reason: InvalidReason;
}

/** Short and essay answers: the tutor grades them (src/tutor). */
export interface NeedsFeedbackResult {
  status: 'needs-feedback';
  questionType: QuestionType;
  score: 0;
  maxScore: number;
  normalizedAnswer: string;
}

export type GradeResult = GradedResult | InvalidResult | NeedsFeedbackResult;

/** An answer is typed text, or one string per blank. */
export type RawAnswer = string | readonly string[];
