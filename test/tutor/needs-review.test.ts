import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { knownSchemaVersion, openDatabase, type Db } from '../../src/storage/database.ts';
import { migrations } from '../../src/storage/migrations/index.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { attemptStatusForFeedback } from '../../src/tutor/index.ts';
import { makeFreeTextAttempt, makeTempDir, removeDir } from '../storage/fixtures.ts';

const NOW = new Date('2026-03-10T12:00:00Z');
const WHEN = new Date('2026-03-10T10:00:00Z');

/** The attempt the quiz flow stores for a needs-review feedback: the provisional (evidence) score, full marks claimed. */
function needsReviewAttempt() {
  const attempt = makeFreeTextAttempt(['met', 'met', 'met'], { userId: 'u1', guildId: 'g1', createdAt: WHEN });
  const feedback = { ...attempt.feedback!, status: 'needs-review' as const, claimedScore: attempt.maxScore };
  return { ...attempt, feedback, status: attemptStatusForFeedback(feedback) };
}

describe('an attempt that needs review', () => {
  let dir: string;
  let db: Db;
  let store: SqliteProgressStore;

  beforeEach(() => {
    dir = makeTempDir('study-tutor-needs-review-');
    db = openDatabase(path.join(dir, 'tutor.sqlite'));
    store = new SqliteProgressStore(db, { clock: () => NOW });
    store.upsertUser({ id: 'u1', displayName: 'Ann' });
  });
  afterEach(() => {
    db.close();
    removeDir(dir);
  });

  it('is stored as needs-review and counts for neither mastery nor the leaderboard nor the review schedule', () => {
    const attempt = needsReviewAttempt();
    expect(attempt.status).toBe('needs-review');
    store.recordAttempt(attempt);
    expect(db.prepare('SELECT status, score FROM attempts').get()).toEqual({ status: 'needs-review', score: attempt.score });
    const stats = store.statsForUser('u1');
    expect(stats).toMatchObject({ attempts: 1, correct: 0, pointsEarned: 0 });
    expect(stats.questionsMastered).toBe(0);
    expect(store.leaderboard('g1', 'week', NOW).rows.find((row) => row.userId === 'u1')?.points ?? 0).toBe(0);
    expect(store.getReviewCard('u1', attempt.bankId, attempt.questionId)).toBeNull();
  });

  it('counts once a person confirms it as graded', () => {
    const stored = store.recordAttempt(needsReviewAttempt());
    expect(store.listAttemptsNeedingReview(10).map((attempt) => attempt.id)).toEqual([stored.id]);
    store.updateAttemptGrading(stored.id, { score: stored.maxScore, gradedBy: 'llm', status: 'graded', feedback: { ...stored.feedback!, status: 'graded' } });
    const stats = store.statsForUser('u1');
    expect(stats).toMatchObject({ attempts: 1, correct: 1, pointsEarned: stored.maxScore });
    expect(stats.questionsMastered).toBe(1);
    expect(store.leaderboard('g1', 'week', NOW).rows.find((row) => row.userId === 'u1')?.points).toBe(stored.maxScore);
    expect(store.listAttemptsNeedingReview(10)).toEqual([]);
  });
});

describe('migration 003', () => {
  it('upgrades a schema-2 file, keeping its attempts and their statistics, and accepts needs-review', () => {
    const dir = makeTempDir('study-tutor-migration-003-');
    const file = path.join(dir, 'old.sqlite');
    try {
      const old = openDatabase(file, { migrations: migrations.slice(0, 2) });
      const oldStore = new SqliteProgressStore(old, { clock: () => NOW });
      oldStore.upsertUser({ id: 'u1', displayName: 'Ann' });
      const kept = oldStore.recordAttempt(makeFreeTextAttempt(['met', 'met', 'met'], { userId: 'u1', guildId: 'g1', createdAt: WHEN }));
      expect(() => old.prepare("UPDATE attempts SET status = 'needs-review'").run()).toThrow(/CHECK/);
      old.close();

      const db = openDatabase(file);
      expect(db.pragma('user_version', { simple: true })).toBe(knownSchemaVersion());
      const store = new SqliteProgressStore(db, { clock: () => NOW });
      expect(db.prepare('SELECT id, score, status FROM attempts').all()).toEqual([{ id: kept.id, score: kept.score, status: 'graded' }]);
      expect(store.statsForUser('u1').questionsMastered).toBe(1);
      // Setting it to needs-review now moves it out of the roll-ups, as the triggers promise.
      db.prepare("UPDATE attempts SET status = 'needs-review'").run();
      expect(store.statsForUser('u1').questionsMastered).toBe(0);
      expect(store.leaderboard('g1', 'week', NOW).rows.find((row) => row.userId === 'u1')?.points ?? 0).toBe(0);
      db.close();
    } finally {
      removeDir(dir);
    }
  });
});
