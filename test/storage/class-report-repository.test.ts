import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { formatClassCsv } from '../../src/progress/csv-export.ts';
import { computeItemStatistics } from '../../src/progress/item-statistics.ts';
import { buildItemReport } from '../../src/progress/item-report.ts';
import { analyseResponses } from '../../src/progress/response-analysis.ts';
import { ClassReportRepository } from '../../src/storage/class-report-repository.ts';
import { openDatabase, type Db } from '../../src/storage/database.ts';
import { classReportMigration } from '../../src/storage/migrations/004-class-report.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { makeAttempt, makeFreeTextAttempt, makeTempDir, removeDir } from './fixtures.ts';

const DAY = 86_400_000;
const NOW = new Date('2026-03-20T12:00:00Z');
const at = (daysAgo: number, hour = 12) => new Date(Date.UTC(2026, 2, 20 - daysAgo, hour));

let dir: string;
let db: Db;
let store: SqliteProgressStore;
let reports: ClassReportRepository;

beforeEach(() => {
  dir = makeTempDir();
  db = openDatabase(path.join(dir, 'tutor.sqlite'));
  store = new SqliteProgressStore(db, { clock: () => NOW });
  reports = new ClassReportRepository(db, { clock: () => NOW });
  store.upsertUser({ id: 'ana', displayName: 'Ana' });
  store.upsertUser({ id: 'bo', displayName: 'Bo' });
});

afterEach(() => {
  db.close();
  removeDir(dir);
});

/** One objective answer: right (1 of 1) or wrong, stored through the real store. */
function answer(userId: string, questionId: string, right: boolean, overrides: Parameters<typeof makeAttempt>[0] = {}) {
  return store.recordAttempt(
    makeAttempt({
      userId,
      questionId,
      score: right ? 1 : 0,
      maxScore: 1,
      rawAnswer: right ? 'b' : 'a',
      normalizedAnswer: right ? 'B' : 'A',
      ...overrides,
    }),
  );
}

describe('ClassReportRepository.firstAttempts', () => {
  it('keeps each learner’s earliest attempt per question even when a later one was stored first', () => {
    answer('ana', 'q1', true, { createdAt: at(1) });
    answer('ana', 'q1', false, { createdAt: at(5) });
    answer('bo', 'q1', true, { createdAt: at(3) });
    answer('bo', 'q2', false, { createdAt: at(2), questionType: 'truefalse', topic: 'Basics' });
    answer('bo', 'q2', true, { createdAt: at(1), questionType: 'truefalse', topic: 'Basics' });

    const rows = reports.firstAttempts('bank-a');
    expect(rows.map((row) => [row.userId, row.questionId, row.score, row.createdAt.toISOString()])).toEqual([
      ['ana', 'q1', 0, at(5).toISOString()],
      ['bo', 'q1', 1, at(3).toISOString()],
      ['bo', 'q2', 0, at(2).toISOString()],
    ]);
    expect(rows[2]).toMatchObject({ questionType: 'truefalse', topic: 'Basics', maxScore: 1 });
  });

  it('skips flagged attempts and keeps to the bank, guild and period asked for', () => {
    answer('ana', 'q1', false, { createdAt: at(9), status: 'flagged' });
    answer('ana', 'q1', true, { createdAt: at(8) });
    answer('bo', 'q1', true, { createdAt: at(8), guildId: 'g2' });
    answer('bo', 'q1', false, { createdAt: at(8), bankId: 'bank-b' });
    answer('bo', 'q3', false, { createdAt: at(20) });

    expect(reports.firstAttempts('bank-a').map((row) => [row.userId, row.questionId, row.score])).toEqual([
      ['ana', 'q1', 1],
      ['bo', 'q1', 1],
      ['bo', 'q3', 0],
    ]);
    expect(reports.firstAttempts('bank-a', { guildId: 'g1', since: at(10) }).map((row) => row.userId)).toEqual(['ana']);
    expect(reports.firstAttempts('bank-a', { until: at(10) }).map((row) => row.questionId)).toEqual(['q3']);
  });

  it('feeds item statistics: a question the class’s stronger learners miss comes out negative', () => {
    // Five learners; q-key is answered right only by those who miss q1..q3.
    const strength = [3, 3, 2, 1, 0];
    strength.forEach((rightAnswers, learner) => {
      for (let q = 1; q <= 3; q += 1) answer(`l${learner}`, `q${q}`, q <= rightAnswers, { createdAt: at(2) });
      answer(`l${learner}`, 'q-key', rightAnswers <= 1, { createdAt: at(2) });
    });
    const stats = computeItemStatistics(reports.firstAttempts('bank-a'));
    const key = stats.find((row) => row.questionId === 'q-key')!;
    expect(key.attempts).toBe(5);
    expect(key.facility).toBeCloseTo(0.4, 10);
    expect(key.discriminationIndex!).toBeLessThan(0);
    expect(key.flags).toEqual(['negative-discrimination']);
  });
});

