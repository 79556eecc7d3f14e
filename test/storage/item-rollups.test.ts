import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QuestionType } from '../../src/bank/schema.ts';
import type { AttemptStatus } from '../../src/progress/ports.ts';
import { buildItemReport } from '../../src/progress/item-report.ts';
import { seededRandom } from '../../src/seeded-random.ts';
import { ClassReportRepository } from '../../src/storage/class-report-repository.ts';
import { openDatabase, type Db } from '../../src/storage/database.ts';
import { migrations } from '../../src/storage/migrations/index.ts';
import { itemRollupsMigration } from '../../src/storage/migrations/008-item-rollups.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { makeAttempt, useTempDatabases } from './fixtures.ts';

/**
 * Migration 008's roll-ups (stats_first_attempts, stats_responses) must give the item report exactly
 * what reading every attempt gives: the repository reads `attempts` when a period is asked for, so a
 * period covering everything is the reference.
 */

const START = Date.UTC(2026, 2, 1);
const EVERYTHING = { since: new Date(0) };


interface QuestionSpec {
  id: string;
  type: QuestionType;
  maxScore: number;
  /** Stored answers a learner may give, with the points each earns. */
  answers: Array<[raw: string, normalized: string, score: number]>;
}

const QUESTIONS: QuestionSpec[] = [
  { id: 'q1', type: 'choice', maxScore: 1, answers: [['b', 'B', 1], ['a', 'A', 0], ['d', 'D', 0]] },
  { id: 'q2', type: 'multi', maxScore: 2, answers: [['a c', 'AC', 2], ['a', 'A', 1], ['b', 'B', 0]] },
  { id: 'q3', type: 'truefalse', maxScore: 1, answers: [['true', 'true', 1], ['f', 'false', 0]] },
  // Three spellings of one answer to the grader: the analysis counts a learner once across them.
  { id: 'q4', type: 'blank', maxScore: 2, answers: [['soft labels', 'soft labels', 2], ['Soft logits', 'Soft logits', 0], ['soft logits.', 'soft logits.', 0], ['SOFT LOGITS', 'SOFT LOGITS', 0]] },
  { id: 'q5', type: 'numeric', maxScore: 3, answers: [['3.5 ms', '3.5 ms', 3], ['4', '4', 0]] },
  { id: 'q6', type: 'short', maxScore: 4, answers: [['pruning removes weights', 'pruning removes weights', 3], ['no idea', 'no idea', 0.5]] },
];

const temp = useTempDatabases();

function openAt(file: string, upTo?: number): Db {
  const db = openDatabase(file, upTo === undefined ? {} : { migrations: migrations.filter((m) => m.version <= upTo) });
  temp.track(db);
  return db;
}

/** A class of 14 learners in two guilds and none (the CLI), with repeats, flagged, pending and needs-review answers. */
function seed(store: SqliteProgressStore, seedNumber = 1, count = 260): void {
  const rand = seededRandom(seedNumber);
  const guilds = ['g1', 'g2', null];
  const statuses: AttemptStatus[] = ['graded', 'graded', 'graded', 'graded', 'graded', 'pending', 'flagged', 'needs-review'];
  for (let index = 0; index < count; index += 1) {
    const learner = Math.floor(rand() * 14);
    const question = QUESTIONS[Math.floor(rand() * QUESTIONS.length)]!;
    // Stronger learners (low numbers) pick the first (right) answer more often.
    const answer = question.answers[rand() < 0.9 - learner * 0.05 ? 0 : 1 + Math.floor(rand() * (question.answers.length - 1))]!;
    store.recordAttempt(
      makeAttempt({
        userId: `learner-${learner}`,
        guildId: guilds[(learner + Math.floor(rand() * 1.3)) % 3]!,
        questionId: question.id,
        questionType: question.type,
        topic: question.id < 'q4' ? 'Pruning' : 'Distillation',
        rawAnswer: answer[0],
        normalizedAnswer: answer[1],
        score: answer[2],
        maxScore: question.maxScore,
        status: statuses[Math.floor(rand() * statuses.length)]!,
        // Out of id order (imports, clock skew): the first attempt is by time, not by id. One learner
        // cannot answer one question twice in the same millisecond, hence `+ index`.
        createdAt: new Date(START + Math.floor(rand() * 30) * 3_600_000 + seedNumber * 1000 + index),
      }),
    );
  }
}

/** Floating sums differ in the last bits between SQL and JavaScript: compare to 9 decimals. */
function rounded<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_key, item: unknown) => (typeof item === 'number' ? Math.round(item * 1e9) / 1e9 : item))) as T;
}

function expectRollupsMatchAttempts(reports: ClassReportRepository, guildId?: string): void {
  const filter = guildId === undefined ? {} : { guildId };
  const fromRollups = buildItemReport(reports.itemReportInput('bank-a', filter));
  const fromAttempts = buildItemReport(reports.itemReportInput('bank-a', { ...filter, ...EVERYTHING }));
  expect(fromRollups.length).toBeGreaterThan(0);
  expect(rounded(fromRollups)).toEqual(rounded(fromAttempts));
  expect(reports.firstAttempts('bank-a', filter)).toEqual(reports.firstAttempts('bank-a', { ...filter, ...EVERYTHING }));
}

