import type { Statement, Transaction } from 'better-sqlite3';
import type { ExamRepository, StoredExam, StoredExamAnswer } from '../exam/ports.ts';
import type { DrawnSection, ExamQuestionRef } from '../exam/paper.ts';
import type { ExamStatus, ExamSubmittedBy } from '../exam/types.ts';
import type { RawAnswer } from '../grading/types.ts';
import type { AttemptRecord, FollowUpMessage, NewAttempt } from '../progress/ports.ts';
import type { Db } from './database.ts';
import { ATTEMPT_COLUMNS, toAttempt, type AttemptRow, type SqliteProgressStore } from './progress-store.ts';

interface ExamRow {
  id: string;
  user_id: string;
  guild_id: string | null;
  channel_id: string | null;
  thread_id: string | null;
  bank_id: string;
  paper_id: string | null;
  title: string;
  locale: string | null;
  sections: string;
  questions: string;
  total_points: number;
  time_limit_minutes: number;
  status: ExamStatus;
  position: number;
  created_at: number;
  started_at: number | null;
  deadline: number | null;
  submitted_at: number | null;
  submitted_by: ExamSubmittedBy | null;
  score: number | null;
}

interface AnswerRow {
  position: number;
  answer: string | null;
  flagged: number;
  updated_at: number;
  attempt_id: number | null;
}

const EXAM_COLUMNS = `id, user_id, guild_id, channel_id, thread_id, bank_id, paper_id, title, locale, sections, questions,
  total_points, time_limit_minutes, status, position, created_at, started_at, deadline, submitted_at, submitted_by, score`;

const date = (value: number | null): Date | null => (value === null ? null : new Date(value));

function toExam(row: ExamRow): StoredExam {
  return {
    id: row.id,
    userId: row.user_id,
    guildId: row.guild_id,
    channelId: row.channel_id,
    threadId: row.thread_id,
    bankId: row.bank_id,
    paperId: row.paper_id,
    title: row.title,
    locale: row.locale,
    sections: JSON.parse(row.sections) as DrawnSection[],
    questions: JSON.parse(row.questions) as ExamQuestionRef[],
    totalPoints: row.total_points,
    timeLimitMinutes: row.time_limit_minutes,
    status: row.status,
    position: row.position,
    createdAt: new Date(row.created_at),
    startedAt: date(row.started_at),
    deadline: date(row.deadline),
    submittedAt: date(row.submitted_at),
    submittedBy: row.submitted_by,
    score: row.score,
  };
}

function toAnswer(row: AnswerRow): StoredExamAnswer {
  return {
    position: row.position,
    answer: row.answer === null ? null : (JSON.parse(row.answer) as RawAnswer),
    flagged: row.flagged === 1,
    updatedAt: new Date(row.updated_at),
    attemptId: row.attempt_id,
  };
}

/**
 * Exams on SQLite (tables of migration 006). Every answer is one upsert, committed before the call
 * returns, so a crash right after a click loses nothing. Writes that depend on the exam's state
 * (`saveAnswer` only while running, `markSubmitted` only once) check it in the same statement, so two
 * processes or a double click cannot both win.
 */
export class SqliteExamRepository implements ExamRepository {
  readonly #db: Db;
  readonly #store: SqliteProgressStore;
  readonly #statements: ReturnType<typeof prepareStatements>;
  readonly #transaction: Transaction<(work: () => unknown) => unknown>;

  constructor(db: Db, store: SqliteProgressStore) {
    this.#db = db;
    this.#store = store;
    this.#statements = prepareStatements(db);
    this.#transaction = db.transaction((work: () => unknown) => work());
  }

