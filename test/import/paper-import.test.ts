import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatImportReport, importBank } from '../../src/bank/import/index.ts';
import { parseBlankAlternatives, splitOptions } from '../../src/bank/import/paper.ts';
import { importOk, papersDir, question, seedPaper, sharedFile } from './support.ts';

describe('importing the seed paper (cut off after choice 8)', () => {
  it('finds 8 choice questions with their keys and analyses and 10 more questions without answers', async () => {
    const { bank, report, format } = await importOk(sharedFile(seedPaper));
    expect(format).toBe('paper');
    expect(report.formatReason).toBe('auto: 5 exam-paper section heading(s), e.g. "一、选择题"');
    expect(bank.title).toBe('2025年AI模型推理速度优化基础试卷及答案');
    expect(bank.language).toBe('zh-CN');
    expect(report.countsByType).toEqual({ choice: 8, blank: 6, short: 3, essay: 1 });
    expect(report.answerKeysFound).toBe(8);
    expect(report.analysesFound).toBe(8);
    expect(report.missingAnswers).toEqual(['blank-1', 'blank-2', 'blank-3', 'blank-4', 'blank-5', 'blank-6', 'short-1', 'short-2', 'short-3', 'essay-1']);
    expect(bank.questions.filter((q) => q.status === 'draft').map((q) => q.id)).toEqual(report.missingAnswers);
    expect(bank.sections?.map((section) => [section.title, section.questionIds.length])).toEqual([
      ['一、选择题', 8],
      ['二、填空题', 6],
      ['三、简答题', 3],
      ['四、论述题', 1],
    ]);
  });

  it('keeps choice 2 with key D, its four options and its analysis', async () => {
    const { bank } = await importOk(sharedFile(seedPaper));
    const choice2 = question(bank, 'choice-2');
    expect(choice2).toMatchObject({
      type: 'choice',
      answer: 'D',
      stem: '量化技术通过降低模型的数值精度来减小模型大小和加速推理,其中将浮点数(如FP32)转换为8位整数(INT8)的量化方式称为?',
      analysis: '“低位量化”是描述将数值精度降低的通用术语,特指将FP32量化为INT8。A、B、C描述不够准确或不是该技术的标准术语。',
      options: [
        { key: 'A', text: '重量量化' },
        { key: 'B', text: '量化感知训练' },
        { key: 'C', text: '精度量化' },
        { key: 'D', text: '低位量化' },
      ],
    });
    expect(bank.questions.filter((q) => q.type === 'choice').map((q) => (q.type === 'choice' ? q.answer : ''))).toEqual(['C', 'D', 'B', 'C', 'C', 'D', 'B', 'C']);
  });

  it('writes unanswered questions as drafts with empty answer fields, never an invented key', async () => {
    const { bank } = await importOk(sharedFile(seedPaper));
    expect(question(bank, 'blank-1')).toEqual({
      id: 'blank-1',
      type: 'blank',
      status: 'draft',
      stem: '推理速度优化的主要目标包括降低______和/或提高______。',
      points: 1,
      analysis: '',
      blanks: [{ accept: [] }, { accept: [] }],
    });
    expect(question(bank, 'essay-1')).toMatchObject({ type: 'essay', status: 'draft', reference: '', rubric: [] });
    expect(question(bank, 'essay-1').stem).toMatch(/^结合你了解的AI应用场景/);
  });

  it('reports exactly the boilerplate it skipped, and that the paper is cut off', async () => {
    const { report } = await importOk(sharedFile(seedPaper));
    expect(report.skipped.map(({ fromLine, toLine, reason, detail }) => ({ fromLine, toLine, reason, detail }))).toEqual([
      { fromLine: 1, toLine: 13, reason: 'boilerplate', detail: 'page boilerplate before the paper' },
      { fromLine: 17, toLine: 17, reason: 'boilerplate', detail: 'exam header (time, score, name)' },
      { fromLine: 163, toLine: 177, reason: 'boilerplate', detail: 'page boilerplate (download notice, comments, related documents)' },
    ]);
    expect(report.skipped[2]!.excerpt).toMatch(/^文档评论\(0\)/);
    expect(report.warnings).toContainEqual({
      line: 161,
      message: 'the text stops mid-sentence ("…解析:将模型部") before page boilerplate at line 163: the paper may be cut off',
    });
    const text = formatImportReport(report);
    expect(text).toContain('by type: choice 8, blank 6, short 3, essay 1');
    expect(text).toContain('Missing answers (10, written as drafts that are never served): blank-1, blank-2, blank-3, blank-4, blank-5, blank-6, short-1, short-2, short-3, essay-1');
    expect(text).toContain('lines 163–177 [boilerplate] page boilerplate (download notice, comments, related documents): "文档评论(0)');
  });
});

