import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BankCatalog } from '../../src/bank/catalog.ts';
import { BankSchema, type Bank } from '../../src/bank/schema.ts';
import { UserError } from '../../src/errors.ts';
import { APPEAL_LIMIT, createAppealService } from '../../src/services/appeals.ts';
import { createNoticeService } from '../../src/services/notices.ts';
import { createReviewQueueService } from '../../src/services/review-queue.ts';
import { openDatabase, type Db } from '../../src/storage/database.ts';
import { SqliteNoticeOutbox } from '../../src/storage/notice-repository.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { SqliteReviewQueueRepository } from '../../src/storage/review-queue-repository.ts';
import { makeAttempt, makeFeedback, makeTempDir, removeDir } from '../storage/fixtures.ts';

const bank: Bank = BankSchema.parse({
  id: 'bank-a',
  title: 'Bank A',
  source: 'written for the review queue tests',
  language: 'en-US',
  questions: [
    { id: 'q1', type: 'choice', stem: 'Pick B.', analysis: '', points: 1, options: [{ key: 'A', text: 'a' }, { key: 'B', text: 'b' }], answer: 'B' },
    {
      id: 'essay',
      type: 'essay',
      stem: 'Explain the KV cache.',
      analysis: '',
      points: 3,
      reference: 'It keeps keys and values.',
      rubric: [
        { point: 'Point 1', points: 1 },
        { point: 'Point 2', points: 1 },
        { point: 'Point 3', points: 1 },
      ],
    },
  ],
});

function expectUserError(run: () => unknown, code: string): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe(code);
    return;
  }
  throw new Error(`expected UserError ${code}`);
}

