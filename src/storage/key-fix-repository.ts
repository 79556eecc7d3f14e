import type { Statement, Transaction } from 'better-sqlite3';
import type { QuestionType } from '../bank/schema.ts';
import type { GradeResult } from '../grading/types.ts';
import type { AttemptRegrade, BankChange, KeyFixStore, NewBankChange, StoredAttempt } from '../services/key-fixes.ts';
import type { Db } from './database.ts';
import { decodeGrade, encodeGrade, partVerdicts, type AttemptRow } from './progress-store.ts';

/**
 * What a key fix reads and writes (issue 12 items 3–4): the audit of key changes (`bank_changes`),
 * a question's stored attempts, and a regrade's writes — the new score with the old grade kept in
 * `attempt_history`. The roll-up tables (statistics, leaderboard) follow through the attempts' update
 * trigger (migration 003); the review schedule is replayed by the caller through the progress store.
 */

/** The stored attempt columns a regrade reads (the store's row type, narrowed). */
type RegradeRow = Pick<
  AttemptRow,
  'id' | 'user_id' | 'guild_id' | 'bank_id' | 'question_id' | 'question_type' | 'raw_answer' | 'normalized_answer' | 'score' | 'max_score' | 'status' | 'graded_by' | 'created_at'
>;

const REGRADE_COLUMNS = 'id, user_id, guild_id, bank_id, question_id, question_type, raw_answer, normalized_answer, score, max_score, status, graded_by, created_at';

export class KeyFixRepository implements KeyFixStore {
  readonly #db: Db;
  readonly #statements: ReturnType<typeof prepare>;
  readonly #transaction: Transaction<(work: () => unknown) => unknown>;

  constructor(db: Db) {
    this.#db = db;
    this.#statements = prepare(db);
    this.#transaction = db.transaction((work: () => unknown) => work());
  }

  recordBankChange(change: NewBankChange): number {
    const { lastInsertRowid } = this.#statements.insertChange.run(
      change.bankId,
      change.questionId,
      change.kind,
      JSON.stringify(change.detail),
      change.changedBy,
      change.changedAt.getTime(),
    );
    return Number(lastInsertRowid);
  }

  /** The id of the newest key change, 0 when there is none. */
  latestBankChangeId(): number {
    return (this.#statements.latestChange.pluck().get() as number | null) ?? 0;
  }

  /** Banks changed after the change `afterId` (by any process), with the newest change id. */
  banksChangedAfter(afterId: number): { bankIds: string[]; latestId: number } {
    const rows = this.#statements.changedAfter.all(afterId) as Array<{ bank_id: string; latest: number }>;
    return { bankIds: rows.map((row) => row.bank_id), latestId: rows.reduce((latest, row) => Math.max(latest, row.latest), afterId) };
  }

  /** Key changes of a bank (one question, or all), oldest first. */
  bankChanges(bankId: string, questionId?: string): BankChange[] {
    const rows = (questionId === undefined ? this.#statements.changesOfBank.all(bankId) : this.#statements.changesOfQuestion.all(bankId, questionId)) as Array<{
      id: number;
      bank_id: string;
      question_id: string;
      kind: NewBankChange['kind'];
      detail: string;
      changed_by: string;
      changed_at: number;
    }>;
    return rows.map((row) => ({
      id: row.id,
      bankId: row.bank_id,
      questionId: row.question_id,
      kind: row.kind,
      detail: JSON.parse(row.detail) as Record<string, unknown>,
      changedBy: row.changed_by,
      changedAt: new Date(row.changed_at),
    }));
  }

  /**
   * Every attempt at a question (id and learner), per learner oldest first: one pass over the bank's
   * attempts (index attempts_bank_time), after which a regrade reads its steps by primary key.
   */
  attemptsOfQuestion(bankId: string, questionId: string): Array<{ id: number; userId: string }> {
    return (this.#statements.attemptIds.all(bankId, questionId) as Array<{ id: number; user_id: string }>).map((row) => ({ id: row.id, userId: row.user_id }));
  }

  /** These attempts as they are stored now, per learner oldest first. */
  attemptsByIds(ids: readonly number[]): StoredAttempt[] {
    const rows = this.#statements.attemptsByIds.all(JSON.stringify(ids)) as RegradeRow[];
    return rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      guildId: row.guild_id,
      bankId: row.bank_id,
      questionId: row.question_id,
      questionType: row.question_type,
      rawAnswer: row.raw_answer,
      normalizedAnswer: row.normalized_answer,
      score: row.score,
      maxScore: row.max_score,
      status: row.status,
      gradedBy: row.graded_by,
      createdAt: new Date(row.created_at),
    }));
  }

  /**
   * Stores new grades: per attempt, its current grade into `attempt_history` (reason `regrade`), then
   * the new score, maximum, grade and per-part verdicts. An attempt a teacher graded meanwhile is left
   * alone (the update's condition); returns the ids actually changed. Call inside `transaction`.
   */
  applyRegrades(regrades: readonly AttemptRegrade[], changedBy: string, at: Date): number[] {
    const changed: number[] = [];
    for (const { attemptId, grade } of regrades) {
      const row = this.#statements.gradeColumns.get(attemptId) as { question_type: QuestionType; max_score: number; normalized_answer: string; graded_by: string } | undefined;
      if (!row || row.graded_by === 'teacher') continue;
      this.#statements.insertHistory.run({ id: attemptId, changedBy, changedAt: at.getTime() });
      const columns = { questionType: row.question_type, maxScore: grade.maxScore, normalizedAnswer: row.normalized_answer };
      this.#statements.updateGrade.run({
        id: attemptId,
        score: grade.score,
        maxScore: grade.maxScore,
        grade: encodeGrade(grade, columns),
        partVerdicts: JSON.stringify(partVerdicts(grade, null)),
      });
      changed.push(attemptId);
    }
    return changed;
  }

  /** The grade history of an attempt, oldest first. */
  historyOf(attemptId: number): Array<{ score: number; maxScore: number; status: string; gradedBy: string; reason: string; changedBy: string | null; changedAt: Date }> {
    return (this.#statements.history.all(attemptId) as Array<{ score: number; max_score: number; status: string; graded_by: string; reason: string; changed_by: string | null; changed_at: number }>).map(
      (row) => ({ score: row.score, maxScore: row.max_score, status: row.status, gradedBy: row.graded_by, reason: row.reason, changedBy: row.changed_by, changedAt: new Date(row.changed_at) }),
    );
  }

  /** The stored grade of an attempt, decoded. */
  gradeOf(attemptId: number): GradeResult | undefined {
    const row = this.#statements.storedGrade.get(attemptId) as { grade: string; question_type: QuestionType; max_score: number; normalized_answer: string } | undefined;
    return row ? decodeGrade(row.grade, row) : undefined;
  }

  /** Runs `work` in one IMMEDIATE transaction (joining an open one). */
  transaction<T>(work: () => T): T {
    if (this.#db.inTransaction) return work();
    return this.#transaction.immediate(work) as T;
  }
}

