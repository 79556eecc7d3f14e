import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/storage/database.ts';
import { migrations } from '../../src/storage/migrations/index.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { makeAttempt, useTempDatabases } from './fixtures.ts';

describe('migration 005 (teacher loop) on a database from the previous build', () => {
  const temp = useTempDatabases();

  function schemaOf(db: Db, type: 'index' | 'trigger'): string[] {
    return db.prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'attempts' AND type = ? ORDER BY name").pluck().all(type) as string[];
  }

  it('keeps every attempt, index and roll-up trigger, and accepts a teacher grade afterwards', () => {
    const file = path.join(temp.dir(), 'tutor.sqlite');
    const before = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 4) });
    const oldStore = new SqliteProgressStore(before);
    const first = oldStore.recordAttempt(makeAttempt({ score: 0, maxScore: 2 }));
    oldStore.recordAttempt(makeAttempt({ questionId: 'q2', score: 2, maxScore: 2 }));
    const indexes = schemaOf(before, 'index');
    const triggers = schemaOf(before, 'trigger');
    const pointsBefore = before.prepare('SELECT sum(points) FROM stats_groups').pluck().get();
    before.close();

    // Up to 005 only: later migrations add triggers of their own.
    const db = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 5) });
    temp.track(db);
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    expect(db.prepare('SELECT id, score FROM attempts ORDER BY id').all()).toEqual([
      { id: first.id, score: 0 },
      { id: first.id + 1, score: 2 },
    ]);
    expect(schemaOf(db, 'index')).toEqual(expect.arrayContaining(indexes)); // later migrations may add some
    expect(schemaOf(db, 'trigger')).toEqual(triggers);
    expect(db.prepare('SELECT sum(points) FROM stats_groups').pluck().get()).toBe(pointsBefore);

    // The roll-up trigger still moves the totals when a teacher changes a score.
    db.prepare("UPDATE attempts SET score = 2, graded_by = 'teacher', reviewed_by = 't1', reviewed_at = 1 WHERE id = ?").run(first.id);
    expect(db.prepare('SELECT sum(points) FROM stats_groups').pluck().get()).toBe((pointsBefore as number) + 2);
    expect(() => db.prepare("UPDATE attempts SET graded_by = 'someone' WHERE id = ?").run(first.id)).toThrow(/CHECK/);
    for (const table of ['attempt_history', 'appeals', 'bank_changes', 'learner_notices']) {
      expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(table)).toBe(1);
    }
  });
});
