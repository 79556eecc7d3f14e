import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNoticeService } from '../../src/services/notices.ts';
import { openDatabase, type Db } from '../../src/storage/database.ts';
import { SqliteNoticeOutbox } from '../../src/storage/notice-repository.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { makeAttempt, makeSession, makeTempDir, removeDir } from './fixtures.ts';

describe('the learner notice outbox', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = makeTempDir();
    db = openDatabase(path.join(dir, 'tutor.sqlite'));
  });
  afterEach(() => {
    if (db.open) db.close();
    removeDir(dir);
  });

  it("delivers each notice once, oldest first, with the thread of the attempt it is about", () => {
    const store = new SqliteProgressStore(db);
    store.upsertUser({ id: 'u1', displayName: 'Ann' });
    store.createSession(makeSession({ id: 's1', threadId: 'thread-1' }));
    const attempt = store.recordAttempt(makeAttempt({ sessionId: 's1', userId: 'u1', score: 0, maxScore: 4 }));
    const outbox = new SqliteNoticeOutbox(db);
    const at = new Date('2026-03-11T10:00:00Z');
    outbox.enqueue([
      { userId: 'u1', guildId: 'g1', attemptId: attempt.id, kind: 'regrade', params: { question: 'q1', delta: 4 }, createdAt: at },
      { userId: 'u2', guildId: null, attemptId: null, kind: 'appeal-resolved', params: { status: 'rejected' }, createdAt: at },
    ]);
    let now = new Date('2026-03-11T10:01:00Z');
    const notices = createNoticeService(outbox, () => now);

    const first = notices.pending(10);
    expect(first.map((notice) => [notice.userId, notice.threadId, notice.kind, notice.params])).toEqual([
      ['u1', 'thread-1', 'regrade', { question: 'q1', delta: 4 }],
      ['u2', null, 'appeal-resolved', { status: 'rejected' }],
    ]);
    notices.markDelivered([first[0]!.id]);
    expect(notices.pending(10).map((notice) => notice.userId)).toEqual(['u2']);
    now = new Date('2026-03-11T10:02:00Z');
    notices.markDelivered([first[0]!.id, first[1]!.id]);
    expect(notices.pending(10)).toEqual([]);
    // Marking again does not move the first delivery time.
    expect(db.prepare('SELECT delivered_at FROM learner_notices ORDER BY id').pluck().all()).toEqual([
      new Date('2026-03-11T10:01:00Z').getTime(),
      new Date('2026-03-11T10:02:00Z').getTime(),
    ]);
  });

  it('is emptied of a learner\'s notices when they are forgotten', () => {
    const store = new SqliteProgressStore(db);
    store.upsertUser({ id: 'u1', displayName: 'Ann' });
    const attempt = store.recordAttempt(makeAttempt({ userId: 'u1' }));
    new SqliteNoticeOutbox(db).enqueue([{ userId: 'u1', guildId: 'g1', attemptId: attempt.id, kind: 'regrade', params: {}, createdAt: new Date() }]);
    store.forgetUser('u1');
    expect(db.prepare('SELECT count(*) FROM learner_notices').pluck().get()).toBe(0);
  });
});
