import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkBankValue, loadBankDirectory, loadBankFile, parseBankText } from '../../src/bank/load.ts';
import { formatProblem, validateBank } from '../../src/bank/validate.ts';

/** A small valid bank with one question of each kind the rules look at; tests break one thing at a time. */
function validBank(): Record<string, unknown> & { questions: Array<Record<string, unknown>>; sections?: unknown[] } {
  return {
    id: 'rules-bank',
    title: 'Rules bank',
    language: 'zh-CN',
    source: 'written for the tests',
    sections: [{ title: '一、选择题', questionIds: ['q-choice', 'q-multi'], pointsEach: 2 }],
    questions: [
      {
        id: 'q-choice',
        type: 'choice',
        stem: '哪种硬件专为张量运算设计？',
        points: 2,
        analysis: 'TPU。',
        options: [
          { key: 'A', text: 'CPU' },
          { key: 'B', text: 'GPU' },
          { key: 'C', text: 'TPU' },
          { key: 'D', text: 'FPGA' },
        ],
        answer: 'C',
      },
      {
        id: 'q-multi',
        type: 'multi',
        stem: '哪些方法能减小模型？',
        points: 2,
        analysis: '量化和剪枝。',
        options: [
          { key: 'A', text: '量化' },
          { key: 'B', text: '剪枝' },
          { key: 'C', text: '加大批次' },
          { key: 'D', text: '数据增强' },
        ],
        answer: ['A', 'B'],
      },
      {
        id: 'q-blank',
        type: 'blank',
        stem: '降低______和提高______。',
        points: 4,
        analysis: '延迟与吞吐量。',
        blanks: [{ accept: ['延迟'] }, { accept: ['吞吐量'] }],
      },
      {
        id: 'q-short',
        type: 'short',
        stem: '简述剪枝。',
        points: 10,
        analysis: '剪枝移除不重要的权重。',
        reference: '剪枝移除不重要的权重或结构。',
        rubric: [
          { point: '移除权重', points: 5 },
          { point: '需要微调', points: 5 },
        ],
      },
    ],
  };
}

type Bank = ReturnType<typeof validBank>;

function lines(value: unknown, file = 'bank.json'): string[] {
  return checkBankValue(value, file).problems.map(formatProblem);
}

function questionAt(bank: Bank, index: number): Record<string, unknown> {
  const found = bank.questions[index];
  if (!found) throw new Error(`no question ${index}`);
  return found;
}

