import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../src/storage/backup.ts';
import { openDatabase, type Db } from '../../src/storage/database.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { makeAttempt, makeFreeTextAttempt, makeSession, makeTempDir, removeDir } from './fixtures.ts';

function countRows(db: Db, table: string, where = '1'): number {
  return db.prepare(`SELECT count(*) FROM ${table} WHERE ${where}`).pluck().get() as number;
}

describe('backupDatabase', () => {
  let dir: string;
  let db: Db;
  let store: SqliteProgressStore;

  beforeEach(() => {
    dir = makeTempDir();
    db = openDatabase(path.join(dir, 'live.sqlite'));
    store = new SqliteProgressStore(db);
    for (let index = 0; index < 200; index += 1) store.recordAttempt(makeAttempt({ questionId: `q${index}`, rawAnswer: 'x'.repeat(500) }));
  });
  afterEach(() => {
    db.close();
    removeDir(dir);
  });

  it('writes a copy that opens on its own and holds every row', async () => {
    const target = path.join(dir, 'copy.sqlite');
    const result = await backupDatabase(db, target);
    expect(result.path).toBe(target);
    expect(result.bytes).toBe(fs.statSync(target).size);
    expect(result.pages).toBeGreaterThan(10);

    const copy = openDatabase(target);
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(countRows(copy, 'attempts')).toBe(200);
      expect(new SqliteProgressStore(copy).statsForUser('u1').attempts).toBe(200);
    } finally {
      copy.close();
    }
    expect(fs.readdirSync(dir).filter((name) => name.includes('.partial-'))).toEqual([]);
  });

  it('makes a consistent copy while another connection keeps writing', async () => {
    const writer = openDatabase(path.join(dir, 'live.sqlite'));
    const writerStore = new SqliteProgressStore(writer);
    let written = 0;
    let stop = false;
    const writing = (async () => {
      while (!stop) {
        writerStore.recordAttempt(makeAttempt({ userId: 'busy', questionId: `w${written}`, rawAnswer: 'y'.repeat(2000) }));
        written += 1;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const target = path.join(dir, 'during-writes.sqlite');
      await backupDatabase(db, target);
      stop = true;
      await writing;

      const copy = new Database(target, { readonly: true });
      try {
        expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
        const copied = countRows(copy, 'attempts', "user_id = 'busy'");
        expect(copied).toBeGreaterThan(0);
        expect(copied).toBeLessThanOrEqual(written);
        // A snapshot: the roll-ups agree with the attempts it holds.
        expect(copy.prepare('SELECT sum(attempts) FROM stats_questions').pluck().get()).toBe(countRows(copy, 'attempts'));
      } finally {
        copy.close();
      }
      expect(countRows(db, 'attempts', "user_id = 'busy'")).toBe(written);
    } finally {
      stop = true;
      await writing;
      writer.close();
    }
  });

  it('refuses to overwrite an existing file and leaves it as it was', async () => {
    const target = path.join(dir, 'keep.sqlite');
    fs.writeFileSync(target, 'precious');
    await expect(backupDatabase(db, target)).rejects.toThrow(/already exists/);
    expect(fs.readFileSync(target, 'utf8')).toBe('precious');
  });

  it('names the missing folder instead of creating it', async () => {
    const target = path.join(dir, 'no-such-folder', 'copy.sqlite');
    await expect(backupDatabase(db, target)).rejects.toThrow(/no-such-folder does not exist/);
  });
});

describe('forgetUser', () => {
  let dir: string;
  let db: Db;
  let store: SqliteProgressStore;

  function seed(userId: string, sessionId: string): void {
    store.upsertUser({ id: userId, displayName: userId.toUpperCase(), locale: 'zh-CN' });
    store.createSession(makeSession({ id: sessionId, ownerId: userId }));
    store.recordAttempt(makeAttempt({ userId, sessionId }));
    store.recordAttempt(makeFreeTextAttempt(['met', 'missed'], { userId, sessionId, questionId: 'q2' }));
    store.recordAttempt(makeAttempt({ userId, sessionId: null, guildId: null, questionId: 'q3', score: 0 }));
    store.addFollowUp({ sessionId, userId, bankId: 'bank-a', questionId: 'q1', role: 'user', content: 'why?', createdAt: new Date() });
    store.addFollowUp({ sessionId, userId, bankId: 'bank-a', questionId: 'q1', role: 'assistant', content: 'because', createdAt: new Date() });
  }

  beforeEach(() => {
    dir = makeTempDir();
    db = openDatabase(path.join(dir, 'tutor.sqlite'));
    store = new SqliteProgressStore(db);
    seed('leaver', 's-leaver');
    seed('stayer', 's-stayer');
  });
  afterEach(() => {
    db.close();
    removeDir(dir);
  });

  it("keeps a teacher's grades, appeal outcomes and key fixes on others' records but removes the teacher's id from them", () => {
    const attemptId = db.prepare("SELECT id FROM attempts WHERE user_id = 'stayer' ORDER BY id LIMIT 1").pluck().get() as number;
    db.prepare("UPDATE attempts SET graded_by = 'teacher', reviewed_by = 'leaver', reviewed_at = 1 WHERE id = ?").run(attemptId);
    db.prepare("INSERT INTO attempt_history (attempt_id, user_id, score, max_score, status, graded_by, part_verdicts, reason, changed_by, changed_at) VALUES (?, 'stayer', 0, 2, 'graded', 'rule', '[]', 'teacher', 'leaver', 1)").run(attemptId);
    db.prepare("INSERT INTO appeals (attempt_id, user_id, reason, status, created_at, resolved_by, resolved_at) VALUES (?, 'stayer', 'why', 'upheld', 1, 'leaver', 2)").run(attemptId);
    db.prepare("INSERT INTO bank_changes (bank_id, question_id, kind, detail, changed_by, changed_at) VALUES ('bank-a', 'q1', 'accept', '{}', 'leaver', 1)").run();

    store.forgetUser('leaver');

    expect(db.prepare('SELECT graded_by, reviewed_by FROM attempts WHERE id = ?').get(attemptId)).toEqual({ graded_by: 'teacher', reviewed_by: 'forgotten' });
    expect(db.prepare('SELECT changed_by FROM attempt_history').pluck().all()).toEqual(['forgotten']);
    expect(db.prepare('SELECT status, resolved_by FROM appeals').all()).toEqual([{ status: 'upheld', resolved_by: 'forgotten' }]);
    expect(db.prepare('SELECT changed_by FROM bank_changes').pluck().all()).toEqual(['forgotten']);
  });

  it('deletes every row of the user, reports the counts, and leaves other users untouched', () => {
    const now = new Date();
    const before = store.statsForUser('stayer', { now });
    const result = store.forgetUser('leaver');
    expect(result).toEqual({ users: 1, sessions: 1, attempts: 3, followUps: 2, reviewCards: 3, llmCalls: 0 });

    for (const [table, column] of [
      ['users', 'id'],
      ['quiz_sessions', 'owner_id'],
      ['attempts', 'user_id'],
      ['follow_ups', 'user_id'],
      ['review_cards', 'user_id'],
      ['stats_groups', 'user_id'],
      ['stats_questions', 'user_id'],
      ['stats_latest', 'user_id'],
      ['stats_slots', 'user_id'],
      ['stats_guild_hours', 'user_id'],
      ['stats_rubric_misses', 'user_id'],
    ] as const) {
      expect(countRows(db, table, `${column} = 'leaver'`), table).toBe(0);
      expect(countRows(db, table, `${column} = 'stayer'`), table).toBeGreaterThan(0);
    }
    expect(store.statsForUser('stayer', { now })).toEqual(before);
    expect(store.statsForUser('leaver').attempts).toBe(0);
    expect(store.getSession('s-stayer')).not.toBeNull();
    expect(store.forgetUser('leaver')).toEqual({ users: 0, sessions: 0, attempts: 0, followUps: 0, reviewCards: 0, llmCalls: 0 });
  });

  it("clears the tutor's LLM call log and any later table with a user_id column", () => {
    const logCall = db.prepare(
      `INSERT INTO llm_calls (user_id, purpose, model, input_tokens, output_tokens, latency_ms, outcome, created_at)
       VALUES (?, ?, 'm', 10, 5, 100, 'ok', 0)`,
    );
    logCall.run('leaver', 'grade');
    logCall.run('leaver', 'follow-up');
    logCall.run('stayer', 'grade');
    db.exec("CREATE TABLE later_feature (id INTEGER PRIMARY KEY, user_id TEXT); INSERT INTO later_feature (user_id) VALUES ('leaver'), ('stayer');");

    expect(store.forgetUser('leaver').llmCalls).toBe(3);
    expect(db.prepare('SELECT user_id FROM llm_calls').pluck().all()).toEqual(['stayer']);
    expect(db.prepare('SELECT user_id FROM later_feature').pluck().all()).toEqual(['stayer']);
  });

  it('keeps another user\'s attempt in a forgotten session, with the session link cleared', () => {
    store.recordAttempt(makeAttempt({ userId: 'stayer', sessionId: 's-leaver', questionId: 'guest' }));
    store.forgetUser('leaver');
    expect(db.prepare("SELECT session_id FROM attempts WHERE question_id = 'guest'").pluck().all()).toEqual([null]);
  });

  it('removes nothing when the transaction fails half-way', () => {
    db.exec(`CREATE TRIGGER refuse_user_delete BEFORE DELETE ON users BEGIN SELECT RAISE(ABORT, 'refused'); END;`);
    expect(() => store.forgetUser('leaver')).toThrow(/refused/);
    expect(countRows(db, 'attempts', "user_id = 'leaver'")).toBe(3);
    expect(countRows(db, 'review_cards', "user_id = 'leaver'")).toBe(3);
  });
});
