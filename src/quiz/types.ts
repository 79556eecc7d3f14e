import type { Bank, Question, QuestionType } from '../bank/schema.ts';
import type { GradeResult, RawAnswer } from '../grading/types.ts';
import type { AttemptGradedBy } from '../progress/ports.ts';
import type { FollowUpReply, FreeTextFeedback } from '../tutor/types.ts';

/**
 * The quiz flow shared by the Discord bot and `tutor practice`. Sessions live in SQLite, so every
 * method takes ids and a restarted process picks up where the last one stopped.
 * Expected failures (unknown or finished session, not the owner, a stale question) throw `UserError`
 * with the codes listed in QuizErrorCode.
 */
export type QuizErrorCode =
  | 'session-not-found'
  | 'session-finished'
  | 'not-owner'
  | 'stale-question'
  | 'already-answered'
  | 'not-answered-yet'
  | 'no-questions'
  | 'nothing-due'
  | 'bank-not-found';

export type QuizMode = 'quiz' | 'review';
export type SessionStatus = 'active' | 'finished';

export interface QuestionRef {
  bankId: string;
  questionId: string;
}

export interface QuizSession {
  /** Short and url-safe, so it fits in Discord custom ids. */
  id: string;
  ownerId: string;
  guildId: string | null;
  channelId: string | null;
  threadId: string | null;
  /** The bank asked for; null for a review drawn from several banks. */
  bankId: string | null;
  mode: QuizMode;
  locale: string | null;
  questions: QuestionRef[];
  /** Index of the current question in `questions`. */
  position: number;
  status: SessionStatus;
  startedAt: Date;
  endedAt: Date | null;
}

export interface StartQuizInput {
  userId: string;
  displayName: string;
  locale?: string;
  guildId?: string | null;
  channelId?: string | null;
  bankId?: string;
  type?: QuestionType;
  topic?: string;
  count?: number;
  mode?: QuizMode;
  now?: Date;
}

export interface CurrentQuestion {
  bank: Bank;
  question: Question;
  /** 0-based position and the session's length. */
  index: number;
  total: number;
  /** The owner's graded attempt on this question in this session, if any. */
  attempt: StoredAttemptSummary | null;
}

export interface StoredAttemptSummary {
  attemptId: number;
  answer: string;
  score: number;
  maxScore: number;
  gradedBy: AttemptGradedBy;
  status: 'graded' | 'flagged' | 'pending' | 'needs-review';
  grade: GradeResult;
  feedback: FreeTextFeedback | null;
}

export interface SessionView {
  session: QuizSession;
  /** null once the session is finished. */
  current: CurrentQuestion | null;
}

export interface SubmitAnswerInput {
  sessionId: string;
  /** The question the learner answered (from the button's custom id); a mismatch is `stale-question`. */
  questionId: string;
  userId: string;
  answer: RawAnswer;
  locale?: string;
  now?: Date;
}

export type AnswerOutcome =
  | { status: 'invalid'; session: QuizSession; bank: Bank; question: Question; grade: GradeResult }
  | {
      status: 'graded';
      session: QuizSession;
      bank: Bank;
      question: Question;
      grade: GradeResult;
      feedback: FreeTextFeedback | null;
      attemptId: number;
      score: number;
      maxScore: number;
      gradedBy: AttemptGradedBy;
      isLastQuestion: boolean;
    };

export interface TypeTotals {
  answered: number;
  correct: number;
  score: number;
  maxScore: number;
}

export interface QuizSummary {
  session: QuizSession;
  answered: number;
  total: number;
  score: number;
  maxScore: number;
  byType: Partial<Record<QuestionType, TypeTotals>>;
  durationMs: number;
  /** Questions answered below full marks, to review. */
  toReview: Array<QuestionRef & { stem: string; score: number; maxScore: number }>;
}

export interface AskInput {
  sessionId: string;
  userId: string;
  message: string;
  locale?: string;
  now?: Date;
}

/** Which question a button or form was made for: its id, or its position in the session. */
export type QuestionPointer = { id: string } | { index: number };

export interface QuizService {
  start(input: StartQuizInput): SessionView;
  attachThread(sessionId: string, threadId: string): void;
  view(sessionId: string): SessionView;
  /** The active quiz in a thread; with `ownerId`, only if that user owns it (everyone else's messages are not for the bot). */
  findActiveByThread(threadId: string, ownerId?: string): QuizSession | null;
  /**
   * The session, if `userId` may act on it: it exists, is theirs (`not-owner`, with `ownerId` in the
   * details) and is still active (`session-finished`). Every other method that acts checks the same.
   */
  authorize(sessionId: string, userId: string): QuizSession;
  /**
   * The current question, checked to be answerable now by `userId`: authorized as above, the question
   * the component was made for (`stale-question`) and not answered yet (`already-answered`).
   */
  openQuestion(sessionId: string, userId: string, pointer: QuestionPointer): SessionView & { current: CurrentQuestion };
  /**
   * The pointed-at question when it is the current one and its answer is already stored (a repeat click,
   * or a result that never reached the learner), else null; authorized like `openQuestion`.
   */
  answeredQuestion(
    sessionId: string,
    userId: string,
    pointer: QuestionPointer,
  ): (SessionView & { current: CurrentQuestion & { attempt: NonNullable<CurrentQuestion['attempt']> } }) | null;
  submitAnswer(input: SubmitAnswerInput): Promise<AnswerOutcome>;
  /** Moves to the next question; finishes the session after the last one. */
  next(sessionId: string, userId: string, now?: Date): SessionView;
  end(sessionId: string, userId: string, now?: Date): QuizSummary;
  summary(sessionId: string): QuizSummary;
  ask(input: AskInput): Promise<FollowUpReply>;
}