describe('buildItemReport over stored attempts', () => {
  it('puts a question whose key rejects the strong learners’ answer first, with that answer at the top of its responses', () => {
    const strength = [3, 3, 2, 1, 0, 0];
    strength.forEach((rightAnswers, learner) => {
      for (let q = 1; q <= 3; q += 1) answer(`l${learner}`, `q${q}`, q <= rightAnswers, { createdAt: at(2) });
      // The strong learners all answer "D", which the (wrong) key marks wrong; the weak ones guess the keyed "B".
      const strong = rightAnswers >= 2;
      answer(`l${learner}`, 'q-key', !strong, { createdAt: at(2), rawAnswer: strong ? 'd' : 'b', normalizedAnswer: strong ? 'D' : 'B' });
    });
    const report = buildItemReport(reports.itemReportInput('bank-a'));
    expect(report[0]).toMatchObject({ questionId: 'q-key', questionType: 'choice', attempts: 6, flags: ['negative-discrimination'] });
    expect(report[0]!.responses!.map((row) => [row.answer, row.learners, row.verdict])).toEqual([
      ['D', 3, 'wrong'],
      ['B', 3, 'correct'],
    ]);
    const flagged = report.map((row) => row.flags.length > 0);
    expect(flagged).toEqual([...flagged].sort((a, b) => Number(b) - Number(a))); // every flagged question before every other
    expect(report.map((row) => row.questionId).sort()).toEqual(['q-key', 'q1', 'q2', 'q3']);
  });
});

describe('ClassReportRepository.responses', () => {
  it('returns every stored answer to the bank’s objective questions, free text left out', () => {
    answer('ana', 'q1', false, { createdAt: at(3), rawAnswer: 'c', normalizedAnswer: 'C' });
    answer('bo', 'q1', false, { createdAt: at(2), rawAnswer: 'C.', normalizedAnswer: 'C' });
    answer('bo', 'q1', true, { createdAt: at(1) });
    store.recordAttempt(makeFreeTextAttempt(['met', 'missed'], { userId: 'ana', questionId: 'q9', createdAt: at(1) }));

    const rows = reports.responses('bank-a');
    expect(rows.map((row) => [row.userId, row.questionId, row.rawAnswer, row.normalizedAnswer, row.score])).toEqual([
      ['ana', 'q1', 'c', 'C', 0],
      ['bo', 'q1', 'C.', 'C', 0],
      ['bo', 'q1', 'b', 'B', 1],
    ]);
    const [q1] = analyseResponses(rows);
    expect(q1!.responses.map((row) => [row.answer, row.count, row.learners, row.verdict])).toEqual([
      ['C', 2, 2, 'wrong'],
      ['B', 1, 1, 'correct'],
    ]);
    expect(reports.responses('bank-a', { questionId: 'q2' })).toEqual([]);
  });
});

