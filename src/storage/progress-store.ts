import type { Statement, Transaction } from 'better-sqlite3';
import { UserError } from '../errors.ts';
import type { GradeResult } from '../grading/types.ts';
import type {
  AttemptGradedBy,
  AttemptRecord,
  AttemptStatus,
  FollowUpMessage,
  ForgetResult,
  NewAttempt,
  ProgressStore,
  SessionPatch,
  StatsFilter,
  UserProfile,
} from '../progress/ports.ts';
import { scheduleReview, type ReviewCard } from '../progress/review.ts';
import type { Leaderboard, LeaderboardPeriod, UserStats } from '../progress/types.ts';
import type { QuestionRef, QuizSession } from '../quiz/types.ts';
import type { FreeTextFeedback } from '../tutor/types.ts';
import type { QuestionType } from '../bank/schema.ts';
import type { Db } from './database.ts';
import { forgetUser } from './forget.ts';
import { queryLeaderboard, queryUserStats } from './user-stats.ts';

interface SessionRow {
  id: string;
  owner_id: string;
  guild_id: string | null;
  channel_id: string | null;
  thread_id: string | null;
  bank_id: string | null;
  mode: QuizSession['mode'];
  locale: string | null;
  questions: string;
  position: number;
  status: QuizSession['status'];
  started_at: number;
  ended_at: number | null;
}

export interface AttemptRow {
  id: number;
  session_id: string | null;
  user_id: string;
  guild_id: string | null;
  bank_id: string;
  question_id: string;
  question_type: QuestionType;
  topic: string | null;
  raw_answer: string;
  normalized_answer: string;
  score: number;
  max_score: number;
  status: AttemptStatus;
  graded_by: AttemptGradedBy;
  grade: string;
  feedback: string | null;
  prompt_version: string | null;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  latency_ms: number | null;
  created_at: number;
}

interface CardRow {
  due: number;
  stability: number;
  difficulty: number;
  elapsed_days: number;
  scheduled_days: number;
  learning_steps: number;
  reps: number;
  lapses: number;
  state: number;
  last_review: number | null;
}

interface FollowUpRow {
  session_id: string | null;
  user_id: string;
  bank_id: string;
  question_id: string;
  role: FollowUpMessage['role'];
  content: string;
  tokens: number | null;
  created_at: number;
}

export const ATTEMPT_COLUMNS = `id, session_id, user_id, guild_id, bank_id, question_id, question_type, topic, raw_answer,
  normalized_answer, score, max_score, status, graded_by, grade, feedback, prompt_version, model, input_tokens,
  output_tokens, latency_ms, created_at`;

export interface SqliteProgressStoreOptions {
  /** Clock for rows written without a time of their own (user rows); tests pass a fixed one. */
  clock?: () => Date;
  /** Default IANA zone for statistics when the filter names none. */
  timeZone?: string;
}

/**
 * The ProgressStore on SQLite. Each public write is one transaction (IMMEDIATE, so a second process
 * waits on busy_timeout rather than failing on a lock upgrade); statistics read the roll-up tables the
 * attempt triggers maintain (see migration 001).
 */
export class SqliteProgressStore implements ProgressStore {
  readonly #db: Db;
  readonly #clock: () => Date;
  readonly #timeZone: string;
  readonly #statements: ReturnType<typeof prepareStatements>;
  /** Built once: `db.transaction` makes a new wrapper (and looks up its BEGIN/COMMIT statements) per call. */
  readonly #transaction: Transaction<(work: () => unknown) => unknown>;

  constructor(db: Db, options: SqliteProgressStoreOptions = {}) {
    this.#db = db;
    this.#transaction = db.transaction((work: () => unknown) => work());
    this.#clock = options.clock ?? (() => new Date());
    this.#timeZone = options.timeZone ?? 'UTC';
    this.#statements = prepareStatements(db);
  }

  get db(): Db {
    return this.#db;
  }

