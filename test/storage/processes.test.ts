import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { knownSchemaVersion, openDatabase, type Db } from '../../src/storage/database.ts';
import { makeTempDir, removeDir } from './fixtures.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, '..', '..');
const writerScript = path.join(here, 'writer-child.ts');

function startWriter(dbPath: string, userId: string, count: number | 'forever'): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', writerScript, dbPath, userId, String(count)], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function waitForExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) resolve();
    });
    child.on('exit', () => reject(new Error(`writer exited before printing ${pattern}; output: ${seen}`)));
  });
}

/** What every consistent database satisfies whatever moment a writer died at. */
function expectConsistent(db: Db): number {
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(db.pragma('foreign_key_check')).toEqual([]);
  const attempts = db.prepare('SELECT count(*) FROM attempts').pluck().get() as number;
  expect(db.prepare('SELECT coalesce(sum(attempts), 0) FROM stats_questions').pluck().get()).toBe(attempts);
  expect(db.prepare('SELECT coalesce(sum(attempts), 0) FROM stats_groups').pluck().get()).toBe(attempts);
  expect(db.prepare('SELECT coalesce(sum(attempts), 0) FROM stats_latest').pluck().get()).toBe(attempts);
  expect(db.prepare('SELECT coalesce(sum(attempts), 0) FROM stats_guild_hours').pluck().get()).toBe(
    db.prepare('SELECT count(*) FROM attempts WHERE guild_id IS NOT NULL').pluck().get(),
  );
  expect(db.prepare('SELECT coalesce(sum(answered), 0) FROM stats_slots').pluck().get()).toBe(attempts);
  // Every stored attempt (none are flagged here) moved its card exactly once.
  expect(db.prepare('SELECT coalesce(sum(reps), 0) FROM review_cards').pluck().get()).toBe(attempts);
  const misses = db.prepare(
    `SELECT count(*) FROM attempts, json_each(attempts.feedback, '$.rubric') AS r WHERE json_extract(r.value, '$.verdict') = 'missed'`,
  ).pluck().get();
  expect(db.prepare('SELECT coalesce(sum(missed), 0) FROM stats_rubric_misses').pluck().get()).toBe(misses);
  return attempts;
}

describe('several processes on one database file', () => {
  let dir: string;
  let dbPath: string;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    dir = makeTempDir();
    dbPath = path.join(dir, 'tutor.sqlite');
    openDatabase(dbPath).close();
  });
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    removeDir(dir);
  });

  it('leaves a consistent database when a writer is killed in the middle of its writes', async () => {
    const writer = startWriter(dbPath, 'victim', 'forever');
    children.push(writer);
    const exited = waitForExit(writer);
    await waitForOutput(writer, /stored 300\n/);
    writer.kill('SIGKILL');
    const { signal } = await exited;
    expect(signal).toBe('SIGKILL');

    const db = openDatabase(dbPath);
    try {
      const attempts = expectConsistent(db);
      expect(attempts).toBeGreaterThanOrEqual(300);
      expect(db.prepare("SELECT count(*) FROM users WHERE id = 'victim'").pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  });

  it('lets two processes start on a new file together: the schema is created once and both write', async () => {
    const fresh = path.join(dir, 'fresh', 'tutor.sqlite');
    const writers = [startWriter(fresh, 'first', 100), startWriter(fresh, 'second', 100)];
    children.push(...writers);
    const results = await Promise.all(writers.map(waitForExit));
    for (const result of results) expect(result).toEqual({ code: 0, signal: null, stderr: '' });

    const db = openDatabase(fresh);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(knownSchemaVersion());
      expect(expectConsistent(db)).toBe(200);
    } finally {
      db.close();
    }
  });

  it('stores every attempt of two processes writing at the same time', async () => {
    const perWriter = 400;
    const writers = [startWriter(dbPath, 'shard-a', perWriter), startWriter(dbPath, 'shard-b', perWriter)];
    children.push(...writers);
    const results = await Promise.all(writers.map(waitForExit));
    for (const result of results) expect(result).toEqual({ code: 0, signal: null, stderr: '' });

    const db = openDatabase(dbPath);
    try {
      expect(expectConsistent(db)).toBe(2 * perWriter);
      expect(db.prepare('SELECT user_id, count(*) AS n FROM attempts GROUP BY user_id ORDER BY user_id').all()).toEqual([
        { user_id: 'shard-a', n: perWriter },
        { user_id: 'shard-b', n: perWriter },
      ]);
    } finally {
      db.close();
    }
  });
});
