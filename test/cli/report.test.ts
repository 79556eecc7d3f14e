import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { makeAttempt } from '../storage/fixtures.ts';
import { createTestIo } from './io.ts';

const DAY = 86_400_000;

let dir: string;
let env: Record<string, string>;

/**
 * A class of six in bank-a, written through the real store: three strong learners answer q1–q4 right
 * and give "C" to q-key, which the key rejects; the weak three miss q1–q4 (u4 gets q1) and two of them
 * give the keyed "B" (u4 gives "D"). So q-key discriminates negatively: its key is wrong. u1 also has
 * one answer in bank-b, and u2 one in bank-b 60 days ago.
 */
function seedClass(databasePath: string): void {
  const db = openDatabase(databasePath);
  const store = new SqliteProgressStore(db);
  const names: Record<string, string> = { u1: 'Ana', u2: '李雷', u3: 'Cleo', u4: 'Dev', u5: 'Eli', u6: '=HYPERLINK("x")' };
  for (const [id, displayName] of Object.entries(names)) store.upsertUser({ id, displayName });
  const now = Date.now();
  const answer = (userId: string, questionId: string, topic: string, given: string, right: boolean, daysAgo: number, bankId = 'bank-a') =>
    store.recordAttempt(
      makeAttempt({
        userId,
        bankId,
        questionId,
        topic,
        rawAnswer: given.toLowerCase(),
        normalizedAnswer: given,
        score: right ? 1 : 0,
        maxScore: 1,
        createdAt: new Date(now - daysAgo * DAY),
      }),
    );
  const topics: Record<string, string> = { q1: 'Basics', q2: 'Basics', q3: 'Advanced', q4: 'Advanced' };
  for (const [index, user] of ['u1', 'u2', 'u3'].entries()) {
    for (const [question, topic] of Object.entries(topics)) answer(user, question, topic, 'A', true, index + 1);
    answer(user, 'q-key', 'Keys', 'C', false, index + 1);
  }
  for (const user of ['u4', 'u5', 'u6']) {
    for (const [question, topic] of Object.entries(topics)) answer(user, question, topic, user === 'u4' && question === 'q1' ? 'A' : 'E', user === 'u4' && question === 'q1', 2);
    answer(user, 'q-key', 'Keys', user === 'u4' ? 'D' : 'B', user !== 'u4', 2);
  }
  answer('u1', 'q1', 'Other', 'A', true, 1, 'bank-b');
  answer('u2', 'q1', 'Other', 'A', true, 60, 'bank-b');
  db.close();
}