  create(exam: StoredExam): boolean {
    return this.#write(() => {
      if (this.#statements.openByUser.get(exam.userId)) return false;
      this.#statements.ensureUser.run({ id: exam.userId, now: exam.createdAt.getTime() });
      this.#statements.insert.run({
        id: exam.id,
        userId: exam.userId,
        guildId: exam.guildId,
        channelId: exam.channelId,
        threadId: exam.threadId,
        bankId: exam.bankId,
        paperId: exam.paperId,
        title: exam.title,
        locale: exam.locale,
        sections: JSON.stringify(exam.sections),
        questions: JSON.stringify(exam.questions),
        totalPoints: exam.totalPoints,
        timeLimitMinutes: exam.timeLimitMinutes,
        status: exam.status,
        position: exam.position,
        createdAt: exam.createdAt.getTime(),
      });
      return true;
    });
  }

  get(examId: string): StoredExam | null {
    const row = this.#statements.get.get(examId) as ExamRow | undefined;
    return row ? toExam(row) : null;
  }

  findOpen(userId: string): StoredExam | null {
    const row = this.#statements.openByUser.get(userId) as ExamRow | undefined;
    return row ? toExam(row) : null;
  }

  findByThread(threadId: string): StoredExam | null {
    const row = this.#statements.byThread.get(threadId) as ExamRow | undefined;
    return row ? toExam(row) : null;
  }

  setThread(examId: string, threadId: string): void {
    this.#statements.setThread.run(threadId, examId);
  }

  setPosition(examId: string, position: number): void {
    this.#statements.setPosition.run(position, examId);
  }

  start(examId: string, startedAt: Date, deadline: Date): boolean {
    return this.#statements.start.run(startedAt.getTime(), deadline.getTime(), examId).changes === 1;
  }

  answers(examId: string): StoredExamAnswer[] {
    return (this.#statements.answers.all(examId) as AnswerRow[]).map(toAnswer);
  }

  saveAnswer(examId: string, userId: string, position: number, answer: RawAnswer, at: Date): boolean {
    const json = JSON.stringify(typeof answer === 'string' ? answer : [...answer]);
    return this.#statements.saveAnswer.run({ examId, userId, position, answer: json, at: at.getTime() }).changes === 1;
  }

  setFlag(examId: string, userId: string, position: number, flagged: boolean, at: Date): boolean {
    return this.#statements.setFlag.run({ examId, userId, position, flagged: flagged ? 1 : 0, at: at.getTime() }).changes === 1;
  }

  markSubmitted(examId: string, submittedAt: Date, submittedBy: ExamSubmittedBy): boolean {
    return this.#statements.submit.run(submittedAt.getTime(), submittedBy, examId).changes === 1;
  }

  recordAttempt(examId: string, position: number, attempt: NewAttempt): AttemptRecord {
    return this.#write(() => {
      const record = this.#store.recordAttempt(attempt);
      this.#statements.link.run(record.id, examId, position);
      return record;
    });
  }

  transaction<T>(work: () => T): T {
    return this.#write(work);
  }

  markGraded(examId: string, score: number): void {
    this.#statements.graded.run(score, examId);
  }

  attempts(examId: string): Map<number, AttemptRecord> {
    const rows = this.#statements.attempts.all(examId) as Array<AttemptRow & { exam_position: number }>;
    return new Map(rows.map((row) => [row.exam_position, toAttempt(row)]));
  }

  overdue(now: Date): StoredExam[] {
    return (this.#statements.overdue.all(now.getTime()) as ExamRow[]).map(toExam);
  }

  inGrading(): StoredExam[] {
    return (this.#statements.inGrading.all() as ExamRow[]).map(toExam);
  }

  nextDeadline(): Date | null {
    return date((this.#statements.nextDeadline.get() as { deadline: number | null }).deadline);
  }

  submitted(userId: string): StoredExam[] {
    return (this.#statements.submitted.all(userId) as ExamRow[]).map(toExam);
  }

  recentFollowUps(userId: string, bankId: string, questionId: string, since: Date, limit: number): FollowUpMessage[] {
    const rows = this.#statements.followUps.all(userId, bankId, questionId, since.getTime(), limit) as Array<{
      user_id: string;
      bank_id: string;
      question_id: string;
      role: FollowUpMessage['role'];
      content: string;
      tokens: number | null;
      created_at: number;
    }>;
    return rows.map((row) => ({
      sessionId: null,
      userId: row.user_id,
      bankId: row.bank_id,
      questionId: row.question_id,
      role: row.role,
      content: row.content,
      tokens: row.tokens,
      createdAt: new Date(row.created_at),
    }));
  }

  #write<T>(work: () => T): T {
    if (this.#db.inTransaction) return work();
    return this.#transaction.immediate(work) as T;
  }
}

function prepareStatements(db: Db) {
  const prepare = (sql: string): Statement => db.prepare(sql);
  const attemptColumns = ATTEMPT_COLUMNS.split(',')
    .map((column) => `a.${column.trim()}`)
    .join(', ');
  return {
    ensureUser: prepare(`INSERT OR IGNORE INTO users (id, display_name, locale, created_at, updated_at) VALUES (:id, :id, NULL, :now, :now)`),
    insert: prepare(`
      INSERT INTO exams (id, user_id, guild_id, channel_id, thread_id, bank_id, paper_id, title, locale, sections, questions,
        total_points, time_limit_minutes, status, position, created_at)
      VALUES (:id, :userId, :guildId, :channelId, :threadId, :bankId, :paperId, :title, :locale, :sections, :questions,
        :totalPoints, :timeLimitMinutes, :status, :position, :createdAt)`),
    get: prepare(`SELECT ${EXAM_COLUMNS} FROM exams WHERE id = ?`),
    openByUser: prepare(`SELECT ${EXAM_COLUMNS} FROM exams WHERE user_id = ? AND status IN ('ready', 'running')`),
    byThread: prepare(`SELECT ${EXAM_COLUMNS} FROM exams WHERE thread_id = ? ORDER BY created_at DESC LIMIT 1`),
    setThread: prepare(`UPDATE exams SET thread_id = ? WHERE id = ?`),
    setPosition: prepare(`UPDATE exams SET position = ? WHERE id = ?`),
    start: prepare(`UPDATE exams SET status = 'running', started_at = ?, deadline = ? WHERE id = ? AND status = 'ready'`),
    answers: prepare(`SELECT position, answer, flagged, updated_at, attempt_id FROM exam_answers WHERE exam_id = ? ORDER BY position`),
    // The exam must be running and still before its deadline row-wise: the check is in the same statement as the write.
    saveAnswer: prepare(`
      INSERT INTO exam_answers (exam_id, position, user_id, answer, flagged, updated_at)
      SELECT :examId, :position, :userId, :answer, 0, :at FROM exams WHERE id = :examId AND status = 'running'
      ON CONFLICT (exam_id, position) DO UPDATE SET answer = excluded.answer, updated_at = excluded.updated_at`),
    setFlag: prepare(`
      INSERT INTO exam_answers (exam_id, position, user_id, answer, flagged, updated_at)
      SELECT :examId, :position, :userId, NULL, :flagged, :at FROM exams WHERE id = :examId AND status = 'running'
      ON CONFLICT (exam_id, position) DO UPDATE SET flagged = excluded.flagged, updated_at = excluded.updated_at`),
    submit: prepare(`UPDATE exams SET status = 'grading', submitted_at = ?, submitted_by = ? WHERE id = ? AND status = 'running'`),
    link: prepare(`UPDATE exam_answers SET attempt_id = ? WHERE exam_id = ? AND position = ?`),
    graded: prepare(`UPDATE exams SET status = 'graded', score = ? WHERE id = ?`),
    attempts: prepare(`
      SELECT ${attemptColumns}, e.position AS exam_position FROM exam_answers e JOIN attempts a ON a.id = e.attempt_id
      WHERE e.exam_id = ?`),
    overdue: prepare(`SELECT ${EXAM_COLUMNS} FROM exams WHERE status = 'running' AND deadline <= ? ORDER BY deadline`),
    inGrading: prepare(`SELECT ${EXAM_COLUMNS} FROM exams WHERE status = 'grading' ORDER BY submitted_at`),
    nextDeadline: prepare(`SELECT min(deadline) AS deadline FROM exams WHERE status = 'running'`),
    submitted: prepare(`SELECT ${EXAM_COLUMNS} FROM exams WHERE user_id = ? AND status IN ('grading', 'graded') ORDER BY submitted_at, id`),
    followUps: prepare(`
      SELECT user_id, bank_id, question_id, role, content, tokens, created_at FROM follow_ups
      WHERE session_id IS NULL AND user_id = ? AND bank_id = ? AND question_id = ? AND created_at >= ?
      ORDER BY id DESC LIMIT ?`),
  };
}