describe('bank validation', () => {
  it('accepts the valid bank with no problems and returns it', () => {
    const result = checkBankValue(validBank(), 'bank.json');
    expect(result.problems).toEqual([]);
    expect(result.bank?.questions.map((question) => question.id)).toEqual(['q-choice', 'q-multi', 'q-blank', 'q-short']);
  });

  it.each<[string, (bank: Bank) => void, string[]]>([
    [
      'a duplicate question id',
      (bank) => {
        questionAt(bank, 2).id = 'q-choice';
      },
      ['bank.json › q-choice › id: duplicate question id (also questions[0])'],
    ],
    [
      'a choice answer naming a missing option',
      (bank) => {
        questionAt(bank, 0).answer = 'E';
      },
      ['bank.json › q-choice › answer: "E" is not one of the options (A, B, C, D)'],
    ],
    [
      'a multi answer naming a missing option',
      (bank) => {
        questionAt(bank, 1).answer = ['A', 'F'];
      },
      ['bank.json › q-multi › answer[1]: "F" is not one of the options (A, B, C, D)'],
    ],
    [
      'a multi answer listing a key twice',
      (bank) => {
        questionAt(bank, 1).answer = ['A', 'A'];
      },
      ['bank.json › q-multi › answer[1]: "A" is listed twice'],
    ],
    [
      'a duplicate option key',
      (bank) => {
        (questionAt(bank, 0).options as Array<{ key: string }>)[3] = { key: 'A', text: 'FPGA' } as never;
      },
      ['bank.json › q-choice › options[3].key: duplicate option key "A"'],
    ],
    [
      'a blank count that does not match the stem',
      (bank) => {
        questionAt(bank, 2).stem = '降低______。';
      },
      ['bank.json › q-blank › blanks: the stem has 1 blank (runs of underscores such as ______) but "blanks" lists 2'],
    ],
    [
      'a stem with no blank at all',
      (bank) => {
        questionAt(bank, 2).stem = '降低延迟和提高吞吐量。';
      },
      ['bank.json › q-blank › blanks: the stem has 0 blanks (runs of underscores such as ______) but "blanks" lists 2'],
    ],
    [
      'an unordered index out of range',
      (bank) => {
        questionAt(bank, 2).unordered = [[0, 5]];
      },
      ['bank.json › q-blank › unordered[0][1]: blank index 5 does not exist (blanks are counted from 0 to 1)'],
    ],
    [
      'a blank in two unordered groups',
      (bank) => {
        questionAt(bank, 2).stem = '______，______，______。';
        questionAt(bank, 2).blanks = [{ accept: ['a'] }, { accept: ['b'] }, { accept: ['c'] }];
        questionAt(bank, 2).unordered = [
          [0, 1],
          [1, 2],
        ];
      },
      ['bank.json › q-blank › unordered[1][0]: blank index 1 is already in unordered[0]'],
    ],
    [
      'blank points that do not add up to the question’s points',
      (bank) => {
        questionAt(bank, 2).blanks = [
          { accept: ['延迟'], points: 1 },
          { accept: ['吞吐量'], points: 2 },
        ];
      },
      ['bank.json › q-blank › blanks: the blank points add up to 3 but the question is worth 4 points'],
    ],
    [
      'some blank points that already exceed the question’s points',
      (bank) => {
        questionAt(bank, 2).blanks = [{ accept: ['延迟'], points: 5 }, { accept: ['吞吐量'] }];
      },
      ["bank.json › q-blank › blanks: the blank points add up to 5, more than the question's 4 points"],
    ],
    [
      'an accepted answer that is only punctuation',
      (bank) => {
        questionAt(bank, 2).blanks = [{ accept: ['延迟', '。'] }, { accept: ['吞吐量'] }];
      },
      ['bank.json › q-blank › blanks[0].accept[1]: "。" is empty once spaces and punctuation are removed, so no answer can match it'],
    ],
    [
      'rubric points that do not add up to the question’s points',
      (bank) => {
        (questionAt(bank, 3).rubric as Array<{ points: number }>)[1] = { point: '需要微调', points: 3 } as never;
      },
      ['bank.json › q-short › rubric: the rubric points add up to 8 but the question is worth 10 points'],
    ],
    [
      'fraction scoring without a fraction on every option',
      (bank) => {
        const multi = questionAt(bank, 1);
        multi.scoring = 'fraction';
        multi.options = [
          { key: 'A', text: '量化', fraction: 0.5 },
          { key: 'B', text: '剪枝', fraction: 0.5 },
          { key: 'C', text: '加大批次' },
          { key: 'D', text: '数据增强', fraction: -1 },
        ];
      },
      ['bank.json › q-multi › options[2].fraction: required when "scoring" is "fraction" (a number from -1 to 1)'],
    ],
    [
      'fraction scoring whose right fractions do not reach 1',
      (bank) => {
        const multi = questionAt(bank, 1);
        multi.scoring = 'fraction';
        multi.options = [
          { key: 'A', text: '量化', fraction: 0.5 },
          { key: 'B', text: '剪枝', fraction: 0.4 },
          { key: 'C', text: '加大批次', fraction: -0.5 },
          { key: 'D', text: '数据增强', fraction: -0.5 },
        ];
      },
      ['bank.json › q-multi › options: the positive fractions add up to 0.9; they must add up to 1 so that a full answer earns full points'],
    ],
    [
      'fraction scoring whose answer disagrees with the fractions',
      (bank) => {
        const multi = questionAt(bank, 1);
        multi.scoring = 'fraction';
        multi.answer = ['A'];
        multi.options = [
          { key: 'A', text: '量化', fraction: 0.5 },
          { key: 'B', text: '剪枝', fraction: 0.5 },
          { key: 'C', text: '加大批次', fraction: -0.5 },
          { key: 'D', text: '数据增强', fraction: -0.5 },
        ];
      },
      ['bank.json › q-multi › answer: must list exactly the options with a positive fraction (A, B)'],
    ],
    [
      'a section naming an unknown question',
      (bank) => {
        bank.sections = [{ title: '一、选择题', questionIds: ['q-choice', 'nope'] }];
      },
      ['bank.json › sections[0].questionIds[1]: no question has the id "nope"'],
    ],
    [
      'a question in two sections',
      (bank) => {
        bank.sections = [
          { title: '一', questionIds: ['q-choice'] },
          { title: '二', questionIds: ['q-choice'] },
        ];
      },
      ['bank.json › sections[1].questionIds[0]: "q-choice" is already in sections[0]'],
    ],
    [
      'a question worth other points than its section says',
      (bank) => {
        questionAt(bank, 1).points = 3;
      },
      ['bank.json › q-multi › points: 3 points, but its section "一、选择题" gives 2 points each'],
    ],
    [
      'a ready question without an analysis',
      (bank) => {
        questionAt(bank, 0).analysis = ' ';
      },
      ['bank.json › q-choice › analysis: empty: explain the answer (only a draft may leave it empty)'],
    ],
    [
      'a ready question without its answer key',
      (bank) => {
        questionAt(bank, 0).answer = '';
      },
      ['bank.json › q-choice › answer: no answer key: only a question with "status": "draft" may leave it empty'],
    ],
    [
      'a field of the wrong type',
      (bank) => {
        questionAt(bank, 0).points = '2';
      },
      ['bank.json › q-choice › points: expected a number'],
    ],
    [
      'a missing required field in a question without an id',
      (bank) => {
        delete questionAt(bank, 3).id;
      },
      ['bank.json › questions[3] › id: required (text)'],
    ],
    [
      'an unknown question type',
      (bank) => {
        questionAt(bank, 0).type = 'choise';
      },
      ['bank.json › q-choice › type: unknown question type; use one of choice, multi, truefalse, numeric, blank, short, essay'],
    ],
    [
      'a bank-level field of the wrong form',
      (bank) => {
        bank.language = 'Chinese';
      },
      ['bank.json › language: a BCP 47 tag such as zh-CN or en-US'],
    ],
    [
      'zero points',
      (bank) => {
        questionAt(bank, 0).points = 0;
      },
      ['bank.json › q-choice › points: must be greater than 0'],
    ],
  ])('rejects %s with a message naming file, question and field', (_label, breakIt, expected) => {
    const bank = validBank();
    breakIt(bank);
    const result = checkBankValue(bank, 'bank.json');
    expect(result.problems.map(formatProblem)).toEqual(expected);
    expect(result.bank).toBeUndefined();
  });

  it('lists a draft as a warning and still loads the bank', () => {
    const bank = validBank();
    Object.assign(questionAt(bank, 0), { status: 'draft', answer: '', analysis: '' });
    const result = checkBankValue(bank, 'bank.json');
    expect(result.problems.map(formatProblem)).toEqual([
      'warning: bank.json › q-choice › status: draft (answer: no answer key): not served until it is completed and marked ready',
    ]);
    expect(result.bank?.questions[0]?.status).toBe('draft');
  });

  it('names every empty answer-bearing field of a draft', () => {
    const bank = validBank();
    Object.assign(questionAt(bank, 2), { status: 'draft', blanks: [{ accept: ['延迟'] }, { accept: [] }] });
    Object.assign(questionAt(bank, 3), { status: 'draft', reference: '', rubric: [] });
    expect(lines(bank)).toEqual([
      'warning: bank.json › q-blank › status: draft (blanks[1].accept: no accepted answer): not served until it is completed and marked ready',
      'warning: bank.json › q-short › status: draft (reference: no reference answer; rubric: no marking points): not served until it is completed and marked ready',
    ]);
  });

  it.each<[string, (bank: Bank) => void, string]>([
    [
      'two options with the same text',
      (bank) => {
        (questionAt(bank, 0).options as Array<{ key: string; text: string }>)[3] = { key: 'D', text: 'tpu' };
      },
      'warning: bank.json › q-choice › options[3].text: the same text as options[2]',
    ],
    [
      'an accepted answer holding a blank separator',
      (bank) => {
        questionAt(bank, 2).blanks = [{ accept: ['延迟', '延迟;时延'] }, { accept: ['吞吐量'] }];
      },
      'warning: bank.json › q-blank › blanks[0].accept[1]: "延迟;时延" holds a blank separator (; | or a new line), so a typed answer is split there and never matches it',
    ],
    [
      'an accepted answer that is only a wildcard',
      (bank) => {
        questionAt(bank, 2).blanks = [{ accept: ['*'] }, { accept: ['吞吐量'] }];
      },
      'warning: bank.json › q-blank › blanks[0].accept[0]: "*" accepts any answer',
    ],
    [
      'a relative tolerance around zero',
      (bank) => {
        bank.questions.push({ id: 'q-zero', type: 'numeric', stem: '偏差是多少？', points: 1, analysis: '0。', answer: 0, tolerance: { kind: 'relative', value: 0.1 } });
      },
      'warning: bank.json › q-zero › tolerance: a relative tolerance around an answer of 0 accepts only 0 exactly; use an absolute tolerance',
    ],
  ])('warns about %s but still loads the bank', (_label, change, expected) => {
    const bank = validBank();
    change(bank);
    const result = checkBankValue(bank, 'bank.json');
    expect(result.problems.map(formatProblem)).toEqual([expected]);
    expect(result.bank).toBeDefined();
  });

  it('warns about a misspelt field that would otherwise be silently ignored', () => {
    const bank = validBank();
    questionAt(bank, 1).partialcredit = 0.3;
    bank.autor = 'me';
    const result = checkBankValue(bank, 'bank.json');
    expect(result.problems.map(formatProblem)).toEqual([
      'warning: bank.json › autor: unknown field (ignored)',
      'warning: bank.json › q-multi › partialcredit: unknown field (ignored)',
    ]);
    expect(result.bank).toBeDefined();
  });

  it('reports every problem of a bank at once, not only the first', () => {
    const bank = validBank();
    questionAt(bank, 0).answer = 'E';
    questionAt(bank, 2).stem = 'no blanks';
    (questionAt(bank, 3).rubric as unknown[]).pop();
    expect(lines(bank)).toHaveLength(3);
  });

  it('validates a parsed bank directly', () => {
    const parsed = checkBankValue(validBank(), 'bank.json').bank;
    if (!parsed) throw new Error('the valid bank did not parse');
    expect(validateBank(parsed, 'x.json')).toEqual([]);
  });
});

