import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/storage/database.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { makeAttempt, makeFeedback, makeFreeTextAttempt, makeSession, makeTempDir, removeDir } from './fixtures.ts';

describe('SqliteProgressStore', () => {
  let dir: string;
  let db: Db;
  let store: SqliteProgressStore;
  const clock = () => new Date('2026-03-10T12:00:00Z');

  beforeEach(() => {
    dir = makeTempDir();
    db = openDatabase(path.join(dir, 'tutor.sqlite'));
    store = new SqliteProgressStore(db, { clock });
  });
  afterEach(() => {
    db.close();
    removeDir(dir);
  });

  describe('users', () => {
    it('stores the Discord id, display name and locale, and updates them on the next upsert', () => {
      store.upsertUser({ id: '123', displayName: 'Ann', locale: 'zh-CN' });
      store.upsertUser({ id: '123', displayName: 'Ann Lee' });
      expect(db.prepare('SELECT id, display_name, locale FROM users').all()).toEqual([{ id: '123', display_name: 'Ann Lee', locale: 'zh-CN' }]);
      store.upsertUser({ id: '123', displayName: 'Ann Lee', locale: null });
      expect(db.prepare('SELECT locale FROM users').pluck().get()).toBeNull();
    });

    it('creates a user row named by the id when an attempt arrives for an unknown user', () => {
      store.recordAttempt(makeAttempt({ userId: 'stranger' }));
      expect(db.prepare('SELECT id, display_name FROM users').all()).toEqual([{ id: 'stranger', display_name: 'stranger' }]);
    });
  });

  describe('sessions', () => {
    it('round-trips a session with its question order, and patches thread, position, status and end', () => {
      const session = makeSession();
      store.createSession(session);
      expect(store.getSession('s1')).toEqual(session);

      store.updateSession('s1', { threadId: 't-9' });
      expect(store.findActiveSessionByThread('t-9')?.id).toBe('s1');

      const finished = store.updateSession('s1', { position: 1, status: 'finished', endedAt: new Date('2026-03-10T12:10:00Z') });
      expect(finished).toEqual({ ...session, threadId: 't-9', position: 1, status: 'finished', endedAt: new Date('2026-03-10T12:10:00Z') });
      expect(store.getSession('s1')).toEqual(finished);
      expect(store.findActiveSessionByThread('t-9')).toBeNull();
    });

    it('returns null for an unknown session and refuses to patch one', () => {
      expect(store.getSession('nope')).toBeNull();
      expect(() => store.updateSession('nope', { position: 1 })).toThrow(expect.objectContaining({ code: 'session-not-found', params: { sessionId: 'nope' } }));
    });
  });

  describe('attempts', () => {
    it('stores every field of an attempt and gives it back for its session in order', () => {
      store.createSession(makeSession());
      const first = store.recordAttempt(makeAttempt({ sessionId: 's1', topic: 'Pruning', score: 0 }));
      const second = store.recordAttempt(
        makeFreeTextAttempt(['met', 'missed'], { sessionId: 's1', questionId: 'q2', createdAt: new Date('2026-03-10T12:01:00Z') }),
      );
      expect(second.id).toBeGreaterThan(first.id);

      const stored = store.attemptsForSession('s1');
      expect(stored).toEqual([first, second]);
      expect(stored[1]).toMatchObject({
        questionType: 'short',
        gradedBy: 'llm',
        score: 1,
        maxScore: 2,
        promptVersion: 'grade-v1',
        model: 'test-model',
        inputTokens: 100,
        outputTokens: 50,
        latencyMs: 120,
      });
      expect(stored[1]!.feedback?.rubric.map((point) => point.verdict)).toEqual(['met', 'missed']);
      expect(stored[0]!.topic).toBe('Pruning');
    });

    it('stores a grade without the fields its own columns hold, and gives back exactly the grade it was given', () => {
      store.createSession(makeSession());
      const objective = makeAttempt({ sessionId: 's1' });
      const freeText = makeFreeTextAttempt(['met', 'missed'], { sessionId: 's1', questionId: 'q2' });
      // A grade whose fields differ from the attempt's columns keeps them.
      const mismatched = makeAttempt({ sessionId: 's1', questionId: 'q3', normalizedAnswer: 'stored differently' });
      for (const attempt of [objective, freeText, mismatched]) store.recordAttempt(attempt);

      const stored = db.prepare('SELECT grade FROM attempts ORDER BY id').pluck().all() as string[];
      const keys = stored.map((json) => Object.keys(JSON.parse(json) as object));
      expect(keys[0]).not.toContain('questionType');
      expect(keys[0]).not.toContain('maxScore');
      expect(keys[0]).not.toContain('normalizedAnswer');
      expect(keys[1]).not.toContain('normalizedAnswer');
      expect(keys[2]).toContain('normalizedAnswer');
      expect(stored[0]!.length).toBeLessThan(JSON.stringify(objective.grade).length);
      expect(store.attemptsForSession('s1').map((attempt) => attempt.grade)).toEqual([objective.grade, freeText.grade, mismatched.grade]);
    });

    it('reads a grade stored in full (as rows written before the compact form) unchanged', () => {
      store.createSession(makeSession());
      const attempt = makeAttempt({ sessionId: 's1' });
      const { id } = store.recordAttempt(attempt);
      db.prepare('UPDATE attempts SET grade = ? WHERE id = ?').run(JSON.stringify(attempt.grade), id);
      expect(store.attemptsForSession('s1')[0]!.grade).toEqual(attempt.grade);
    });

    it('keeps the verdict per part in its own column: options for objective answers, rubric points for free text', () => {
      store.recordAttempt(makeAttempt({ score: 0 }));
      store.recordAttempt(makeFreeTextAttempt(['met', 'partial', 'missed'], { questionId: 'q2' }));
      const rows = db.prepare('SELECT part_verdicts FROM attempts ORDER BY id').pluck().all() as string[];
      expect(rows.map((row) => JSON.parse(row))).toEqual([
        [{ part: 'A', verdict: 'wrong', score: 0, maxScore: 1 }],
        [
          { part: 'rubric-1', verdict: 'met', score: 1, maxScore: 1 },
          { part: 'rubric-2', verdict: 'partial', score: 0.5, maxScore: 1 },
          { part: 'rubric-3', verdict: 'missed', score: 0, maxScore: 1 },
        ],
      ]);
    });

    it('refuses a score above the marks available and stores nothing', () => {
      expect(() => store.recordAttempt(makeAttempt({ score: 3, maxScore: 2 }))).toThrow(/CHECK constraint/);
      expect(db.prepare('SELECT count(*) FROM attempts').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM review_cards').pluck().get()).toBe(0);
    });

    it('stores the attempt and the review card in one transaction: a failing card write leaves no attempt behind', () => {
      db.exec(`CREATE TRIGGER fail_card BEFORE INSERT ON review_cards BEGIN SELECT RAISE(ABORT, 'card write failed'); END;`);
      expect(() => store.recordAttempt(makeAttempt())).toThrow(/card write failed/);
      expect(db.prepare('SELECT count(*) FROM attempts').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM stats_questions').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM stats_groups').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM stats_slots').pluck().get()).toBe(0);
      expect(store.statsForUser('u1').attempts).toBe(0);
    });

    it('finds cached LLM feedback only for the same question and normalised answer, never fallback feedback', () => {
      const feedback = makeFeedback(['met', 'missed']);
      store.recordAttempt(makeFreeTextAttempt([], { feedback, questionId: 'q7', normalizedAnswer: 'pruning removes weights' }));
      store.recordAttempt(
        makeFreeTextAttempt([], {
          feedback: makeFeedback(['met'], { gradedBy: 'fallback', provisional: true }),
          questionId: 'q8',
          normalizedAnswer: 'same text',
          status: 'pending',
        }),
      );
      expect(store.findCachedFeedback('bank-a', 'q7', 'pruning removes weights')).toEqual(feedback);
      expect(store.findCachedFeedback('bank-a', 'q7', 'something else')).toBeNull();
      expect(store.findCachedFeedback('bank-b', 'q7', 'pruning removes weights')).toBeNull();
      expect(store.findCachedFeedback('bank-a', 'q8', 'same text')).toBeNull();
    });

    it('lists pending attempts oldest first and replaces their grading, moving the statistics with it', () => {
      const pending = store.recordAttempt(
        makeFreeTextAttempt(['missed', 'missed'], {
          feedback: makeFeedback(['missed', 'missed'], { gradedBy: 'fallback', provisional: true }),
          status: 'pending',
        }),
      );
      store.recordAttempt(makeAttempt({ questionId: 'q-objective' }));
      expect(store.listPendingAttempts(10).map((attempt) => attempt.id)).toEqual([pending.id]);
      expect(store.statsForUser('u1').missedRubricPoints.map((point) => point.missed)).toEqual([1, 1]);

      const regraded = makeFeedback(['met', 'met']);
      store.updateAttemptGrading(pending.id, {
        score: 2,
        gradedBy: 'llm',
        status: 'graded',
        feedback: regraded,
        promptVersion: 'grade-v1',
        model: 'test-model',
        inputTokens: 10,
        outputTokens: 5,
        latencyMs: 99,
      });

      expect(store.listPendingAttempts(10)).toEqual([]);
      const row = db.prepare('SELECT score, graded_by, status, model, latency_ms FROM attempts WHERE id = ?').get(pending.id);
      expect(row).toEqual({ score: 2, graded_by: 'llm', status: 'graded', model: 'test-model', latency_ms: 99 });

      const stats = store.statsForUser('u1');
      expect(stats).toMatchObject({ attempts: 2, correct: 2, pointsEarned: 3, pointsAvailable: 3, questionsMastered: 2 });
      expect(stats.missedRubricPoints).toEqual([]);
      expect(store.findCachedFeedback('bank-a', 'q1', 'my answer')).toEqual(regraded);
    });

    it('does not schedule a review card for a flagged attempt', () => {
      store.recordAttempt(makeFreeTextAttempt(['missed'], { status: 'flagged', questionId: 'q-flag' }));
      expect(store.getReviewCard('u1', 'bank-a', 'q-flag')).toBeNull();
      expect(db.prepare('SELECT count(*) FROM attempts').pluck().get()).toBe(1);
    });
  });

  describe('review', () => {
    it('serves due cards most overdue first and leaves cards not yet due', () => {
      const t0 = new Date('2026-03-01T10:00:00Z');
      store.recordAttempt(makeAttempt({ questionId: 'wrong-early', score: 0, createdAt: t0 }));
      store.recordAttempt(makeAttempt({ questionId: 'wrong-late', score: 0, createdAt: new Date(t0.getTime() + 60_000) }));
      store.recordAttempt(makeAttempt({ questionId: 'right', score: 1, createdAt: new Date(t0.getTime() + 120_000) }));

      // Missed answers come back the next day; the full-marks one after about three days.
      const nextDay = new Date(t0.getTime() + 86_400_000 + 3_600_000);
      expect(store.dueReviews('u1', nextDay, 10)).toEqual([
        { bankId: 'bank-a', questionId: 'wrong-early' },
        { bankId: 'bank-a', questionId: 'wrong-late' },
      ]);
      expect(store.dueReviews('u1', nextDay, 1)).toEqual([{ bankId: 'bank-a', questionId: 'wrong-early' }]);
      expect(store.dueReviews('u1', t0, 10)).toEqual([]);
      expect(store.dueReviews('u1', new Date(t0.getTime() + 4 * 86_400_000), 10)).toHaveLength(3);
      expect(store.dueReviews('someone-else', nextDay, 10)).toEqual([]);
    });

    it('lists questions whose latest attempt missed full marks, most recent first, across guilds', () => {
      const at = (minutes: number) => new Date(Date.UTC(2026, 2, 1, 10, minutes));
      store.recordAttempt(makeAttempt({ questionId: 'fixed', score: 0, createdAt: at(0) }));
      store.recordAttempt(makeAttempt({ questionId: 'fixed', score: 1, createdAt: at(5), guildId: 'g2' }));
      store.recordAttempt(makeAttempt({ questionId: 'broke', score: 1, createdAt: at(1) }));
      store.recordAttempt(makeAttempt({ questionId: 'broke', score: 0, createdAt: at(6), guildId: null }));
      store.recordAttempt(makeAttempt({ questionId: 'never', score: 0.5, createdAt: at(3) }));
      expect(store.missedQuestions('u1', 10)).toEqual([
        { bankId: 'bank-a', questionId: 'broke' },
        { bankId: 'bank-a', questionId: 'never' },
      ]);
    });
  });

  describe('follow-ups', () => {
    it('returns the most recent messages of a question in chronological order', () => {
      store.createSession(makeSession());
      const base = { sessionId: 's1', userId: 'u1', bankId: 'bank-a' };
      for (let index = 1; index <= 4; index += 1) {
        store.addFollowUp({
          ...base,
          questionId: 'q1',
          role: index % 2 ? 'user' : 'assistant',
          content: `message ${index}`,
          tokens: index * 10,
          createdAt: new Date(Date.UTC(2026, 2, 10, 12, index)),
        });
      }
      store.addFollowUp({ ...base, questionId: 'q2', role: 'user', content: 'other question', createdAt: new Date() });

      const recent = store.recentFollowUps('s1', 'q1', 3);
      expect(recent.map((message) => message.content)).toEqual(['message 2', 'message 3', 'message 4']);
      expect(recent[0]).toEqual({ ...base, questionId: 'q1', role: 'assistant', content: 'message 2', tokens: 20, createdAt: new Date(Date.UTC(2026, 2, 10, 12, 2)) });
    });
  });
});
