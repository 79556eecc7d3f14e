import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { chatReply, startOpenAiServer, type OpenAiServer } from '../support/openai-server.ts';
import { runProcess, type ProcessResult } from '../support/run-process.ts';
import { gradingReply } from '../tutor/helpers.ts';
import { createLiveInput, createTestIo, makePracticeWorkspace, runPractice } from './io.ts';

const repo = path.resolve(import.meta.dirname, '../..');

/**
 * Right answers to every servable question of the every-type fixture, in bank order, each followed by
 * an empty line (on to the next question). Written answers end with a line holding only `.`.
 */
const SHORT_ANSWER = [
  'Batching keeps the GPU busy and reads the weights from memory once per batch, so throughput per second rises.',
  'But each request must wait in the queue until the batch fills, so its latency grows.',
];
const ESSAY_ANSWER = ['On mid-range phones latency, memory and battery matter, and privacy favours on-device inference.'];
const ALL_RIGHT_SCRIPT = [
  'C', '',
  'ABD', '',
  'A, B', '',
  'false', '',
  '40', '',
  '14', '',
  'latency; throughput', '',
  ...SHORT_ANSWER, '.', '',
  ...ESSAY_ANSWER, '.', '',
];

describe('tutor practice', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeEach(() => {
    ({ dir, env } = makePracticeWorkspace('tutor-practice-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const practice = (args: string[], input: string[], extraEnv: Record<string, string> = {}) => runPractice({ dir, env }, args, input, extraEnv);

  function storedAttempts(userId: string) {
    const db = openDatabase(env.DATABASE_PATH!);
    try {
      const store = new SqliteProgressStore(db);
      const sessions = db.prepare('SELECT id, status FROM quiz_sessions WHERE owner_id = ?').all(userId) as Array<{ id: string; status: string }>;
      const attempts = sessions.flatMap((session) => store.attemptsForSession(session.id));
      return { sessions, attempts, stats: store.statsForUser(userId) };
    } finally {
      db.close();
    }
  }

  it('runs a scripted quiz through every question type to the summary and stores it under the local user', async () => {
    const { code, out, err } = await practice(['--count', '50', '--user', 'ada'], ALL_RIGHT_SCRIPT);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('Practice: Inference optimisation: one question of every type — 9 questions.');
    expect(out).toContain('Question 1/9 · Single choice · 2 points\nWhich of these chips was designed specifically for tensor');
    expect(out).toMatch(/ {2}C\. .*TPU/);
    expect(out).toContain('Question 7/9 · Fill in the blanks · 2 points');
    expect(out).toContain('End it with a line holding only . (or Ctrl-D).');
    expect(out).toContain('Fill in 2 blanks on one line, separated by ;');
    // Seven objective questions, all right.
    for (const points of ['2/2 points', '4/4 points', '2/2 points', '1/1 point', '2/2 points', '2/2 points', '2/2 points']) expect(out).toContain(`✔ Correct — ${points}`);
    // No LLM configured: written answers get a provisional score that says so plainly, stored as pending.
    expect(out.match(/Tutor feedback \(provisional: no AI tutor is configured, so the marking points are checked for their key terms\)/g)).toHaveLength(2);
    // Nothing meant for an operator, and the reference answer only on request (`r`).
    expect(out).not.toContain('regrade');
    expect(out).not.toContain('unavailable');
    expect(out).not.toContain('Reference answer:');
    expect(out).toContain('r: reference answer and analysis · ? question: ask the tutor · Enter: next question · q: end');
    expect(out).toContain('Summary\n');
    expect(out).toMatch(/\d+(\.\d+)?\/31 points · 9\/9 answered · /);
    expect(out).toContain('Your progress so far: tutor stats --user ada');
    expect(out).toMatch(/Next review due (in \d+ (minutes?|hours?|days?)|tomorrow) \(/);

    const { sessions, attempts, stats } = storedAttempts('local:ada');
    expect(sessions).toEqual([{ id: expect.any(String), status: 'finished' }]);
    expect(attempts.map((attempt) => [attempt.questionId, attempt.gradedBy, attempt.status])).toEqual([
      ['hardware-tpu', 'rule', 'graded'],
      ['memory-savers', 'rule', 'graded'],
      ['inference-engines', 'rule', 'graded'],
      ['int8-parameter-count', 'rule', 'graded'],
      ['latency-to-throughput', 'rule', 'graded'],
      ['fp16-weight-size', 'rule', 'graded'],
      ['core-metrics', 'rule', 'graded'],
      ['batching-trade-off', 'fallback', 'pending'],
      ['choosing-techniques', 'fallback', 'pending'],
    ]);
    expect(attempts.find((attempt) => attempt.questionId === 'batching-trade-off')?.rawAnswer).toBe(SHORT_ANSWER.join('\n'));
    expect(stats.attempts).toBe(9);
  });

  it('shows the attempts in `tutor stats` for the practice user afterwards', async () => {
    await practice(['--type', 'choice', '--user', 'grace'], ['C', '']);
    const io = createTestIo({ env, cwd: dir });
    expect(await runCli(['stats', '--user', 'grace', '--json'], io)).toBe(0);
    const stats = JSON.parse(io.stdout.text) as { attempts: number; correct: number };
    expect(stats.attempts).toBe(1);
    expect(stats.correct).toBe(1);
  });

  it('asks again, saying why, when an answer cannot be graded, and never stores it as wrong', async () => {
    const { code, out } = await practice(['--type', 'blank', '--user', 'lin'], ['latency', '', 'latency | throughput', '']);
    expect(code).toBe(0);
    expect(out).toContain('Not graded: the number of blanks does not match. Try again.');
    expect(out).toContain('Not graded: the answer is empty. Try again.');
    expect(out).toContain('✔ Correct — 2/2 points');
    const { attempts } = storedAttempts('local:lin');
    expect(attempts.map((attempt) => attempt.normalizedAnswer)).toEqual(['latency | throughput']);
  });

  it('shows what was wrong and the right options with their text, not only their letters', async () => {
    const { out } = await practice(['--type', 'choice', '--user', 'kim', '--count', '1'], ['A', '']);
    expect(out).toContain('✖ Wrong — 0/2 points');
    expect(out).toContain('Right answer: C. Tensor Processing Unit (TPU)');
    // The analysis is behind `r`, not printed with the result.
    expect(out).not.toContain("Google's accelerator");
  });

  it('shows the reference answer and analysis when asked with r, once, and not again after a follow-up', async () => {
    const { out } = await practice(['--type', 'short', '--user', 'ref'], [...SHORT_ANSWER, '.', 'r', 'what about latency?', '']);
    expect(out.split('Reference answer:\n  A batch lets the accelerator run one large matrix multiplication')).toHaveLength(2);
    expect(out).toContain('Analysis:\n  The key is the trade-off');
    // The compact result keeps strengths and improvements that only repeat a marking point out of the way.
    expect(out).not.toContain('Covered: Batching keeps the hardware busy');
    expect(out).not.toContain('Could add: Servers bound the batch size');
  });

  it('ends the quiz cleanly at the end of input, with a summary of what was answered', async () => {
    const { code, out } = await practice(['--count', '50', '--user', 'eof'], ['C']);
    expect(code).toBe(0);
    expect(out).toContain('✔ Correct — 2/2 points');
    expect(out).toContain('End of input: the quiz ends here.');
    expect(out).toMatch(/2\/2 points · 1\/9 answered/);
    const { sessions, attempts } = storedAttempts('local:eof');
    expect(sessions.map((session) => session.status)).toEqual(['finished']);
    expect(attempts).toHaveLength(1);
  });

  it('ends on q and lists the missed questions to review', async () => {
    const { code, out } = await practice(['--count', '50', '--user', 'quitter'], ['A', 'q', 'ABD']);
    expect(code).toBe(0);
    expect(out).toContain('✖ Wrong — 0/2 points');
    expect(out).toContain('To review:\n  - hardware-tpu  Which of these chips was designed specifically for tensor');
    expect(out).not.toContain('Question 2/9');
    expect(storedAttempts('local:quitter').attempts).toHaveLength(1);
  });

  it('answers follow-up questions without an LLM from the bank, saying plainly that no AI is configured, before and after answering', async () => {
    const { out } = await practice(['--type', 'short', '--user', 'asker'], ['?what should I cover', ...SHORT_ANSWER, '.', 'why does the queue matter?', '']);
    const tutorReplies = out.split('Tutor:\n  No AI tutor is configured, so I can offer hints before you answer and the question bank’s explanation after.');
    expect(tutorReplies).toHaveLength(3);
    expect(out).not.toContain('unavailable');
    // Before answering: a hint, no reference answer. After: the reference is given.
    expect(tutorReplies[1]).toContain("A hint (you haven't answered yet, so no answer key)");
    expect(tutorReplies[1]?.split('✔')[0]).not.toContain('A batch lets the accelerator');
    expect(tutorReplies[2]).toContain('A batch lets the accelerator run one large matrix multiplication');
  });

  it('uses Chinese for the interface with --lang zh', async () => {
    const { out } = await practice(['--type', 'truefalse', '--user', 'mei', '--lang', 'zh'], ['错', '']);
    expect(out).toContain('第 1/1 题 · 判断题 · 1 分');
    expect(out).toContain('✔ 正确 — 1/1 分');
    expect(out).toContain('总结');
  });

  it.each([
    { args: ['--type', 'poem'], message: 'No question type "poem". Types: choice, multi, truefalse, numeric, blank, short, essay.' },
    { args: ['--count', '0'], message: '--count must be a whole number of at least 1, not "0".' },
    { args: ['--seed', 'abc'], message: '--seed must be a whole number, not "abc".' },
    { args: ['--bank', 'no-such-bank'], message: 'No bank has the id "no-such-bank". Banks: every-type-example.' },
    {
      args: ['--topic', 'astrology'],
      message:
        'No topic "astrology" in every-type-example. Topics: deployment, hardware acceleration, inference engines, metrics, model compression, quantization, serving.',
    },
    { args: ['--type', 'essay', '--topic', 'serving'], message: 'No topic "serving" in every-type-example. Topics: deployment.' },
  ])('refuses $args in plain words with exit code 1', async ({ args, message }) => {
    const { code, out, err } = await practice(args, ['C']);
    expect(code).toBe(1);
    expect(err).toContain(message);
    expect(out).toBe('');
  });

  it('reads answers that arrive while it is grading, line by line as a pipe delivers them', async () => {
    const input = createLiveInput();
    const io = createTestIo({ env, cwd: dir, input });
    const running = runCli(['practice', '--count', '50', '--user', 'slow'], io);
    for (const line of ALL_RIGHT_SCRIPT.slice(0, 6)) {
      input.write(`${line}\n`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    input.end();
    expect(await running).toBe(0);
    expect(io.stdout.text.match(/✔ Correct/g)).toHaveLength(3);
    expect(storedAttempts('local:slow').attempts).toHaveLength(3);
  });

  describe('with an LLM configured', () => {
    let llm: OpenAiServer;
    beforeAll(async () => {
      llm = await startOpenAiServer();
    });
    afterAll(() => llm.close());
    afterEach(() => llm.reset());

    it("shows the LLM's feedback and follow-up replies, and stores the attempt as graded by the LLM", async () => {
      llm.script([
        chatReply(
          gradingReply(
            [
              { index: 0, verdict: 'met', quote: 'keeps the GPU busy and reads the weights from memory once per batch' },
              { index: 1, verdict: 'met', quote: 'each request must wait in the queue until the batch fills' },
              { index: 2, verdict: 'missed', quote: '' },
            ],
            { explanation: 'Good on both effects; say how servers cap the wait.', strengths: ['Both effects named.'], improvements: ['Mention a latency target.'] },
          ),
        ),
        chatReply('Servers cap the batch size and the waiting time so the latency target still holds.'),
      ]);
      const { code, out } = await practice(['--type', 'short', '--user', 'ai'], [...SHORT_ANSWER, '.', '?how do servers limit it', ''], {
        OPENAI_BASE_URL: llm.url,
        OPENAI_API_KEY: 'sk-test',
        LLM_MODEL: 'test-model',
      });
      expect(code).toBe(0);
      expect(out).toContain('◐ Partly right — 4/6 points');
      expect(out).toContain('Tutor feedback (AI, test-model)');
      expect(out).toContain('✔ Batching keeps the hardware busy');
      expect(out).toContain('✖ Servers bound the batch size or waiting time');
      expect(out).toContain('Good on both effects; say how servers cap the wait.');
      expect(out).toContain('Tutor:\n  Servers cap the batch size and the waiting time so the latency target still holds.');
      expect(llm.chatRequests).toHaveLength(2);
      expect(JSON.stringify(llm.chatRequests[0]?.body.messages)).toContain('each request must wait in the queue');
      const { attempts } = storedAttempts('local:ai');
      expect(attempts.map((attempt) => [attempt.gradedBy, attempt.status, attempt.score])).toEqual([['llm', 'graded', 4]]);
    });
  });
});

describe('tutor practice as a process', { timeout: 90_000 }, () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutor-practice-process-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(args: string[], input: string, env: Record<string, string>): Promise<ProcessResult> {
    return runProcess(process.execPath, [path.join(repo, 'bin/tutor.js'), ...args], { cwd: repo, env: { PATH: process.env.PATH ?? '', HOME: dir, ...env }, input });
  }

  it('takes answers piped on standard input, exits 0 at the end, and the attempts show in tutor stats', async () => {
    const env = { DATABASE_PATH: path.join(dir, 'practice.sqlite') };
    const bank = JSON.parse(fs.readFileSync(path.join(repo, 'data/banks/ai-inference-optimization-2025.json'), 'utf8')) as {
      questions: Array<{ stem: string; type: string }>;
    };
    // LANG picks the interface language over the (Chinese) bank's.
    const result = await run(['practice', '--count', '2', '--type', 'choice', '--user', 'piped'], 'A\n\nB\n\n', { ...env, LANG: 'en_US.UTF-8' });
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const stems = bank.questions.filter((question) => question.type === 'choice').map((question) => question.stem);
    expect(stems.some((stem) => result.out.includes(`Question 1/2 · Single choice · 2 points\n${stem}`))).toBe(true);
    expect(result.out.match(/(✔ Correct|✖ Wrong) — \d\/2 points/g)).toHaveLength(2);
    expect(result.out).toContain('Summary');
    expect(result.out).toMatch(/\d\/4 points · 2\/2 answered/);

    const stats = await run(['stats', '--user', 'piped', '--json'], '', env);
    expect(stats.code).toBe(0);
    expect((JSON.parse(stats.out) as { attempts: number }).attempts).toBe(2);
  });
});