describe('the review queue and appeals', () => {
  let dir: string;
  let db: Db;
  let store: SqliteProgressStore;
  let now: Date;
  beforeEach(() => {
    dir = makeTempDir();
    db = openDatabase(path.join(dir, 'tutor.sqlite'));
    store = new SqliteProgressStore(db);
    now = new Date('2026-03-11T10:00:00Z');
  });
  afterEach(() => {
    if (db.open) db.close();
    removeDir(dir);
  });

  const services = () => {
    const repository = new SqliteReviewQueueRepository(db, { replayReviewCard: (userId, bankId, questionId) => store.replayReviewCard(userId, bankId, questionId) });
    const clock = () => now;
    return {
      queue: createReviewQueueService({ store: repository, catalog: new BankCatalog([bank]), clock }),
      appeals: createAppealService(repository, clock),
      notices: createNoticeService(new SqliteNoticeOutbox(db), clock),
    };
  };

  const essayAttempt = (status: 'needs-review' | 'flagged' | 'pending' | 'graded', verdicts: Array<'met' | 'partial' | 'missed'>, userId = 'u1') =>
    store.recordAttempt(
      makeAttempt({
        userId,
        questionId: 'essay',
        questionType: 'essay',
        rawAnswer: 'The cache keeps keys.',
        status,
        gradedBy: status === 'pending' || status === 'flagged' ? 'fallback' : 'llm',
        grade: { status: 'needs-feedback', questionType: 'essay', score: 0, maxScore: 3, normalizedAnswer: 'the cache keeps keys' },
        feedback: makeFeedback(verdicts, status === 'needs-review' ? { status: 'needs-review', claimedScore: 3 } : {}),
        score: verdicts.filter((v) => v === 'met').length,
        maxScore: 3,
      }),
    );

  it('lists flagged and needs-review answers, and provisional ones only when asked, oldest first, within a server', () => {
    const { queue } = services();
    const review = essayAttempt('needs-review', ['met', 'missed', 'missed']);
    const flagged = essayAttempt('flagged', ['missed', 'missed', 'missed']);
    const pending = essayAttempt('pending', ['met', 'met', 'missed']);
    essayAttempt('graded', ['met', 'met', 'met']);
    store.recordAttempt(makeAttempt({ guildId: 'other', status: 'flagged' }));

    const items = queue.list({ guildId: 'g1' });
    expect(items.map((item) => [item.attemptId, item.kind])).toEqual([
      [review.id, 'needs-review'],
      [flagged.id, 'flagged'],
    ]);
    expect(items[0]).toMatchObject({ stem: 'Explain the KV cache.', answer: 'The cache keeps keys.', score: 1, maxScore: 3, claimedScore: 3 });
    expect(items[0]!.points).toEqual([
      { part: 'rubric-1', label: 'Point 1', verdict: 'met', evidence: 'quote', score: 1, maxScore: 1 },
      { part: 'rubric-2', label: 'Point 2', verdict: 'missed', evidence: '', score: 0, maxScore: 1 },
      { part: 'rubric-3', label: 'Point 3', verdict: 'missed', evidence: '', score: 0, maxScore: 1 },
    ]);
    expect(queue.list({ guildId: 'g1', includeProvisional: true }).map((item) => item.attemptId)).toEqual([review.id, flagged.id, pending.id]);
    expect(queue.count({ guildId: 'g1' })).toBe(2);
    expect(queue.count()).toBe(3);
    expectUserError(() => queue.show(review.id, { guildId: 'other' }), 'queue-item-not-found');
  });

  it('stores per-point scores as a teacher grade, clamped to each point’s marks, with history, statistics and a notice', () => {
    const { queue, notices } = services();
    const review = essayAttempt('needs-review', ['met', 'missed', 'missed']);
    expect(store.statsForUser('u1').pointsEarned).toBe(0); // needs-review counts for nothing yet
    expect(store.getReviewCard('u1', 'bank-a', 'essay')).toBeNull(); // nor enters the review schedule

    const result = queue.resolve({ attemptId: review.id, resolution: { action: 'scores', scores: [1, 0.5, 7] }, resolvedBy: 'teacher-1' });
    expect(result).toMatchObject({ before: 1, after: 2.5, maxScore: 3, appealStatus: null, noticeKind: 'teacher-grade' });
    expect(result.points.map((point) => [point.score, point.verdict])).toEqual([
      [1, 'met'],
      [0.5, 'partial'],
      [1, 'met'],
    ]);

    const row = db.prepare('SELECT score, status, graded_by, reviewed_by, reviewed_at, part_verdicts FROM attempts WHERE id = ?').get(review.id) as Record<string, unknown>;
    expect(row).toMatchObject({ score: 2.5, status: 'graded', graded_by: 'teacher', reviewed_by: 'teacher-1', reviewed_at: now.getTime() });
    expect(JSON.parse(row.part_verdicts as string)).toEqual([
      { part: 'rubric-1', verdict: 'met', score: 1, maxScore: 1 },
      { part: 'rubric-2', verdict: 'partial', score: 0.5, maxScore: 1 },
      { part: 'rubric-3', verdict: 'met', score: 1, maxScore: 1 },
    ]);
    const history = db.prepare('SELECT score, status, graded_by, reason, changed_by FROM attempt_history WHERE attempt_id = ?').all(review.id);
    expect(history).toEqual([{ score: 1, status: 'needs-review', graded_by: 'llm', reason: 'teacher', changed_by: 'teacher-1' }]);
    expect(store.statsForUser('u1').pointsEarned).toBe(2.5);
    expect(store.getReviewCard('u1', 'bank-a', 'essay')).toMatchObject({ reps: 1 });
    expect(store.leaderboard('g1', 'all', now).rows).toEqual([expect.objectContaining({ userId: 'u1', points: 2.5 })]);
    expect(notices.pending(10).map((notice) => [notice.userId, notice.kind, notice.params])).toEqual([
      ['u1', 'teacher-grade', expect.objectContaining({ question: 'Explain the KV cache.', before: 1, after: 2.5, max: 3, delta: 1.5, status: 'changed' })],
    ]);
    // Resolved: out of the queue, and a second resolution changes nothing.
    expect(queue.list()).toEqual([]);
    expectUserError(() => queue.resolve({ attemptId: review.id, resolution: { action: 'accept' }, resolvedBy: 'teacher-2' }), 'queue-item-not-found');
  });

  it('takes a confirmed provisional score out of `tutor regrade --pending` for good', () => {
    const { queue } = services();
    const pending = essayAttempt('pending', ['met', 'met', 'missed']);
    expect(store.listPendingAttempts(10).map((attempt) => attempt.id)).toEqual([pending.id]);
    expectUserError(() => queue.show(pending.id, { guildId: 'elsewhere' }), 'queue-item-not-found');
    queue.resolve({ attemptId: pending.id, resolution: { action: 'accept' }, resolvedBy: 'cli:marie' });
    expect(store.listPendingAttempts(10)).toEqual([]);
    expect(queue.list({ includeProvisional: true })).toEqual([]);
  });

  it('refuses a wrong number of scores, a non-number, and a rejection without a note, changing nothing', () => {
    const { queue } = services();
    const flagged = essayAttempt('flagged', ['met', 'missed', 'missed']);
    expectUserError(() => queue.resolve({ attemptId: flagged.id, resolution: { action: 'scores', scores: [1, 1] }, resolvedBy: 't' }), 'queue-score-count');
    expectUserError(() => queue.resolve({ attemptId: flagged.id, resolution: { action: 'scores', scores: [1, Number.NaN, 0] }, resolvedBy: 't' }), 'queue-invalid-score');
    expectUserError(() => queue.resolve({ attemptId: flagged.id, resolution: { action: 'reject', note: '  ' }, resolvedBy: 't' }), 'queue-note-required');
    expect(queue.show(flagged.id)).toMatchObject({ status: 'flagged', score: 1 });
    const rejected = queue.resolve({ attemptId: flagged.id, resolution: { action: 'reject', note: 'Instructions to the grader are not an answer.' }, resolvedBy: 't' });
    expect(rejected).toMatchObject({ before: 1, after: 0 });
  });

  it('refuses a resolution based on a state another teacher has changed since', () => {
    const { queue } = services();
    const review = essayAttempt('needs-review', ['met', 'missed', 'missed']);
    const repository = new SqliteReviewQueueRepository(db);
    const stale = repository.queueRow(review.id)!;
    queue.resolve({ attemptId: review.id, resolution: { action: 'accept' }, resolvedBy: 'first' });
    expectUserError(
      () =>
        repository.applyHumanGrade({
          attemptId: review.id,
          expected: { score: stale.score, status: stale.status, gradedBy: stale.gradedBy, appealId: null },
          score: 3,
          partVerdicts: [],
          feedback: null,
          reviewedBy: 'second',
          reviewedAt: now,
          historyReason: 'teacher',
          appeal: null,
          notice: { userId: 'u1', guildId: 'g1', attemptId: review.id, kind: 'teacher-grade', params: {}, createdAt: now },
        }),
      'queue-item-resolved',
    );
    expect(db.prepare('SELECT reviewed_by FROM attempts WHERE id = ?').pluck().get(review.id)).toBe('first');
  });

  it('takes one appeal per attempt from its learner only, queues it, and resolves it with the outcome shown in the learner’s summary', () => {
    const { queue, appeals, notices } = services();
    const attempt = store.recordAttempt(makeAttempt({ userId: 'u1', score: 0, maxScore: 1 }));
    expectUserError(() => appeals.submit({ attemptId: attempt.id, userId: 'u2', reason: 'mine' }), 'appeal-not-yours');
    expectUserError(() => appeals.submit({ attemptId: attempt.id, userId: 'u1', reason: '   ' }), 'appeal-reason-empty');
    expectUserError(() => appeals.submit({ attemptId: attempt.id, userId: 'u1', reason: 'x'.repeat(1001) }), 'appeal-reason-too-long');
    expectUserError(() => appeals.submit({ attemptId: 999, userId: 'u1', reason: 'why' }), 'attempt-not-found');

    const appeal = appeals.submit({ attemptId: attempt.id, userId: 'u1', reason: `${'é'.repeat(999)}!` });
    expect(appeal).toMatchObject({ status: 'open', guildId: 'g1' });
    expectUserError(() => appeals.submit({ attemptId: attempt.id, userId: 'u1', reason: 'again' }), 'appeal-exists');
    expect(appeals.summaryFor('u1')).toMatchObject({ open: 1, changed: 0, recent: [expect.objectContaining({ attemptId: attempt.id, status: 'open', questionId: 'q1' })] });

    const [item] = queue.list();
    expect(item).toMatchObject({ attemptId: attempt.id, kind: 'appeal', status: 'graded', appeal: { id: appeal.id } });
    const result = queue.resolve({ attemptId: attempt.id, resolution: { action: 'scores', scores: [1], note: 'B and A both work here.' }, resolvedBy: 'teacher-1' });
    expect(result).toMatchObject({ before: 0, after: 1, appealStatus: 'changed', noticeKind: 'appeal-resolved' });
    expect(db.prepare('SELECT status, resolved_by, resolution_note FROM appeals WHERE id = ?').get(appeal.id)).toEqual({
      status: 'changed',
      resolved_by: 'teacher-1',
      resolution_note: 'B and A both work here.',
    });
    expect(db.prepare('SELECT reason FROM attempt_history WHERE attempt_id = ?').pluck().all(attempt.id)).toEqual(['appeal']);
    expect(appeals.summaryFor('u1')).toMatchObject({ open: 0, changed: 1 });
    expect(notices.pending(10)[0]).toMatchObject({ kind: 'appeal-resolved', params: { status: 'changed', note: 'B and A both work here.', after: 1 } });
    // A teacher-graded attempt leaves the queue for good; the appeal was its one appeal.
    expect(queue.count()).toBe(0);
    expectUserError(() => appeals.submit({ attemptId: attempt.id, userId: 'u1', reason: 'more' }), 'appeal-exists');
  });

  it('rejecting an appeal keeps the grade', () => {
    const { queue, appeals } = services();
    const attempt = store.recordAttempt(makeAttempt({ userId: 'u1', score: 0, maxScore: 1 }));
    appeals.submit({ attemptId: attempt.id, userId: 'u1', reason: 'A is right' });
    const result = queue.resolve({ attemptId: attempt.id, resolution: { action: 'reject', note: 'The key is B.' }, resolvedBy: 't' });
    expect(result).toMatchObject({ before: 0, after: 0, appealStatus: 'rejected' });
    expect(appeals.summaryFor('u1')).toMatchObject({ rejected: 1, open: 0 });
  });

  it(`limits each learner to ${APPEAL_LIMIT.count} appeals a day, then allows more once the day has passed`, () => {
    const { appeals } = services();
    const attempts = Array.from({ length: APPEAL_LIMIT.count + 1 }, () => store.recordAttempt(makeAttempt({ userId: 'u1', score: 0 })));
    for (const attempt of attempts.slice(0, APPEAL_LIMIT.count)) appeals.submit({ attemptId: attempt.id, userId: 'u1', reason: 'why' });
    const last = attempts[APPEAL_LIMIT.count]!;
    expectUserError(() => appeals.checkCanAppeal(last.id, 'u1'), 'appeal-rate-limited');
    expectUserError(() => appeals.submit({ attemptId: last.id, userId: 'u1', reason: 'why' }), 'appeal-rate-limited');
    // Another learner is not limited by u1's appeals.
    const other = store.recordAttempt(makeAttempt({ userId: 'u2', score: 0 }));
    expect(() => appeals.checkCanAppeal(other.id, 'u2')).not.toThrow();
    now = new Date(now.getTime() + APPEAL_LIMIT.windowMs + 1);
    expect(appeals.submit({ attemptId: last.id, userId: 'u1', reason: 'why' }).status).toBe('open');
  });

  it('lets /forget-me delete the learner’s appeals and queue items with their attempts', () => {
    const { queue, appeals } = services();
    const attempt = store.recordAttempt(makeAttempt({ userId: 'u1', score: 0 }));
    appeals.submit({ attemptId: attempt.id, userId: 'u1', reason: 'why' });
    essayAttempt('flagged', ['missed', 'missed', 'missed'], 'u1');
    const kept = essayAttempt('needs-review', ['met', 'missed', 'missed'], 'u2');
    store.forgetUser('u1');
    expect(queue.list().map((item) => item.userId)).toEqual(['u2']);
    expect(queue.list()[0]!.attemptId).toBe(kept.id);
    expect(db.prepare("SELECT count(*) FROM appeals WHERE user_id = 'u1'").pluck().get()).toBe(0);
    expect(appeals.summaryFor('u1')).toMatchObject({ open: 0, upheld: 0, changed: 0, rejected: 0, recent: [] });
  });
});