describe('ClassReportRepository.classReport', () => {
  function seedClass() {
    answer('ana', 'q1', true, { createdAt: at(0, 9), topic: 'Pruning' });
    answer('ana', 'q2', true, { createdAt: at(0, 10), topic: 'Pruning' });
    answer('ana', 'q3', false, { createdAt: at(1), topic: 'Quantization', questionType: 'truefalse' });
    answer('bo', 'q1', false, { createdAt: at(1), topic: 'Pruning' });
    answer('bo', 'q3', false, { createdAt: at(2), topic: 'Quantization', questionType: 'truefalse' });
    answer('bo', 'q4', false, { createdAt: at(2), topic: 'Quantization', questionType: 'truefalse' });
    answer('bo', 'q5', true, { createdAt: at(40), topic: 'Quantization', questionType: 'truefalse' });
    store.recordAttempt(makeFreeTextAttempt(['met', 'partial'], { userId: 'cy', questionId: 'q6', topic: null, createdAt: at(3) }));
    answer('dee', 'q1', true, { createdAt: at(1), bankId: 'bank-b', topic: 'Pruning' });
    answer('eve', 'q1', true, { createdAt: at(1), guildId: 'g2', topic: 'Pruning' });
  }

  it('sums a bank within a guild by learner, topic and question type, with the weakest topic first', () => {
    seedClass();
    const report = reports.classReport({ bankId: 'bank-a', guildId: 'g1', now: NOW });

    expect(report.activeLearners).toBe(3);
    // 7 objective attempts (3 right) + cy's free-text one scoring 1.5 of 2.
    expect(report.totals).toEqual({ attempts: 8, correct: 3, accuracy: 3 / 8, pointsEarned: 4.5, pointsAvailable: 9 });
    expect(report.byTopic).toEqual([
      { topic: 'Quantization', attempts: 4, correct: 1, accuracy: 0.25, pointsEarned: 1, pointsAvailable: 4 },
      { topic: 'Pruning', attempts: 3, correct: 2, accuracy: 2 / 3, pointsEarned: 2, pointsAvailable: 3 },
      { topic: null, attempts: 1, correct: 0, accuracy: 0, pointsEarned: 1.5, pointsAvailable: 2 },
    ]);
    expect(report.byType.map((row) => [row.type, row.attempts, row.correct])).toEqual([
      ['choice', 3, 2],
      ['truefalse', 4, 1],
      ['short', 1, 0],
    ]);
    expect(report.weakestTopics.map((row) => row.topic)).toEqual(['Quantization', 'Pruning']);
    expect(report.learners).toEqual([
      { userId: 'bo', displayName: 'Bo', attempts: 4, correct: 1, accuracy: 0.25, pointsEarned: 1, pointsAvailable: 4, lastActiveAt: at(1).toISOString() },
      { userId: 'ana', displayName: 'Ana', attempts: 3, correct: 2, accuracy: 2 / 3, pointsEarned: 2, pointsAvailable: 3, lastActiveAt: at(0, 10).toISOString() },
      // Never named: the id stands in for the display name.
      { userId: 'cy', displayName: 'cy', attempts: 1, correct: 0, accuracy: 0, pointsEarned: 1.5, pointsAvailable: 2, lastActiveAt: at(3).toISOString() },
    ]);
  });

  it('draws the last 30 days, every day present, and leaves older answers off the chart', () => {
    seedClass();
    const report = reports.classReport({ bankId: 'bank-a', guildId: 'g1', now: NOW });
    expect(report.daily).toHaveLength(30);
    expect(report.daily[0]!.date).toBe('2026-02-19');
    expect(report.daily.slice(-4)).toEqual([
      { date: '2026-03-17', answered: 1, correct: 0, learners: 1 },
      { date: '2026-03-18', answered: 2, correct: 0, learners: 1 },
      { date: '2026-03-19', answered: 2, correct: 0, learners: 2 },
      { date: '2026-03-20', answered: 2, correct: 2, learners: 1 },
    ]);
    expect(report.daily.reduce((sum, day) => sum + day.answered, 0)).toBe(7); // bo's answer 40 days ago is off the chart
  });

  it('places answers on the days of the time zone asked for', () => {
    // 23:30 UTC on 19 March is already 20 March in Shanghai (UTC+8).
    answer('ana', 'q1', true, { createdAt: new Date('2026-03-19T23:30:00Z') });
    const utc = reports.classReport({ now: NOW });
    const shanghai = reports.classReport({ now: NOW, timeZone: 'Asia/Shanghai' });
    expect(utc.daily.at(-2)).toMatchObject({ date: '2026-03-19', answered: 1 });
    expect(shanghai.daily.at(-1)).toMatchObject({ date: '2026-03-20', answered: 1 });
  });

  it('keeps to the period: only answers from `since` on and before `until` count', () => {
    seedClass();
    // No guild filter: eve's answer in g2 counts; ana's 10:00 answer today is at `until`, so it does not.
    const report = reports.classReport({ bankId: 'bank-a', since: at(1, 0), until: at(0, 10) });
    expect(report.learners.map((row) => [row.userId, row.attempts])).toEqual([
      ['ana', 2],
      ['bo', 1],
      ['eve', 1],
    ]);
    expect(report.since).toBe(at(1, 0).toISOString());
  });

  it('gives the same figures from the roll-ups (no period) as from the attempts (a period covering everything)', () => {
    seedClass();
    for (const filter of [{ bankId: 'bank-a', guildId: 'g1' }, { guildId: 'g1' }, {}]) {
      const rollups = reports.classReport({ ...filter, now: NOW });
      const attempts = reports.classReport({ ...filter, since: new Date(0), now: NOW });
      expect({ ...attempts, since: null }).toEqual(rollups);
      expect(reports.exportRows({ ...filter, since: new Date(0) })).toEqual(reports.exportRows(filter));
    }
  });

  it('counts the reviews due for the class’s learners in the bank', () => {
    seedClass();
    const later = new Date(NOW.getTime() + 3650 * DAY);
    // Every card of ana, bo and cy in bank-a is due ten years on: 3 + 4 + 1; dee (bank-b) and eve (g2) are not in this class.
    expect(reports.classReport({ bankId: 'bank-a', guildId: 'g1', now: later }).reviewsDue).toBe(8);
    expect(reports.classReport({ bankId: 'bank-a', guildId: 'g1', now: new Date(at(60).getTime()) }).reviewsDue).toBe(0);
  });

  it('no longer shows a learner who used forget-me', () => {
    seedClass();
    store.forgetUser('bo');
    const report = reports.classReport({ bankId: 'bank-a', guildId: 'g1', now: NOW });
    expect(report.learners.map((row) => row.userId)).toEqual(['ana', 'cy']);
    expect(report.totals.attempts).toBe(4);
    expect(reports.firstAttempts('bank-a').some((row) => row.userId === 'bo')).toBe(false);
  });

  it('exports one CSV row per learner and bank with per-topic accuracy, forgotten learners left out', () => {
    seedClass();
    store.upsertUser({ id: 'cy', displayName: '=cmd|calc' });
    store.forgetUser('eve');
    const csv = formatClassCsv(reports.exportRows({ guildId: 'g1' }));
    expect(parse(csv, { bom: true })).toEqual([
      ['learner_id', 'learner', 'bank', 'answers', 'correct', 'points', 'points_available', 'accuracy', 'accuracy: Pruning', 'accuracy: Quantization', 'accuracy: (no topic)'],
      ['ana', 'Ana', 'bank-a', '3', '2', '2', '3', '0.6667', '1', '0', ''],
      ['bo', 'Bo', 'bank-a', '4', '1', '1', '4', '0.25', '0', '0.3333', ''],
      ['cy', "'=cmd|calc", 'bank-a', '1', '0', '1.5', '2', '0', '', '', '0'],
      ['dee', 'dee', 'bank-b', '1', '1', '1', '1', '1', '1', '', ''],
    ]);
  });

  it('gives an empty class zeros and a blank chart rather than failing', () => {
    const report = reports.classReport({ bankId: 'nothing-here' });
    expect(report).toMatchObject({ activeLearners: 0, totals: { attempts: 0, accuracy: 0 }, byTopic: [], learners: [], reviewsDue: 0 });
    expect(report.daily.every((day) => day.answered === 0)).toBe(true);
    expect(report.generatedAt).toBe(NOW.toISOString());
  });
});

describe('migration 004 (class-report indexes)', () => {
  it('reads one bank’s or one guild’s attempts through an index instead of every attempt, and gives the same report', () => {
    answer('ana', 'q1', true, { createdAt: at(2) });
    answer('bo', 'q1', false, { createdAt: at(1), guildId: 'g2' });
    const before = reports.classReport({ bankId: 'bank-a', since: at(5), now: NOW });
    classReportMigration.up(db);
    classReportMigration.up(db); // idempotent: a half-applied upgrade can run again
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((row) => row.detail).join('; ');
    expect(plan("SELECT count(*) FROM attempts WHERE bank_id = 'bank-a' AND created_at >= 0")).toMatch(/USING (COVERING )?INDEX attempts_bank_time/);
    expect(plan("SELECT count(*) FROM attempts WHERE guild_id = 'g1' AND created_at >= 0")).toMatch(/USING (COVERING )?INDEX attempts_guild_time/);
    expect(new ClassReportRepository(db, { clock: () => NOW }).classReport({ bankId: 'bank-a', since: at(5), now: NOW })).toEqual(before);
  });
});
