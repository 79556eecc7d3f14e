import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QuestionType } from '../../src/bank/schema.ts';
import type { UserStats } from '../../src/progress/types.ts';
import { openDatabase, type Db } from '../../src/storage/database.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { makeAttempt, makeFreeTextAttempt, makeTempDir, removeDir } from './fixtures.ts';

const NOW = new Date('2026-03-10T12:00:00Z');

/**
 * The learner's history the expectations below are computed from by hand (UTC times):
 *  #  when (UTC)          guild  bank    question type       topic         score
 *  1  Mar 6  10:00        g1     bank-a  q1       choice     Pruning       1/1
 *  2  Mar 7  09:00        g1     bank-a  q1       choice     Pruning       0/1
 *  3  Mar 7  23:30        g1     bank-a  q2       multi      Pruning       1/2
 *  4  Mar 8  08:00        g2     bank-b  q3       truefalse  Quantization  1/1
 *  5  Mar 9  15:00        g1     bank-a  q2       multi      Pruning       2/2
 *  6  Mar 10 01:00        g1     bank-b  q4       short      Quantization  1/3 (met, missed, missed)
 *  7  Mar 10 02:00        —      bank-b  q4       short      Quantization  2/3 (met, met, missed)
 *  8  Feb 20 12:00        g1     bank-a  q5       numeric    —             0/1
 *  9  Feb 21 12:00        g1     bank-a  q5       numeric    —             1/1
 */
function seedHistory(store: SqliteProgressStore): void {
  const objective = (when: string, guildId: string | null, bankId: string, questionId: string, questionType: QuestionType, topic: string | null, score: number, maxScore: number) =>
    store.recordAttempt(makeAttempt({ createdAt: new Date(when), guildId, bankId, questionId, questionType, topic, score, maxScore }));
  const freeText = (when: string, guildId: string | null, verdicts: Array<'met' | 'missed'>) =>
    store.recordAttempt(makeFreeTextAttempt(verdicts, { createdAt: new Date(when), guildId, bankId: 'bank-b', questionId: 'q4', topic: 'Quantization' }));

  objective('2026-03-06T10:00:00Z', 'g1', 'bank-a', 'q1', 'choice', 'Pruning', 1, 1);
  objective('2026-03-07T09:00:00Z', 'g1', 'bank-a', 'q1', 'choice', 'Pruning', 0, 1);
  objective('2026-03-07T23:30:00Z', 'g1', 'bank-a', 'q2', 'multi', 'Pruning', 1, 2);
  objective('2026-03-08T08:00:00Z', 'g2', 'bank-b', 'q3', 'truefalse', 'Quantization', 1, 1);
  objective('2026-03-09T15:00:00Z', 'g1', 'bank-a', 'q2', 'multi', 'Pruning', 2, 2);
  freeText('2026-03-10T01:00:00Z', 'g1', ['met', 'missed', 'missed']);
  freeText('2026-03-10T02:00:00Z', null, ['met', 'met', 'missed']);
  objective('2026-02-20T12:00:00Z', 'g1', 'bank-a', 'q5', 'numeric', null, 0, 1);
  objective('2026-02-21T12:00:00Z', 'g1', 'bank-a', 'q5', 'numeric', null, 1, 1);
}

function dailyMap(stats: UserStats): Record<string, [number, number]> {
  return Object.fromEntries(stats.daily.filter((day) => day.answered > 0).map((day) => [day.date, [day.answered, day.correct]]));
}

const group = (attempts: number, correct: number, pointsEarned: number, pointsAvailable: number) => ({
  attempts,
  correct,
  accuracy: correct / attempts,
  pointsEarned,
  pointsAvailable,
});

