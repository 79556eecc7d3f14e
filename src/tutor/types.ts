import type { Bank, FreeTextQuestion, Question } from '../bank/schema.ts';
import type { GradeResult } from '../grading/types.ts';

export type GradedBy = 'rule' | 'llm' | 'fallback';

export interface RubricPointVerdict {
  /** Index into the question's rubric. */
  index: number;
  point: string;
  verdict: 'met' | 'partial' | 'missed';
  /** A verbatim quote from the learner's answer; empty when missed. */
  evidence: string;
  score: number;
  maxScore: number;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** Feedback on a short or essay answer. The score is always computed in code and within 0..maxScore. */
export interface FreeTextFeedback {
  gradedBy: 'llm' | 'fallback';
  /**
   * `flagged`: the answer tripped the injection tripwire; the score is the fallback's and a human should look.
   * `needs-review`: the model awarded much more than the evidence in the answer supports; the score is
   * the evidence grader's, provisional, and the attempt counts for nothing until a person confirms it.
   */
  status: 'graded' | 'flagged' | 'needs-review';
  /** For `needs-review`: the score the model claimed, for the person who reviews it. */
  claimedScore?: number;
  /** True for the fallback: shown as a provisional, non-AI score. */
  provisional: boolean;
  score: number;
  maxScore: number;
  rubric: RubricPointVerdict[];
  strengths: string[];
  improvements: string[];
  explanation: string;
  /** Why the LLM was not used or the attempt was flagged (e.g. `timeout`, `no-llm-configured`, `injection`). */
  note?: string;
  promptVersion?: string;
  model?: string;
  usage?: TokenUsage;
  latencyMs?: number;
}

export interface GradeFreeTextRequest {
  bank: Pick<Bank, 'id' | 'language' | 'title'>;
  question: FreeTextQuestion;
  answer: string;
  /** The learner's locale (e.g. `en-US`); feedback is written in it, else in the bank's language. */
  locale?: string;
  userId: string;
  guildId?: string;
  /**
   * The answer as the grader normalised it (`NeedsFeedbackResult.normalizedAnswer`): the key for
   * reusing stored feedback. When absent the tutor computes it with the same grader.
   */
  normalizedAnswer?: string;
}

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

export interface FollowUpRequest {
  bank: Pick<Bank, 'id' | 'language' | 'title'>;
  question: Question;
  /** Before the learner has answered, the reference answer and analysis are withheld: hints only. */
  answered: boolean;
  learnerAnswer?: string;
  grade?: GradeResult;
  feedback?: FreeTextFeedback;
  message: string;
  history: ChatTurn[];
  locale?: string;
  userId: string;
  guildId?: string;
}

export interface FollowUpReply {
  text: string;
  gradedBy: 'llm' | 'fallback';
  /** Set when the reply is a budget or availability notice rather than tutoring. */
  note?: string;
  promptVersion?: string;
  model?: string;
  usage?: TokenUsage;
  latencyMs?: number;
}

/** The tutor as the quiz flow sees it: never throws for LLM trouble, it falls back instead. */
export interface Tutor {
  gradeFreeText(request: GradeFreeTextRequest): Promise<FreeTextFeedback>;
  followUp(request: FollowUpRequest): Promise<FollowUpReply>;
}
