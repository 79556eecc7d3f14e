import { UserError } from '../errors.ts';
import type { AttemptGradedBy, AttemptStatus } from '../progress/ports.ts';
import type { Appeal, AppealStatus, AppealStore, AppealView, NewAppeal } from '../services/appeals.ts';
import type { HumanGrade, QueueRow, ReviewQueueStore } from '../services/review-queue.ts';
import type { FreeTextFeedback } from '../tutor/types.ts';
import type { Db } from './database.ts';
import { SqliteNoticeOutbox } from './notice-repository.ts';
import { decodeGrade, type AttemptRow } from './progress-store.ts';

type QueueSqlRow = Pick<
  AttemptRow,
  | 'id' | 'user_id' | 'guild_id' | 'bank_id' | 'question_id' | 'question_type' | 'raw_answer' | 'normalized_answer'
  | 'score' | 'max_score' | 'status' | 'graded_by' | 'grade' | 'feedback' | 'created_at'
> & {
  display_name: string | null;
  part_verdicts: string;
  appeal_id: number | null;
  appeal_reason: string | null;
  appeal_created_at: number | null;
};

interface AppealRow {
  id: number;
  attempt_id: number;
  user_id: string;
  guild_id: string | null;
  reason: string;
  status: AppealStatus;
  created_at: number;
  resolved_by: string | null;
  resolved_at: number | null;
  resolution_note: string | null;
}

/**
 * Which attempts await a person. Each arm reads one partial index (`attempts_needs_review`,
 * `attempts_flagged`, `attempts_pending`, `appeals_open`), so listing the queue never scans the
 * attempts table, however many answers it holds.
 */
const QUEUE_IDS = `
  SELECT id FROM attempts WHERE status = 'needs-review'
  UNION SELECT id FROM attempts WHERE status = 'flagged'
  UNION SELECT id FROM attempts WHERE status = 'pending' AND :provisional = 1
  UNION SELECT attempt_id FROM appeals WHERE status = 'open'`;

const QUEUE_COLUMNS = `a.id, a.user_id, u.display_name, a.guild_id, a.bank_id, a.question_id, a.question_type, a.raw_answer,
  a.normalized_answer, a.score, a.max_score, a.status, a.graded_by, a.grade, a.feedback, a.part_verdicts, a.created_at,
  ap.id AS appeal_id, ap.reason AS appeal_reason, ap.created_at AS appeal_created_at`;

const QUEUE_FROM = `FROM attempts a
  LEFT JOIN appeals ap ON ap.attempt_id = a.id AND ap.status = 'open'
  LEFT JOIN users u ON u.id = a.user_id`;

const QUEUE_SCOPE = `(:guildId IS NULL OR a.guild_id = :guildId) AND (:bankId IS NULL OR a.bank_id = :bankId)`;

/**
 * The review queue and appeals on SQLite (tables of migration 005). A teacher's grade is written in one
 * IMMEDIATE transaction: the grade before it into `attempt_history`, the attempt itself (the roll-up
 * trigger of migration 003 moves statistics and the leaderboard by the difference), the appeal's
 * outcome, and the learner's notice in the outbox.
 */
export interface ReviewQueueRepositoryOptions {
  /**
   * Rebuilds the learner's review card for the question from their attempts (the progress store's
   * `replayReviewCard`), run inside the grade's transaction: a flagged or needs-review answer a teacher
   * confirms enters the review schedule, and a changed score moves it.
   */
  replayReviewCard?: (userId: string, bankId: string, questionId: string) => unknown;
}

export class SqliteReviewQueueRepository implements ReviewQueueStore, AppealStore {
  readonly #outbox: SqliteNoticeOutbox;
  readonly #replayReviewCard: ReviewQueueRepositoryOptions['replayReviewCard'];

  constructor(
    private readonly db: Db,
    options: ReviewQueueRepositoryOptions = {},
  ) {
    this.#outbox = new SqliteNoticeOutbox(db);
    this.#replayReviewCard = options.replayReviewCard;
  }