describe('importing a database mid-term with inline options and full answers', () => {
  const file = path.join(papersDir, 'database-midterm.txt');

  it('finds every section with its points and every answer', async () => {
    const { bank, report } = await importOk(file);
    expect(bank.id).toBe('database-midterm');
    expect(bank.title).toBe('数据库系统原理期中测验');
    expect(report.countsByType).toEqual({ choice: 4, multi: 2, truefalse: 3, blank: 3, short: 3 });
    expect(report.missingAnswers).toEqual([]);
    expect(report.answerKeysFound).toBe(15);
    expect(report.referencesFound).toBe(3);
    expect(bank.sections).toEqual([
      { title: '一、单项选择题（每题2分，共8分）', questionIds: ['choice-1', 'choice-2', 'choice-3', 'choice-4'], pointsEach: 2 },
      { title: '二、多项选择题（每题3分，共6分）', questionIds: ['multi-1', 'multi-2'], pointsEach: 3 },
      { title: '三、判断题（每题1分，共3分）', questionIds: ['truefalse-1', 'truefalse-2', 'truefalse-3'], pointsEach: 1 },
      { title: '四、填空题（每空1分）', questionIds: ['blank-1', 'blank-2', 'blank-3'] },
      { title: '五、简答题（每题6分）', questionIds: ['short-1', 'short-2'], pointsEach: 6 },
      { title: '六、计算题（每题6分）', questionIds: ['short-3'], pointsEach: 6 },
    ]);
  });

  it('splits inline and full-width options and reads multi-select keys', async () => {
    const { bank } = await importOk(file);
    expect(question(bank, 'choice-1')).toMatchObject({
      answer: 'B',
      options: [
        { key: 'A', text: '外键' },
        { key: 'B', text: '主键' },
        { key: 'C', text: '索引' },
        { key: 'D', text: '视图' },
      ],
    });
    expect(question(bank, 'choice-2')).toMatchObject({ options: [{ text: 'DROP' }, { text: 'DELETE' }, { text: 'REMOVE' }, { text: 'TRUNCATE TABLE' }] });
    expect(question(bank, 'choice-3')).toMatchObject({ answer: 'B', options: [{ text: '外模式' }, { text: '模式' }, { text: '内模式' }, { text: '存储模式' }] });
    expect(question(bank, 'multi-1')).toMatchObject({ type: 'multi', answer: ['A', 'B', 'C'], scoring: 'exam', points: 3 });
    expect(question(bank, 'multi-2')).toMatchObject({ answer: ['A', 'C', 'D'] });
  });

  it('reads √, × and 对 as true/false keys', async () => {
    const { bank } = await importOk(file);
    expect(['truefalse-1', 'truefalse-2', 'truefalse-3'].map((id) => (question(bank, id) as { answer: boolean }).answer)).toEqual([true, false, true]);
  });

  it('splits blank answers on ；and keeps alternatives in parentheses', async () => {
    const { bank } = await importOk(file);
    expect(question(bank, 'blank-1')).toMatchObject({ blanks: [{ accept: ['模式', '概念模式', '逻辑模式'] }], points: 1 });
    expect(question(bank, 'blank-2')).toMatchObject({ blanks: [{ accept: ['GRANT'] }, { accept: ['REVOKE'] }], points: 2 });
    expect(question(bank, 'blank-3')).toMatchObject({ blanks: [{ accept: ['矩形', '矩形框'] }] });
  });

  it('turns 答: and 评分要点 into a reference and a rubric with the stated points', async () => {
    const { bank } = await importOk(file);
    expect(question(bank, 'short-1')).toMatchObject({
      points: 6,
      reference: expect.stringMatching(/^数据独立性指应用程序与数据的逻辑结构/),
      rubric: [
        { point: '说明数据独立性的含义', points: 2 },
        { point: '指出逻辑独立性及其含义', points: 2 },
        { point: '指出物理独立性及其含义', points: 2 },
      ],
    });
    // Marking points written on one line, separated by ；
    expect(question(bank, 'short-2')).toMatchObject({ rubric: [{ point: '死锁的定义' }, { point: '一次封锁法' }, { point: '顺序封锁法' }] });
    // （1）（2） inside a 计算题 stem and answer are parts, not new questions.
    const calc = question(bank, 'short-3');
    expect(calc.stem).toBe('设关系R(A,B,C)有函数依赖A→B，B→C。\n（1）求A的闭包。\n（2）判断R最高属于第几范式，并说明理由。');
    expect(calc).toMatchObject({ reference: expect.stringContaining('（2）R的码是A'), rubric: [{ points: 2 }, { points: 2 }, { point: '指出传递依赖，结论为2NF', points: 2 }] });
  });

  it('skips the download-site boilerplate around the paper and says so', async () => {
    const { report, bank } = await importOk(file);
    expect(report.skipped.map(({ fromLine, toLine, reason }) => [fromLine, toLine, reason])).toEqual([
      [1, 6, 'boilerplate'],
      [10, 10, 'boilerplate'],
      [111, 113, 'boilerplate'],
    ]);
    expect(JSON.stringify(bank)).not.toMatch(/VIP|文档评论|相关文档|考试时间/);
  });
});

