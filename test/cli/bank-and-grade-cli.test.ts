import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.ts';
import { gradeCommand } from '../../src/cli/grade.ts';
import { displayWidth } from '../../src/messages/format.ts';
import { writeTempBanks } from '../support/temp-banks.ts';
import { createTestIo, type TestIo } from './io.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

function testBank(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'cli-bank',
    title: 'CLI test bank',
    language: 'zh-CN',
    source: 'written for the tests',
    sections: [{ title: '一、选择题', questionIds: ['choice-1', 'multi-1'] }],
    questions: [
      {
        id: 'choice-1',
        type: 'choice',
        stem: '以下哪种硬件设备通常专门设计用于加速AI模型的推理计算？',
        points: 2,
        analysis: 'TPU 专为张量运算设计。',
        options: [
          { key: 'A', text: '中央处理器（CPU）' },
          { key: 'B', text: '图形处理器（GPU）' },
          { key: 'C', text: '张量处理器（TPU）' },
          { key: 'D', text: '神经形态芯片' },
        ],
        answer: 'C',
      },
      {
        id: 'multi-1',
        type: 'multi',
        stem: '哪些方法能减小模型体积？',
        points: 4,
        analysis: '量化、剪枝和蒸馏。',
        options: [
          { key: 'A', text: '量化' },
          { key: 'B', text: '剪枝' },
          { key: 'C', text: '加大批次' },
          { key: 'D', text: '蒸馏' },
        ],
        answer: ['A', 'B', 'D'],
      },
      {
        id: 'blank-6',
        type: 'blank',
        stem: '衡量模型推理性能的两个核心指标是______和______。',
        points: 4,
        analysis: '延迟与吞吐量，顺序不限。',
        blanks: [{ accept: ['延迟', 'latency'] }, { accept: ['吞吐量', 'throughput'] }],
        unordered: [[0, 1]],
      },
      {
        id: 'short-1',
        type: 'short',
        stem: '简述剪枝与量化的区别。',
        points: 10,
        analysis: '剪枝减少参数，量化降低位数。',
        reference: '剪枝移除不重要的权重；量化用更少的位表示权重。',
        rubric: [
          { point: '剪枝减少参数', points: 5 },
          { point: '量化降低精度', points: 5 },
        ],
      },
      {
        id: 'draft-1',
        type: 'choice',
        status: 'draft',
        stem: '哪种方法最快？',
        points: 2,
        analysis: '',
        options: [
          { key: 'A', text: '量化' },
          { key: 'B', text: '加层' },
        ],
        answer: '',
      },
    ],
    ...overrides,
  };
}

