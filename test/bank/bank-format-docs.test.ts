import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBankFile } from '../../src/bank/load.ts';
import { BankSchema, QUESTION_TYPES, isFreeText, type Bank, type Question } from '../../src/bank/schema.ts';
import { gradeAnswer } from '../../src/grading/grade.ts';
import type { RawAnswer } from '../../src/grading/types.ts';
import { coverRubric } from '../../src/tutor/fallback-grader.ts';

/**
 * data/README.md documents the bank format with examples; every example is a question of
 * test/fixtures/banks/every-type.json, and every score the README promises is checked here, so the
 * documentation cannot drift from the schema or the grader.
 */

const FIXTURE_PATH = fileURLToPath(new URL('../fixtures/banks/every-type.json', import.meta.url));
const README_PATH = fileURLToPath(new URL('../../data/README.md', import.meta.url));

const fixtureJson = JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as { questions: Array<{ id: string }> } & Record<string, unknown>;
const fixture: Bank = BankSchema.parse(fixtureJson);
const readme = readFileSync(README_PATH, 'utf8');

/** Every ```json block of the README, parsed. */
const readmeJsonBlocks: unknown[] = [...readme.matchAll(/```json\n([\s\S]*?)\n```/gu)].map((match, index) => {
  try {
    return JSON.parse(match[1] ?? '') as unknown;
  } catch (error) {
    throw new Error(`data/README.md: JSON example ${index + 1} does not parse: ${String(error)}`);
  }
});

function isQuestionBlock(block: unknown): block is { id: string; type: string } {
  return typeof block === 'object' && block !== null && 'type' in block && 'id' in block;
}

function question(id: string): Question {
  const found = fixture.questions.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`the fixture has no question ${id}`);
  return found;
}

describe('the every-type example bank', () => {
  it('parses with the bank schema', () => {
    expect(BankSchema.safeParse(fixtureJson).success).toBe(true);
  });

  it('loads with its draft as the only warning', async () => {
    const result = await loadBankFile(FIXTURE_PATH);
    expect(result.bank).toBeDefined();
    expect(result.problems.map((problem) => [problem.severity, problem.questionId, problem.field])).toEqual([
      ['warning', 'imported-without-key', 'status'],
    ]);
  });

  it('holds every question type, both multi scoring rules, both tolerance kinds, an unordered wildcard blank and a draft', () => {
    expect(new Set(fixture.questions.map((candidate) => candidate.type))).toEqual(new Set(QUESTION_TYPES));
    const multiScoring = fixture.questions.flatMap((candidate) => (candidate.type === 'multi' ? [candidate.scoring] : []));
    expect(multiScoring.sort()).toEqual(['exam', 'fraction']);
    const toleranceKinds = fixture.questions.flatMap((candidate) => (candidate.type === 'numeric' ? [candidate.tolerance.kind] : []));
    expect(toleranceKinds.sort()).toEqual(['absolute', 'relative']);
    const blank = question('core-metrics');
    expect(blank.type === 'blank' && blank.unordered).toEqual([[0, 1]]);
    expect(blank.type === 'blank' && blank.blanks.every((entry) => entry.accept.some((accepted) => accepted.includes('*')))).toBe(true);
    expect(question('imported-without-key').status).toBe('draft');
  });
});

describe('the JSON examples in data/README.md', () => {
  const questionBlocks = readmeJsonBlocks.filter(isQuestionBlock);

  it('show every question of the example bank exactly once', () => {
    expect(questionBlocks.map((block) => block.id).sort()).toEqual(fixtureJson.questions.map((entry) => entry.id).sort());
  });

  it.each(questionBlocks.map((block) => [block.id, block] as const))('show %s exactly as the example bank holds it', (id, block) => {
    expect(block).toEqual(fixtureJson.questions.find((entry) => entry.id === id));
  });

  it('show the bank-level fields exactly as the example bank holds them', () => {
    const bankBlock = readmeJsonBlocks.find((block) => typeof block === 'object' && block !== null && 'questions' in block);
    expect(bankBlock).toEqual({ ...fixtureJson, questions: [] });
  });

  it('name every question type in a heading', () => {
    for (const type of QUESTION_TYPES) expect(readme).toMatch(new RegExp(`^### .*\`${type}\``, 'mu'));
  });
});