describe('importing a network quiz with （n） numbering and compact keys', () => {
  const file = path.join(papersDir, 'network-quiz.txt');

  it('finds sections without numerals, full-width options and range keys', async () => {
    const { bank, report } = await importOk(file);
    expect(report.countsByType).toEqual({ choice: 3, multi: 2, truefalse: 2, blank: 2, short: 1 });
    expect(report.skipped).toEqual([]);
    expect(report.missingAnswers).toEqual([]);
    expect(bank.description).toBe('（第三章 传输层）');
    expect(bank.questions.slice(0, 3).map((q) => (q.type === 'choice' ? q.answer : ''))).toEqual(['C', 'B', 'B']);
    expect(question(bank, 'choice-3')).toMatchObject({ options: [{ text: '8位' }, { text: '16位' }, { text: '32位' }, { text: '48位' }] });
  });

  it('reads 少选得2分 as half credit and per-blank points', async () => {
    const { bank } = await importOk(file);
    expect(question(bank, 'multi-1')).toMatchObject({ answer: ['A', 'B', 'C'], points: 4, partialCredit: 0.5 });
    expect(question(bank, 'blank-2')).toMatchObject({ points: 4, blanks: [{ accept: ['四'] }, { accept: ['TIME-WAIT', 'TIME_WAIT', '时间等待'] }] });
    expect(question(bank, 'short-1')).toMatchObject({
      points: 8,
      analysis: '两次握手时服务器无法确认客户端已收到自己的SYN+ACK，可能为历史请求分配资源。',
      rubric: [
        { point: '防止失效的连接请求建立错误连接', points: 4 },
        { point: '双方确认收发能力并同步初始序号', points: 4 },
      ],
    });
  });

  it('gives questions without an analysis one that only states the answer, and warns', async () => {
    const { bank, report } = await importOk(file);
    expect(question(bank, 'choice-1').analysis).toBe('答案：C. 三次');
    expect(question(bank, 'truefalse-2').analysis).toBe('答案：错误');
    expect(report.analysesFound).toBe(1);
    expect(report.warnings.map((warning) => warning.message)).toContain('9 question(s) came without an analysis: their analysis only states the answer; add an explanation');
  });
});

