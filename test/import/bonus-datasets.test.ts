import { describe, expect, it } from 'vitest';
import { fixture, importOk, question } from './support.ts';

describe('importing CS-Bench JSON', () => {
  it('maps the Chinese sample: multiple choice, assertions, fill-in and open-ended questions', async () => {
    const { bank, report, format } = await importOk(fixture('cs-bench-json/csbench-cn-valid.json'));
    expect(format).toBe('cs-bench-json');
    expect(report.formatReason).toBe('auto: extension .json; a JSON list of items with "Format" and "Question" (CS-Bench)');
    expect(report.countsByType).toEqual({ choice: 2, truefalse: 2, blank: 2, short: 1 });
    expect(report.skipped).toEqual([]);
    expect(bank.language).toBe('zh-CN');
    // Numbers as option values (CS-Bench writes "A": 7) become option texts.
    expect(question(bank, 'q-102')).toMatchObject({ type: 'choice', answer: 'C', options: [{ text: '7' }, { text: '8' }, { text: '15' }, { text: '16' }] });
    expect([question(bank, 'q-103'), question(bank, 'q-104')]).toMatchObject([
      { type: 'truefalse', answer: true },
      { type: 'truefalse', answer: false },
    ]);
    const blanks = bank.questions.filter((q) => q.type === 'blank');
    expect(blanks.every((q) => (q.stem.match(/_{4}/g) ?? []).length === 1)).toBe(true);
    expect(question(bank, 'q-105')).toMatchObject({
      stem: '对二叉排序树进行____遍历，可以得到有序序列',
      blanks: [{ accept: ['中序'] }],
      analysis: expect.stringMatching(/^二叉排序树的左子树都小于根/),
    });
    expect(question(bank, 'q-106')).toMatchObject({ stem: 'CPU中存放下一条指令地址的寄存器是 ____.', blanks: [{ accept: ['程序计数器'] }] });
    expect(question(bank, 'q-107')).toMatchObject({ type: 'short', topic: 'Data Structure and Algorithm / Overview', reference: expect.stringMatching(/^散列函数直接由关键字算出存储位置/) });
  });

  it('maps the English sample and marks it en-US', async () => {
    const { bank, report } = await importOk(fixture('cs-bench-json/csbench-en-valid.json'));
    expect(report.countsByType).toEqual({ blank: 2, short: 1 });
    expect(bank.language).toBe('en-US');
    expect(question(bank, 'q-201')).toMatchObject({ stem: 'What is the worst-case time complexity of linear search? ____', blanks: [{ accept: ['O(n)'] }] });
    expect(question(bank, 'q-203')).toMatchObject({ type: 'short', rubric: [{ point: 'Agrees with the reference answer', points: 1 }] });
  });
});

describe('importing AGIEval JSON Lines', () => {
  it.each([
    ['gaokao-physics.jsonl', { choice: 1, multi: 2 }, []],
    ['gaokao-mathcloze.jsonl', { blank: 2 }, []],
    ['logiqa-zh.jsonl', { choice: 2 }, []],
    ['jec-qa-kd.jsonl', { choice: 2, multi: 1 }, ['q-3']],
  ])('imports %s', async (file, counts, drafts) => {
    const { report, format } = await importOk(fixture(`agieval-jsonl/${file}`));
    expect(format).toBe('agieval-jsonl');
    expect(report.countsByType).toEqual(counts);
    expect(report.missingAnswers).toEqual(drafts);
    expect(report.skipped).toEqual([]);
  });

  it('turns (\\quad) gaps into blanks, one per ;-separated answer', async () => {
    const { bank } = await importOk(fixture('agieval-jsonl/gaokao-mathcloze.jsonl'));
    expect(question(bank, 'q-1')).toMatchObject({ stem: '已知函数 $f(x)=2 x+1$, 则 $f(3)=____$', blanks: [{ accept: ['7'] }] });
    expect(question(bank, 'q-2')).toMatchObject({
      stem: expect.stringMatching(/则 \$a_\{2\}=____\$, 前三项和 \$S_\{3\}=____\$$/),
      blanks: [{ accept: ['$5$'] }, { accept: ['$15$'] }],
    });
  });

  it('reads option letters from "(A)…" and list labels as multi-select', async () => {
    const { bank } = await importOk(fixture('agieval-jsonl/gaokao-physics.jsonl'));
    expect(question(bank, 'q-1')).toMatchObject({ type: 'choice', answer: 'A', options: [{ key: 'A', text: '$3 \\Omega$' }, {}, {}, {}] });
    expect(question(bank, 'q-2')).toMatchObject({ type: 'multi', answer: ['A', 'C'], topic: '自编物理练习' });
  });

  it('puts the passage before the question, reads a one-letter list as single choice and an empty list as a draft', async () => {
    const logic = await importOk(fixture('agieval-jsonl/logiqa-zh.jsonl'));
    expect(question(logic.bank, 'q-1').stem).toBe('所有的编译器都是程序。有些程序是开源的。\n\n由此可以推出以下哪项?');
    const law = await importOk(fixture('agieval-jsonl/jec-qa-kd.jsonl'));
    expect(question(law.bank, 'q-1')).toMatchObject({ type: 'choice', answer: 'A' });
    expect(question(law.bank, 'q-3')).toMatchObject({ type: 'choice', status: 'draft' });
  });
});