describe('reading bank files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutor-banks-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, content: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return file;
  };

  it('reports a JSON syntax error with its line and column', () => {
    const text = '{\n  "id": "x",\n  "title" "missing colon"\n}\n';
    expect(parseBankText(text, 'broken.json').problems.map(formatProblem)).toEqual([
      'broken.json › line 3, column 11: invalid JSON: Unexpected string',
    ]);
  });

  it('reports a file cut short at its end', async () => {
    const file = write('cut.json', '{\n  "id": "x",\n');
    const result = await loadBankFile(file);
    expect(result.problems).toHaveLength(1);
    expect(formatProblem(result.problems[0] ?? ({} as never))).toMatch(/cut\.json › line 3, column 1: invalid JSON: /);
  });

  it('reads a file that starts with a byte-order mark', async () => {
    const file = write('bom.json', `\uFEFF${JSON.stringify(validBank())}`);
    expect((await loadBankFile(file)).bank?.id).toBe('rules-bank');
  });

  it('reports a missing file instead of throwing', async () => {
    const file = path.join(dir, 'absent.json');
    expect((await loadBankFile(file)).problems.map(formatProblem)).toEqual([`${file} › (file): no such file or folder`]);
  });

  it('loads the good banks of a folder and leaves out the bad one, reporting it', async () => {
    write('a-good.json', validBank());
    write('b-bad.json', { ...validBank(), id: 'bad-bank', sections: undefined, questions: [{ ...validBank().questions[0], answer: 'Z' }] });
    write('c-good.json', { ...validBank(), id: 'other-bank' });
    write('notes.txt', 'not a bank');
    const result = await loadBankDirectory(dir);
    expect(result.banks.map((bank) => bank.id)).toEqual(['rules-bank', 'other-bank']);
    expect(result.files.map((file) => path.basename(file))).toEqual(['a-good.json', 'b-bad.json', 'c-good.json']);
    expect(result.problems.map(formatProblem)).toEqual([
      `${path.join(dir, 'b-bad.json')} › q-choice › answer: "Z" is not one of the options (A, B, C, D)`,
    ]);
  });

  it('refuses a second bank with the same id and keeps the first', async () => {
    write('a.json', validBank());
    write('b.json', validBank());
    const result = await loadBankDirectory(dir);
    expect(result.banks).toHaveLength(1);
    expect(result.problems.map(formatProblem)).toEqual([
      `${path.join(dir, 'b.json')} › id: bank id "rules-bank" is already used by ${path.join(dir, 'a.json')}`,
    ]);
  });

  it('reports a missing folder and an empty one without throwing', async () => {
    const missing = path.join(dir, 'nope');
    expect((await loadBankDirectory(missing)).problems.map(formatProblem)).toEqual([`${missing} › (folder): no such file or folder`]);
    expect((await loadBankDirectory(dir)).problems.map(formatProblem)).toEqual([`warning: ${dir} › (folder): no bank files (*.json)`]);
  });
});