describe('importing OS practice with 【答案】【解析】 under each question', () => {
  const file = path.join(papersDir, 'os-practice-inline-answers.txt');

  it('joins the answers written under each question, including 【答案】B【解析】… on one line', async () => {
    const { bank, report } = await importOk(file);
    expect(report.countsByType).toEqual({ choice: 2, multi: 1, truefalse: 2, blank: 2, short: 2 });
    expect(report.missingAnswers).toEqual([]);
    expect(report.referencesFound).toBe(2);
    expect(question(bank, 'choice-1')).toMatchObject({ answer: 'B', analysis: '时间片用完后进程回到就绪队列等待再次调度；等待事件会使进程进入阻塞状态。' });
    expect(question(bank, 'choice-2')).toMatchObject({ answer: 'B', analysis: expect.stringMatching(/^短作业优先总是先选短作业/) });
    expect(question(bank, 'multi-1')).toMatchObject({ answer: ['A', 'B', 'C', 'D'], partialCredit: 0.5 });
    expect(['truefalse-1', 'truefalse-2'].map((id) => (question(bank, id) as { answer: boolean }).answer)).toEqual([false, true]);
    expect(question(bank, 'blank-1')).toMatchObject({ points: 4, blanks: [{ accept: ['就绪态', '就绪'] }, { accept: ['阻塞态', '等待态', '阻塞'] }] });
    expect(question(bank, 'short-2')).toMatchObject({
      points: 8,
      reference: '（1）页号 = 2500 / 1024 取整 = 2，页内偏移 = 2500 - 2048 = 452。\n（2）物理地址 = 5 × 1024 + 452 = 5572。',
      rubric: [
        { point: '页号和偏移各算对', points: 4 },
        { point: '物理地址算对', points: 4 },
      ],
    });
  });

  it('skips page numbers and page boilerplate in the middle of the paper', async () => {
    const { bank, report } = await importOk(file);
    expect(report.skipped.map(({ fromLine, detail }) => [fromLine, detail])).toEqual([
      [16, 'page number'],
      [17, 'page boilerplate (download notice, comments, related documents)'],
      [59, 'page number'],
      [60, 'page boilerplate (download notice, comments, related documents)'],
    ]);
    expect(report.warnings.filter((warning) => warning.message.includes('cut off'))).toEqual([]);
    expect(bank.description).toBe('适用：计算机类专业本科二年级');
    expect(bank.title).toBe('操作系统原理 课后练习（答案附在每题后）');
  });
});

