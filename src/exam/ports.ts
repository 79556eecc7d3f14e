import type { RawAnswer } from '../grading/types.ts';
import type { AttemptRecord, FollowUpMessage, NewAttempt } from '../progress/ports.ts';
import type { DrawnSection, ExamQuestionRef } from './paper.ts';
import type { ExamStatus, ExamSubmittedBy } from './types.ts';

/** What the exam service needs from storage; src/storage/exam-repository.ts implements it on SQLite. */

export interface StoredExam {
  id: string;
  userId: string;
  guildId: string | null;
  channelId: string | null;
  threadId: string | null;
  bankId: string;
  paperId: string | null;
  title: string;
  locale: string | null;
  sections: DrawnSection[];
  questions: ExamQuestionRef[];
  totalPoints: number;
  timeLimitMinutes: number;
  status: ExamStatus;
  /** The question shown last (0-based), so a learner coming back lands where they were. */
  position: number;
  createdAt: Date;
  startedAt: Date | null;
  deadline: Date | null;
  submittedAt: Date | null;
  submittedBy: ExamSubmittedBy | null;
  /** The final total on the paper's points, once graded. */
  score: number | null;
}

export interface StoredExamAnswer {
  position: number;
  /** As the learner gave it; null when only flagged. */
  answer: RawAnswer | null;
  flagged: boolean;
  updatedAt: Date;
  attemptId: number | null;
}

export interface ExamRepository {
  /** Stores a `ready` exam; false when the learner already has one `ready` or `running` (nothing written). */
  create(exam: StoredExam): boolean;
  get(examId: string): StoredExam | null;
  findOpen(userId: string): StoredExam | null;
  /** The latest exam attached to a thread. */
  findByThread(threadId: string): StoredExam | null;
  setThread(examId: string, threadId: string): void;
  setPosition(examId: string, position: number): void;
  /** `ready` → `running` with its deadline; false when it was not `ready`. */
  start(examId: string, startedAt: Date, deadline: Date): boolean;
  answers(examId: string): StoredExamAnswer[];
  /** Only while the exam is `running`: false otherwise (nothing written). */
  saveAnswer(examId: string, userId: string, position: number, answer: RawAnswer, at: Date): boolean;
  setFlag(examId: string, userId: string, position: number, flagged: boolean, at: Date): boolean;
  /** `running` → `grading`; false when it was not `running` (already submitted by someone else). */
  markSubmitted(examId: string, submittedAt: Date, submittedBy: ExamSubmittedBy): boolean;
  /** Records the graded attempt and links it to the answer in one transaction. */
  recordAttempt(examId: string, position: number, attempt: NewAttempt): AttemptRecord;
  markGraded(examId: string, score: number): void;
  /** Runs `work` in one transaction (one commit): a submission and its objective grades land together. */
  transaction<T>(work: () => T): T;
  /** The attempts linked to the exam's answers, by position (the live rows: a later regrade shows). */
  attempts(examId: string): Map<number, AttemptRecord>;
  /** Running exams whose deadline is at or before `now`. */
  overdue(now: Date): StoredExam[];
  /** Exams left in `grading` (e.g. by a crash during grading). */
  inGrading(): StoredExam[];
  nextDeadline(): Date | null;
  /** The learner's submitted exams, oldest first. */
  submitted(userId: string): StoredExam[];
  /** Follow-ups about a question since `since` (exam follow-ups carry no quiz session), newest first. */
  recentFollowUps(userId: string, bankId: string, questionId: string, since: Date, limit: number): FollowUpMessage[];
}
