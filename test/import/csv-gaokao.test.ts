import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCsvRecords } from '../../src/bank/import/csv.ts';
import { importBank } from '../../src/bank/import/index.ts';
import { fixture, importFile, importOk, question } from './support.ts';

describe('importing C-Eval and CMMLU CSV', () => {
  it.each([
    ['ceval/computer_architecture_dev.csv', 3, 3],
    ['ceval/data_structures_val.csv', 4, 0],
    ['cmmlu/computer_science.csv', 3, 0],
  ])('imports %s: %i choice questions, %i with explanations', async (file, count, explained) => {
    const { bank, report, format } = await importOk(fixture(`csv/${file}`));
    expect(format).toBe('csv');
    expect(report.countsByType).toEqual({ choice: count });
    expect(report.missingAnswers).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(report.analysesFound).toBe(explained);
    expect(bank.questions.every((q) => q.type === 'choice' && q.options.length === 4)).toBe(true);
  });

  it('keeps the C-Eval id column, the answer and the explanation as analysis', async () => {
    const { bank } = await importOk(fixture('csv/ceval/computer_architecture_dev.csv'));
    expect(question(bank, 'q-0')).toMatchObject({
      stem: '一个字节由____位二进制数组成。',
      answer: 'B',
      topic: 'computer_architecture',
      options: [{ text: '4' }, { text: '8' }, { text: '16' }, { text: '32' }],
      analysis: '1. 字节是计算机存储的基本单位。\n2. 一个字节等于8位，故选B。',
    });
    expect(question(bank, 'q-2')).toMatchObject({ stem: '十进制数 10 的二进制表示是____。', answer: 'B' });
  });

  it("reads CMMLU's unnamed index column and folds Kangxi radicals to ordinary characters", async () => {
    const file = fixture('csv/cmmlu/computer_science.csv');
    // The fixture holds the radicals ⼆ (U+2F06), ⾯ (U+2FAF) and ⽹ (U+2F79), as text copied from PDFs does.
    expect(fs.readFileSync(file, 'utf8')).toMatch(/\u2F06叉树[\s\S]*下\u2FAF[\s\S]*局域\u2F79/);
    const { bank } = await importOk(file);
    expect(question(bank, 'q-0')).toMatchObject({ stem: '二叉树的第i层上最多有多少个结点', answer: 'C', options: [{ text: 'i' }, { text: '2i' }, { text: '2^(i-1)' }, { text: '2^i' }] });
    expect(question(bank, 'q-1')).toMatchObject({ stem: '下面属于网络层协议的是', options: [{ text: 'IP' }, {}, {}, {}] });
    expect(question(bank, 'q-2')).toMatchObject({ stem: '局域网常用的拓扑结构不包括', answer: 'D' });
  });

  it('imports the unlabeled C-Eval test split as drafts', async () => {
    const { bank, report } = await importOk(fixture('csv/ceval/operating_system_test.csv'));
    expect(report.countsByType).toEqual({ choice: 3 });
    expect(report.missingAnswers).toEqual(['q-0', 'q-1', 'q-2']);
    expect(bank.questions.every((q) => q.status === 'draft')).toBe(true);
  });

  it('imports a CSV without an index column, numbering rows, and reports bad rows by line', async () => {
    const csv = 'question,A,B,C,D,answer\n"Which layer does TCP belong to?",Transport,Network,Link,Application,A\n"Only one option",x,,,,A\nWhat does DNS resolve?,Names to addresses,MACs,Ports,Routes,E\n';
    const outcome = await importBank({ filename: 'networking.csv', content: Buffer.from(csv) });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.bank.questions.map((q) => q.id)).toEqual(['q-1']);
    expect(outcome.bank.language).toBe('en-US');
    expect(outcome.report.skipped).toEqual([
      { fromLine: 3, toLine: 3, reason: 'invalid', detail: 'row with fewer than two options', excerpt: 'Only one option,x,,,,A' },
      { fromLine: 4, toLine: 4, reason: 'invalid', detail: 'answer "E" is not one of the options', excerpt: 'What does DNS resolve?' },
    ]);
  });

  it('skips a row whose multiple answer names a letter that is not an option, instead of refusing the file', async () => {
    const csv = 'question,A,B,C,D,answer\nQ1,a,b,c,d,AE\nQ2,a,b,c,d,AC\n';
    const outcome = await importBank({ filename: 'multi.csv', content: Buffer.from(csv) });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.bank.questions.map((q) => [q.id, q.type])).toEqual([['q-2', 'multi']]);
    expect(outcome.report.skipped).toEqual([{ fromLine: 2, toLine: 2, reason: 'invalid', detail: 'answer "AE" is not made of the options', excerpt: 'Q1' }]);
  });

  it('reports columns it has no place for on the header line, and cells past the header on their own line', async () => {
    const { report } = await importOk(fixture('csv/drops/networks_dev.csv'));
    expect(report.warnings.filter((warning) => warning.omitted)).toEqual([
      { line: 1, message: 'column "subject" not imported (the bank has no place for it): 3 values, on lines 2, 4, 9', omitted: { field: 3 } },
      { line: 1, message: 'column "解析" not imported (the bank has no place for it): 1 value, on line 2', omitted: { field: 1 } },
      { line: 1, message: '2 ids not kept (not a whole number, or taken by an earlier row), on lines 3, 4: those rows are numbered instead', omitted: { tag: 2 } },
      { line: 9, questionId: 'q-5', message: '2 cells past the header\'s 10 columns not imported: "多出的一格", "another"', omitted: { field: 2 } },
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks, keeping line numbers', () => {
    expect(readCsvRecords('a,b\r\n"x, y","say ""hi"""\n"two\nlines",z\n\n')).toEqual({
      records: [
        { record: ['a', 'b'], fromLine: 1, toLine: 1 },
        { record: ['x, y', 'say "hi"'], fromLine: 2, toLine: 2 },
        { record: ['two\nlines', 'z'], fromLine: 3, toLine: 4 },
      ],
    });
  });

  it('gives the line of a quoted field that is never closed', async () => {
    const outcome = await importBank({ filename: 'x.csv', content: Buffer.from('question,A,B,answer\n"ok",a,b,A\n"unclosed,a,b,A\n') });
    expect(outcome).toEqual({ ok: false, format: 'csv', errors: [{ line: 3, message: 'not valid CSV: a quoted field is never closed (missing ")' }] });
  });


  it('names the columns it needs when the header is wrong', async () => {
    const outcome = await importBank({ filename: 'bad.csv', content: Buffer.from('q,opt1,opt2\nhello,a,b\n') });
    expect(outcome).toEqual({ ok: false, format: 'csv', errors: [{ line: 1, message: 'the first row must name the columns: question, A, B, C, D, answer (optional: id, explanation)' }] });
  });
});

