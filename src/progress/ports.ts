import type { QuestionType } from '../bank/schema.ts';
import type { GradeResult } from '../grading/types.ts';
import type { FreeTextFeedback, GradedBy } from '../tutor/types.ts';
import type { QuestionRef, QuizSession } from '../quiz/types.ts';
import type { ReviewCard } from './review.ts';
import type { Leaderboard, LeaderboardPeriod, UserStats } from './types.ts';

/**
 * What the quiz flow and the tutor need from storage. src/storage implements it on SQLite;
 * the core depends only on this interface.
 */

/** `needs-review`: the LLM awarded more than the answer's evidence supports; a provisional score waits for a person. */
export type AttemptStatus = 'graded' | 'flagged' | 'pending' | 'needs-review';

/**
 * Who set an attempt's stored grade: the tutor's graders (`GradedBy`), or `teacher`, a person from the
 * review queue or an appeal (migration 005). No automatic regrade overwrites a teacher's grade.
 */
export type AttemptGradedBy = GradedBy | 'teacher';

export interface NewAttempt {
  sessionId: string | null;
  userId: string;
  guildId: string | null;
  bankId: string;
  questionId: string;
  questionType: QuestionType;
  /** The question's topic at the time of answering, so statistics need no bank lookup. */
  topic?: string | null;
  rawAnswer: string;
  normalizedAnswer: string;
  score: number;
  maxScore: number;
  gradedBy: AttemptGradedBy;
  /** `pending`: graded by the fallback and waiting for `tutor regrade --pending`; `flagged`: injection tripwire. */
  status: AttemptStatus;
  grade: GradeResult;
  feedback: FreeTextFeedback | null;
  promptVersion?: string | null;
  model?: string | null;
  inputTokens?: number | null;
  outputTokens?: number | null;
  latencyMs?: number | null;
  createdAt: Date;
}

export interface AttemptRecord extends NewAttempt {
  id: number;
}

export interface UserProfile {
  id: string;
  displayName: string;
  locale?: string | null;
}

export interface SessionPatch {
  threadId?: string | null;
  position?: number;
  status?: QuizSession['status'];
  endedAt?: Date | null;
}

export interface FollowUpMessage {
  sessionId: string | null;
  userId: string;
  bankId: string;
  questionId: string;
  role: 'user' | 'assistant';
  content: string;
  tokens?: number | null;
  createdAt: Date;
}

export interface StatsFilter {
  guildId?: string;
  bankId?: string;
  now?: Date;
  /** IANA zone for day boundaries; default UTC. */
  timeZone?: string;
}

export interface ForgetResult {
  users: number;
  sessions: number;
  attempts: number;
  followUps: number;
  reviewCards: number;
  llmCalls: number;
}

export interface ProgressStore {
  upsertUser(profile: UserProfile): void;
  getUser(userId: string): UserProfile | null;

  createSession(session: QuizSession): void;
  getSession(sessionId: string): QuizSession | null;
  updateSession(sessionId: string, patch: SessionPatch): QuizSession;
  findActiveSessionByThread(threadId: string): QuizSession | null;

  /** Stores the attempt and updates the user's review card in one transaction. */
  recordAttempt(attempt: NewAttempt): AttemptRecord;
  attemptsForSession(sessionId: string): AttemptRecord[];
  /** The stored LLM feedback for an identical normalised answer to the same question, if any. */
  findCachedFeedback(bankId: string, questionId: string, normalizedAnswer: string): FreeTextFeedback | null;
  listPendingAttempts(limit: number): AttemptRecord[];
  /** Replaces a pending attempt's grading (after `tutor regrade --pending`). */
  updateAttemptGrading(
    attemptId: number,
    update: Pick<NewAttempt, 'score' | 'gradedBy' | 'status' | 'feedback' | 'promptVersion' | 'model' | 'inputTokens' | 'outputTokens' | 'latencyMs'>,
  ): void;

  addFollowUp(message: FollowUpMessage): void;
  recentFollowUps(sessionId: string, questionId: string, limit: number): FollowUpMessage[];

  /** Review cards due at `now`, most overdue first. */
  dueReviews(userId: string, now: Date, limit: number): QuestionRef[];
  /** When the user's earliest review card falls due (possibly in the past), or null without cards. */
  nextReviewDue(userId: string): Date | null;
  /** The user's FSRS card for a question, if they have answered it (graded or pending). */
  getReviewCard(userId: string, bankId: string, questionId: string): ReviewCard | null;
  /** Questions whose latest attempt scored below full marks, most recent first. */
  missedQuestions(userId: string, limit: number): QuestionRef[];

  statsForUser(userId: string, filter?: StatsFilter): UserStats;
  leaderboard(guildId: string, period: LeaderboardPeriod, now?: Date): Leaderboard;
  forgetUser(userId: string): ForgetResult;
}