  upsertUser(profile: UserProfile): void {
    const now = this.#clock().getTime();
    this.#statements.upsertUser.run({
      id: profile.id,
      displayName: profile.displayName,
      locale: profile.locale ?? null,
      keepLocale: profile.locale === undefined ? 1 : 0,
      now,
    });
  }

  getUser(userId: string): UserProfile | null {
    const row = this.#statements.getUser.get(userId) as { id: string; display_name: string; locale: string | null } | undefined;
    return row ? { id: row.id, displayName: row.display_name, locale: row.locale } : null;
  }

  createSession(session: QuizSession): void {
    this.#write(() => {
      this.#ensureUser(session.ownerId);
      this.#statements.insertSession.run({
        id: session.id,
        ownerId: session.ownerId,
        guildId: session.guildId,
        channelId: session.channelId,
        threadId: session.threadId,
        bankId: session.bankId,
        mode: session.mode,
        locale: session.locale,
        questions: JSON.stringify(session.questions.map((q) => ({ bankId: q.bankId, questionId: q.questionId }))),
        position: session.position,
        status: session.status,
        startedAt: session.startedAt.getTime(),
        endedAt: session.endedAt ? session.endedAt.getTime() : null,
      });
    });
  }

  getSession(sessionId: string): QuizSession | null {
    const row = this.#statements.getSession.get(sessionId) as SessionRow | undefined;
    return row ? toSession(row) : null;
  }

  updateSession(sessionId: string, patch: SessionPatch): QuizSession {
    return this.#write(() => {
      const row = this.#statements.getSession.get(sessionId) as SessionRow | undefined;
      if (!row) throw new UserError('session-not-found', { sessionId });
      const next: SessionRow = {
        ...row,
        thread_id: patch.threadId !== undefined ? patch.threadId : row.thread_id,
        position: patch.position ?? row.position,
        status: patch.status ?? row.status,
        ended_at: patch.endedAt !== undefined ? (patch.endedAt ? patch.endedAt.getTime() : null) : row.ended_at,
      };
      this.#statements.updateSession.run(next);
      return toSession(next);
    });
  }

  findActiveSessionByThread(threadId: string): QuizSession | null {
    const row = this.#statements.activeSessionByThread.get(threadId) as SessionRow | undefined;
    return row ? toSession(row) : null;
  }

  recordAttempt(attempt: NewAttempt): AttemptRecord {
    return this.#write(() => {
      this.#ensureUser(attempt.userId);
      const { lastInsertRowid } = this.#statements.insertAttempt.run(attemptParams(attempt));
      // Flagged and needs-review scores are not trusted yet: they do not move the review schedule.
      if (attempt.status !== 'flagged' && attempt.status !== 'needs-review') {
        const previous = this.getReviewCard(attempt.userId, attempt.bankId, attempt.questionId);
        const card = scheduleReview(previous, attempt.score, attempt.maxScore, attempt.createdAt);
        this.#statements.upsertCard.run(cardParams(attempt.userId, attempt.bankId, attempt.questionId, card));
      }
      return {
        ...attempt,
        topic: attempt.topic ?? null,
        promptVersion: attempt.promptVersion ?? null,
        model: attempt.model ?? null,
        inputTokens: attempt.inputTokens ?? null,
        outputTokens: attempt.outputTokens ?? null,
        latencyMs: attempt.latencyMs ?? null,
        id: Number(lastInsertRowid),
      };
    });
  }

  attemptsForSession(sessionId: string): AttemptRecord[] {
    return (this.#statements.attemptsForSession.all(sessionId) as AttemptRow[]).map(toAttempt);
  }

  findCachedFeedback(bankId: string, questionId: string, normalizedAnswer: string): FreeTextFeedback | null {
    const row = this.#statements.cachedFeedback.get(bankId, questionId, normalizedAnswer) as { feedback: string } | undefined;
    return row ? (JSON.parse(row.feedback) as FreeTextFeedback) : null;
  }

  listPendingAttempts(limit: number): AttemptRecord[] {
    return (this.#statements.pendingAttempts.all(limit) as AttemptRow[]).map(toAttempt);
  }

  /**
   * Attempts whose LLM grade exceeded the evidence, oldest first: what a person confirms (set `graded`
   * with the score they accept, through `updateAttemptGrading`) before they count.
   */
  listAttemptsNeedingReview(limit: number): AttemptRecord[] {
    return (this.#statements.needsReviewAttempts.all(limit) as AttemptRow[]).map(toAttempt);
  }

  updateAttemptGrading(
    attemptId: number,
    update: Pick<NewAttempt, 'score' | 'gradedBy' | 'status' | 'feedback' | 'promptVersion' | 'model' | 'inputTokens' | 'outputTokens' | 'latencyMs'>,
  ): void {
    this.#write(() => {
      const row = this.#statements.getAttempt.get(attemptId) as AttemptRow | undefined;
      if (!row) throw new UserError('attempt-not-found', { attemptId });
      const grade = decodeGrade(row.grade, row);
      this.#statements.updateGrading.run({
        id: attemptId,
        score: update.score,
        gradedBy: update.gradedBy,
        status: update.status,
        feedback: update.feedback ? JSON.stringify(update.feedback) : null,
        partVerdicts: JSON.stringify(partVerdicts(grade, update.feedback)),
        promptVersion: update.promptVersion ?? null,
        model: update.model ?? null,
        inputTokens: update.inputTokens ?? null,
        outputTokens: update.outputTokens ?? null,
        latencyMs: update.latencyMs ?? null,
      });
    });
  }

  addFollowUp(message: FollowUpMessage): void {
    this.#write(() => {
      this.#ensureUser(message.userId);
      this.#statements.insertFollowUp.run({
        sessionId: message.sessionId,
        userId: message.userId,
        bankId: message.bankId,
        questionId: message.questionId,
        role: message.role,
        content: message.content,
        tokens: message.tokens ?? null,
        createdAt: message.createdAt.getTime(),
      });
    });
  }

  recentFollowUps(sessionId: string, questionId: string, limit: number): FollowUpMessage[] {
    const rows = this.#statements.recentFollowUps.all(sessionId, questionId, limit) as FollowUpRow[];
    return rows.reverse().map((row) => ({
      sessionId: row.session_id,
      userId: row.user_id,
      bankId: row.bank_id,
      questionId: row.question_id,
      role: row.role,
      content: row.content,
      tokens: row.tokens,
      createdAt: new Date(row.created_at),
    }));
  }

  dueReviews(userId: string, now: Date, limit: number): QuestionRef[] {
    return (this.#statements.dueReviews.all(userId, now.getTime(), limit) as Array<{ bank_id: string; question_id: string }>).map(toRef);
  }

  nextReviewDue(userId: string): Date | null {
    const due = this.#statements.nextReviewDue.pluck().get(userId) as number | null | undefined;
    return due === null || due === undefined ? null : new Date(due);
  }

  getReviewCard(userId: string, bankId: string, questionId: string): ReviewCard | null {
    const row = this.#statements.getCard.get(userId, bankId, questionId) as CardRow | undefined;
    return row ? toCard(row) : null;
  }

  missedQuestions(userId: string, limit: number): QuestionRef[] {
    return (this.#statements.missedQuestions.all(userId, limit) as Array<{ bank_id: string; question_id: string }>).map(toRef);
  }

  statsForUser(userId: string, filter: StatsFilter = {}): UserStats {
    const query = () =>
      queryUserStats(this.#db, userId, {
        ...filter,
        now: filter.now ?? this.#clock(),
        timeZone: filter.timeZone ?? this.#timeZone,
      });
    // One read transaction for the six queries: every figure comes from the same snapshot even while
    // another process records answers, and the WAL read lock is taken once instead of per query.
    return this.#db.inTransaction ? query() : (this.#transaction.deferred(query) as UserStats);
  }

  leaderboard(guildId: string, period: LeaderboardPeriod, now?: Date): Leaderboard {
    return queryLeaderboard(this.#db, guildId, period, now ?? this.#clock());
  }

  forgetUser(userId: string): ForgetResult {
    return forgetUser(this.#db, userId);
  }

  // --- h12-keyfix ---
  /**
   * Rebuilds a learner's review card for one question from all their attempts at it, oldest first, as
   * `recordAttempt` would have built it had the scores always been these (flagged and needs-review
   * attempts skipped, as there). A regrade calls it so the schedule follows the corrected scores.
   */
  replayReviewCard(userId: string, bankId: string, questionId: string): ReviewCard | null {
    return this.#write(() => {
      const rows = this.#statements.attemptsForCard.all(userId, bankId, questionId) as Array<{ score: number; max_score: number; created_at: number }>;
      let card: ReviewCard | null = null;
      for (const row of rows) card = scheduleReview(card, row.score, row.max_score, new Date(row.created_at));
      if (card) this.#statements.upsertCard.run(cardParams(userId, bankId, questionId, card));
      return card;
    });
  }

  #ensureUser(userId: string): void {
    this.#statements.ensureUser.run({ id: userId, now: this.#clock().getTime() });
  }

  #write<T>(work: () => T): T {
    // Nested calls (a write inside a write) join the outer transaction.
    if (this.#db.inTransaction) return work();
    return this.#transaction.immediate(work) as T;
  }
}

