import type { Bank, Question, QuestionType } from '../bank/schema.ts';
import type { GradeResult, InvalidReason, RawAnswer } from '../grading/types.ts';
import type { AttemptStatus } from '../progress/ports.ts';
import type { FollowUpReply, FreeTextFeedback, GradedBy } from '../tutor/types.ts';

/**
 * Exam mode (issue 13), shared by the Discord bot and `tutor exam`. An exam is a paper drawn from a
 * bank, sat under a time limit with no verdict before submission. Everything lives in SQLite: every
 * answer is stored as it is given, and the deadline is stored once at the start, so a restarted process
 * continues the exam where it was and submits anything past its deadline.
 *
 * The service checks ownership and state on every call (`UserError`s with the codes below); a front end
 * reads options, calls one method, renders the returned view and replies.
 *
 * Questions are addressed by their 0-based `index` in the paper (custom ids carry it); the learner sees
 * `index + 1`.
 */

export type ExamErrorCode =
  /** No exam with this id. */
  | 'exam-not-found'
  /** Someone else's exam; `ownerId` in the params. */
  | 'exam-not-owner'
  /** The learner already has an exam not yet submitted; `examId`, `title`, `threadId` (may be '') in the params. */
  | 'exam-already-open'
  /** The exam was submitted (by hand or at the deadline): nothing can be answered any more. */
  | 'exam-submitted'
  /** Review and follow-up questions wait until the exam is submitted and graded. */
  | 'exam-not-submitted'
  /** The exam has not been started yet (the cover card's Start button). */
  | 'exam-not-started'
  /** No question at this index (`index`, `total` in the params). */
  | 'exam-question-out-of-range'
  /** The paper named does not exist in the bank (`bankId`, `paperId`, `papers` listing the ids). */
  | 'exam-paper-not-found'
  /** Without a paper in the bank, a time limit must be given (`minutes`). */
  | 'exam-needs-minutes'
  /** A time limit outside 1..600 minutes (`minutes`). */
  | 'exam-minutes-out-of-range'
  /** A paper section draws more questions than its topic/type has (`section`, `wanted`, `available`). */
  | 'exam-not-enough-questions';

/** `ready`: drawn, cover shown, clock not started; `running`: started, the deadline applies;
 *  `grading`: submitted, written answers being graded; `graded`: the score report is final. */
export type ExamStatus = 'ready' | 'running' | 'grading' | 'graded';

/** How an exam was handed in. */
export type ExamSubmittedBy = 'learner' | 'deadline';

/** One section of the paper as drawn for this exam. */
export interface ExamSectionView {
  /** 0-based, in paper order. */
  index: number;
  title: string;
  /** How many questions the section has in this exam, and their total points. */
  questionCount: number;
  points: number;
  /** Indexes (into the exam's questions) of the section's questions, in order. */
  questionIndexes: number[];
}

/** What the cover card shows before the clock starts (and after, as the exam's header). */
export interface ExamCover {
  examId: string;
  ownerId: string;
  bankId: string;
  bankTitle: string;
  /** The paper's id in the bank, or null for an exam made of the bank's own sections. */
  paperId: string | null;
  title: string;
  timeLimitMinutes: number;
  totalPoints: number;
  questionCount: number;
  sections: ExamSectionView[];
  status: ExamStatus;
  /** Set once started. */
  startedAt: Date | null;
  /** startedAt + time limit; set once started and never moved. */
  deadline: Date | null;
  threadId: string | null;
  /** Where `/exam` was typed: an exam without a thread runs (and is reported) there. */
  channelId: string | null;
  locale: string | null;
}

/** One question's state on the navigation (jump menu). */
export type ExamQuestionState = 'answered' | 'unanswered';

export interface ExamNavItem {
  index: number;
  sectionIndex: number;
  questionType: QuestionType;
  points: number;
  state: ExamQuestionState;
  flagged: boolean;
}

export interface ExamNavigation {
  /** The question shown now. */
  current: number;
  total: number;
  items: ExamNavItem[];
  answered: number;
  unanswered: number;
  flagged: number;
  hasPrevious: boolean;
  hasNext: boolean;
}

/**
 * One question as the learner sees it during the exam: the stem and options, never the key,
 * the analysis or a verdict. `question` is the bank's question (for rendering the same answer
 * controls as /quiz); front ends must not show its answer-bearing fields before submission.
 */
