import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatImportReport, importBank } from '../../src/bank/import/index.ts';
import { countListItems, readCount, readGridRow, readMarksNote, splitInlineMarks } from '../../src/bank/import/paper-marks.ts';
import { parseBlankAlternatives, splitOptions } from '../../src/bank/import/paper.ts';
import { importOk, papersDir, question, seedPaper, sharedFile } from './support.ts';

describe('importing the seed paper (cut off after choice 8)', () => {
  it('finds 8 choice questions with their keys and analyses and 10 more questions without answers', async () => {
    const { bank, report, format } = await importOk(sharedFile(seedPaper));
    expect(format).toBe('paper');
    expect(report.formatReason).toBe('auto: 5 exam-paper section headings, e.g. "一、选择题"');
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
    expect(report.warnings.map((warning) => warning.message)).toContain('9 questions came without an analysis: their analysis only states the answer; add an explanation');
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
    expect(outcome.report.warnings).toContainEqual({ line: 6, questionId: 'blank-1', message: 'answer "外模式" has 1 part for 2 blanks: kept as a draft' });
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

describe('importing a final exam whose answers are numbered lists (inference-final-structured-answers.txt)', () => {
  const file = path.join(papersDir, 'inference-final-structured-answers.txt');

  it("takes the paper's title, not the school and term lines above it or the instructions below it", async () => {
    const { bank, report } = await importOk(file);
    expect(bank.title).toBe('《模型部署与推理优化》期末考试试卷（A卷）');
    expect(bank.description).toBe('注意事项：本试卷共四大题，请将答案写在答题纸上。');
    expect(report.skipped.map(({ fromLine, toLine, detail }) => [fromLine, toLine, detail])).toEqual([
      [1, 2, 'text before the paper'],
      [4, 4, 'exam header (time, score, name)'],
    ]);
  });

  it('keeps (1)…(4) of the essay answer in that answer instead of reading them as answers to other questions', async () => {
    const { bank, report } = await importOk(file);
    expect(report.countsByType).toEqual({ choice: 2, short: 4, essay: 1 });
    expect(report.missingAnswers).toEqual([]);
    expect(report.skipped.filter((region) => region.reason === 'unparsed')).toEqual([]);
    expect(question(bank, 'essay-1')).toMatchObject({
      points: 20,
      stem: '结合具体场景，论述常用的推理优化方法及其适用情况。',
      reference: [
        '(1) 场景分析：自动驾驶要求毫秒级延迟，手机端受算力和功耗限制；',
        '(2) 量化：FP32转INT8，依赖硬件对低精度的支持；',
        '(3) 剪枝：移除不重要的权重或通道，结构化剪枝可直接加速；',
        '(4) 知识蒸馏：用教师模型的软标签训练小模型。',
      ].join('\n'),
      rubric: [
        { point: '场景分析', points: 4 },
        { point: '每种方法的原理（每种4分，至少三种）', points: 12 },
        { point: '方法与场景的对应', points: 4 },
      ],
    });
    expect(bank.questions.map((q) => (q.type === 'choice' ? q.answer : q.points))).toEqual(['B', 'C', 8, 8, 8, 9, 20]);
  });

  it('keeps ①…④, 1)…4) and 一是…二是… lists whole and reads their marking points, per item and with a minimum count', async () => {
    const { bank } = await importOk(file);
    expect(question(bank, 'short-1')).toMatchObject({
      points: 8,
      reference: '① 先训练（或选用）一个大的教师模型；\n② 用教师模型在训练数据上生成带温度的软标签；\n③ 学生模型同时拟合软标签和真实标签进行训练；\n④ 部署时只用学生模型。',
      rubric: [
        { point: '训练教师模型', points: 2 },
        { point: '生成软标签', points: 2 },
        { point: '学生拟合软标签与真实标签', points: 3 },
        { point: '只部署学生', points: 1 },
      ],
    });
    expect(question(bank, 'short-2')).toMatchObject({
      points: 8,
      reference: '1) 延迟（单次推理的时间）\n2) 吞吐量（每秒完成的推理次数）\n3) 内存或显存占用\n4) 功耗',
      // 每个2分 for the four the point itself names.
      rubric: [{ point: '写出四个指标（每个2分）', points: 8 }],
    });
    expect(question(bank, 'short-3')).toMatchObject({
      points: 8,
      reference: '一是计算图优化，如常量折叠；二是算子融合，减少内核启动；三是低精度推理，如FP16、INT8；四是内核自动调优。',
      rubric: [
        { point: '每答出一种优化（每种2分，至少两种）', points: 4 },
        { point: '说明其作用', points: 4 },
      ],
    });
  });

  it("says which wins when a question's marking points and the section's points disagree", async () => {
    const { bank, report } = await importOk(file);
    expect(question(bank, 'short-4')).toMatchObject({
      points: 9,
      reference: '(1) 模型太大，计算量超出手机算力；\n(2) 没有使用NPU等硬件加速；\n(3) 仍以FP32运行，没有量化。',
      rubric: [{ point: '指出原因（每个3分）', points: 9 }],
    });
    expect(report.warnings.filter((warning) => warning.questionId !== undefined)).toEqual([
      {
        line: 47,
        questionId: 'short-4',
        message: 'marking point "指出原因（每个3分）" gives 3 per item without saying how many: the 3 items the reference answer lists make 9',
      },
      { line: 47, questionId: 'short-4', message: 'marking points add up to 9, the paper says 10: the marking points win, the question is worth 9' },
    ]);
    expect(formatImportReport(report)).toContain('marking points add up to 9, the paper says 10: the marking points win, the question is worth 9');
  });
});

describe('importing a unit test whose key is a grid (grid-key-paper.txt)', () => {
  const file = path.join(papersDir, 'grid-key-paper.txt');

  it('reads 题号/答案 rows, as a Word table with | cells and as spaced text, for choice and √/× questions', async () => {
    const { bank, report } = await importOk(file);
    expect(bank.title).toBe('计算机组成原理单元测验（第二章 数据的表示）');
    expect(report.countsByType).toEqual({ choice: 5, truefalse: 4 });
    expect(report.missingAnswers).toEqual([]);
    expect(bank.questions.map((q) => (q.type === 'choice' || q.type === 'truefalse' ? q.answer : undefined))).toEqual(['B', 'A', 'C', 'A', 'C', true, false, true, false]);
    expect(bank.questions.map((q) => q.points)).toEqual([2, 2, 2, 2, 2, 1, 1, 1, 1]);
  });

  it('reads 1．8位… as question 1 about 8 bits: a full-width dot after a number is not a decimal point', async () => {
    const { bank } = await importOk(file);
    expect(question(bank, 'choice-1')).toMatchObject({
      stem: '8位补码能表示的最小整数是（　　）',
      options: [{ text: '-127' }, { text: '-128' }, { text: '-255' }, { text: '-256' }],
    });
  });

  it('reports an answer row that does not line up with its question numbers instead of guessing', async () => {
    const outcome = await importBank({
      filename: 'quiz.txt',
      content: Buffer.from('测验\n一、选择题\n1. 甲？\nA.x B.y\n2. 乙？\nA.x B.y\n答案\n一、选择题\n题号 1 2\n答案 A\n'),
      format: 'paper',
    });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.report.missingAnswers).toEqual(['choice-1', 'choice-2']);
    expect(outcome.report.warnings).toContainEqual({ line: 10, message: 'answer row has 1 cell for the 2 question numbers above it: the row was not read' });
  });
});

describe('importing a final whose answer part is a marking scheme (os-final-marking-scheme.txt)', () => {
  const file = path.join(papersDir, 'os-final-marking-scheme.txt');

  it('reads （共N分） per question and turns ①…（2分） in the answer into marking points, taking the marks out of the reference', async () => {
    const { bank, report } = await importOk(file);
    expect(bank.title).toBe('操作系统期末考试试题');
    expect(bank.description).toBe('（闭卷，120分钟）');
    expect(report.countsByType).toEqual({ choice: 3, short: 2, essay: 1 });
    expect(report.warnings.filter((warning) => warning.questionId !== undefined || warning.message.includes('points'))).toEqual([]);
    expect(bank.questions.map((q) => (q.type === 'choice' ? q.answer : q.points))).toEqual(['B', 'B', 'C', 8, 10, 12]);
    expect(question(bank, 'short-1')).toMatchObject({
      reference: '①进程是程序在一个数据集合上的一次执行过程，是系统进行资源分配和调度的独立单位；②进程是动态的，程序是静态的；③进程有生命周期，程序可长期保存；④一个程序可对应多个进程。',
      rubric: [
        { point: '进程是程序在一个数据集合上的一次执行过程，是系统进行资源分配和调度的独立单位', points: 2 },
        { point: '进程是动态的，程序是静态的', points: 2 },
        { point: '进程有生命周期，程序可长期保存', points: 2 },
        { point: '一个程序可对应多个进程', points: 2 },
      ],
    });
    // Two marks inside item ③ are two marking points.
    expect(question(bank, 'short-2')).toMatchObject({
      rubric: [
        { points: 4 },
        { point: '依据是程序的局部性原理', points: 2 },
        { point: '硬件支持：页表或段表机制', points: 2 },
        { point: '缺页（缺段）中断机构和地址变换机构', points: 2 },
      ],
    });
  });

  it('marks a worked answer step by step, keeping brackets that are part of the working', async () => {
    const { bank } = await importOk(file);
    expect(question(bank, 'essay-1')).toMatchObject({
      points: 12,
      reference: '可用资源为10-(2+2+3)=3。P1、P2、P3尚需6、1、6。先满足P2，P2完成后释放，可用为5；此时P1、P3尚需均为6，都大于5，无法继续。因此找不到安全序列，当前状态不安全。',
      rubric: [
        { point: '可用资源为10-(2+2+3)=3', points: 2 },
        { point: 'P1、P2、P3尚需6、1、6。先满足P2，P2完成后释放，可用为5', points: 3 },
        { point: '此时P1、P3尚需均为6，都大于5，无法继续', points: 3 },
        { point: '因此找不到安全序列，当前状态不安全', points: 4 },
      ],
    });
    expect(bank.sections?.map((section) => [section.title, section.questionIds.length])).toEqual([
      ['一、单项选择题（本大题共3小题，每小题2分，共6分）', 3],
      ['二、简答题（本大题共2小题，共18分）', 2],
      ['三、综合题（本大题共1小题，共12分）', 1],
    ]);
  });
});

describe('importing an English midterm with answers under each question (english-databases-midterm.txt)', () => {
  const file = path.join(papersDir, 'english-databases-midterm.txt');

  it('reads Section headings, "Answer:", "Explanation:", True/False and marks', async () => {
    const { bank, report } = await importOk(file, 'paper');
    expect(bank.title).toBe('CS 210 Introduction to Databases: Midterm Examination');
    expect(bank.language).toBe('en-US');
    expect(report.countsByType).toEqual({ choice: 2, truefalse: 2, blank: 2, short: 1 });
    expect(report.missingAnswers).toEqual([]);
    expect(question(bank, 'choice-1')).toMatchObject({ answer: 'B', points: 2, analysis: 'A primary key is unique and not null for every row.' });
    expect(question(bank, 'choice-2')).toMatchObject({ answer: 'B', options: [{ text: 'DROP TABLE' }, { text: 'DELETE' }, { text: 'ALTER TABLE' }, { text: 'CREATE VIEW' }] });
    expect(['truefalse-1', 'truefalse-2'].map((id) => (question(bank, id) as { answer: boolean }).answer)).toEqual([false, true]);
    expect(question(bank, 'blank-1')).toMatchObject({ points: 2, blanks: [{ accept: ['REVOKE'] }] });
    expect(question(bank, 'blank-2')).toMatchObject({ blanks: [{ accept: ['durability', 'persistence'] }] });
    expect(bank.sections?.map((section) => [section.title, section.pointsEach])).toEqual([
      ['Section A: Multiple Choice (2 marks each)', 2],
      ['Section B: True or False (1 mark each)', 1],
      ['Section C: Fill in the Blanks (2 marks each)', 2],
      ['Section D: Short Answer (20 marks)', undefined],
    ]);
  });

  it('keeps the model answer\'s 1.…4. list in the answer and turns the marking scheme into marking points, "4 marks each, all four" counting four', async () => {
    const { bank, report } = await importOk(file, 'paper');
    expect(question(bank, 'short-1')).toMatchObject({
      points: 20,
      reference: [
        'A transaction is a sequence of operations performed as a single logical unit of work, such as moving money between two accounts.',
        '1. Atomicity: all of its operations take effect, or none do.',
        '2. Consistency: it takes the database from one valid state to another.',
        '3. Isolation: concurrent transactions do not see each other\'s partial work.',
        '4. Durability: once committed, its changes survive crashes.',
      ].join('\n'),
      rubric: [
        { point: 'Defines a transaction as a single logical unit of work', points: 2 },
        { point: 'Each ACID property named and explained (4 marks each, all four)', points: 16 },
        { point: 'Gives an example such as a bank transfer', points: 2 },
      ],
    });
    expect(report.warnings.filter((warning) => warning.questionId !== undefined)).toEqual([]);
    expect(bank.questions.reduce((sum, q) => sum + q.points, 0)).toBe(30);
  });
});

describe('marking points whose points cannot all be read', () => {
  const paper = async (text: string) => {
    const outcome = await importBank({ filename: 'quiz.txt', content: Buffer.from(text), format: 'paper' });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    return outcome;
  };

  it('reads the essay of the issue: 参考要点 (1)…(4) answering question 5, with 评分要点 on one line, when the answers have no section headings', async () => {
    const choices = [1, 2, 3, 4].map((n) => `${n}. 第${n}题？\nA.甲  B.乙`).join('\n');
    const { bank, report } = await paper(
      `测验\n一、选择题（每题2分）\n${choices}\n二、论述题（20分）\n5. 论述推理优化方法。\n参考答案\n1.A 2.B 3.A 4.B\n5. 参考要点: (1) 场景分析。\n(2) 量化。\n(3) 剪枝。\n(4) 蒸馏。\n评分要点: 场景分析(4分); 每种方法的原理(每种4分,至少三种); 方法与场景对应(4分)\n`,
    );
    expect(bank.questions.map((q) => (q.type === 'choice' ? q.answer : q.type))).toEqual(['A', 'B', 'A', 'B', 'essay']);
    expect(question(bank, 'essay-1')).toMatchObject({
      points: 20,
      reference: '(1) 场景分析。\n(2) 量化。\n(3) 剪枝。\n(4) 蒸馏。',
      rubric: [
        { point: '场景分析', points: 4 },
        { point: '每种方法的原理(每种4分,至少三种)', points: 12 },
        { point: '方法与场景对应', points: 4 },
      ],
    });
    expect(report.skipped).toEqual([]);
    expect(report.warnings.filter((warning) => warning.message.includes('second answer'))).toEqual([]);
  });

  it('keeps a question as a draft, and says why, when neither the paper nor its marking points give its points', async () => {
    const { bank, report } = await paper('测验\n一、简答题\n1. 什么是索引？\n答案\n一、简答题\n1. 答：加快查询的数据结构。\n评分要点：①定义 ②用途（2分）\n');
    expect(question(bank, 'short-1')).toMatchObject({ status: 'draft', reference: '', rubric: [] });
    expect(report.missingAnswers).toEqual(['short-1']);
    expect(report.warnings).toContainEqual({
      line: 7,
      questionId: 'short-1',
      message: 'marking point "定义" states no points and the paper states no points for the question: the points cannot be determined, kept as a draft',
    });
  });

  it("shares what the paper's points leave among marking points that state none, and says so", async () => {
    const { bank, report } = await paper('测验\n一、简答题（每题6分）\n1. 什么是索引？\n答案\n一、简答题\n1. 答：加快查询的数据结构。\n评分要点：①定义 ②用途（2分）\n');
    expect(question(bank, 'short-1')).toMatchObject({ points: 6, rubric: [{ point: '定义', points: 4 }, { point: '用途', points: 2 }] });
    expect(report.warnings).toContainEqual({ line: 7, questionId: 'short-1', message: 'marking point "定义" states no points: it takes the 4 of the paper\'s 6 points the others leave' });
  });

  it('invents no catch-all marking point with guessed points: without 评分要点 or stated points the question is a draft', async () => {
    const { bank, report } = await paper('测验\n一、论述题\n1. 论述索引的作用。\n答案\n一、论述题\n1. 答：索引加快查询，但增加写开销。\n');
    expect(question(bank, 'essay-1')).toMatchObject({ status: 'draft', points: 10, rubric: [] });
    expect(report.warnings).toContainEqual({
      line: 6,
      questionId: 'essay-1',
      message: 'no 评分要点 and no points for the question: its points cannot be determined, kept as a draft',
    });
  });

  it('gives the one catch-all marking point the points the paper states, and reports it', async () => {
    const { bank, report } = await paper('测验\n一、论述题（15分）\n1. 论述索引的作用。\n答案\n一、论述题\n1. 答：索引加快查询，但增加写开销。\n');
    expect(question(bank, 'essay-1')).toMatchObject({ points: 15, rubric: [{ point: '与参考答案的要点一致', points: 15 }] });
    expect(report.warnings).toContainEqual({ line: 6, questionId: 'essay-1', message: 'no 评分要点: one marking point "与参考答案的要点一致" covers the question\'s 15 points' });
  });

  it('says when a section states a total its questions do not add up to', async () => {
    const { report } = await paper('测验\n一、简答题（共10分）\n1. 甲？\n2. 乙？\n答案\n一、简答题\n1. 答：甲。（3分）\n2. 答：乙。（4分）\n');
    expect(report.warnings).toContainEqual({ line: 2, message: '"一、简答题（共10分）" states 10 points, its questions add up to 7: each question keeps its own points' });
  });

  it('keeps 1. 2. inside answer 1 in that answer when 2. 答： further down opens the answer to question 2', async () => {
    const { bank, report } = await paper('测验\n一、简答题（每题4分）\n1. 甲？\n2. 乙？\n答案\n一、简答题\n1. 答：\n1. 丙\n2. 丁\n评分要点：丙（2分）；丁（2分）\n2. 答：戊。\n评分要点：戊（4分）\n');
    expect(bank.questions.map((q) => (q.type === 'short' ? [q.reference, q.rubric.map((point) => point.point)] : []))).toEqual([
      ['1. 丙\n2. 丁', ['丙', '丁']],
      ['戊。', ['戊']],
    ]);
    expect(report.warnings.filter((warning) => warning.questionId !== undefined)).toEqual([]);
  });

  it('keeps a heading inside a model answer (一、为什么重要) in that answer', async () => {
    const { bank, report } = await paper('测验\n一、论述题（10分）\n1. 论述推理速度。\n答案\n一、论述题\n1. 答：\n一、为什么重要\n延迟决定体验。\n二、怎么优化\n量化和剪枝。\n评分要点：重要性（5分）；方法（5分）\n');
    expect(question(bank, 'essay-1')).toMatchObject({ reference: '一、为什么重要\n延迟决定体验。\n二、怎么优化\n量化和剪枝。', points: 10 });
    expect(report.skipped).toEqual([]);
  });
});

describe('reading marks notes', () => {
  it.each([
    ['场景分析（4分）', { body: '场景分析', points: 4 }],
    ['每种方法的原理（每种4分，至少三种）', { body: '每种方法的原理', each: 4, count: 3, points: 12 }],
    ['写出四个指标（每个1分）', { body: '写出四个指标', each: 1, count: 4, points: 4 }],
    ['指出原因（每个3分）', { body: '指出原因', each: 3 }],
    ['任答两点即可（每点2分，共4分）', { body: '任答两点即可', each: 2, points: 4 }],
    ['Defines a transaction (2 marks)', { body: 'Defines a transaction', points: 2 }],
    ['Each property explained (4 marks each, all four)', { body: 'Each property explained', each: 4, count: 4, points: 16 }],
    ['Any example (1 mark each, any two)', { body: 'Any example', each: 1, count: 2, points: 2 }],
  ])('reads %s', (text, expected) => {
    expect(readMarksNote(text)).toMatchObject(expected);
  });

  it.each(['模式(或概念模式)', '可用资源为10-(2+2+3)', 'no marks here', '（这是一段很长的括号说明，里面虽然提到了分数，但是它太长了，不像是一个给分说明，只是普通的文字而已，总共有5分）'])(
    'finds no marks note in %s',
    (text) => {
      expect(readMarksNote(text)).toBeUndefined();
    },
  );

  it.each([
    ['三', 3],
    ['两', 2],
    ['十', 10],
    ['十二', 12],
    ['二十', 20],
    ['four', 4],
    ['7', 7],
    ['很多', undefined],
  ])('reads the count %s', (word, count) => {
    expect(readCount(word)).toBe(count);
  });

  it('reads a long line of brackets and marks in well under a second', () => {
    const hostile = `${'(('.repeat(10_000)}${'每种4分'.repeat(2_000)}${'))'.repeat(10_000)}`;
    const started = performance.now();
    readMarksNote(hostile);
    splitInlineMarks(hostile);
    countListItems(hostile);
    readGridRow(`题号 ${'1 '.repeat(20_000)}`);
    const numbered = Array.from({ length: 10_000 }, (_, index) => `(${index + 1})`).join('');
    countListItems(numbered);
    splitInlineMarks(`${numbered}（2分）`.repeat(3));
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('importing practice handed out with the answers filled into the brackets (python-answers-in-brackets.txt)', () => {
  const file = path.join(papersDir, 'python-answers-in-brackets.txt');

  it('reads （ C ）, （ABD）, （√） and （×） at the end of a stem as the key and leaves the bracket empty', async () => {
    const { bank, report } = await importOk(file);
    expect(bank.title).toBe('Python程序设计 第3章 数据类型 练习题（答案版）');
    expect(report.countsByType).toEqual({ choice: 4, multi: 1, truefalse: 2 });
    expect(bank.questions.map((q) => [q.id, q.stem, q.type === 'choice' || q.type === 'multi' || q.type === 'truefalse' ? q.answer : undefined])).toEqual([
      ['choice-1', '下列类型中，属于不可变类型的是（ ）', 'C'],
      ['choice-2', '表达式 7 // 2 的值是（ ）。', 'B'],
      ['choice-3', '若 f(x) = x * 2，则下列调用中结果为偶数的是（ ）', 'D'],
      ['multi-1', '下列属于序列类型的有（ ）', ['A', 'B', 'D']],
      ['truefalse-1', 'Python 的列表可以包含不同类型的元素。（ ）', true],
      ['truefalse-2', '字典的键可以是列表。（ ）', false],
      ['choice-4', '集合中的元素是有序的。（ ）', ''],
    ]);
    expect(question(bank, 'multi-1')).toMatchObject({ points: 3, partialCredit: 1 / 3 });
  });

  it('keeps an empty bracket as a question without an answer, and reads no key from a call such as f(A)', async () => {
    const { report } = await importOk(file);
    expect(report.missingAnswers).toEqual(['choice-4']);
    expect(report.warnings).toContainEqual({
      line: 18,
      questionId: 'choice-4',
      message: 'true/false question without an answer: kept as a draft choice (正确/错误); set its type to truefalse when you add the answer',
    });
    const outcome = await importBank({ filename: 'q.txt', content: Buffer.from('测验\n一、选择题\n1. 下列与 f(A) 相等的是 g(B)\nA.甲  B.乙\n'), format: 'paper' });
    expect(outcome.ok && outcome.bank.questions[0]).toMatchObject({ status: 'draft', stem: '下列与 f(A) 相等的是 g(B)' });
  });
});