function prepareStatements(db: Db) {
  const prepare = (sql: string): Statement => db.prepare(sql);
  return {
    upsertUser: prepare(`
      INSERT INTO users (id, display_name, locale, created_at, updated_at) VALUES (:id, :displayName, :locale, :now, :now)
      ON CONFLICT (id) DO UPDATE SET
        display_name = excluded.display_name,
        locale = CASE WHEN :keepLocale THEN users.locale ELSE excluded.locale END,
        updated_at = excluded.updated_at`),
    getUser: prepare(`SELECT id, display_name, locale FROM users WHERE id = ?`),
    ensureUser: prepare(`INSERT OR IGNORE INTO users (id, display_name, locale, created_at, updated_at) VALUES (:id, :id, NULL, :now, :now)`),
    insertSession: prepare(`
      INSERT INTO quiz_sessions (id, owner_id, guild_id, channel_id, thread_id, bank_id, mode, locale, questions, position, status, started_at, ended_at)
      VALUES (:id, :ownerId, :guildId, :channelId, :threadId, :bankId, :mode, :locale, :questions, :position, :status, :startedAt, :endedAt)`),
    getSession: prepare(`SELECT * FROM quiz_sessions WHERE id = ?`),
    updateSession: prepare(`
      UPDATE quiz_sessions SET thread_id = :thread_id, position = :position, status = :status, ended_at = :ended_at WHERE id = :id`),
    activeSessionByThread: prepare(`
      SELECT * FROM quiz_sessions WHERE thread_id = ? AND status = 'active' ORDER BY started_at DESC LIMIT 1`),
    insertAttempt: prepare(`
      INSERT INTO attempts (session_id, user_id, guild_id, bank_id, question_id, question_type, topic, raw_answer,
        normalized_answer, score, max_score, status, graded_by, part_verdicts, grade, feedback, prompt_version, model,
        input_tokens, output_tokens, latency_ms, created_at)
      VALUES (:sessionId, :userId, :guildId, :bankId, :questionId, :questionType, :topic, :rawAnswer,
        :normalizedAnswer, :score, :maxScore, :status, :gradedBy, :partVerdicts, :grade, :feedback, :promptVersion, :model,
        :inputTokens, :outputTokens, :latencyMs, :createdAt)`),
    getAttempt: prepare(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE id = ?`),
    attemptsForSession: prepare(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE session_id = ? ORDER BY id`),
    cachedFeedback: prepare(`
      SELECT feedback FROM attempts
      WHERE bank_id = ? AND question_id = ? AND normalized_answer = ? AND graded_by = 'llm'
        AND status = 'graded' AND feedback IS NOT NULL
      ORDER BY id DESC LIMIT 1`),
    pendingAttempts: prepare(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE status = 'pending' ORDER BY id LIMIT ?`),
    needsReviewAttempts: prepare(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE status = 'needs-review' ORDER BY id LIMIT ?`),
    updateGrading: prepare(`
      UPDATE attempts SET score = :score, graded_by = :gradedBy, status = :status, feedback = :feedback,
        part_verdicts = :partVerdicts, prompt_version = :promptVersion, model = :model, input_tokens = :inputTokens,
        output_tokens = :outputTokens, latency_ms = :latencyMs
      WHERE id = :id`),
    insertFollowUp: prepare(`
      INSERT INTO follow_ups (session_id, user_id, bank_id, question_id, role, content, tokens, created_at)
      VALUES (:sessionId, :userId, :bankId, :questionId, :role, :content, :tokens, :createdAt)`),
    recentFollowUps: prepare(`
      SELECT session_id, user_id, bank_id, question_id, role, content, tokens, created_at FROM follow_ups
      WHERE session_id = ? AND question_id = ? ORDER BY id DESC LIMIT ?`),
    getCard: prepare(`
      SELECT due, stability, difficulty, elapsed_days, scheduled_days, learning_steps, reps, lapses, state, last_review
      FROM review_cards WHERE user_id = ? AND bank_id = ? AND question_id = ?`),
    upsertCard: prepare(`
      INSERT INTO review_cards (user_id, bank_id, question_id, due, stability, difficulty, elapsed_days, scheduled_days,
        learning_steps, reps, lapses, state, last_review)
      VALUES (:userId, :bankId, :questionId, :due, :stability, :difficulty, :elapsedDays, :scheduledDays,
        :learningSteps, :reps, :lapses, :state, :lastReview)
      ON CONFLICT (user_id, bank_id, question_id) DO UPDATE SET
        due = excluded.due, stability = excluded.stability, difficulty = excluded.difficulty,
        elapsed_days = excluded.elapsed_days, scheduled_days = excluded.scheduled_days,
        learning_steps = excluded.learning_steps, reps = excluded.reps, lapses = excluded.lapses,
        state = excluded.state, last_review = excluded.last_review`),
    dueReviews: prepare(`
      SELECT bank_id, question_id FROM review_cards WHERE user_id = ? AND due <= ? ORDER BY due, bank_id, question_id LIMIT ?`),
    nextReviewDue: prepare('SELECT min(due) FROM review_cards WHERE user_id = ?'),
    // --- h12-keyfix ---
    attemptsForCard: prepare(`
      SELECT score, max_score, created_at FROM attempts
      WHERE user_id = ? AND bank_id = ? AND question_id = ? AND status NOT IN ('flagged', 'needs-review')
      ORDER BY created_at, id`),
    missedQuestions: prepare(`
      SELECT bank_id, question_id FROM stats_latest
      WHERE user_id = ? AND last_full = 0 ORDER BY last_at DESC, bank_id, question_id LIMIT ?`),
  };
}