describe('statistics for one user', () => {
  let dir: string;
  let db: Db;
  let store: SqliteProgressStore;

  beforeEach(() => {
    dir = makeTempDir();
    db = openDatabase(path.join(dir, 'tutor.sqlite'));
    store = new SqliteProgressStore(db, { clock: () => NOW });
    store.upsertUser({ id: 'u1', displayName: 'Ann' });
    seedHistory(store);
  });
  afterEach(() => {
    db.close();
    removeDir(dir);
  });

  it('counts attempts, correct answers, points, questions seen and mastered over everything', () => {
    const stats = store.statsForUser('u1', { now: NOW });
    expect(stats).toMatchObject({
      userId: 'u1',
      guildId: null,
      bankId: null,
      timeZone: 'UTC',
      generatedAt: '2026-03-10T12:00:00.000Z',
      attempts: 9,
      correct: 4,
      accuracy: 4 / 9,
      pointsEarned: 9,
      pointsAvailable: 15,
      questionsSeen: 5,
      // q2, q3 and q5 ended at full marks; q1 and q4 did not.
      questionsMastered: 3,
    });
  });

  it('breaks accuracy and points down by question type, topic and bank', () => {
    const stats = store.statsForUser('u1', { now: NOW });
    expect(stats.byType).toEqual([
      { type: 'choice', ...group(2, 1, 1, 2) },
      { type: 'multi', ...group(2, 1, 3, 4) },
      { type: 'truefalse', ...group(1, 1, 1, 1) },
      { type: 'numeric', ...group(2, 1, 1, 2) },
      { type: 'short', ...group(2, 0, 3, 6) },
    ]);
    expect(stats.byTopic).toEqual([
      { topic: 'Pruning', ...group(4, 2, 4, 6) },
      { topic: 'Quantization', ...group(3, 1, 4, 7) },
      { topic: null, ...group(2, 1, 1, 2) },
    ]);
    expect(stats.byBank).toEqual([
      { bankId: 'bank-a', ...group(6, 3, 5, 8) },
      { bankId: 'bank-b', ...group(3, 1, 4, 7) },
    ]);
  });

  it('names the weakest topics (at least 3 attempts) and the rubric points missed most often', () => {
    const stats = store.statsForUser('u1', { now: NOW });
    expect(stats.weakestTopics).toEqual([
      { topic: 'Quantization', ...group(3, 1, 4, 7) },
      { topic: 'Pruning', ...group(4, 2, 4, 6) },
    ]);
    expect(stats.missedRubricPoints).toEqual([
      { bankId: 'bank-b', questionId: 'q4', index: 2, point: 'Point 3', missed: 2, attempts: 2 },
      { bankId: 'bank-b', questionId: 'q4', index: 1, point: 'Point 2', missed: 1, attempts: 2 },
    ]);
  });

  it('counts answers per UTC day over the last 30 days, oldest first, with every day present', () => {
    const stats = store.statsForUser('u1', { now: NOW });
    expect(stats.daily).toHaveLength(30);
    expect(stats.daily[0]).toEqual({ date: '2026-02-09', answered: 0, correct: 0 });
    expect(stats.daily.at(-1)).toEqual({ date: '2026-03-10', answered: 2, correct: 0 });
    expect(new Set(stats.daily.map((day) => day.date)).size).toBe(30);
    expect(dailyMap(stats)).toEqual({
      '2026-02-20': [1, 0],
      '2026-02-21': [1, 1],
      '2026-03-06': [1, 1],
      '2026-03-07': [2, 0],
      '2026-03-08': [1, 1],
      '2026-03-09': [1, 1],
      '2026-03-10': [2, 0],
    });
    expect(stats.currentStreakDays).toBe(5);
    expect(stats.longestStreakDays).toBe(5);
  });

  it('moves an answer at 23:30 UTC to the next day in Asia/Shanghai', () => {
    const stats = store.statsForUser('u1', { now: NOW, timeZone: 'Asia/Shanghai' });
    expect(stats.timeZone).toBe('Asia/Shanghai');
    expect(dailyMap(stats)).toEqual({
      '2026-02-20': [1, 0],
      '2026-02-21': [1, 1],
      '2026-03-06': [1, 1],
      '2026-03-07': [1, 0],
      '2026-03-08': [2, 1],
      '2026-03-09': [1, 1],
      '2026-03-10': [2, 0],
    });
    expect(stats.currentStreakDays).toBe(5);
    expect(stats.longestStreakDays).toBe(5);
  });

  it('follows Los Angeles across the start of daylight saving time and keeps a streak that ended yesterday', () => {
    // Daylight saving starts 2026-03-08 at 10:00 UTC; 08:00 UTC that day is 00:00 PST, the first minute of Mar 8.
    // "Now" is 05:00 on Mar 10 in Los Angeles: nothing yet today, so the streak of Mar 6–9 is still current.
    const stats = store.statsForUser('u1', { now: NOW, timeZone: 'America/Los_Angeles' });
    expect(dailyMap(stats)).toEqual({
      '2026-02-20': [1, 0],
      '2026-02-21': [1, 1],
      '2026-03-06': [1, 1],
      '2026-03-07': [2, 0],
      '2026-03-08': [1, 1],
      '2026-03-09': [3, 1],
    });
    expect(stats.daily.at(-1)).toEqual({ date: '2026-03-10', answered: 0, correct: 0 });
    expect(stats.currentStreakDays).toBe(4);
    expect(stats.longestStreakDays).toBe(4);
  });

  it('breaks the current streak after a whole day without answers but keeps the longest', () => {
    const twoDaysLater = new Date('2026-03-12T12:00:00Z');
    const stats = store.statsForUser('u1', { now: twoDaysLater });
    expect(stats.currentStreakDays).toBe(0);
    expect(stats.longestStreakDays).toBe(5);
    expect(stats.daily.at(-1)!.date).toBe('2026-03-12');
  });

  it('narrows every figure to one guild', () => {
    const stats = store.statsForUser('u1', { now: NOW, guildId: 'g1' });
    expect(stats).toMatchObject({ guildId: 'g1', attempts: 7, correct: 3, pointsEarned: 6, pointsAvailable: 11, questionsSeen: 4, questionsMastered: 2 });
    expect(stats.byBank.map((row) => [row.bankId, row.attempts])).toEqual([
      ['bank-a', 6],
      ['bank-b', 1],
    ]);
    expect(dailyMap(stats)['2026-03-08']).toBeUndefined();
    expect(dailyMap(stats)['2026-03-10']).toEqual([1, 0]);
    // Without Mar 8 (answered in g2 only) the streak is Mar 9–10.
    expect(stats.currentStreakDays).toBe(2);
    expect(stats.longestStreakDays).toBe(2);
    expect(stats.missedRubricPoints.map((point) => [point.index, point.missed, point.attempts])).toEqual([
      [1, 1, 1],
      [2, 1, 1],
    ]);
  });

  it('narrows every figure to one bank, review cards included', () => {
    const stats = store.statsForUser('u1', { now: NOW, bankId: 'bank-b' });
    expect(stats).toMatchObject({ bankId: 'bank-b', attempts: 3, correct: 1, pointsEarned: 4, pointsAvailable: 7, questionsSeen: 2, questionsMastered: 1, reviewsDue: 0 });
    expect(stats.byType.map((row) => row.type)).toEqual(['truefalse', 'short']);
  });

  it('counts the review cards due now: the questions missed last time, not the ones answered well lately', () => {
    // q1: missed on Mar 7, due Mar 8. q5: full marks on Feb 21 after a miss, due days later. q2, q3 and q4 were answered within the last days.
    expect(store.dueReviews('u1', NOW, 10)).toEqual([
      { bankId: 'bank-a', questionId: 'q5' },
      { bankId: 'bank-a', questionId: 'q1' },
    ]);
    expect(store.statsForUser('u1', { now: NOW }).reviewsDue).toBe(2);
  });

  it('gives a user who never answered empty statistics, not an error', () => {
    const stats = store.statsForUser('nobody', { now: NOW, timeZone: 'Asia/Shanghai' });
    expect(stats).toEqual({
      userId: 'nobody',
      guildId: null,
      bankId: null,
      timeZone: 'Asia/Shanghai',
      generatedAt: '2026-03-10T12:00:00.000Z',
      attempts: 0,
      correct: 0,
      accuracy: 0,
      pointsEarned: 0,
      pointsAvailable: 0,
      questionsSeen: 0,
      questionsMastered: 0,
      byType: [],
      byTopic: [],
      byBank: [],
      currentStreakDays: 0,
      longestStreakDays: 0,
      daily: expect.any(Array),
      reviewsDue: 0,
      weakestTopics: [],
      missedRubricPoints: [],
    });
    expect(stats.daily).toHaveLength(30);
    expect(stats.daily.every((day) => day.answered === 0 && day.correct === 0)).toBe(true);
    expect(stats.daily.at(-1)!.date).toBe('2026-03-10');
  });
});