const gaokao = (file: string) => fixture(`gaokao-json/${file}`);

describe('importing GAOKAO-Bench JSON', () => {
  it.each([
    ['2020-2023_Computing_MCQs.json', { choice: 1, multi: 2 }],
    ['2020-2023_English_Reading_Comp.json', { choice: 3 }],
    ['2020-2023_Math_Fill-in-the-Blank.json', { blank: 2 }],
    ['2020-2023_Computing_Open-ended_Questions.json', { short: 2 }],
  ])('imports %s', async (file, counts) => {
    const { report, format } = await importOk(gaokao(file));
    expect(format).toBe('gaokao-json');
    expect(report.countsByType).toEqual(counts);
    expect(report.missingAnswers).toEqual([]);
    expect(report.skipped).toEqual([]);
  });

  it('takes options out of the question text and reads "AC"-style keys as multi-select', async () => {
    const { bank } = await importOk(gaokao('2020-2023_Computing_MCQs.json'));
    expect(question(bank, 'q-0')).toMatchObject({
      type: 'choice',
      answer: 'C',
      points: 6,
      options: [{ key: 'A', text: '$2^{4}$' }, { key: 'B' }, { key: 'C', text: '$2^{8}$' }, { key: 'D', text: '$\\mathrm{2}^{16}$' }],
      analysis: expect.stringMatching(/故选：C。$/),
    });
    expect(question(bank, 'q-0').stem).not.toContain('A. $2^{4}$');
    // Options on one line (A. … B. … C. …) are split as well as one per line.
    expect(question(bank, 'q-2')).toMatchObject({ options: [{ text: '冒泡排序' }, { text: '归并排序' }, { text: '插入排序' }, { text: '堆排序' }] });
    const multi = bank.questions.filter((q) => q.type === 'multi');
    expect(multi.map((q) => q.type === 'multi' && q.answer)).toEqual([
      ['A', 'C'],
      ['B', 'D'],
    ]);
    expect(multi.every((q) => q.type === 'multi' && q.scoring === 'exam')).toBe(true);
  });

  it('splits a passage into its sub-questions, each with the passage, its options and its analysis', async () => {
    const { bank } = await importOk(gaokao('2020-2023_English_Reading_Comp.json'));
    expect(bank.questions.map((q) => q.id)).toEqual(['q-0-1', 'q-0-2', 'q-0-3']);
    expect(bank.questions.map((q) => (q.type === 'choice' ? q.answer : ''))).toEqual(['B', 'C', 'A']);
    const second = question(bank, 'q-0-2');
    expect(second.stem).toMatch(/^A \nThe City Library Computer Room/);
    expect(second.stem).toMatch(/22\. What {2}does scanning {2}cost \?$/);
    expect(second).toMatchObject({ options: [{ text: '10 cents a page.' }, { text: '20 cents a page.' }, { text: 'Nothing.' }, { text: 'One dollar.' }] });
    expect(second.analysis).toMatch(/^22．C 细节理解题/);
  });

  it('reports the fields of an item it does not keep, with the item\'s line', async () => {
    const { report } = await importOk(gaokao('drops/2021-2023_Computing_Drops_MCQs.json'));
    expect(report.warnings.filter((warning) => warning.omitted)).toEqual([
      { line: 1, message: 'fields "model_name", "prompt" of the file not imported', omitted: { field: 2 } },
      { line: 14, questionId: 'q-0', message: 'item 0: field "model_output" not imported', omitted: { field: 1 } },
      { line: 14, questionId: 'q-0', message: 'item 0: "year" not text: not kept in the topic', omitted: { field: 1 } },
      { line: 23, questionId: 'q-1', message: 'item 1: score "5" is not a positive number: worth 1 point instead', omitted: { weight: 1 } },
      { line: 23, questionId: 'q-1', message: 'item 1: index "seven" is not a number: the item is numbered by its position instead', omitted: { tag: 1 } },
      { line: 32, questionId: 'q-2', message: 'item 2: "category" not text: not kept in the topic', omitted: { field: 1 } },
      { line: 32, questionId: 'q-2', message: 'item 2: score 0 is not a positive number: worth 1 point instead', omitted: { weight: 1 } },
      { line: 32, questionId: 'q-2', message: 'item 2: analysis that is not text not imported', omitted: { feedback: 1 } },
      { line: 59, questionId: 'q-5-1', message: 'item 5: field "difficulty" not imported', omitted: { field: 1 } },
    ]);
  });

  it('reports the shared-option cloze passages it cannot represent', async () => {
    const outcome = await importFile(gaokao('2020-2023_English_Cloze_Test.json'));
    expect(outcome).toEqual({
      ok: false,
      format: 'gaokao-json',
      errors: [
        { message: 'no questions could be imported from 2020-2023_English_Cloze_Test.json' },
        { line: 17, message: 'item 0: 5 answers share one passage and option list (cloze / 七选五): not supported' },
        { line: 32, message: 'item 1: 5 answers share one passage and option list (cloze / 七选五): not supported' },
      ],
    });
  });

  it('keeps subjective answers as references with one marking point worth the score', async () => {
    const { bank, report } = await importOk(gaokao('2020-2023_Computing_Open-ended_Questions.json'));
    expect(question(bank, 'q-0')).toMatchObject({
      type: 'short',
      points: 8,
      reference: '（1）约 n/2 个\n（2）链表',
      rubric: [{ point: '与参考答案的要点一致', points: 8 }],
    });
    expect(question(bank, 'q-1')).toMatchObject({ points: 6, rubric: [{ points: 6 }] });
    expect(report.warnings).toEqual([{ message: '2 open-ended questions have no marking points: one point "与参考答案的要点一致" worth the full score covers each' }]);
  });

  it('reads the answer of a fill-in-the-blank item as its blank', async () => {
    const { bank } = await importOk(gaokao('2020-2023_Math_Fill-in-the-Blank.json'));
    expect(question(bank, 'q-0')).toMatchObject({ type: 'blank', points: 5, stem: '13. (5 分) 二进制数 $1011$ 转换为十进制数是 ____', blanks: [{ accept: ['$11$'] }] });
  });

  it('gives a line-numbered error for broken JSON', async () => {
    const outcome = await importBank({ filename: 'broken.json', content: Buffer.from('{\n  "keywords": "x",\n  "example": [\n    {"question": "q",}\n  ]\n}\n'), format: 'gaokao-json' });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors[0]!.line).toBe(4);
    expect(outcome.errors[0]!.message).toMatch(/^not valid JSON: /);
  });
});