function attemptParams(attempt: NewAttempt) {
  return {
    sessionId: attempt.sessionId,
    userId: attempt.userId,
    guildId: attempt.guildId,
    bankId: attempt.bankId,
    questionId: attempt.questionId,
    questionType: attempt.questionType,
    topic: attempt.topic ?? null,
    rawAnswer: attempt.rawAnswer,
    normalizedAnswer: attempt.normalizedAnswer,
    score: attempt.score,
    maxScore: attempt.maxScore,
    status: attempt.status,
    gradedBy: attempt.gradedBy,
    partVerdicts: JSON.stringify(partVerdicts(attempt.grade, attempt.feedback)),
    grade: encodeGrade(attempt.grade, attempt),
    feedback: attempt.feedback ? JSON.stringify(attempt.feedback) : null,
    promptVersion: attempt.promptVersion ?? null,
    model: attempt.model ?? null,
    inputTokens: attempt.inputTokens ?? null,
    outputTokens: attempt.outputTokens ?? null,
    latencyMs: attempt.latencyMs ?? null,
    createdAt: attempt.createdAt.getTime(),
  };
}

/**
 * The grade as stored in `attempts.grade`: without `questionType`, `maxScore` and (unless the answer
 * was invalid) `normalizedAnswer` when they equal the attempt's own columns, which never change after
 * the insert; `decodeGrade` puts them back. About 60 of an objective grade's 230 bytes. A value that
 * differs from its column is kept, so nothing is lost, and rows stored in full read back unchanged.
 */
