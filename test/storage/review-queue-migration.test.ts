import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/database.ts';
import { migrations } from '../../src/storage/migrations/index.ts';
import { reviewQueueMigration } from '../../src/storage/migrations/007-review-queue.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { SqliteReviewQueueRepository } from '../../src/storage/review-queue-repository.ts';
import { makeAttempt, useTempDatabases } from './fixtures.ts';

describe('the review queue migration on a database from the previous build', () => {
  const temp = useTempDatabases();

  it('upgrades in place, keeps the flagged answers in the queue, and lists them without scanning attempts', () => {
    const file = path.join(temp.dir(), 'tutor.sqlite');
    const before = openDatabase(file, { migrations: migrations.filter((m) => m.version < reviewQueueMigration.version) });
    const oldStore = new SqliteProgressStore(before);
    const flagged = oldStore.recordAttempt(makeAttempt({ status: 'flagged', gradedBy: 'fallback', score: 0 }));
    oldStore.recordAttempt(makeAttempt({ questionId: 'q2' }));
    before.close();

    const db = openDatabase(file);
    temp.track(db);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(reviewQueueMigration.version);
    const repository = new SqliteReviewQueueRepository(db);
    expect(repository.listQueue({ includeProvisional: false, limit: 10 }).map((row) => row.attemptId)).toEqual([flagged.id]);
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT id FROM attempts WHERE status = 'flagged'")
      .all()
      .map((row) => (row as { detail: string }).detail)
      .join('\n');
    expect(plan).toContain('attempts_flagged');
    expect(plan).not.toMatch(/SCAN attempts(?! USING)/);
  });
});
