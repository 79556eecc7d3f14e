import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkBankValue, loadBankFile } from '../../src/bank/load.ts';
import { acceptedText, BankSchema, QUESTION_TYPES, isFreeText, type Bank, type Question } from '../../src/bank/schema.ts';
import { gradeAnswer } from '../../src/grading/grade.ts';
import { parseNumber } from '../../src/grading/numeric.ts';
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
    expect(blank.type === 'blank' && blank.blanks.every((entry) => entry.accept.some((accepted) => acceptedText(accepted).includes('*')))).toBe(true);
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
  // choice: the typing variants of the grading table, and the option's name or abbreviation alone.
  ...['C', 'c', 'Ｃ', 'C.', '(C)', '（C）', '选C', '答案是 C', '我选C', 'The answer is C', 'C. TPU', 'Tensor Processing Unit (TPU)', 'TPU', 'Tensor Processing Unit'].map(
    (answer) => ['hardware-tpu', answer, 2] as [string, RawAnswer, number],
  ),
  ['hardware-tpu', 'A', 0],
  // multi, exam scoring: "ABD scores 4, AB scores 2, ABC scores 0", in any of the typed forms.
  ...['ABD', 'A,B,D', 'A、B、D', 'a d b', 'A和B和D'].map((answer) => ['memory-savers', answer, 4] as [string, RawAnswer, number]),
  ['memory-savers', 'INT8 quantization; Structured pruning\nDistilling into a smaller student model', 4],
  ['memory-savers', 'AB', 2],
  ['memory-savers', 'A and B', 2],
  ['memory-savers', 'INT8 quantization, Structured pruning', 2],
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
  ...['40', '４０', '40.0', '约40', 'about 40', '40 images/s', '40images/s', '40.5', '39.5'].map((answer) => ['latency-to-throughput', answer, 2] as [string, RawAnswer, number]),
  ['latency-to-throughput', '41', 0],
  ['latency-to-throughput', '25', 0],
  // numeric, relative tolerance 5% around 14: "13.3 to 14.7 are accepted".
  ...['14', '14 GB', '13.3', '14.7', '14,0', '1.4e1', '1.4×10^1', '1.4×10¹'].map((answer) => ['fp16-weight-size', answer, 2] as [string, RawAnswer, number]),
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
      '延迟、吞吐量',
      'latency, throughput',
      '延迟;吞吐量;',
      'lat ency; through put',
      '端到端延迟时间; 吞吐量',
      'p99 latency; throughput',
      ['throughput', 'latency'],
    ] as RawAnswer[]
  ).map((answer) => ['core-metrics', answer, 2] as [string, RawAnswer, number]),
  ['core-metrics', 'latency;', 1],
  ['core-metrics', ';吞吐量', 1],
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
    ['hardware-tpu', 'AC', 'too-many-options'],
    ['hardware-tpu', 'A or C', 'too-many-options'],
    ['hardware-tpu', 'C. CPU', 'too-many-options'],
    ['hardware-tpu', '   ', 'empty'],
    ['hardware-tpu', '\u200B\u200B', 'empty'],
    ['int8-parameter-count', 'maybe', 'not-true-false'],
    ['latency-to-throughput', 'forty', 'not-a-number'],
    ['latency-to-throughput', '40 40', 'not-a-number'],
    ['latency-to-throughput', '40 ms', 'not-a-number'],
    ['core-metrics', 'latency; throughput; accuracy', 'blank-count'],
    ['core-metrics', '延迟', 'blank-count'],
    ['core-metrics', 'latency;;throughput', 'blank-count'],
    ['core-metrics', 'p99 latency throughput', 'blank-count'],
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

  it('names neither option by a name two options share, but still the abbreviation only one has', () => {
    const original = question('hardware-tpu');
    if (original.type !== 'choice') throw new Error('hardware-tpu is not a choice question');
    const shared: Question = {
      ...original,
      options: original.options.map((option) => (option.key === 'D' ? { ...option, text: 'Tensor Processing Unit (NPU)' } : option)),
    };
    const byName = gradeAnswer(shared, 'Tensor Processing Unit');
    expect(byName.status === 'invalid' && byName.reason.code).toBe('no-valid-option');
    expect(gradeAnswer(shared, 'TPU').score).toBe(2);
  });

  it('shows a partial exam-scored multi answer with display shares that do not add up to its score', () => {
    const result = gradeAnswer(question('memory-savers'), 'AB');
    expect(result.status === 'graded' && result.parts.map((part) => [part.part, part.score, part.maxScore])).toEqual([
      ['A', 0.67, 1.33],
      ['B', 0.67, 1.33],
      ['D', 0, 1.33],
    ]);
    expect(result.score).toBe(2);
  });

  it.each([
    ['1,500', 1500],
    ['1,500,000', 1_500_000],
    ['1 500', 1500],
    ['3,5', 3.5],
    ['1.5e6', 1_500_000],
    ['1.5×10^6', 1_500_000],
    ['1.5×10⁶', 1_500_000],
    ['40 40', undefined],
  ] as const)('reads the typed number %s as %s', (typed, value) => {
    expect(parseNumber(typed)).toBe(value);
  });

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

/** The example bank as plain JSON, for edits that break one rule. */
type EditableBank = { sections: Array<Record<string, unknown>>; questions: EditableQuestion[] };
type EditableQuestion = Record<string, unknown> & { id: string; options: Array<Record<string, unknown>>; blanks: Array<{ accept: string[] }> };

describe('the validation rules data/README.md lists', () => {
  const inQuestion = (id: string, change: (entry: EditableQuestion) => void) => (bank: EditableBank) => {
    const entry = bank.questions.find((candidate) => candidate.id === id);
    if (!entry) throw new Error(`the fixture has no question ${id}`);
    change(entry);
  };
  const rules: Array<[string, (bank: EditableBank) => void, string]> = [
    ['an option without a fraction under fraction scoring', inQuestion('inference-engines', (entry) => delete entry.options[3]?.fraction), 'error inference-engines options[3].fraction'],
    ['an empty analysis on a ready question', inQuestion('int8-parameter-count', (entry) => (entry.analysis = ' ')), 'error int8-parameter-count analysis'],
    ["points that differ from the section's pointsEach", (bank) => void ((bank.sections[1] ?? {}).pointsEach = 6), 'error choosing-techniques points'],
    ['a misspelt field', inQuestion('memory-savers', (entry) => (entry.partialcredit = 1)), 'warning memory-savers partialcredit'],
    ['two options with the same text', inQuestion('hardware-tpu', (entry) => ((entry.options[3] ?? {}).text = 'cpu')), 'warning hardware-tpu options[3].text'],
    ['an accepted answer holding a separator', inQuestion('core-metrics', (entry) => entry.blanks[0]?.accept.push('latency | delay')), 'warning core-metrics blanks[0].accept[5]'],
    ['a relative tolerance around 0', inQuestion('fp16-weight-size', (entry) => (entry.answer = 0)), 'warning fp16-weight-size tolerance'],
  ];

  it.each(rules)('reports %s', (_rule, change, expected) => {
    const bank = structuredClone(fixtureJson) as unknown as EditableBank;
    change(bank);
    const problems = checkBankValue(bank, 'bank.json').problems.filter((problem) => problem.questionId !== 'imported-without-key');
    expect(problems.map((problem) => `${problem.severity} ${problem.questionId ?? '-'} ${problem.field}`)).toEqual([expected]);
  });
});