export function encodeGrade(grade: GradeResult, columns: Pick<NewAttempt, 'questionType' | 'maxScore' | 'normalizedAnswer'>): string {
  const compact: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(grade)) {
    const redundant =
      (key === 'questionType' && value === columns.questionType) ||
      (key === 'maxScore' && value === columns.maxScore) ||
      (key === 'normalizedAnswer' && grade.status !== 'invalid' && value === columns.normalizedAnswer);
    if (!redundant) compact[key] = value;
  }
  return JSON.stringify(compact);
}

export function decodeGrade(json: string, row: Pick<AttemptRow, 'question_type' | 'max_score' | 'normalized_answer'>): GradeResult {
  const grade = JSON.parse(json) as Record<string, unknown>;
  grade.questionType ??= row.question_type;
  grade.maxScore ??= row.max_score;
  if (grade.status !== 'invalid') grade.normalizedAnswer ??= row.normalized_answer;
  return grade as unknown as GradeResult;
}

/** The verdict per part, kept in its own column: options/blanks for objective answers, rubric points for free text. */
export function partVerdicts(grade: GradeResult, feedback: FreeTextFeedback | null | undefined): Array<{ part: string; verdict: string; score: number; maxScore: number }> {
  if (feedback) {
    return feedback.rubric.map((point) => ({ part: `rubric-${point.index + 1}`, verdict: point.verdict, score: point.score, maxScore: point.maxScore }));
  }
  if (grade.status === 'graded') {
    return grade.parts.map((part) => ({ part: part.part, verdict: part.verdict, score: part.score, maxScore: part.maxScore }));
  }
  return [];
}