function prepare(db: Db) {
  const statement = (sql: string): Statement => db.prepare(sql);
  return {
    insertChange: statement('INSERT INTO bank_changes (bank_id, question_id, kind, detail, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?)'),
    latestChange: statement('SELECT max(id) FROM bank_changes'),
    changedAfter: statement('SELECT bank_id, max(id) AS latest FROM bank_changes WHERE id > ? GROUP BY bank_id ORDER BY bank_id'),
    changesOfBank: statement('SELECT * FROM bank_changes WHERE bank_id = ? ORDER BY id'),
    changesOfQuestion: statement('SELECT * FROM bank_changes WHERE bank_id = ? AND question_id = ? ORDER BY id'),
    attemptIds: statement('SELECT id, user_id FROM attempts WHERE bank_id = ? AND question_id = ? ORDER BY user_id, created_at, id'),
    attemptsByIds: statement(`
      SELECT ${REGRADE_COLUMNS} FROM attempts WHERE id IN (SELECT value FROM json_each(?)) ORDER BY user_id, created_at, id`),
    gradeColumns: statement('SELECT question_type, max_score, normalized_answer, graded_by FROM attempts WHERE id = ?'),
    storedGrade: statement('SELECT grade, question_type, max_score, normalized_answer FROM attempts WHERE id = ?'),
    insertHistory: statement(`
      INSERT INTO attempt_history (attempt_id, user_id, score, max_score, status, graded_by, part_verdicts, feedback, reason, changed_by, changed_at)
      SELECT id, user_id, score, max_score, status, graded_by, part_verdicts, feedback, 'regrade', :changedBy, :changedAt FROM attempts WHERE id = :id`),
    updateGrade: statement(`
      UPDATE attempts SET score = :score, max_score = :maxScore, grade = :grade, part_verdicts = :partVerdicts
      WHERE id = :id AND graded_by <> 'teacher'`),
    history: statement('SELECT score, max_score, status, graded_by, reason, changed_by, changed_at FROM attempt_history WHERE attempt_id = ? ORDER BY id'),
  };
}