describe('tutor bank check, bank show and grade', () => {
  let dir: string;
  let banksDir: string;

  beforeEach(() => {
    ({ dir, banksDir } = writeTempBanks('tutor-cli-', [testBank()]));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function tutor(...args: string[]): Promise<{ code: number; io: TestIo }> {
    const io = createTestIo({ env: { BANKS_DIR: 'banks' }, cwd: dir });
    const code = await runCli(args, io);
    return { code, io };
  }

  describe('bank check', () => {
    it('passes the banks folder from BANKS_DIR, listing drafts as warnings, with exit code 0', async () => {
      const { code, io } = await tutor('bank', 'check');
      expect(io.stdout.text).toBe(
        [
          'ok cli-bank: 5 questions (2 choice, 1 multi, 1 blank, 1 short), 22 points',
          'warning: banks/cli-bank.json › draft-1 › status: draft (answer: no answer key): not served until it is completed and marked ready',
          'Checked 1 file: 1 bank valid, no errors, 1 warning.',
          '',
        ].join('\n'),
      );
      expect(code).toBe(0);
    });

    it('prints every problem as file › question id › field: message and exits 1', async () => {
      const broken = testBank({ id: 'broken-bank', sections: undefined });
      const questions = broken.questions as Array<Record<string, unknown>>;
      Object.assign(questions[0] ?? {}, { answer: 'E' });
      Object.assign(questions[2] ?? {}, { stem: '只有一个空______。' });
      Object.assign(questions[3] ?? {}, { rubric: [{ point: '剪枝减少参数', points: 5 }] });
      fs.writeFileSync(path.join(dir, 'broken.json'), JSON.stringify(broken));
      fs.writeFileSync(path.join(dir, 'syntax.json'), '{\n  "id": "x",\n  oops\n}');

      const { code, io } = await tutor('bank', 'check', 'broken.json', 'syntax.json', 'banks/cli-bank.json');
      const out = io.stdout.text.split('\n');
      expect(out).toContain('broken.json › choice-1 › answer: "E" is not one of the options (A, B, C, D)');
      expect(out).toContain('broken.json › blank-6 › blanks: the stem has 1 blank (runs of underscores such as ______) but "blanks" lists 2');
      expect(out).toContain('broken.json › short-1 › rubric: the rubric points add up to 5 but the question is worth 10 points');
      expect(out).toContain('syntax.json › line 3, column 3: invalid JSON: Expected double-quoted property name');
      expect(out).toContain('ok cli-bank: 5 questions (2 choice, 1 multi, 1 blank, 1 short), 22 points');
      expect(out).toContain('Checked 3 files: 1 bank valid, 4 errors in 2 files, 2 warnings.');
      expect(code).toBe(1);
    });

    it('checks every bank in a folder named on the command line, and says when a folder holds none', async () => {
      fs.mkdirSync(path.join(dir, 'empty'));
      const { code, io } = await tutor('bank', 'check', 'banks', 'empty');
      expect(io.stdout.text.split('\n')).toEqual([
        'ok cli-bank: 5 questions (2 choice, 1 multi, 1 blank, 1 short), 22 points',
        'warning: empty › (folder): no bank files (*.json)',
        'warning: banks/cli-bank.json › draft-1 › status: draft (answer: no answer key): not served until it is completed and marked ready',
        'Checked 1 file: 1 bank valid, no errors, 2 warnings.',
        '',
      ]);
      expect(code).toBe(0);
    });

    it('fails when the banks folder does not exist', async () => {
      const io = createTestIo({ env: { BANKS_DIR: 'missing' }, cwd: dir });
      expect(await runCli(['bank', 'check'], io)).toBe(1);
      expect(io.stdout.text).toContain('missing › (folder): no such file or folder');
    });
  });

  describe('bank show', () => {
    it('lists the questions by section with their keys, marking drafts, in columns aligned for Chinese text', async () => {
      const { code, io } = await tutor('bank', 'show', 'cli-bank');
      expect(code).toBe(0);
      const lines = io.stdout.text.split('\n');
      // Cells are separated by runs of spaces: compare the words, then the alignment.
      expect(lines.map((line) => line.replace(/ {2,}/g, '  '))).toEqual([
        'cli-bank: CLI test bank',
        '  zh-CN, 5 questions (2 choice, 1 multi, 1 blank, 1 short), 22 points',
        '  Source: written for the tests',
        '  Topics: none (no question names a topic)',
        '',
        '一、选择题',
        '  choice-1  choice  2 points  以下哪种硬件设备通常专门设计用于加速AI模型的推理计算？  → C',
        '  multi-1  multi  4 points  哪些方法能减小模型体积？  → ABD',
        '',
        'Other questions',
        '  blank-6  blank  4 points  衡量模型推理性能的两个核心指标是______和______。  → 延迟; 吞吐量',
        '  short-1  short  10 points  简述剪枝与量化的区别。  → rubric: 2 marking points',
        '  draft-1  choice  2 points [draft]  哪种方法最快？  → (no key)',
        '',
      ]);
      const questionLines = lines.filter((line) => line.includes('→'));
      const arrowColumns = questionLines.map((line) => displayWidth(line.slice(0, line.indexOf('→'))));
      expect(new Set(arrowColumns).size).toBe(1);
      const stemColumns = questionLines.map((line) => displayWidth(line.slice(0, line.search(/\p{Script=Han}/u))));
      expect(new Set(stemColumns).size).toBe(1);
    });

    it('prints the whole bank as JSON with --json', async () => {
      const { code, io } = await tutor('bank', 'show', 'cli-bank', '--json');
      expect(code).toBe(0);
      const bank = JSON.parse(io.stdout.text) as { id: string; questions: Array<{ id: string; scoring?: string }> };
      expect(bank.id).toBe('cli-bank');
      expect(bank.questions.map((question) => question.id)).toEqual(['choice-1', 'multi-1', 'blank-6', 'short-1', 'draft-1']);
      expect(bank.questions[1]?.scoring).toBe('exam');
    });

    it('names the banks there are when the id is unknown', async () => {
      const { code, io } = await tutor('bank', 'show', 'nope');
      expect(code).toBe(1);
      expect(io.stderr.text).toBe('No bank has the id "nope". Banks: cli-bank.\n');
    });
  });

  describe('grade', () => {
    it('grades a choice typed as a learner would and prints the verdict, score and key', async () => {
      const { code, io } = await tutor('grade', '--bank', 'cli-bank', '--question', 'choice-1', '--answer', '答案是（Ｃ）');
      expect(code).toBe(0);
      expect(io.stdout.text).toBe('Correct: 2/2 points\nYour answer: C\nExpected: C\n');
    });

    it('prints the result object with --json', async () => {
      const { io } = await tutor('grade', '--bank', 'cli-bank', '--question', 'multi-1', '--answer', 'a、b', '--json');
      const result = JSON.parse(io.stdout.text) as Record<string, unknown>;
      expect(result).toMatchObject({ status: 'graded', score: 2, maxScore: 4, correct: false, normalizedAnswer: 'AB', expected: 'ABD' });
    });

    it('shows each part of a multi or blank answer', async () => {
      const { io } = await tutor('grade', '--bank', 'cli-bank', '--question', 'multi-1', '--answer', 'ABC');
      expect(io.stdout.text).toBe(
        [
          'Wrong: 0/4 points',
          '  A   correct A  0/1.33',
          '  B   correct B  0/1.33',
          '  C   wrong   C  0/0',
          '  D   missed  (no answer)  0/1.33  expected: D',
          'Your answer: ABC',
          'Expected: ABD',
          '',
        ].join('\n'),
      );
    });

    it('takes one --answer per blank, in any order for an unordered group', async () => {
      const { io } = await tutor('grade', '--bank', 'cli-bank', '--question', 'blank-6', '--answer', 'throughput', '--answer', '延迟', '--json');
      expect(JSON.parse(io.stdout.text)).toMatchObject({ status: 'graded', score: 4, maxScore: 4, normalizedAnswer: 'throughput | 延迟' });
    });

    it('splits a single --answer for several blanks like a typed answer', async () => {
      const { io } = await tutor('grade', '--bank', 'cli-bank', '--question', 'blank-6', '--answer', '延迟；带宽');
      expect(io.stdout.text).toBe(
        [
          'Partly right: 2/4 points',
          '  1   correct 延迟  2/2',
          '  2   wrong   带宽  0/2  expected: 吞吐量',
          'Your answer: 延迟 | 带宽',
          'Expected: 延迟; 吞吐量',
          '',
        ].join('\n'),
      );
    });

    it.each([
      ['an empty answer', 'choice-1', '\u200B ', 'empty'],
      ['a choice naming no option', 'choice-1', 'E', 'no-valid-option'],
      ['a blank answer with too few parts', 'blank-6', '延迟', 'blank-count'],
    ])('reports %s as invalid, not wrong', async (_label, questionId, answer, code) => {
      const { io } = await tutor('grade', '--bank', 'cli-bank', '--question', questionId, '--answer', answer, '--json');
      expect(JSON.parse(io.stdout.text)).toMatchObject({ status: 'invalid', score: 0, reason: { code } });
      const human = await tutor('grade', '--bank', 'cli-bank', '--question', questionId, '--answer', answer);
      expect(human.io.stdout.text).toMatch(new RegExp(`^Not graded \\(${code}\\): `));
    });

    it('uses ANSWER_MAX_LENGTH as the length limit', async () => {
      const io = createTestIo({ env: { BANKS_DIR: 'banks', ANSWER_MAX_LENGTH: '5' }, cwd: dir });
      await runCli(['grade', '--bank', 'cli-bank', '--question', 'choice-1', '--answer', 'C. 张量处理器', '--json'], io);
      expect(JSON.parse(io.stdout.text)).toMatchObject({ status: 'invalid', reason: { code: 'too-long' } });
    });

    it('hands a short answer on as needs-feedback, within its points', async () => {
      // No LLM is configured here, so the tutor's labelled fallback grades it (see src/tutor).
      const io = createTestIo({ env: { BANKS_DIR: 'banks', PROMPTS_DIR: path.join(repoRoot, 'prompts') }, cwd: dir });
      const code = await runCli(['grade', '--bank', 'cli-bank', '--question', 'short-1', '--answer', '剪枝\u200B减少参数', '--json'], io);
      expect(code).toBe(0);
      const result = JSON.parse(io.stdout.text) as { status: string; maxScore: number; score: number; normalizedAnswer: string };
      expect(result).toMatchObject({ status: 'needs-feedback', questionType: 'short', maxScore: 10, normalizedAnswer: '剪枝减少参数' });
      expect(result.score).toBeGreaterThanOrEqual(0);
      expect(result.score).toBeLessThanOrEqual(10);
    });

    it('grades against a bank file named by path, as after an import', async () => {
      const { io } = await tutor('grade', '--bank', 'banks/cli-bank.json', '--question', 'choice-1', '--answer', 'B', '--json');
      expect(JSON.parse(io.stdout.text)).toMatchObject({ status: 'graded', score: 0, expected: 'C' });
    });

    it.each([
      [['--bank', 'cli-bank', '--question', 'nope', '--answer', 'C'], 1, 'Bank "cli-bank" has no question "nope". Questions: choice-1, multi-1, blank-6, short-1, draft-1.\n'],
      [['--bank', 'cli-bank', '--question', 'draft-1', '--answer', 'A'], 1, 'Question "draft-1" is a draft: complete its answer key and remove "status": "draft" first.\n'],
      [['--bank', 'nope', '--question', 'choice-1', '--answer', 'C'], 1, 'No bank has the id "nope". Banks: cli-bank.\n'],
      [['--bank', 'cli-bank', '--question', 'choice-1'], 2, `Missing --answer.\nUsage: tutor ${gradeCommand.usage}\n`],
    ])('refuses %j with exit code %d and a plain message', async (args, expectedCode, message) => {
      const { code, io } = await tutor('grade', ...args);
      expect(code).toBe(expectedCode);
      expect(io.stderr.text).toBe(message);
      expect(io.stdout.text).toBe('');
    });
  });

  it('runs as a real process: bank check exits 1 and prints the problem for a broken bank', async () => {
    fs.writeFileSync(path.join(banksDir, 'zz-broken.json'), JSON.stringify(testBank({ id: 'other', sections: [{ title: 'x', questionIds: ['ghost'] }] })));
    const failure = await run(process.execPath, [path.join(repoRoot, 'bin/tutor.js'), 'bank', 'check'], {
      cwd: dir,
      env: { ...process.env, BANKS_DIR: 'banks' },
    }).then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toContain('banks/zz-broken.json › sections[0].questionIds[0]: no question has the id "ghost"\n');
  });

  it('runs as a real process: bank check passes on the shipped data/banks', async () => {
    const { stdout } = await run(process.execPath, [path.join(repoRoot, 'bin/tutor.js'), 'bank', 'check'], {
      cwd: repoRoot,
      env: { ...process.env, BANKS_DIR: 'data/banks' },
    });
    expect(stdout).toMatch(/, no errors[,.]/);
  });
});