  listQueue(filter: { includeProvisional: boolean; limit: number; guildId?: string; bankId?: string }): QueueRow[] {
    const rows = this.db
      .prepare(
        `SELECT ${QUEUE_COLUMNS} ${QUEUE_FROM}
          WHERE a.id IN (${QUEUE_IDS}) AND ${QUEUE_SCOPE}
          ORDER BY coalesce(ap.created_at, a.created_at), a.id
          LIMIT :limit`,
      )
      .all({ ...scopeParams(filter), provisional: filter.includeProvisional ? 1 : 0, limit: filter.limit }) as QueueSqlRow[];
    return rows.map(toQueueRow);
  }

  countQueue(filter: { includeProvisional: boolean; guildId?: string; bankId?: string }): number {
    return this.db
      .prepare(`SELECT count(*) FROM attempts a WHERE a.id IN (${QUEUE_IDS}) AND ${QUEUE_SCOPE}`)
      .pluck()
      .get({ ...scopeParams(filter), provisional: filter.includeProvisional ? 1 : 0 }) as number;
  }

  queueRow(attemptId: number): QueueRow | null {
    const row = this.db
      .prepare(
        `SELECT ${QUEUE_COLUMNS} ${QUEUE_FROM}
          WHERE a.id = :id AND (a.status IN ('needs-review', 'flagged', 'pending') OR ap.id IS NOT NULL)`,
      )
      .get({ id: attemptId }) as QueueSqlRow | undefined;
    return row ? toQueueRow(row) : null;
  }