export interface ExamQuestionView {
  cover: ExamCover;
  index: number;
  bank: Bank;
  question: Question;
  /** Points this question is worth on this paper (may differ from the bank's own `points`). */
  points: number;
  sectionIndex: number;
  sectionTitle: string;
  /** The learner's saved answer as given (text, or one string per blank), or null. */
  answer: RawAnswer | null;
  /** The saved answer as one text (blanks joined by newlines), or null: for display. */
  answerText: string | null;
  flagged: boolean;
  deadline: Date;
  /** Milliseconds left at the time of the call (never negative). */
  timeLeftMs: number;
  navigation: ExamNavigation;
}

/** Where `go` moves to. */
export type ExamMove = 'next' | 'previous' | { index: number };

export interface ExamAnswerInput {
  examId: string;
  userId: string;
  /** The question the control was made for. */
  index: number;
  answer: RawAnswer;
  now?: Date;
}

/**
 * `saved`: stored as given (replacing an earlier answer); the view is of the same question.
 * `invalid`: unreadable (e.g. no valid option, wrong number of blanks, empty): nothing stored,
 * the learner is asked again; it is never marked wrong. No verdict is ever returned here.
 */
export type ExamAnswerOutcome =
  | { status: 'saved'; view: ExamQuestionView }
  | { status: 'invalid'; view: ExamQuestionView; reason: InvalidReason };

/** What the Submit button's confirmation says. */
export interface ExamSubmitConfirmation {
  cover: ExamCover;
  total: number;
  answered: number;
  unanswered: number;
  /** 0-based indexes of the unanswered and the flagged questions. */
  unansweredIndexes: number[];
  flaggedIndexes: number[];
  timeLeftMs: number;
}

/** Progress of grading after submission (objective answers are graded at once; written ones take time). */
export interface ExamGradingProgress {
  examId: string;
  /** Written (short/essay) answers to grade through the tutor, and how many are done. */
  writtenTotal: number;
  writtenDone: number;
}

export interface ExamQuestionResult {
  index: number;
  sectionIndex: number;
  bankId: string;
  questionId: string;
  questionType: QuestionType;
  stem: string;
  /** Points on this paper, and the points earned (scaled from the attempt to the paper's points). */
  points: number;
  score: number;
  answered: boolean;
  /** True when the score is the fallback's or waits for a person (`pending`, `flagged`, `needs-review`). */
  provisional: boolean;
  /** The stored attempt, null for an unanswered question (which scores 0 and stores no attempt). */
  attemptId: number | null;
}

export interface ExamSectionResult {
  index: number;
  title: string;
  score: number;
  points: number;
  questionCount: number;
  answered: number;
}

/** The score report: total, per section, time used, and which questions lost points. */
export interface ExamReport {
  cover: ExamCover;
  /** `grading` while written answers are still with the tutor: scores of those are 0 until done. */
  status: Extract<ExamStatus, 'grading' | 'graded'>;
  submittedAt: Date;
  submittedBy: ExamSubmittedBy;
  /** From the start to the submission (the time limit at most, for a deadline submission). */
  timeUsedMs: number;
  score: number;
  totalPoints: number;
  answered: number;
  unanswered: number;
  sections: ExamSectionResult[];
  questions: ExamQuestionResult[];
  /** Indexes of questions below full points (unanswered included), in paper order. */
  lostPoints: number[];
  /** True when any score is provisional (fallback grading, or waiting for a person). */
  provisional: boolean;
}

/** One page of Review: the question with the learner's answer, verdict, points, analysis and feedback. */
export interface ExamReviewItem {
  cover: ExamCover;
  index: number;
  total: number;
  bank: Bank;
  question: Question;
  sectionTitle: string;
  points: number;
  score: number;
  answered: boolean;
  /** The answer as given, or null. */
  answerText: string | null;
  /** The grader's result (verdicts per option/blank, expected answer); null when unanswered. */
  grade: GradeResult | null;
  /** The tutor's feedback on a written answer; null otherwise. */
  feedback: FreeTextFeedback | null;
  gradedBy: GradedBy | 'teacher' | null;
  attemptStatus: AttemptStatus | null;
  provisional: boolean;
  attemptId: number | null;
}

/**
 * A submission: acknowledged at once (the exam is closed to answers, objective answers graded and
 * stored); `report` settles when the written answers are graded too. LLM trouble never rejects it (the
 * tutor falls back, stored as provisional); a storage failure does, and the exam stays in `grading`
 * to be resumed by the next `submitOverdue` (at start-up).
 */
export interface ExamSubmission {
  cover: ExamCover;
  submittedBy: ExamSubmittedBy;
  /** The report as it stands right after submission (status `grading` if written answers are pending). */
  initial: ExamReport;
  report: Promise<ExamReport>;
}