function cardParams(userId: string, bankId: string, questionId: string, card: ReviewCard) {
  return {
    userId,
    bankId,
    questionId,
    due: card.due.getTime(),
    stability: card.stability,
    difficulty: card.difficulty,
    elapsedDays: card.elapsedDays,
    scheduledDays: card.scheduledDays,
    learningSteps: card.learningSteps,
    reps: card.reps,
    lapses: card.lapses,
    state: card.state,
    lastReview: card.lastReview ? card.lastReview.getTime() : null,
  };
}

function toCard(row: CardRow): ReviewCard {
  return {
    due: new Date(row.due),
    stability: row.stability,
    difficulty: row.difficulty,
    elapsedDays: row.elapsed_days,
    scheduledDays: row.scheduled_days,
    learningSteps: row.learning_steps,
    reps: row.reps,
    lapses: row.lapses,
    state: row.state as ReviewCard['state'],
    lastReview: row.last_review === null ? null : new Date(row.last_review),
  };
}

function toRef(row: { bank_id: string; question_id: string }): QuestionRef {
  return { bankId: row.bank_id, questionId: row.question_id };
}

function toSession(row: SessionRow): QuizSession {
  return {
    id: row.id,
    ownerId: row.owner_id,
    guildId: row.guild_id,
    channelId: row.channel_id,
    threadId: row.thread_id,
    bankId: row.bank_id,
    mode: row.mode,
    locale: row.locale,
    questions: JSON.parse(row.questions) as QuestionRef[],
    position: row.position,
    status: row.status,
    startedAt: new Date(row.started_at),
    endedAt: row.ended_at === null ? null : new Date(row.ended_at),
  };
}

export function toAttempt(row: AttemptRow): AttemptRecord {
  return {
    id: row.id,
    sessionId: row.session_id,
    userId: row.user_id,
    guildId: row.guild_id,
    bankId: row.bank_id,
    questionId: row.question_id,
    questionType: row.question_type,
    topic: row.topic,
    rawAnswer: row.raw_answer,
    normalizedAnswer: row.normalized_answer,
    score: row.score,
    maxScore: row.max_score,
    status: row.status,
    gradedBy: row.graded_by,
    grade: decodeGrade(row.grade, row),
    feedback: row.feedback === null ? null : (JSON.parse(row.feedback) as FreeTextFeedback),
    promptVersion: row.prompt_version,
    model: row.model,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    latencyMs: row.latency_ms,
    createdAt: new Date(row.created_at),
  };
}