  applyHumanGrade(grade: HumanGrade): void {
    const write = this.db.transaction(() => {
      const current = this.db
        .prepare(
          `SELECT a.user_id, a.bank_id, a.question_id, a.score, a.max_score, a.status, a.graded_by, a.part_verdicts, a.feedback,
                  (SELECT id FROM appeals WHERE attempt_id = a.id AND status = 'open') AS appeal_id
             FROM attempts a WHERE a.id = ?`,
        )
        .get(grade.attemptId) as
        | { user_id: string; bank_id: string; question_id: string; score: number; max_score: number; status: AttemptStatus; graded_by: AttemptGradedBy; part_verdicts: string; feedback: string | null; appeal_id: number | null }
        | undefined;
      if (!current) throw new UserError('queue-item-not-found', { attemptId: grade.attemptId });
      const { expected } = grade;
      // Another teacher (or the CLI) resolved it meanwhile: the second resolution must not overwrite the first.
      if (current.score !== expected.score || current.status !== expected.status || current.graded_by !== expected.gradedBy || current.appeal_id !== expected.appealId) {
        throw new UserError('queue-item-resolved', { attemptId: grade.attemptId });
      }
      const at = grade.reviewedAt.getTime();
      this.db
        .prepare(
          `INSERT INTO attempt_history (attempt_id, user_id, score, max_score, status, graded_by, part_verdicts, feedback, reason, changed_by, changed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(grade.attemptId, current.user_id, current.score, current.max_score, current.status, current.graded_by, current.part_verdicts, current.feedback, grade.historyReason, grade.reviewedBy, at);
      this.db
        .prepare(
          `UPDATE attempts SET score = ?, status = 'graded', graded_by = 'teacher', part_verdicts = ?, feedback = ?, reviewed_by = ?, reviewed_at = ?
            WHERE id = ?`,
        )
        .run(grade.score, JSON.stringify(grade.partVerdicts), grade.feedback ? JSON.stringify(grade.feedback) : null, grade.reviewedBy, at, grade.attemptId);
      if (grade.appeal) {
        this.db
          .prepare(`UPDATE appeals SET status = ?, resolved_by = ?, resolved_at = ?, resolution_note = ? WHERE id = ? AND status = 'open'`)
          .run(grade.appeal.status, grade.reviewedBy, at, grade.appeal.note, grade.appeal.id);
      }
      this.#outbox.enqueue([grade.notice]);
      this.#replayReviewCard?.(current.user_id, current.bank_id, current.question_id);
    });
    write.immediate();
  }

  attemptOwner(attemptId: number): { userId: string; guildId: string | null } | null {
    const row = this.db.prepare('SELECT user_id, guild_id FROM attempts WHERE id = ?').get(attemptId) as { user_id: string; guild_id: string | null } | undefined;
    return row ? { userId: row.user_id, guildId: row.guild_id } : null;
  }

  appealOfAttempt(attemptId: number): Appeal | null {
    const row = this.db.prepare('SELECT * FROM appeals WHERE attempt_id = ?').get(attemptId) as AppealRow | undefined;
    return row ? toAppeal(row) : null;
  }

  appealCounts(userId: string, since: Date): { recent: number; open: number } {
    return this.db
      .prepare(
        `SELECT coalesce(sum(created_at >= ?), 0) AS recent, coalesce(sum(status = 'open'), 0) AS open
           FROM appeals WHERE user_id = ?`,
      )
      .get(since.getTime(), userId) as { recent: number; open: number };
  }

  insertAppeal(appeal: NewAppeal): Appeal {
    const insert = this.db.transaction((): Appeal => {
      if (this.appealOfAttempt(appeal.attemptId)) throw new UserError('appeal-exists');
      const { lastInsertRowid } = this.db
        .prepare(`INSERT INTO appeals (attempt_id, user_id, guild_id, reason, status, created_at) VALUES (?, ?, ?, ?, 'open', ?)`)
        .run(appeal.attemptId, appeal.userId, appeal.guildId, appeal.reason, appeal.createdAt.getTime());
      return { ...appeal, id: Number(lastInsertRowid), status: 'open', resolvedBy: null, resolvedAt: null, resolutionNote: null };
    });
    return insert.immediate();
  }

  appealsOfUser(userId: string, limit: number): AppealView[] {
    const rows = this.db
      .prepare(
        `SELECT ap.*, a.bank_id, a.question_id, a.score, a.max_score
           FROM appeals ap JOIN attempts a ON a.id = ap.attempt_id
          WHERE ap.user_id = ? ORDER BY ap.created_at DESC, ap.id DESC LIMIT ?`,
      )
      .all(userId, limit) as Array<AppealRow & { bank_id: string; question_id: string; score: number; max_score: number }>;
    return rows.map((row) => ({ ...toAppeal(row), bankId: row.bank_id, questionId: row.question_id, score: row.score, maxScore: row.max_score }));
  }

  appealStatusCounts(userId: string): Record<AppealStatus, number> {
    const counts: Record<AppealStatus, number> = { open: 0, upheld: 0, changed: 0, rejected: 0 };
    const rows = this.db.prepare('SELECT status, count(*) AS n FROM appeals WHERE user_id = ? GROUP BY status').all(userId) as Array<{ status: AppealStatus; n: number }>;
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }
}

function scopeParams(filter: { guildId?: string; bankId?: string }) {
  return { guildId: filter.guildId ?? null, bankId: filter.bankId ?? null };
}

function toQueueRow(row: QueueSqlRow): QueueRow {
  return {
    attemptId: row.id,
    userId: row.user_id,
    displayName: row.display_name,
    guildId: row.guild_id,
    bankId: row.bank_id,
    questionId: row.question_id,
    questionType: row.question_type,
    rawAnswer: row.raw_answer,
    score: row.score,
    maxScore: row.max_score,
    status: row.status,
    gradedBy: row.graded_by,
    grade: decodeGrade(row.grade, row),
    feedback: row.feedback === null ? null : (JSON.parse(row.feedback) as FreeTextFeedback),
    createdAt: new Date(row.created_at),
    openAppeal: row.appeal_id === null ? null : { id: row.appeal_id, reason: row.appeal_reason ?? '', createdAt: new Date(row.appeal_created_at ?? 0) },
  };
}

function toAppeal(row: AppealRow): Appeal {
  return {
    id: row.id,
    attemptId: row.attempt_id,
    userId: row.user_id,
    guildId: row.guild_id,
    reason: row.reason,
    status: row.status,
    createdAt: new Date(row.created_at),
    resolvedBy: row.resolved_by,
    resolvedAt: row.resolved_at === null ? null : new Date(row.resolved_at),
    resolutionNote: row.resolution_note,
  };
}
