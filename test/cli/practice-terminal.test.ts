import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createStyle } from '../../src/cli/practice-render.ts';
import { createLineReader, runPracticeSession } from '../../src/cli/practice-session.ts';
import { loadConfig } from '../../src/config.ts';
import { displayWidth } from '../../src/messages/format.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { CapturedOutput, createLiveInput, makePracticeWorkspace, runPractice } from './io.ts';

/** The comforts of `tutor practice` for a learner at a terminal, driven through the real CLI and a real SQLite file. */

const repo = path.resolve(import.meta.dirname, '../..');
const chineseBank = path.join(repo, 'data/banks/ai-inference-optimization-2025.json');

describe('tutor practice at a terminal', () => {
  let dir: string;
  let banks: string;
  let env: Record<string, string>;

  beforeEach(() => {
    ({ dir, banks, env } = makePracticeWorkspace('tutor-practice-terminal-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const practice = (args: string[], input: string[], extraEnv: Record<string, string> = {}) => runPractice({ dir, env }, args, input, extraEnv);

  function stored(userId: string) {
    const db = openDatabase(env.DATABASE_PATH!);
    try {
      const store = new SqliteProgressStore(db);
      const ids = db.prepare('SELECT id FROM quiz_sessions WHERE owner_id = ? ORDER BY started_at, rowid').pluck().all(userId) as string[];
      const sessions = ids.map((id) => store.getSession(id)!);
      return { sessions, attempts: sessions.flatMap((session) => store.attemptsForSession(session.id)) };
    } finally {
      db.close();
    }
  }

  describe('written answers', () => {
    it('stores a two-paragraph essay whose first line ends in ？ whole, that line included', async () => {
      const essay = ['为什么手机上的人脸识别需要优化？', 'Phones have little memory and battery, so latency matters.', '', 'First export to TensorFlow Lite, then quantize to INT8 and measure accuracy.'];
      const { code, out } = await practice(['--type', 'essay', '--user', 'lin'], [...essay, '.', '']);
      expect(code).toBe(0);
      expect(out).not.toContain('Tutor:');
      const { attempts } = stored('local:lin');
      expect(attempts.map((attempt) => attempt.rawAnswer)).toEqual([essay.join('\n')]);
    });

    it('ends a written answer at the end of input (Ctrl-D) as well as at a line holding only .', async () => {
      const answer = ['Batching keeps the GPU busy, so throughput rises.', '', 'But each request waits in the queue, so latency grows.'];
      await practice(['--type', 'short', '--user', 'eof'], answer);
      expect(stored('local:eof').attempts.map((attempt) => attempt.rawAnswer)).toEqual([answer.join('\n')]);
    });

    it('takes a short answer’s lone first line ending in ? as a question, but not when more follows', async () => {
      const asked = await practice(['--type', 'short', '--user', 'ask'], ['Why does batching help?', '', 'q']);
      expect(asked.out).toContain('Tutor:\n  No AI tutor is configured');
      expect(stored('local:ask').attempts).toEqual([]);

      const answer = ['Why does batching help?', 'It keeps the GPU busy and reads weights once per batch, raising throughput.'];
      await practice(['--type', 'short', '--user', 'rhetoric'], [...answer, '.', '']);
      expect(stored('local:rhetoric').attempts.map((attempt) => attempt.rawAnswer)).toEqual([answer.join('\n')]);
    });
  });

  describe('--review', () => {
    it('serves a question missed in an earlier run, and the summary says when the next review is due', async () => {
      const first = await practice(['--type', 'choice', '--user', 'rev'], ['A', '']);
      expect(first.out).toContain('✖ Wrong — 0/2 points');

      const second = await practice(['--review', '--user', 'rev'], ['C', '']);
      expect(second.code).toBe(0);
      expect(second.out).toContain('Review: 1 question due or missed recently.');
      expect(second.out).toContain('Which of these chips was designed specifically for tensor');
      expect(second.out).toContain('✔ Correct — 2/2 points');
      expect(second.out).toMatch(/Next review due (in \d+ (minutes?|hours?|days?)|tomorrow) \(/);
      const { sessions } = stored('local:rev');
      expect(sessions.map((session) => [session.mode, session.questions.map((ref) => ref.questionId)])).toEqual([
        ['quiz', ['hardware-tpu']],
        ['review', ['hardware-tpu']],
      ]);
    });

    it('says plainly when nothing is due and nothing was missed', async () => {
      const { code, err } = await practice(['--review', '--user', 'fresh'], []);
      expect(code).toBe(1);
      expect(err).toBe('Nothing is due for review yet, and no question was missed recently.\n');
    });
  });

  describe('--seed', () => {
    it('gives the same questions in the same order twice, and another seed another draw', async () => {
      const order = async (user: string, seed: string) => {
        await practice(['--count', '4', '--seed', seed, '--user', user], ['q']);
        return stored(`local:${user}`).sessions[0]!.questions.map((ref) => ref.questionId);
      };
      const first = await order('s1', '42');
      const again = await order('s2', '42');
      const other = await order('s3', '7');
      expect(first).toHaveLength(4);
      expect(again).toEqual(first);
      expect(other).not.toEqual(first);
    });
  });

  describe('interface language', () => {
    it('follows LANG=zh_CN.UTF-8, with columns aligned for Chinese text', async () => {
      const { out } = await practice(['--type', 'truefalse', '--user', 'mei'], ['错', ''], { LANG: 'zh_CN.UTF-8' });
      expect(out).toContain('第 1/1 题 · 判断题 · 1 分');
      expect(out).toContain('✔ 正确 — 1/1 分');
      expect(out).toContain('总结');
    });

    it('prefers --lang to LANG, and LC_ALL to LANG', async () => {
      expect((await practice(['--type', 'truefalse', '--user', 'a', '--lang', 'en'], ['false', ''], { LANG: 'zh_CN.UTF-8' })).out).toContain('Question 1/1');
      expect((await practice(['--type', 'truefalse', '--user', 'b'], ['false', ''], { LANG: 'en_US.UTF-8', LC_ALL: 'zh_CN.UTF-8' })).out).toContain('第 1/1 题');
    });

    it('falls back to the bank’s language, and aligns the summary’s columns by display width', async () => {
      fs.copyFileSync(chineseBank, path.join(banks, 'seed.json'));
      const bankId = (JSON.parse(fs.readFileSync(chineseBank, 'utf8')) as { id: string }).id;
      const { out } = await practice(['--bank', bankId, '--count', '3', '--seed', '1', '--user', 'zh'], ['A', '', 'A', '', 'A', ''], { LANG: 'C.UTF-8' });
      expect(out).toContain('练习：');
      const rows = out.split('按题型：\n')[1]!.split('\n').filter((line) => line.startsWith('  ') && line.includes('全对'));
      expect(rows.length).toBeGreaterThan(0);
      const columns = rows.map((line) => displayWidth(line.slice(0, line.indexOf('全对'))));
      expect(new Set(columns).size).toBe(1);
    });

    it('gives errors in the interface language', async () => {
      const { code, err } = await practice(['--topic', 'nosuch', '--lang', 'zh'], []);
      expect(code).toBe(1);
      expect(err).toContain('every-type-example 中没有主题「nosuch」。现有主题：deployment, hardware acceleration');
    });
  });

  describe('a disk that refuses writes', () => {
    it('ends practice with a plain message and the summary so far when the database turns read-only mid-session', async () => {
      const db = openDatabase(env.DATABASE_PATH!);
      const app = await createApp(loadConfig(env), { cwd: dir, database: db });
      const input = createLiveInput();
      const out = new CapturedOutput();
      try {
        const running = runPracticeSession(
          { userId: 'local:ro', displayName: 'ro', userName: 'ro', type: 'choice', count: 1, showProgress: false },
          { quiz: app.quiz, reader: createLineReader(input, out, false), out, style: createStyle(false) },
        );
        // Every later write fails as on a read-only file: the real SQLite error, SQLITE_READONLY.
        db.pragma('query_only = ON');
        input.end('C\n\n');
        const summary = await running;
        expect(summary.answered).toBe(0);
      } finally {
        app.close();
      }
      expect(out.text).toContain('Practice stops here: Your progress could not be saved: the disk is full or the database is read-only (SQLITE_READONLY).');
      expect(out.text).toContain('Summary\n0/0 points · 0/1 answered');
    });

    it('refuses to start on a database it cannot open, in plain words and without a stack trace', async () => {
      fs.mkdirSync(path.join(dir, 'var'));
      fs.writeFileSync(env.DATABASE_PATH!, 'not a database\n'.repeat(100));
      const { code, out, err } = await practice(['--user', 'x'], ['C']);
      expect(code).toBe(1);
      expect(out).toBe('');
      expect(err).toMatch(/^Cannot open the database .*tutor\.sqlite: /);
      expect(err).not.toMatch(/\n\s+at /);
    });
  });
});