describe('migration 008 item roll-ups', () => {
  it('give the item report the same statistics and response analysis as every stored attempt, per guild and overall', () => {
    const db = openAt(path.join(temp.dir(), 'tutor.sqlite'));
    const store = new SqliteProgressStore(db);
    const reports = new ClassReportRepository(db);
    seed(store);
    for (const guildId of [undefined, 'g1', 'g2']) expectRollupsMatchAttempts(reports, guildId);

    // The blank question's three spellings are one row, and a learner who typed two of them counts once.
    const q4 = buildItemReport(reports.itemReportInput('bank-a')).find((row) => row.questionId === 'q4')!;
    const logits = q4.responses!.find((row) => row.answer.toLowerCase().startsWith('soft logits'))!;
    const rows = reports.responses('bank-a', { questionId: 'q4' }).filter((row) => row.normalizedAnswer.toLowerCase().startsWith('soft logits'));
    expect(logits.count).toBe(rows.length);
    expect(logits.learners).toBe(new Set(rows.map((row) => row.userId)).size);
    expect(logits.learners).toBeLessThan(logits.count);
  });

  it('stay exact through a regrade, a review, a first attempt sent for review, a changed answer and forget-me', () => {
    const db = openAt(path.join(temp.dir(), 'tutor.sqlite'));
    const store = new SqliteProgressStore(db);
    const reports = new ClassReportRepository(db);
    seed(store, 2);
    const check = () => {
      for (const guildId of [undefined, 'g1']) expectRollupsMatchAttempts(reports, guildId);
    };

    // A key fix: D becomes right on q1 (what h12-keyfix's regrade writes).
    expect(db.prepare("UPDATE attempts SET score = max_score WHERE question_id = 'q1' AND normalized_answer = 'D'").run().changes).toBeGreaterThan(0);
    check();
    // A teacher confirms every needs-review attempt, one of them with a lower score.
    db.prepare("UPDATE attempts SET status = 'graded', graded_by = 'teacher', score = score / 2 WHERE status = 'needs-review'").run();
    check();
    // Each learner's earliest settled attempt at q2 is sent for review: the next one (if any) becomes the first.
    const firsts = db
      .prepare("SELECT attempt_id FROM stats_first_attempts WHERE question_id = 'q2'")
      .pluck()
      .all() as number[];
    expect(firsts.length).toBeGreaterThan(3);
    for (const id of firsts) db.prepare("UPDATE attempts SET status = 'needs-review' WHERE id = ?").run(id);
    check();
    // A regrade that re-normalises an answer moves it to its new row.
    db.prepare("UPDATE attempts SET normalized_answer = 'true', raw_answer = 'T', score = 1 WHERE question_id = 'q3' AND normalized_answer = 'false'").run();
    check();
    store.forgetUser('learner-0');
    store.forgetUser('learner-5');
    check();
    for (const table of ['stats_first_attempts', 'stats_responses']) {
      expect(db.prepare(`SELECT count(*) FROM ${table} WHERE user_id IN ('learner-0', 'learner-5')`).pluck().get()).toBe(0);
    }
    // New answers after all that still land in the roll-ups.
    seed(store, 3, 60);
    check();
  });

  it('upgrades a database from the previous build in place, filling the roll-ups from its attempts', () => {
    const file = path.join(temp.dir(), 'tutor.sqlite');
    const before = openAt(file, itemRollupsMigration.version - 1);
    seed(new SqliteProgressStore(before), 4);
    const attempts = before.prepare('SELECT count(*) FROM attempts').pluck().get();
    before.close();

    const db = openAt(file);
    expect(db.pragma('user_version', { simple: true })).toBe(itemRollupsMigration.version);
    expect(db.prepare('SELECT count(*) FROM attempts').pluck().get()).toBe(attempts);
    expect(db.prepare('SELECT count(*) FROM stats_first_attempts').pluck().get()).toBeGreaterThan(0);
    const reports = new ClassReportRepository(db);
    for (const guildId of [undefined, 'g1', 'g2']) expectRollupsMatchAttempts(reports, guildId);
    // And the triggers keep them in step from then on.
    seed(new SqliteProgressStore(db), 5, 80);
    expectRollupsMatchAttempts(reports);
  });

  it('leaves the learner with no row in either roll-up after forget-me, without counting them as LLM calls', () => {
    const db = openAt(path.join(temp.dir(), 'tutor.sqlite'));
    const store = new SqliteProgressStore(db);
    store.recordAttempt(makeAttempt({ userId: 'ana' }));
    const result = store.forgetUser('ana');
    expect(result).toMatchObject({ attempts: 1, llmCalls: 0 });
    expect(db.prepare('SELECT (SELECT count(*) FROM stats_first_attempts) + (SELECT count(*) FROM stats_responses)').pluck().get()).toBe(0);
  });
});