describe('papers with gaps and mistakes', () => {
  const paper = (text: string) => importBank({ filename: 'quiz.txt', content: Buffer.from(text), format: 'paper' });

  it('keeps a true/false question without a key as a draft choice and names it', async () => {
    const outcome = await paper('测验\n一、判断题\n1. 栈是先进后出的。\n2. 队列是先进后出的。\n答案\n一、判断题\n1. 对\n');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.bank.questions[0]).toMatchObject({ id: 'truefalse-1', type: 'truefalse', answer: true });
    expect(outcome.bank.questions[1]).toMatchObject({ id: 'choice-1', type: 'choice', status: 'draft', answer: '', options: [{ key: 'A', text: '正确' }, { key: 'B', text: '错误' }] });
    expect(outcome.report.missingAnswers).toEqual(['choice-1']);
    expect(outcome.report.warnings.some((warning) => warning.questionId === 'choice-1' && warning.message.includes('without an answer'))).toBe(true);
  });

  it('keeps a blank question as a draft when the key has the wrong number of parts', async () => {
    const outcome = await paper('测验\n一、填空题\n1. 三级模式是______、______和内模式。\n参考答案\n一、填空题\n1. 外模式\n');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.bank.questions[0]).toMatchObject({ status: 'draft', blanks: [{ accept: [] }, { accept: [] }] });
    expect(outcome.report.warnings).toContainEqual({ line: 6, questionId: 'blank-1', message: 'answer "外模式" has 1 part(s) for 2 blank(s): kept as a draft' });
  });

  it('reports an answer for a question that does not exist, with its line', async () => {
    const outcome = await paper('测验\n一、选择题\n1. 哪个是主键？\nA.id  B.name\n答案\n一、选择题\n1. A\n2. B\n');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.report.skipped).toEqual([{ fromLine: 8, toLine: 8, reason: 'unparsed', detail: 'answer 2 in "一、选择题" matches no question', excerpt: 'B' }]);
  });

  it('turns a key naming a missing option into a draft with a warning', async () => {
    const outcome = await paper('测验\n一、选择题\n1. 哪个是主键？\nA.id  B.name\n答案\n一、选择题\n1. E\n');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.bank.questions[0]).toMatchObject({ status: 'draft', answer: '' });
    expect(outcome.report.warnings).toContainEqual({ line: 7, questionId: 'choice-1', message: 'key "E" names option E that the question does not have: kept as a draft' });
  });

  it('reads answer keys written several to a line and as ranges', async () => {
    const questions = Array.from({ length: 5 }, (_, index) => `${index + 1}. 第${index + 1}题\nA.甲  B.乙  C.丙  D.丁`).join('\n');
    const outcome = await paper(`测验\n一、选择题\n${questions}\n答案\n一、选择题\n1.C 2.A\n3～5 BDA\n`);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.bank.questions.map((q) => (q.type === 'choice' ? q.answer : ''))).toEqual(['C', 'A', 'B', 'D', 'A']);
  });

  it('keeps a numbered list inside a model answer as part of that answer', async () => {
    const outcome = await paper('测验\n一、简答题（每题4分）\n1. 问题一？\n2. 说明索引的优缺点。\n参考答案\n一、简答题\n1. 答：答案一。\n2. 答：\n1. 优点是加快查询。\n2. 缺点是增加写开销。\n评分要点：①优点（2分）②缺点（2分）\n');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.bank.questions[1]).toMatchObject({ reference: '1. 优点是加快查询。\n2. 缺点是增加写开销。', rubric: [{ point: '优点', points: 2 }, { point: '缺点', points: 2 }] });
    expect(outcome.report.warnings.filter((warning) => warning.message.includes('second answer'))).toEqual([]);
  });

  it('refuses text with no sections or numbered questions', async () => {
    const outcome = await paper('这只是一段普通的文字，没有题目。\n');
    expect(outcome).toEqual({ ok: false, format: 'paper', errors: [{ message: 'no section headings (一、选择题 …) or numbered questions were found: is this an exam paper?' }] });
  });
});

describe('paper helpers', () => {
  it.each([
    ['A.外键  B.主键  C.索引  D.视图', ['外键', '主键', '索引', '视图']],
    ['Ａ．外模式　Ｂ．模式　Ｃ．内模式　Ｄ．存储模式', ['外模式', '模式', '内模式', '存储模式']],
    ['A、TCP B、UDP', ['TCP', 'UDP']],
    ['(A)栈 (B)队列 (C)堆', ['栈', '队列', '堆']],
    ['（A）栈　（B）队列', ['栈', '队列']],
    ['A. B+树索引  B. 哈希索引', ['B+树索引', '哈希索引']],
  ])('splits options on one line: %s', (line, texts) => {
    expect(splitOptions(line, 'A')?.map((option) => option.text)).toEqual(texts);
  });

  it.each([
    ['模式(或概念模式、逻辑模式)', ['模式', '概念模式', '逻辑模式']],
    ['滑动窗口（或窗口）', ['滑动窗口', '窗口']],
    ['GRANT', ['GRANT']],
    ['TIME-WAIT（或TIME_WAIT、时间等待）', ['TIME-WAIT', 'TIME_WAIT', '时间等待']],
  ])('reads the alternatives of a blank answer: %s', (answer, accepted) => {
    expect(parseBlankAlternatives(answer)).toEqual(accepted);
  });
});
