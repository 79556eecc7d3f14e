import { describe, expect, it } from 'vitest';
import { datasetFile, importOk, question } from './support.ts';

describe('importing CS-Bench JSON', () => {
  it('maps the Chinese sample: multiple choice, assertions, fill-in and open-ended questions', async () => {
    const { bank, report, format } = await importOk(datasetFile('cs-bench/Dataset/CSBench-CN/valid.json'));
    expect(format).toBe('cs-bench-json');
    expect(report.formatReason).toBe('auto: extension .json; a JSON list of items with "Format" and "Question" (CS-Bench)');
    expect(report.countsByType).toEqual({ choice: 60, truefalse: 30, blank: 23, short: 19 });
    expect(report.skipped).toEqual([]);
    expect(bank.language).toBe('zh-CN');
    expect(question(bank, 'q-4669')).toMatchObject({ type: 'choice', answer: 'C', options: [{ text: '15' }, { text: '16' }, { text: '255' }, { text: '256' }] });
    const blanks = bank.questions.filter((q) => q.type === 'blank');
    expect(blanks.every((q) => (q.stem.match(/_{4}/g) ?? []).length === 1)).toBe(true);
    expect(blanks.find((q) => q.type === 'blank' && q.blanks[0]!.accept[0] === '后序遍历')?.stem).toBe('在二叉树中有两个结点m和，若m是n的祖先，则使用____可以找到从m到的路径');
  });

  it('maps the English sample and marks it en-US', async () => {
    const { bank, report } = await importOk(datasetFile('cs-bench/Dataset/CSBench-EN/valid.json'));
    expect(report.countsByType).toEqual({ blank: 23, short: 19 });
    expect(bank.language).toBe('en-US');
    expect(question(bank, 'q-2241')).toMatchObject({ stem: 'What is the time complexity of binary search? ____', blanks: [{ accept: ['O(log2n)'] }] });
  });
});

describe('importing AGIEval JSON Lines', () => {
  it.each([
    ['gaokao-physics.jsonl', { choice: 15, multi: 35 }, []],
    ['gaokao-mathcloze.jsonl', { blank: 30 }, []],
    ['logiqa-zh.jsonl', { choice: 10 }, []],
    ['jec-qa-kd.jsonl', { choice: 6, multi: 4 }, ['q-10']],
  ])('imports %s', async (file, counts, drafts) => {
    const { report, format } = await importOk(datasetFile(`agieval/data/v1/${file}`));
    expect(format).toBe('agieval-jsonl');
    expect(report.countsByType).toEqual(counts);
    expect(report.missingAnswers).toEqual(drafts);
    expect(report.skipped).toEqual([]);
  });

  it('turns (\\quad) gaps into blanks, one per ;-separated answer', async () => {
    const { bank } = await importOk(datasetFile('agieval/data/v1/gaokao-mathcloze.jsonl'));
    expect(question(bank, 'q-2')).toMatchObject({
      stem: expect.stringMatching(/则 \$a_\{1\}=____\$, \$a_\{2\}\+a_\{3\}\+a_\{4\}=____\$$/),
      blanks: [{ accept: ['$5$'] }, { accept: ['$10$'] }],
    });
  });

  it('reads option letters from "(A)…" and list labels as multi-select', async () => {
    const { bank } = await importOk(datasetFile('agieval/data/v1/gaokao-physics.jsonl'));
    expect(question(bank, 'q-1')).toMatchObject({ type: 'choice', answer: 'C', options: [{ key: 'A', text: '原子弹和氢弹都是根据核裂变原理研制的' }, {}, {}, {}] });
    expect(question(bank, 'q-4')).toMatchObject({ type: 'multi', answer: ['A', 'D'], topic: '2021年湖北高考物理' });
  });
});