async function tutor(args: string[]) {
  const io = createTestIo({ env, cwd: dir });
  const code = await runCli(args, io);
  return { code, out: io.stdout.text, err: io.stderr.text };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'study-tutor-report-'));
  env = { DATABASE_PATH: path.join(dir, 'tutor.sqlite') };
  seedClass(env.DATABASE_PATH!);
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('tutor report class', () => {
  it('prints the learners, answers, accuracy by topic and type, weakest topic, activity line and a row per learner', async () => {
    const { code, out } = await tutor(['report', 'class', '--bank', 'bank-a']);
    expect(code).toBe(0);
    expect(out).toContain('Class report: all guilds, bank bank-a, all time; days in UTC');
    expect(out).toContain('Active learners: 6');
    expect(out).toContain('Answers: 30, 15 at full marks (50%)');
    expect(out).toContain('Points: 15 of 30 (50%)');
    expect(out).toMatch(/By question type\n {2}choice +30 answers +50% +15\/30 points/);
    expect(out).toMatch(/Weakest topics\n {2}Keys +6 answers +33% +2\/6 points/);
    expect(out).toMatch(/Last 30 days \(\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}\): 30 answers, busiest day 20/);
    const chart = out.split('\n').find((line) => /^ {2}[·▁▂▃▄▅▆▇█]{30}$/.test(line));
    expect(chart, out).toBeDefined();
    expect(chart!.endsWith('▂█▂·')).toBe(true); // 5, 20 and 5 answers 3, 2 and 1 days ago, none today
    // Learners: most answers first, then by id; the CJK name keeps the columns aligned.
    const learnerLines = out.split('\n').slice(out.split('\n').findIndex((line) => line === 'Learners') + 1).filter(Boolean);
    expect(learnerLines[0]).toMatch(/^ {2}learner +answers +accuracy +points +last active \(UTC\)$/);
    expect(learnerLines[1]).toMatch(/^ {2}Ana \(u1\) +5 +80% +4\/5 +\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(learnerLines[2]).toMatch(/^ {2}李雷 \(u2\) +5 +80%/);
    expect(learnerLines[6]).toMatch(/^ {2}=HYPERLINK\("x"\) \(u6\) +5 +20% +1\/5/);
    const column = (line: string) => line.indexOf('last active') >= 0 ? line.indexOf('last active') : line.search(/\d{4}-\d{2}-\d{2} /);
    expect(column(learnerLines[2]!) + 2).toBe(column(learnerLines[1]!)); // 李雷 is 4 columns wide in 2 characters
  });

  it('gives the same figures as JSON, and --since leaves out older answers', async () => {
    const all = JSON.parse((await tutor(['report', 'class', '--json'])).out);
    expect(all.activeLearners).toBe(6);
    expect(all.totals).toMatchObject({ attempts: 32, correct: 17, pointsEarned: 17, pointsAvailable: 32 });
    expect(all.byTopic.find((row: { topic: string }) => row.topic === 'Basics')).toMatchObject({ attempts: 12, correct: 7 });
    expect(all.weakestTopics[0]).toMatchObject({ topic: 'Keys', attempts: 6, correct: 2 });
    expect(all.daily).toHaveLength(30);
    expect(all.daily.reduce((sum: number, day: { answered: number }) => sum + day.answered, 0)).toBe(31);
    expect(all.learners.map((row: { userId: string; attempts: number }) => [row.userId, row.attempts])).toEqual([
      ['u1', 6],
      ['u2', 6],
      ['u3', 5],
      ['u4', 5],
      ['u5', 5],
      ['u6', 5],
    ]);

    const since = new Date(Date.now() - 10 * DAY).toISOString().slice(0, 10);
    const recent = JSON.parse((await tutor(['report', 'class', '--since', since, '--json'])).out);
    expect(recent.since).toBe(`${since}T00:00:00.000Z`);
    expect(recent.totals.attempts).toBe(31);
    expect(recent.learners.find((row: { userId: string }) => row.userId === 'u2').attempts).toBe(5);
  });

  it('counts --since from the start of that day in TIME_ZONE', async () => {
    env.TIME_ZONE = 'Asia/Shanghai';
    const { code, out } = await tutor(['report', 'class', '--since', '2026-03-10', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.since).toBe('2026-03-09T16:00:00.000Z');
    expect(report.timeZone).toBe('Asia/Shanghai');
    const text = (await tutor(['report', 'class', '--since', '2026-03-10'])).out;
    expect(text).toContain('since 2026-03-10; days in Asia/Shanghai');
    expect(text).toContain('last active (Asia/Shanghai)');
  });

  it('refuses a --since that is not a date, naming the value', async () => {
    const { code, err } = await tutor(['report', 'class', '--since', '2026-02-30']);
    expect(code).toBe(2);
    expect(err).toContain('--since must be a date like 2026-03-01, got "2026-02-30"');
  });
});

describe('tutor report items', () => {
  it('flags the question whose key rejects the strong learners’ answer, with that answer first in its response analysis', async () => {
    const { code, out } = await tutor(['report', 'items', '--bank', 'bank-a']);
    expect(code).toBe(0);
    expect(out).toContain('5 questions answered, 1 to check');
    const table = out.split('\n');
    const header = table.findIndex((line) => line.startsWith('question'));
    expect(table[header + 1]).toMatch(/^q-key +choice +6 +0\.33 +-\d+\.\d +CHECK THE KEY: .*negative discrimination/);
    expect(table.filter((line) => line.includes('CHECK THE KEY'))).toHaveLength(1);
    const analysis = out.slice(out.indexOf('q-key (choice): answers given, wrong ones first'));
    const rows = analysis.split('\n').slice(1, 4);
    expect(rows[0]).toMatch(/^ {2}C +3 +3 learners +wrong$/);
    expect(rows[1]).toMatch(/^ {2}D +1 +1 learner +wrong$/);
    expect(rows[2]).toMatch(/^ {2}B +2 +2 learners +correct$/);
  });

  it('gives facility, discrimination, flags and responses as JSON', async () => {
    const { code, out } = await tutor(['report', 'items', '--bank', 'bank-a', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.bankId).toBe('bank-a');
    const key = report.questions[0];
    expect(key).toMatchObject({ questionId: 'q-key', attempts: 6, questionType: 'choice', topic: 'Keys' });
    expect(key.facility).toBeCloseTo(2 / 6, 10);
    expect(key.discriminationIndex).toBeLessThan(0);
    expect(key.flags).toContain('negative-discrimination');
    expect(key.responses[0]).toMatchObject({ answer: 'C', count: 3, learners: 3, verdict: 'wrong', exampleRaw: 'c' });
    const q1 = report.questions.find((row: { questionId: string }) => row.questionId === 'q1');
    expect(q1.facility).toBeCloseTo(4 / 6, 10);
    expect(q1.discriminationIndex).toBeGreaterThan(0);
    expect(q1.flags).toEqual([]);
  });

  it('asks for --bank', async () => {
    const { code, err } = await tutor(['report', 'items']);
    expect(code).toBe(2);
    expect(err).toContain('Usage: tutor report items --bank <id>');
  });
});

describe('learner text on the operator’s terminal', () => {
  it('shows control characters in names and answers as escapes instead of obeying them', async () => {
    const db = openDatabase(env.DATABASE_PATH!);
    const store = new SqliteProgressStore(db);
    store.upsertUser({ id: 'u7', displayName: 'Eve\x1b[2J' });
    store.recordAttempt(makeAttempt({ userId: 'u7', bankId: 'bank-a', questionId: 'q-key', rawAnswer: '\x1b[31mB', normalizedAnswer: '\x1b[31mB', score: 0, createdAt: new Date() }));
    db.close();
    const items = await tutor(['report', 'items', '--bank', 'bank-a']);
    const report = await tutor(['report', 'class']);
    for (const out of [items.out, report.out]) expect(out).not.toContain('\x1b');
    expect(items.out).toMatch(/^ {2}\\u\{1b\}\[31mB +1 +1 learner +wrong$/m);
    expect(report.out).toContain('Eve\\u{1b}[2J (u7)');
  });
});

describe('tutor export', () => {
  it('writes a UTF-8 CSV with a byte-order mark, one row per learner and bank, that csv-parse reads back', async () => {
    const { code, err } = await tutor(['export', '--out', 'class.csv']);
    expect(code).toBe(0);
    expect(err).toContain('Wrote 8 rows to');
    const bytes = fs.readFileSync(path.join(dir, 'class.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(bytes.toString('utf8'), { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(records.map((row) => [row.learner_id, row.bank])).toEqual([
      ['u1', 'bank-a'],
      ['u1', 'bank-b'],
      ['u2', 'bank-a'],
      ['u2', 'bank-b'],
      ['u3', 'bank-a'],
      ['u4', 'bank-a'],
      ['u5', 'bank-a'],
      ['u6', 'bank-a'],
    ]);
    expect(records[2]).toMatchObject({ learner: '李雷', answers: '5', correct: '4', points: '4', accuracy: '0.8', 'accuracy: Keys': '0', 'accuracy: Basics': '1' });
    expect(records[7]!.learner).toBe(`'=HYPERLINK("x")`);
    expect(records[1]!['accuracy: Basics']).toBe('');
  });

  it('keeps to --bank and --since, and prints to standard output without --out', async () => {
    const since = new Date(Date.now() - 10 * DAY).toISOString().slice(0, 10);
    const { code, out } = await tutor(['export', '--bank', 'bank-b', '--since', since]);
    expect(code).toBe(0);
    expect(out.startsWith('\uFEFF')).toBe(true);
    const records = parse(out, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(records.map((row) => [row.learner_id, row.bank, row.answers])).toEqual([['u1', 'bank-b', '1']]);
  });

  it('never overwrites an existing file', async () => {
    fs.writeFileSync(path.join(dir, 'class.csv'), 'keep me');
    const { code, err } = await tutor(['export', '--out', 'class.csv']);
    expect(code).toBe(2);
    expect(err).toContain('already exists');
    expect(fs.readFileSync(path.join(dir, 'class.csv'), 'utf8')).toBe('keep me');
  });
});

describe('--help of the report commands', () => {
  it.each([
    ['report', 'class', '--since YYYY-MM-DD'],
    ['report', 'items', '--bank <id>'],
    ['export', '--out <file>'],
  ])('tutor %s %s --help describes its options', async (...words) => {
    const flag = words.pop()!;
    const { code, out } = await tutor([...words, '--help']);
    expect(code).toBe(0);
    expect(out).toContain(`Usage: tutor ${words.join(' ')}`);
    expect(out).toMatch(new RegExp(`${flag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +\\S`));
  });
});
