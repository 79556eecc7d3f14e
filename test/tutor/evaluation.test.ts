import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.ts';
import { agreement, assignFolds, bootstrapMargin, referenceOverlap } from '../../src/tutor/eval/cross-validate.ts';
import { loadGradingDataset, splitReference } from '../../src/tutor/eval/datasets.ts';
import { adjacentAgreement, exactAgreement, pearson, quadraticWeightedKappa } from '../../src/tutor/eval/metrics.ts';
import { createTestIo } from '../cli/io.ts';
import { chatReply, startOpenAiServer, type OpenAiServer } from '../support/openai-server.ts';
import { PROMPTS_DIR } from './helpers.ts';

/** Tiny sets in each published format, written for these tests (see fixtures/eval/README.md). */
const FIXTURES = path.resolve(import.meta.dirname, 'fixtures/eval');

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
    // An item number or a decimal is no sentence of its own.
    ['1.使得任何节点都有前驱节点，操作一致。2.统一空表和非空表的处理。', 2],
    ['It takes 9.5 time units. Process 0 runs first.', 2],
  ])('splits "%s" into %i points', (reference, count) => {
    expect(splitReference(reference)).toHaveLength(count);
  });
});

describe('loading human-scored sets in their published formats', () => {
  it.each([
    ['mohler', 'mohler-csv', 8, 5, 'score'],
    ['semeval', 'semeval-xml', 4, 1, 'label'],
    ['sas', 'sas-jsonl', 7, 10, 'score'],
    ['os', 'os-grader-json', 6, 4, 'score'],
  ] as const)('reads %s as %s with %i answers', (folder, format, count, points, kind) => {
    const dataset = loadGradingDataset(path.join(FIXTURES, folder));
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
    const dataset = loadGradingDataset(path.join(FIXTURES, 'semeval'));
    expect(dataset.items.map((item) => item.source)).toEqual(['BULB-1.xml#BULB-1.s1', 'BULB-1.xml#BULB-1.s2', 'BULB-1.xml#BULB-1.s3', 'BULB-1.xml#BULB-1.s4']);
    expect(dataset.items.map((item) => item.human)).toEqual([1, 1, 0, 0]);
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

describe('question-level cross-validation of the evidence grader', () => {
  it('puts every answer of a question in the same fold', () => {
    const dataset = loadGradingDataset(path.join(FIXTURES, 'mohler'));
    const folds = assignFolds(dataset.items, 2);
    const byQuestion = new Map<string, Set<number>>();
    dataset.items.forEach((item, index) => byQuestion.set(item.question.id, new Set([...(byQuestion.get(item.question.id) ?? []), folds[index]!])));
    expect([...byQuestion.values()].map((set) => set.size)).toEqual([1, 1]);
    expect(new Set(folds).size).toBe(2);
  });

  it('computes within-question Pearson per question and pooled Pearson over all', () => {
    const dataset = loadGradingDataset(path.join(FIXTURES, 'sas'));
    // Perfect order inside each question, but question 2 sits lower: within-question r is 1, pooled is not.
    const scores = dataset.items.map((item) => item.human / 10 + (item.question.id.endsWith('q2') ? -0.9 : 0));
    const figures = agreement(dataset.items, scores);
    expect(figures.withinQuestion).toBeCloseTo(1);
    expect(figures.questionsMeasured).toBe(2);
    expect(figures.pooled!).toBeLessThan(0.9);
  });

  it('puts a resampled 95% interval around the margin over the baseline, the same on every run', () => {
    const dataset = loadGradingDataset(path.join(FIXTURES, 'sas'));
    const perfect = dataset.items.map((item) => item.human);
    const noisy = dataset.items.map((item, index) => item.human + (index % 2 === 0 ? 3 : -3));
    const margin = bootstrapMargin(dataset.items, perfect, noisy, 200);
    expect(margin.resamples).toBe(200);
    expect(margin.pooled.difference!).toBeGreaterThan(0);
    expect(margin.pooled.low!).toBeLessThanOrEqual(margin.pooled.difference!);
    expect(margin.pooled.high!).toBeGreaterThanOrEqual(margin.pooled.difference!);
    expect(bootstrapMargin(dataset.items, perfect, noisy, 200)).toEqual(margin);
    // Against itself the margin is nothing, on every resample.
    expect(bootstrapMargin(dataset.items, noisy, noisy, 50).pooled).toEqual({ difference: 0, low: 0, high: 0 });
  });

  it('measures plain overlap with the reference as the baseline', () => {
    // stack, pop, last, item, push: all but `stack` (stems: popped → pop).
    expect(referenceOverlap('A stack pops the last item pushed.', 'The last item pushed is popped.')).toBeCloseTo(4 / 5);
    expect(referenceOverlap('栈是后进先出的线性表', '后进先出')).toBeGreaterThan(0);
    expect(referenceOverlap('栈是后进先出的线性表', '不知道')).toBe(0);
  });

  it('reports the cross-validated grader, its defaults and the baseline from npm run eval -- <path> --folds k', async () => {
    const io = createTestIo({ env: { PROMPTS_DIR }, cwd: process.cwd() });
    const code = await runCli(['eval', 'grading', path.join(FIXTURES, 'mohler'), '--folds', '2', '--json'], io);
    expect(code).toBe(0);
    const report = JSON.parse(io.stdout.text);
    expect(report).toMatchObject({ dataset: 'mohler', answers: 8, questions: 2, folds: 2 });
    expect(report.chosenThresholds).toHaveLength(2);
    for (const key of ['fallbackCrossValidated', 'fallbackDefaults', 'overlapBaseline']) {
      expect(report[key].pooled).toBeGreaterThan(0.5);
      expect(report[key].questionsMeasured).toBe(2);
    }
    const text = createTestIo({ env: { PROMPTS_DIR }, cwd: process.cwd() });
    await runCli(['eval', 'grading', path.join(FIXTURES, 'sas'), '--folds', '2'], text);
    expect(text.stdout.text).toContain('2-fold cross-validation by question');
    expect(text.stdout.text).toContain('reference overlap (baseline)');
    expect(text.stdout.text).toMatch(/margin over the baseline\s+[+-]\d\.\d{3} \[[+-]\d\.\d{3}, [+-]\d\.\d{3}\]/);
  });

  it('refuses fewer than two folds', async () => {
    const io = createTestIo({ env: { PROMPTS_DIR }, cwd: process.cwd() });
    expect(await runCli(['eval', 'grading', path.join(FIXTURES, 'mohler'), '--folds', '1'], io)).toBe(2);
    expect(io.stderr.text).toContain('--folds must be a whole number of at least 2');
  });
});

describe('tutor eval grading', () => {
  let llm: OpenAiServer;
  beforeAll(async () => {
    llm = await startOpenAiServer();
  });
  afterAll(async () => {
    await llm.close();
  });

  it('reports the fallback on a small Mohler-format set', async () => {
    const io = createTestIo({ env: { PROMPTS_DIR }, cwd: process.cwd() });
    const code = await runCli(['eval', 'grading', path.join(FIXTURES, 'mohler'), '--json'], io);
    expect(code).toBe(0);
    const report = JSON.parse(io.stdout.text);
    expect(report).toMatchObject({ dataset: 'mohler', format: 'mohler-csv', grader: 'fallback', n: 8, scale: '0..5 points' });
    expect(report.gradedBy).toEqual({ llm: 0, fallback: 8 });
    expect(report.pearson).toBeGreaterThan(0.5);
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
    const code = await runCli(['eval', 'grading', path.join(FIXTURES, 'semeval'), '--limit', '4'], io);
    expect(code).toBe(0);
    expect(llm.chatRequests).toHaveLength(4);
    expect(io.stdout.text).toContain('4 answers, grader: llm eval-model');
    expect(io.stdout.text).toContain('Tokens: 1600 in, 240 out (460 per answer)');
    expect(io.stdout.text).toMatch(/Pearson r: (n\/a|-?\d\.\d{3})/);
  });

  it('refuses a path without a dataset, naming it', async () => {
    const io = createTestIo({ env: { PROMPTS_DIR }, cwd: process.cwd() });
    const code = await runCli(['eval', 'grading', PROMPTS_DIR], io);
    expect(code).toBe(1);
    expect(io.stderr.text).toContain(`${PROMPTS_DIR}: no dataset file found`);
  });
});
