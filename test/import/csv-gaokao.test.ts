import { describe, expect, it } from 'vitest';
import { readCsvRecords } from '../../src/bank/import/csv.ts';
import { importBank } from '../../src/bank/import/index.ts';
import { datasetFile, importFile, importOk, question } from './support.ts';

describe('importing C-Eval and CMMLU CSV', () => {
  it.each([
    ['ceval/dev/computer_network_dev.csv', 5, 5],
    ['ceval/dev/operating_system_dev.csv', 5, 5],
    ['ceval/val/computer_network_val.csv', 19, 0],
    ['ceval/val/college_programming_val.csv', 37, 0],
    ['ceval/val/discrete_mathematics_val.csv', 16, 0],
    ['cmmlu/data/dev/computer_security.csv', 5, 0],
    ['cmmlu/data/test/computer_science.csv', 60, 0],
    ['cmmlu/data/test/machine_learning.csv', 100, 0],
  ])('imports %s: %i choice questions, %i with explanations', async (file, count, explained) => {
    const { bank, report, format } = await importOk(datasetFile(file));
    expect(format).toBe('csv');
    expect(report.countsByType).toEqual({ choice: count });
    expect(report.missingAnswers).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(report.analysesFound).toBe(explained);
    expect(bank.questions.every((q) => q.type === 'choice' && q.options.length === 4)).toBe(true);
  });

  it('keeps the C-Eval id column, the answer and the explanation as analysis', async () => {
    const { bank } = await importOk(datasetFile('ceval/dev/computer_network_dev.csv'));
    expect(question(bank, 'q-0')).toMatchObject({
      stem: '下列设备属于资源子网的是____。',
      answer: 'A',
      topic: 'computer_network',
      options: [{ text: '计算机软件' }, { text: '网桥' }, { text: '交换机' }, { text: '路由器' }],
      analysis: expect.stringMatching(/^1\. 首先，资源子网是指提供共享资源的网络/),
    });
  });

  it("reads CMMLU's unnamed index column and folds Kangxi radicals to ordinary characters", async () => {
    const { bank } = await importOk(datasetFile('cmmlu/data/dev/computer_science.csv'));
    expect(question(bank, 'q-0')).toMatchObject({ stem: '关系数据库中的数据逻辑结构是', answer: 'B', options: [{ text: '树形结构' }, { text: '二维表格' }, {}, { text: '网状结构' }] });
    expect(question(bank, 'q-1')).toMatchObject({ stem: '下面属于端系统之间的协议是', options: [{ text: 'ARP' }, {}, {}, {}] });
  });

  it('imports the unlabeled C-Eval test split as drafts', async () => {
    const { report } = await importOk(datasetFile('ceval/test/computer_network_test.csv'));
    expect(report.countsByType).toEqual({ choice: 10 });
    expect(report.missingAnswers).toEqual(['q-0', 'q-1', 'q-2', 'q-3', 'q-4', 'q-5', 'q-6', 'q-7', 'q-8', 'q-9']);
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

const gaokao = (file: string) => datasetFile(`gaokao-bench/Data/${file}`);

describe('importing GAOKAO-Bench JSON', () => {
  it.each([
    ['Objective_Questions/2010-2022_Physics_MCQs.json', { choice: 7, multi: 23 }],
    ['Objective_Questions/2010-2022_Math_I_MCQs.json', { choice: 15 }],
    ['Objective_Questions/2010-2022_English_Reading_Comp.json', { choice: 12 }],
    ['Objective_Questions/2010-2022_Geography_MCQs.json', { choice: 10 }],
    ['Objective_Questions/2010-2022_Chinese_Modern_Lit.json', { choice: 6 }],
    ['Objective_Questions/2010-2022_Chinese_Lang_and_Usage_MCQs.json', { choice: 4 }],
    ['Objective_Questions/2010-2022_English_Fill_in_Blanks.json', { choice: 20 }],
    ['Subjective_Questions/2010-2022_Math_I_Fill-in-the-Blank.json', { blank: 20 }],
    ['Subjective_Questions/2010-2022_Biology_Open-ended_Questions.json', { short: 10 }],
    ['Subjective_Questions/2010-2022_History_Open-ended_Questions.json', { short: 5 }],
  ])('imports %s', async (file, counts) => {
    const { report, format } = await importOk(gaokao(file));
    expect(format).toBe('gaokao-json');
    expect(report.countsByType).toEqual(counts);
    expect(report.missingAnswers).toEqual([]);
    expect(report.skipped).toEqual([]);
  });

  it('takes options out of the question text and reads "AC"-style keys as multi-select', async () => {
    const { bank } = await importOk(gaokao('Objective_Questions/2010-2022_Physics_MCQs.json'));
    expect(question(bank, 'q-0')).toMatchObject({
      type: 'choice',
      answer: 'D',
      points: 6,
      options: [{ key: 'A', text: '$A=2, Z=1$' }, { key: 'B' }, { key: 'C' }, { key: 'D', text: '$\\mathrm{A}=3, \\mathrm{Z}=2$' }],
      analysis: expect.stringMatching(/故选：D。$/),
    });
    expect(question(bank, 'q-0').stem).not.toContain('A. $A=2');
    const multi = bank.questions.filter((q) => q.type === 'multi');
    expect(multi).toHaveLength(23);
    expect(multi.every((q) => q.type === 'multi' && q.scoring === 'exam' && q.answer.length >= 2)).toBe(true);
  });

  it('splits a passage into its sub-questions, each with the passage, its options and its analysis', async () => {
    const { bank } = await importOk(gaokao('Objective_Questions/2010-2022_English_Reading_Comp.json'));
    expect(bank.questions.slice(0, 3).map((q) => q.id)).toEqual(['q-0-1', 'q-0-2', 'q-0-3']);
    expect(bank.questions.slice(0, 3).map((q) => (q.type === 'choice' ? q.answer : ''))).toEqual(['B', 'C', 'A']);
    const first = question(bank, 'q-0-1');
    expect(first.stem).toMatch(/^A \nShakespeare ’s Birthplace/);
    expect(first.stem).toMatch(/56\. How {2}much {2}is the admission/);
    expect(first.analysis).toMatch(/^56．B 细节理解题/);
  });

  it('reports the shared-option cloze passages it cannot represent', async () => {
    const outcome = await importFile(gaokao('Objective_Questions/2012-2022_English_Cloze_Test.json'));
    expect(outcome).toEqual({
      ok: false,
      format: 'gaokao-json',
      errors: [
        { message: 'no questions could be imported from 2012-2022_English_Cloze_Test.json' },
        { line: 16, message: 'item 0: 5 answers share one passage and option list (cloze / 七选五): not supported' },
        { line: 31, message: 'item 1: 5 answers share one passage and option list (cloze / 七选五): not supported' },
      ],
    });
  });

  it('keeps subjective answers as references with one marking point worth the score', async () => {
    const { bank, report } = await importOk(gaokao('Subjective_Questions/2010-2022_Biology_Open-ended_Questions.json'));
    expect(question(bank, 'q-0')).toMatchObject({
      type: 'short',
      points: 9,
      reference: '（1）淋巴细胞（ 或B淋巴细胞）\n（2）抗原\n（3）浆细胞（ 或效应 B淋巴细胞）      编码抗体的基因      红细胞',
      rubric: [{ point: '与参考答案的要点一致', points: 9 }],
    });
    expect(report.warnings).toEqual([{ message: '10 open-ended question(s) have no marking points: one point "与参考答案的要点一致" worth the full score covers each' }]);
  });

  it('gives a line-numbered error for broken JSON', async () => {
    const outcome = await importBank({ filename: 'broken.json', content: Buffer.from('{\n  "keywords": "x",\n  "example": [\n    {"question": "q",}\n  ]\n}\n'), format: 'gaokao-json' });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors[0]!.line).toBe(4);
    expect(outcome.errors[0]!.message).toMatch(/^not valid JSON: /);
  });
});
