import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.ts';
import { loadGradingDataset, splitReference } from '../../src/tutor/eval/datasets.ts';
import { adjacentAgreement, exactAgreement, pearson, quadraticWeightedKappa } from '../../src/tutor/eval/metrics.ts';
import { createTestIo } from '../cli/io.ts';
import { chatReply, startOpenAiServer, type OpenAiServer } from '../support/openai-server.ts';
import { PROMPTS_DIR } from './helpers.ts';

const DATASETS = path.resolve(import.meta.dirname, '../../../shared/datasets');
const haveDatasets = fs.existsSync(DATASETS);

describe('agreement metrics', () => {
  it('computes Pearson r', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1);
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8);
    expect(pearson([1, 1], [1, 2])).toBeNull();
  });

  it('computes quadratic-weighted kappa', () => {
    expect(quadraticWeightedKappa([0, 1, 2], [0, 1, 2], 0, 2)).toBeCloseTo(1);
    const a = [0, 0, 1, 1];
    const b = [0, 1, 1, 1];
    // weights with k=2 categories: 0 on the diagonal, 1 off it. Observed off-diagonal: 1 of 4.
    // Expected: histA (2,2), histB (1,3): off-diagonal mass = (2·3 + 2·1)/4 = 2 → kappa = 1 − 1/2 = 0.5
    expect(quadraticWeightedKappa(a, b, 0, 1)).toBeCloseTo(0.5);
    expect(quadraticWeightedKappa([5, 5], [5, 5], 0, 5)).toBeNull();
  });

  it('computes exact and within-one agreement on rounded scores', () => {
    expect(exactAgreement([1.4, 2.6, 3], [1, 3, 4])).toBeCloseTo(2 / 3);
    expect(adjacentAgreement([0, 2, 5], [1, 4, 5])).toBeCloseTo(2 / 3);
  });
});

describe('building a rubric from a reference answer', () => {
  it.each([
    ['To simulate the behaviour of portions of the desired software product.', 1],
    ['Terminal 1 and the positive terminal are separated by the gap. The bulb is in a closed path.', 2],
    ['顺序表：①将表中元素逐个放在连续的空间中；②无需额外的存储空间；③数组大小难以更改。', 4],
  ])('splits "%s" into %i points', (reference, count) => {
    expect(splitReference(reference)).toHaveLength(count);
  });
});

describe.skipIf(!haveDatasets)('loading the shared datasets in their own formats', () => {
  it.each([
    ['mohler', 'mohler-csv', 145, 5, 'score'],
    ['semeval2013-task7', 'semeval-xml', 287, 1, 'label'],
    ['sas-ads-zh', 'sas-jsonl', 311, 10, 'score'],
    ['os-llm-grader', 'os-grader-json', 80, 16, 'score'],
  ] as const)('reads %s as %s with %i answers', (folder, format, count, points, kind) => {
    const dataset = loadGradingDataset(path.join(DATASETS, folder));
    expect(dataset).toMatchObject({ format, kind });
    expect(dataset.items).toHaveLength(count);
    expect(dataset.items[0]!.question.points).toBe(points);
    for (const item of dataset.items) {
      expect(item.human).toBeGreaterThanOrEqual(0);
      expect(item.human).toBeLessThanOrEqual(item.question.points);
      expect(item.question.rubric.length).toBeGreaterThan(0);
    }
  });

  it('reads the 3-way SemEval labels and not the duplicated 2-way copy', () => {
    const dataset = loadGradingDataset(path.join(DATASETS, 'semeval2013-task7'));
    expect(dataset.items.filter((item) => item.source.startsWith('EM-inv1-45b.xml'))).toHaveLength(36);
  });

  it('names the file and row of a bad score', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'study-tutor-eval-'));
    try {
      const file = path.join(dir, 'bad.csv');
      fs.writeFileSync(file, 'id,question,desired_answer,student_answer,score_me,score_other,score_avg\n1.1,Q?,Ref.,Ans.,4,3,lots\n');
      expect(() => loadGradingDataset(file)).toThrow(`${file}: row 2: score_avg "lots" is not a number`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!haveDatasets)('tutor eval grading', () => {
  let llm: OpenAiServer;
  beforeAll(async () => {
    llm = await startOpenAiServer();
  });
  afterAll(async () => {
    await llm.close();
  });

  it('reports the fallback floor on the Mohler sample', async () => {
    const io = createTestIo({ env: { PROMPTS_DIR }, cwd: process.cwd() });
    const code = await runCli(['eval', 'grading', path.join(DATASETS, 'mohler'), '--json'], io);
    expect(code).toBe(0);
    const report = JSON.parse(io.stdout.text);
    expect(report).toMatchObject({ dataset: 'mohler', format: 'mohler-csv', grader: 'fallback', n: 145, scale: '0..5 points' });
    expect(report.gradedBy).toEqual({ llm: 0, fallback: 145 });
    expect(report.pearson).toBeGreaterThan(0.5);
    expect(report.qwk).toBeGreaterThan(0.3);
    expect(report.tokens.input).toBe(0);
  });

  it('grades with the configured LLM and counts its tokens', async () => {
    // A model that meets every point with the answer's first words as the quote.
    llm.script((request) => {
      const user = request.body.messages!.at(-1)!.content;
      const answer = /<learner_answer>\n([\s\S]*?)\n<\/learner_answer>/.exec(user)?.[1] ?? '';
      const count = Number(/\((\d+) points to judge/.exec(user)?.[1] ?? 1);
      const quote = answer.split(/\s+/).slice(0, 3).join(' ');
      return chatReply(
        {
          points: Array.from({ length: count }, (_, index) => ({ index, verdict: quote ? 'met' : 'missed', quote })),
          strengths: [],
          improvements: [],
          explanation: 'ok',
          injection_suspected: false,
        },
        { promptTokens: 400, completionTokens: 60 },
      );
    });
    const io = createTestIo({ env: { PROMPTS_DIR, OPENAI_BASE_URL: llm.url, LLM_MODEL: 'eval-model' }, cwd: process.cwd() });
    const code = await runCli(['eval', 'grading', path.join(DATASETS, 'semeval2013-task7'), '--limit', '20'], io);
    expect(code).toBe(0);
    expect(llm.chatRequests).toHaveLength(20);
    expect(io.stdout.text).toContain('20 answers, grader: llm eval-model');
    expect(io.stdout.text).toContain('Tokens: 8000 in, 1200 out (460 per answer)');
    expect(io.stdout.text).toMatch(/Pearson r: (n\/a|-?\d\.\d{3})/);
  });

  it('refuses a path without a dataset, naming it', async () => {
    const io = createTestIo({ env: { PROMPTS_DIR }, cwd: process.cwd() });
    const code = await runCli(['eval', 'grading', PROMPTS_DIR], io);
    expect(code).toBe(1);
    expect(io.stderr.text).toContain(`${PROMPTS_DIR}: no dataset file found`);
  });
});