/** Each row: a question of the example bank, an answer as the README shows it, the score the README promises. */
const promisedScores: Array<[string, RawAnswer, number]> = [
  // choice: the typing variants of the grading table.
  ...['C', 'c', 'Ｃ', 'C.', '(C)', '（C）', '选C', '答案是 C', '我选C', 'The answer is C', 'C. TPU', 'TPU'].map(
    (answer) => ['hardware-tpu', answer, 2] as [string, RawAnswer, number],
  ),
  ['hardware-tpu', 'A', 0],
  // multi, exam scoring: "ABD scores 4, AB scores 2, ABC scores 0", in any of the typed forms.
  ...['ABD', 'A,B,D', 'A、B、D', 'a d b', 'A和B和D'].map((answer) => ['memory-savers', answer, 4] as [string, RawAnswer, number]),
  ['memory-savers', 'AB', 2],
  ['memory-savers', 'ABC', 0],
  // multi, fraction scoring: "AB scores 2, A scores 1, ABC scores 1, AC and ABCD score 0".
  ['inference-engines', 'AB', 2],
  ['inference-engines', 'A', 1],
  ['inference-engines', 'ABC', 1],
  ['inference-engines', 'AC', 0],
  ['inference-engines', 'ABCD', 0],
  // truefalse: the key is false.
  ...['错', '错误', '×', 'F', 'false', 'no', '否', 'wrong'].map((answer) => ['int8-parameter-count', answer, 1] as [string, RawAnswer, number]),
  ...['对', '正确', '√', 'T', 'true', 'yes', '是', 'right'].map((answer) => ['int8-parameter-count', answer, 0] as [string, RawAnswer, number]),
  // numeric, absolute tolerance 0.5 around 40.
  ...['40', '４０', '40.0', '约40', '40 images/s', '40.5', '39.5'].map((answer) => ['latency-to-throughput', answer, 2] as [string, RawAnswer, number]),
  ['latency-to-throughput', '41', 0],
  ['latency-to-throughput', '25', 0],
  // numeric, relative tolerance 5% around 14: "13.3 to 14.7 are accepted".
  ...['14', '14 GB', '13.3', '14.7', '14,0', '1.4e1', '1.4×10^1'].map((answer) => ['fp16-weight-size', answer, 2] as [string, RawAnswer, number]),
  ['fp16-weight-size', '13.2', 0],
  ['fp16-weight-size', '28', 0],
  // blank: separators, either order, wildcards, English and Chinese, a skipped blank.
  ...(
    [
      'latency; throughput',
      'throughput; latency',
      '延迟；吞吐量',
      '吞吐量|延迟',
      'Latency\nQPS',
      '延迟 吞吐量',
      '端到端延迟时间; 吞吐量',
      'p99 latency; throughput',
      ['throughput', 'latency'],
    ] as RawAnswer[]
  ).map((answer) => ['core-metrics', answer, 2] as [string, RawAnswer, number]),
  ['core-metrics', 'latency;', 1],
  ['core-metrics', 'latency; accuracy', 1],
  ['core-metrics', 'accuracy; recall', 0],
];

describe('the scores data/README.md promises for its examples', () => {
  it.each(promisedScores.map(([id, answer, score]) => [id, JSON.stringify(answer), score, answer] as const))(
    '%s scores %s as %d',
    (id, _shown, score, answer) => {
      const result = gradeAnswer(question(id), answer);
      expect(result.status, JSON.stringify(result)).toBe('graded');
      expect(result.score).toBe(score);
    },
  );

  const unreadable: Array<[string, RawAnswer, string]> = [
    ['hardware-tpu', 'E', 'no-valid-option'],
    ['hardware-tpu', '   ', 'empty'],
    ['hardware-tpu', '\u200B\u200B', 'empty'],
    ['int8-parameter-count', 'maybe', 'not-true-false'],
    ['latency-to-throughput', 'forty', 'not-a-number'],
    ['core-metrics', 'latency; throughput; accuracy', 'blank-count'],
    ['batching-trade-off', 'x'.repeat(1501), 'too-long'],
  ];

  it.each(unreadable.map(([id, answer, code]) => [id, JSON.stringify(answer).slice(0, 40), code, answer] as const))(
    '%s treats %s as unreadable (%s) instead of wrong',
    (id, _shown, code, answer) => {
      const result = gradeAnswer(question(id), answer);
      expect(result.status).toBe('invalid');
      if (result.status === 'invalid') expect(result.reason.code).toBe(code);
    },
  );

  it.each(fixture.questions.filter(isFreeText).map((entry) => entry.id))(
    '%s: the model answer meets every rubric point under the keyword fallback, as the README asks authors to check',
    (id) => {
      const entry = question(id);
      if (!isFreeText(entry)) throw new Error(`${id} is not a written-answer question`);
      expect(gradeAnswer(entry, entry.reference).status).toBe('needs-feedback');
      expect(coverRubric(entry, entry.reference).map((verdict) => verdict.verdict)).toEqual(entry.rubric.map(() => 'met'));
    },
  );
});
