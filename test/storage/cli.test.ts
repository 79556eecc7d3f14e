import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.ts';
import type { CliIo } from '../../src/cli/types.ts';
import type { UserStats } from '../../src/progress/types.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { makeAttempt, makeFreeTextAttempt, makeTempDir, removeDir } from './fixtures.ts';

interface Captured {
  io: CliIo;
  stdout: () => string;
  stderr: () => string;
}

function captureIo(cwd: string, env: Record<string, string | undefined>): Captured {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  return { io: { stdout, stderr, stdin: new PassThrough(), env, cwd }, stdout: () => out.join(''), stderr: () => err.join('') };
}

describe('tutor stats and tutor db', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeEach(() => {
    dir = makeTempDir();
    // A relative DATABASE_PATH resolves against the working directory the CLI is given.
    env = { DATABASE_PATH: 'var/tutor.sqlite', TIME_ZONE: 'Asia/Shanghai' };
    const db = openDatabase(path.join(dir, 'var', 'tutor.sqlite'));
    const store = new SqliteProgressStore(db);
    store.upsertUser({ id: '42', displayName: 'Lin' });
    const today = new Date();
    store.recordAttempt(makeAttempt({ userId: '42', topic: 'Pruning', createdAt: today }));
    store.recordAttempt(makeAttempt({ userId: '42', topic: 'Pruning', questionId: 'q2', score: 0, createdAt: today }));
    store.recordAttempt(makeFreeTextAttempt(['met', 'missed'], { userId: '42', questionId: 'q3', topic: 'Pruning', createdAt: today }));
    store.recordAttempt(makeAttempt({ userId: '7', guildId: 'g9', createdAt: today }));
    db.close();
  });
  afterEach(() => removeDir(dir));

  it('prints a readable summary of one learner', async () => {
    const run = captureIo(dir, env);
    expect(await runCli(['stats', '--user', '42'], run.io)).toBe(0);
    const text = run.stdout();
    expect(text).toContain('Statistics for Lin (42): all guilds, all banks; days in Asia/Shanghai');
    expect(text).toContain('Answers: 3, 1 at full marks (33%)');
    expect(text).toContain('Points: 2 of 4 (50%)');
    expect(text).toContain('Questions: 3 seen, 1 mastered');
    expect(text).toContain('Streak: 1 day now, longest 1 day');
    expect(text).toMatch(/By topic\n {2}Pruning +3 answers +33% at full marks +2\/4 points/);
    expect(text).toContain('bank-a/q3 #2 "Point 2": missed 1 of 1 answer');
    expect(run.stderr()).toBe('');
  });

  it('prints the raw figures as JSON with --json, narrowed by --guild and --bank', async () => {
    const run = captureIo(dir, env);
    expect(await runCli(['stats', '--user', '7', '--guild', 'g9', '--bank', 'bank-a', '--json'], run.io)).toBe(0);
    const stats = JSON.parse(run.stdout()) as UserStats;
    expect(stats).toMatchObject({ userId: '7', guildId: 'g9', bankId: 'bank-a', timeZone: 'Asia/Shanghai', attempts: 1, correct: 1 });
    expect(stats.daily).toHaveLength(30);
  });

  it('answers a user who never answered with empty statistics, not an error', async () => {
    const run = captureIo(dir, env);
    expect(await runCli(['stats', '--user', 'nobody'], run.io)).toBe(0);
    expect(run.stdout()).toContain('Statistics for nobody: all guilds, all banks; days in Asia/Shanghai\n\nNo answers yet.');
  });

  it('explains a missing --user and a missing database instead of creating one', async () => {
    const noUser = captureIo(dir, env);
    expect(await runCli(['stats'], noUser.io)).toBe(2);
    expect(noUser.stderr()).toContain('Usage: tutor stats --user <id>');

    const elsewhere = captureIo(dir, { ...env, DATABASE_PATH: 'nowhere/tutor.sqlite' });
    expect(await runCli(['stats', '--user', '42'], elsewhere.io)).toBe(1);
    expect(elsewhere.stderr()).toContain(`No database at ${path.join(dir, 'nowhere', 'tutor.sqlite')}`);
    expect(fs.existsSync(path.join(dir, 'nowhere'))).toBe(false);
  });

  it('backs the database up to a new file and refuses to overwrite it', async () => {
    const run = captureIo(dir, env);
    expect(await runCli(['db', 'backup', 'backup-1.sqlite'], run.io)).toBe(0);
    const target = path.join(dir, 'backup-1.sqlite');
    expect(run.stdout()).toMatch(new RegExp(`Backed up .*tutor\\.sqlite to ${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(\\d+ pages, `));
    const copy = openDatabase(target);
    expect(new SqliteProgressStore(copy).statsForUser('42').attempts).toBe(3);
    copy.close();

    const again = captureIo(dir, env);
    expect(await runCli(['db', 'backup', 'backup-1.sqlite'], again.io)).toBe(1);
    expect(again.stderr()).toContain('already exists');
  });

  it('forgets a user and prints what was deleted', async () => {
    const run = captureIo(dir, env);
    expect(await runCli(['db', 'forget', '--user', '42'], run.io)).toBe(0);
    expect(run.stdout()).toBe(
      'Deleted everything stored for user 42: 1 user row, 0 quiz sessions, 3 attempts, 0 follow-up messages, 3 review cards, 0 LLM call records.\n',
    );
    const again = captureIo(dir, env);
    expect(await runCli(['db', 'forget', '--user', '42'], again.io)).toBe(0);
    expect(again.stdout()).toBe('Nothing stored for user 42; nothing deleted.\n');

    const check = captureIo(dir, env);
    await runCli(['stats', '--user', '7', '--json'], check.io);
    expect((JSON.parse(check.stdout()) as UserStats).attempts).toBe(1);
  });
});