describe('day boundaries in a zone with a half-hour offset', () => {
  it('puts 18:29 UTC on one day and 18:30 UTC on the next in Asia/Kolkata', () => {
    const dir = makeTempDir();
    const db = openDatabase(path.join(dir, 'tutor.sqlite'));
    try {
      const store = new SqliteProgressStore(db);
      store.recordAttempt(makeAttempt({ createdAt: new Date('2026-03-05T18:29:59Z'), questionId: 'a' }));
      store.recordAttempt(makeAttempt({ createdAt: new Date('2026-03-05T18:30:00Z'), questionId: 'b', score: 0 }));
      const stats = store.statsForUser('u1', { now: new Date('2026-03-06T12:00:00Z'), timeZone: 'Asia/Kolkata' });
      expect(dailyMap(stats)).toEqual({ '2026-03-05': [1, 1], '2026-03-06': [1, 0] });
      expect(stats.currentStreakDays).toBe(2);
      const utc = store.statsForUser('u1', { now: new Date('2026-03-06T12:00:00Z') });
      expect(dailyMap(utc)).toEqual({ '2026-03-05': [2, 1] });
      expect(utc.currentStreakDays).toBe(1);
    } finally {
      db.close();
      removeDir(dir);
    }
  });
});

describe('the server leaderboard', () => {
  let dir: string;
  let db: Db;
  let store: SqliteProgressStore;

  beforeEach(() => {
    dir = makeTempDir();
    db = openDatabase(path.join(dir, 'tutor.sqlite'));
    store = new SqliteProgressStore(db, { clock: () => NOW });
    store.upsertUser({ id: 'u1', displayName: 'Ann' });
    store.upsertUser({ id: 'u2', displayName: 'Bea' });
    store.upsertUser({ id: 'u3', displayName: 'Cai' });
    seedHistory(store);
    store.recordAttempt(makeFreeTextAttempt(['met', 'met', 'met'], { userId: 'u2', createdAt: new Date('2026-03-09T10:00:00Z'), questionId: 'e1', questionType: 'essay' }));
    store.recordAttempt(makeAttempt({ userId: 'u2', createdAt: new Date('2026-02-01T10:00:00Z'), score: 5, maxScore: 5 }));
    store.recordAttempt(makeAttempt({ userId: 'u3', guildId: 'g2', createdAt: new Date('2026-03-09T10:00:00Z'), score: 50, maxScore: 50 }));
  });
  afterEach(() => {
    db.close();
    removeDir(dir);
  });

  it('ranks points of the last 7 days in that guild only', () => {
    expect(store.leaderboard('g1', 'week', NOW)).toEqual({
      guildId: 'g1',
      period: 'week',
      rows: [
        { userId: 'u1', displayName: 'Ann', points: 5, attempts: 5 },
        { userId: 'u2', displayName: 'Bea', points: 3, attempts: 1 },
      ],
    });
  });

  it('counts the week as the current hour and the 168 before it', () => {
    store.recordAttempt(makeAttempt({ userId: 'u3', guildId: 'g1', createdAt: new Date('2026-03-03T12:00:00Z'), score: 4, maxScore: 4 }));
    store.recordAttempt(makeAttempt({ userId: 'u3', guildId: 'g1', createdAt: new Date('2026-03-03T11:59:59Z'), score: 40, maxScore: 40 }));
    store.recordAttempt(makeAttempt({ userId: 'u3', guildId: 'g1', createdAt: new Date('2026-03-10T12:59:00Z'), score: 1, maxScore: 1 }));
    expect(store.leaderboard('g1', 'week', NOW).rows.find((row) => row.userId === 'u3')).toEqual({ userId: 'u3', displayName: 'Cai', points: 5, attempts: 2 });
  });

  it('moves a regraded attempt\'s points on the leaderboard', () => {
    const pending = store.recordAttempt(
      makeFreeTextAttempt(['missed', 'missed', 'missed'], { userId: 'u3', guildId: 'g1', createdAt: new Date('2026-03-09T10:00:00Z'), status: 'pending' }),
    );
    expect(store.leaderboard('g1', 'week', NOW).rows.find((row) => row.userId === 'u3')?.points).toBe(0);
    store.updateAttemptGrading(pending.id, { score: 3, gradedBy: 'llm', status: 'graded', feedback: null });
    expect(store.leaderboard('g1', 'week', NOW).rows[0]).toEqual({ userId: 'u1', displayName: 'Ann', points: 5, attempts: 5 });
    expect(store.leaderboard('g1', 'week', NOW).rows.find((row) => row.userId === 'u3')).toEqual({ userId: 'u3', displayName: 'Cai', points: 3, attempts: 1 });
  });

  it('ranks all-time points in that guild, leaving out users who only answered elsewhere', () => {
    expect(store.leaderboard('g1', 'all', NOW).rows).toEqual([
      { userId: 'u2', displayName: 'Bea', points: 8, attempts: 2 },
      { userId: 'u1', displayName: 'Ann', points: 6, attempts: 7 },
    ]);
    expect(store.leaderboard('g2', 'all', NOW).rows.map((row) => row.userId)).toEqual(['u3', 'u1']);
    expect(store.leaderboard('nowhere', 'all', NOW).rows).toEqual([]);
  });
});