export interface CreateExamInput {
  userId: string;
  displayName: string;
  locale?: string;
  guildId?: string | null;
  channelId?: string | null;
  /** Default: the first bank of the catalog. */
  bankId?: string;
  /** A paper defined in the bank; default its first paper, or the bank's sections when it has none. */
  paperId?: string;
  /** Overrides the paper's time limit; required for a bank without papers. 1..600. */
  minutes?: number;
  now?: Date;
}

export interface SubmitExamInput {
  examId: string;
  userId: string;
  now?: Date;
  /** Called as written answers are graded ("Grading written answers: 2 of 4"), first with 0 done. */
  onProgress?: (progress: ExamGradingProgress) => void;
}

export interface ExamAskInput {
  examId: string;
  userId: string;
  /** The question the follow-up is about. */
  index: number;
  message: string;
  locale?: string;
  now?: Date;
}

/** Called for every automatic submission at the deadline, whoever noticed it (timer, start-up, a late click). */
export type ExamAutoSubmitListener = (submission: ExamSubmission) => void;

/** A paper as offered to `/exam` autocomplete and `tutor exam --help`. */
export interface PaperSummary {
  bankId: string;
  paperId: string | null;
  title: string;
  timeLimitMinutes: number | null;
  questionCount: number;
  totalPoints: number;
}

export interface ExamStats {
  /** Exams submitted. */
  taken: number;
  last: { examId: string; title: string; score: number; totalPoints: number; submittedAt: Date } | null;
  best: { examId: string; title: string; score: number; totalPoints: number; submittedAt: Date } | null;
  /** Per section title over all exams taken: points earned and available. */
  sections: Array<{ title: string; score: number; points: number }>;
}

export interface ExamService {
  /** The papers a bank offers (its own papers, else one made of its sections). */
  papers(bankId?: string): PaperSummary[];
  /**
   * Draws the paper and stores the exam as `ready` (the clock starts with `begin`). One exam not yet
   * submitted per learner (`ready` or `running`): otherwise `exam-already-open` naming it, so a second
   * /exam points to the open one (whose cover can still be started and handed in).
   */
  create(input: CreateExamInput): ExamCover;
  attachThread(examId: string, threadId: string): void;
  /** The cover of any exam (no ownership check: it shows no answers). */
  cover(examId: string): ExamCover;
  /** The learner's exam that is `ready` or `running`, if any. */
  findOpen(userId: string): ExamCover | null;
  /** The exam in a thread (any status); with `ownerId`, only if that user owns it. */
  findByThread(threadId: string, ownerId?: string): ExamCover | null;

  /** Starts the clock (idempotent once running) and returns the current question. */
  begin(examId: string, userId: string, now?: Date): ExamQuestionView;
  /** The current question, or the one at `index` (which becomes current). */
  view(examId: string, userId: string, index?: number, now?: Date): ExamQuestionView;
  go(examId: string, userId: string, move: ExamMove, now?: Date): ExamQuestionView;
  /** Sets or (default) toggles the flag of a question. */
  flag(examId: string, userId: string, index: number, flagged?: boolean, now?: Date): ExamQuestionView;
  /** Stores the answer as given; changeable until submission. */
  answer(input: ExamAnswerInput): ExamAnswerOutcome;
  /** What the Submit confirmation shows. */
  confirmSubmit(examId: string, userId: string, now?: Date): ExamSubmitConfirmation;
  /** Hands the exam in; running exams only. */
  submit(input: SubmitExamInput): ExamSubmission;

  /**
   * Submits every running exam whose deadline has passed (with the answers it has): at start-up and on
   * a timer. Returns the submissions it made; the listeners are told of each too.
   */
  submitOverdue(now?: Date): ExamSubmission[];
  /** The earliest deadline of a running exam, so a front end can time its next `submitOverdue`. */
  nextDeadline(): Date | null;
  /** Registers a listener for automatic submissions; returns the function that removes it. */
  onAutoSubmit(listener: ExamAutoSubmitListener): () => void;
  /**
   * Waits for the grading of a submitted exam started by this process (or resumes grading left
   * unfinished by a crash) and returns the report. For `grading`/`graded` exams only.
   */
  awaitReport(examId: string): Promise<ExamReport>;

  /** The score report as it stands (owner only; after submission). */
  report(examId: string, userId: string): ExamReport;
  /** One Review page (owner only; after submission). */
  review(examId: string, userId: string, index: number): ExamReviewItem;
  /** A follow-up question about one question of a submitted exam (refused before: `exam-not-submitted`). */
  ask(input: ExamAskInput): Promise<FollowUpReply>;

  /** The learner's exam line for /stats. */
  statsForUser(userId: string): ExamStats;
}
