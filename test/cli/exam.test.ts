import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { SqliteExamRepository } from '../../src/storage/exam-repository.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { createTestIo } from './io.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const SEED_FILE = 'ai-inference-optimization-2025.json';

const SHORT_1 = ['剪枝移除不重要的权重或通道，减小模型并减少计算；量化把FP32降到INT8等低精度，减小体积、加快推理。', '剪枝可能要微调恢复精度，量化可能损失精度且依赖硬件支持。'];
const SHORT_2 = ['推理引擎是专门执行训练好模型的运行时，做算子融合、内存优化和针对硬件的内核选择，让推理更快。'];
const SHORT_3 = ['模型并行把一个大模型切分到多张卡上；数据并行把不同请求分给多个模型副本同时处理。', '大模型服务用模型并行，高并发的在线服务用数据并行。'];
const ESSAY = ['推理速度决定用户体验和成本。自动驾驶要求毫秒级延迟，移动端受算力和电量限制，直播互动需要实时响应。', '可以用量化、剪枝、知识蒸馏和推理引擎优化，同时权衡精度与延迟。'];

/**
 * The whole seed paper from a script: answers in paper order (each answer turns the page), a flag, a
 * jump back to change an answer, the list and the time, then submit. Choices 1–7 right and 8 wrong
 * (14 of 16); blanks 1, 4, 5, 6 right and 2, 3 half right (20 of 24); the written answers are graded
 * by the fallback (no LLM configured), whatever they earn.
 */
const SCRIPT = [
  'A', // choice-1, changed below
  'D', 'B', 'C', 'C', 'D', 'B',
  'A', // choice-8: wrong (C)
  '延迟; 吞吐量',
  '体积; 内存', // blank-2: one of two
  '权重剪枝; 量化', // blank-3: one of two
  'f', // flag blank-4 before answering it
  '驱动程序和计算库',
  '软标签',
  '延迟; 吞吐量',
  ...SHORT_1, '.',
  ...SHORT_2, '.',
  ...SHORT_3, '.',
  ...ESSAY, '.',
  'g 1',
  'C', // choice-1 changed to the right answer
  'l',
  't',
  'submit',
  'y',
  '1', // review question 1
  '15', // review the first short answer
  'q',
];

let dir: string;
let env: Record<string, string>;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutor-exam-'));
  const banks = path.join(dir, 'banks');
  fs.mkdirSync(banks);
  fs.copyFileSync(path.join(repo, 'data/banks', SEED_FILE), path.join(banks, SEED_FILE));
  env = { DATABASE_PATH: path.join(dir, 'tutor.sqlite'), BANKS_DIR: banks, PROMPTS_DIR: path.join(repo, 'prompts'), LANG: 'en_US.UTF-8' };
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function exam(args: string[], input: string[]) {
  const io = createTestIo({ env, cwd: dir, input });
  const code = await runCli(['exam', ...args], io);
  return { code, out: io.stdout.text, err: io.stderr.text };
}

function stored(userId: string) {
  const db = openDatabase(env.DATABASE_PATH!);
  const store = new SqliteProgressStore(db);
  const exams = new SqliteExamRepository(db, store);
  return { db, store, exams, list: exams.submitted(userId), open: exams.findOpen(userId) };
}

describe('tutor exam', () => {
  it('sits the whole seed paper from a script, and the report total is the sum of the per-question scores', async () => {
    const { code, out, err } = await exam(['--user', 'ada'], SCRIPT);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('2025年AI模型推理速度优化基础试卷: 18 questions, 100 points, 120 minutes.');
    expect(out).toContain('The clock is running: hand in by');
    expect(out).toContain('⚑ flagged for later');
    expect(out).toContain('18 answered, 0 unanswered, 1 flagged');
    expect(out).toMatch(/Time left: 1:59:\d\d/u);
    expect(out).toContain('Every question is answered. Hand in now? (y/n)');
    expect(out).toContain('Grading written answers: 4 of 4');
    // No verdict shows before the hand-in: the first ✔/✖ verdict line comes after the score.
    const scoreAt = out.indexOf('Score: ');
    expect(scoreAt).toBeGreaterThan(0);
    expect(out.slice(0, scoreAt)).not.toMatch(/Correct|Wrong|Partly right|Analysis/u);

    const { db, store, exams, list } = stored('local:ada');
    try {
      expect(list).toHaveLength(1);
      const saved = list[0]!;
      expect(saved.status).toBe('graded');
      const attempts = exams.attempts(saved.id);
      expect(attempts.size).toBe(18);
      const perQuestion = [...attempts.values()].map((attempt) => attempt.score);
      const sum = Math.round(perQuestion.reduce((a, b) => a + b, 0) * 1000) / 1000;
      expect(saved.score).toBe(sum);
      expect(out).toContain(`Score: ${sum} / 100`);
      // The objective part, computed by hand: choices 14 of 16, blanks 20 of 24.
      expect(out).toContain('  一、选择题: 14 / 16');
      expect(out).toContain('  二、填空题: 20 / 24');
      const written = [14, 15, 16, 17].map((index) => attempts.get(index)!.score).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(34 + written, 6);
      expect(attempts.get(0)!.rawAnswer).toBe('C');
      expect(attempts.get(14)!.rawAnswer).toBe(SHORT_1.join('\n'));
      // The exam's answers count as attempts of the learner, like practice.
      expect(store.statsForUser('local:ada').attempts).toBe(18);
    } finally {
      db.close();
    }
    // Review shows the verdict, the right answer and the analysis after submission.
    expect(out.slice(scoreAt)).toContain('Question 1/18 · 一、选择题 · 2 / 2');
    expect(out.slice(scoreAt)).toContain('Analysis');

    // `tutor stats` shows the exam line.
    const io = createTestIo({ env, cwd: dir });
    expect(await runCli(['stats', '--user', 'ada'], io)).toBe(0);
    expect(io.stdout.text).toMatch(/1 paper taken · last [\d.]+ \/ 100 · best [\d.]+ \/ 100/u);
  });

  it('keeps an exam left with q open, and continues it with the answers and the deadline it had', async () => {
    const first = await exam(['--user', 'bo'], ['C', 'D', 'q']);
    expect(first.code).toBe(0);
    expect(first.out).toContain('The exam stays open and the clock keeps running');
    const before = stored('local:bo');
    const deadline = before.open?.deadline?.getTime();
    before.db.close();
    expect(deadline).toBeGreaterThan(Date.now());

    const second = await exam(['--user', 'bo'], ['l', 'g 2', 'submit', 'n']);
    expect(second.code).toBe(0);
    expect(second.out).toContain('You have an exam open: continuing it.');
    expect(second.out).toContain('2 answered, 16 unanswered, 0 flagged');
    expect(second.out).toContain('Your answer: D');
    expect(second.out).toContain('16 questions are unanswered. Hand in now? (y/n)');
    expect(second.out).toContain('Not handed in: the exam goes on.');
    const after = stored('local:bo');
    expect(after.open?.deadline?.getTime()).toBe(deadline);
    after.db.close();
  });

  it('refuses a time limit outside 1 to 600 minutes and an unknown paper, naming the option', async () => {
    const bad = await exam(['--minutes', '0'], []);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--minutes');
    const paper = await exam(['--paper', 'nope'], []);
    expect(paper.code).toBe(1);
    expect(paper.err).toContain('has no paper "nope"');
  });
});
