import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BankSchema, type Bank, type Question } from '../../src/bank/schema.ts';
import { CUSTOM_ID_MAX_LENGTH, encodeComponentId, parseComponentId, type ExamComponentId } from '../../src/discord/custom-id.ts';
import {
  renderExamConfirm,
  renderExamCover,
  renderExamGrading,
  renderExamQuestion,
  renderExamReport,
  renderExamReview,
  renderExamAnswerModal,
} from '../../src/discord/render-exam.ts';
import type { MessagePayload } from '../../src/discord/render.ts';
import type { ExamCover, ExamQuestionView, ExamReport, ExamReviewItem } from '../../src/exam/types.ts';

const bank: Bank = BankSchema.parse(JSON.parse(readFileSync(new URL('../../data/banks/ai-inference-optimization-2025.json', import.meta.url), 'utf8')));
const question = (id: string): Question => bank.questions.find((q) => q.id === id)!;

const started = new Date('2026-12-06T10:00:00Z');
const deadline = new Date('2026-12-06T12:00:00Z');

const cover: ExamCover = {
  examId: 'EXAM-id_123',
  ownerId: '100000000000000001',
  bankId: bank.id,
  bankTitle: bank.title,
  paperId: 'paper-2025',
  title: '2025 paper',
  timeLimitMinutes: 120,
  totalPoints: 100,
  questionCount: 18,
  sections: [
    { index: 0, title: 'Choice', questionCount: 8, points: 16, questionIndexes: [0, 1, 2, 3, 4, 5, 6, 7] },
    { index: 1, title: 'Blanks', questionCount: 10, points: 84, questionIndexes: [8, 9, 10, 11, 12, 13, 14, 15, 16, 17] },
  ],
  status: 'running',
  startedAt: started,
  deadline,
  threadId: '300000000000000001',
  channelId: '300000000000000002',
  locale: 'en-US',
};

function viewOf(q: Question, index: number, overrides: Partial<ExamQuestionView> = {}, total = 18): ExamQuestionView {
  const items = Array.from({ length: total }, (_, i) => ({
    index: i,
    sectionIndex: 0,
    questionType: q.type,
    points: 2,
    state: i % 2 === 0 ? ('answered' as const) : ('unanswered' as const),
    flagged: i === 2,
  }));
  return {
    cover,
    index,
    bank,
    question: q,
    points: 2,
    sectionIndex: 0,
    sectionTitle: 'Choice',
    answer: null,
    answerText: null,
    flagged: false,
    deadline,
    timeLeftMs: 3_600_000,
    navigation: {
      current: index,
      total,
      items,
      answered: items.filter((i) => i.state === 'answered').length,
      unanswered: items.filter((i) => i.state === 'unanswered').length,
      flagged: 1,
      hasPrevious: index > 0,
      hasNext: index < total - 1,
    },
    ...overrides,
  };
}

type Component = { type: number; custom_id?: string; label?: string; style?: number; disabled?: boolean; options?: Array<{ label: string; value: string; default?: boolean }>; max_values?: number };

function components(payload: MessagePayload): Component[] {
  return payload.components.flatMap((row) => row.components) as unknown as Component[];
}

/** What Discord checks: at most five rows, unique custom ids that fit, and nothing that could ping. */
function expectValidMessage(payload: MessagePayload): void {
  expect(payload.components.length).toBeLessThanOrEqual(5);
  const ids = components(payload).map((c) => c.custom_id!);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id.length).toBeLessThanOrEqual(CUSTOM_ID_MAX_LENGTH);
  expect(payload.allowedMentions).toEqual({ parse: [], repliedUser: false });
}

describe('exam custom ids', () => {
  const cases: ExamComponentId[] = [
    { kind: 'exam-start', examId: 'EXAM-id_123' },
    { kind: 'exam-answer', examId: 'EXAM-id_123', index: 7, choice: 'C' },
    { kind: 'exam-select', examId: 'EXAM-id_123', index: 3 },
    { kind: 'exam-open', examId: 'EXAM-id_123', index: 9, from: 5 },
    { kind: 'exam-modal', examId: 'EXAM-id_123', index: 9, from: 0 },
    { kind: 'exam-prev', examId: 'EXAM-id_123', index: 4 },
    { kind: 'exam-next', examId: 'EXAM-id_123', index: 4 },
    { kind: 'exam-jump', examId: 'EXAM-id_123' },
    { kind: 'exam-flag', examId: 'EXAM-id_123', index: 2, flagged: true },
    { kind: 'exam-flag', examId: 'EXAM-id_123', index: 2, flagged: false },
    { kind: 'exam-submit', examId: 'EXAM-id_123' },
    { kind: 'exam-confirm', examId: 'EXAM-id_123' },
    { kind: 'exam-back', examId: 'EXAM-id_123' },
    { kind: 'exam-reviewstart', examId: 'EXAM-id_123' },
    { kind: 'exam-review', examId: 'EXAM-id_123', index: 17 },
    { kind: 'exam-ask', examId: 'EXAM-id_123', index: 17 },
    { kind: 'exam-askmodal', examId: 'EXAM-id_123', index: 0 },
  ];

  it.each(cases)('round-trips $kind', (id) => {
    expect(parseComponentId(encodeComponentId(id))).toEqual(id);
  });

  it('uses the layout exam:<action>:<exam>:<index>…', () => {
    expect(encodeComponentId({ kind: 'exam-answer', examId: 'E1', index: 0, choice: 'B' })).toBe('exam:answer:E1:0:B');
    expect(encodeComponentId({ kind: 'exam-flag', examId: 'E1', index: 4, flagged: true })).toBe('exam:flag:E1:4:1');
  });

  it.each(['exam:answer:E1:x:B', 'exam:answer:E1:-1:B', 'exam:answer:E1:1', 'exam:flag:E1:1:2', 'exam:start', 'exam:start:E1:extra', 'exam:nope:E1:1', 'exam:prev:E1:1.5', 'exam:open:E1:1:-3'])(
    'refuses the malformed id %s',
    (customId) => {
      expect(parseComponentId(customId)).toBeNull();
    },
  );
});

describe('the cover', () => {
  it('offers Start until the clock runs, then shows when time is up instead', () => {
    const ready = renderExamCover('en-US', { ...cover, status: 'ready', startedAt: null, deadline: null });
    expect(components(ready).map((c) => c.custom_id)).toEqual(['exam:start:EXAM-id_123']);
    expect(ready.embeds[0]!.fields![0]!.value).toBe('• Choice: 8 questions, 16 points\n• Blanks: 10 questions, 84 points');
    expect(ready.embeds[0]!.description).toContain('18 questions · 100 points · time limit 120 minutes');

    const running = renderExamCover('en-US', cover);
    expect(running.components).toEqual([]);
    expect(running.embeds[0]!.description).toContain(`Time is up <t:${deadline.getTime() / 1000}:R>`);
  });
});

describe('a question during the exam', () => {
  it('shows the stem, options and time left as a counting-down timestamp, and never the key or the analysis', () => {
    for (const [index, q] of bank.questions.entries()) {
      const payload = renderExamQuestion({ locale: 'en-US', view: viewOf(q, index) });
      expectValidMessage(payload);
      const text = JSON.stringify(payload);
      expect(text).not.toContain(q.analysis.slice(0, 30));
      if (q.type === 'short' || q.type === 'essay') expect(text).not.toContain(q.reference.slice(0, 30));
      if (q.type === 'blank') expect(text).not.toContain(q.blanks[0]!.accept[0]);
      for (const name of ['Correct answer', 'Analysis', 'Reference answer']) expect(text).not.toContain(name);
      expect(payload.content).toContain(`<t:${deadline.getTime() / 1000}:R>`);
      expect(payload.embeds[0]!.title).toBe(`Question ${index + 1}/18 · ${q.type === 'choice' ? 'Single choice' : q.type === 'blank' ? 'Fill in the blanks' : q.type === 'short' ? 'Short answer' : 'Essay'} · 2 points`);
    }
  });

  it('gives a choice the quiz’s option buttons, addressed to the exam and the question, the saved one in green', () => {
    const q = question('choice-1');
    if (q.type !== 'choice') throw new Error('seed changed');
    const payload = renderExamQuestion({ locale: 'en-US', view: viewOf(q, 0, { answer: 'B', answerText: 'B' }), notice: '✅ Answer to question 1 saved.' });
    const answers = components(payload).filter((c) => c.custom_id!.startsWith('exam:answer:'));
    expect(answers.map((c) => parseComponentId(c.custom_id!))).toEqual(q.options.map((o) => ({ kind: 'exam-answer', examId: 'EXAM-id_123', index: 0, choice: o.key })));
    expect(answers.map((c) => c.style)).toEqual([1, 3, 1, 1]);
    expect(payload.embeds[0]!.fields![0]).toEqual({ name: 'Your answer (saved)', value: `> B. ${q.options[1]!.text}` });
    expect(payload.content!.split('\n')[0]).toBe('✅ Answer to question 1 saved.');
  });

  it('has Previous, Next, Flag and Hand in, Previous disabled on the first question and Next on the last', () => {
    const first = renderExamQuestion({ locale: 'en-US', view: viewOf(question('choice-1'), 0) });
    const nav = components(first).filter((c) => c.type === 2 && !c.custom_id!.startsWith('exam:answer:'));
    expect(nav.map((c) => [c.label, c.disabled])).toEqual([
      ['◀ Previous', true],
      ['Next ▶', false],
      ['🚩 Flag', false],
      ['Hand in…', false],
    ]);
    const last = renderExamQuestion({ locale: 'en-US', view: viewOf(question('essay-1'), 17, { flagged: true }) });
    expect(components(last).find((c) => c.label === 'Next ▶')!.disabled).toBe(true);
    expect(components(last).find((c) => c.label === 'Remove flag')!.custom_id).toBe('exam:flag:EXAM-id_123:17:0');
    expect(last.content).toContain('🚩 Flagged for later');
    expect(components(last).find((c) => c.custom_id === 'exam:open:EXAM-id_123:17:0')!.label).toBe('Answer');
  });

  it('lists answered, unanswered and flagged questions in the jump menu, 25 around the current one on long papers', () => {
    const short = renderExamQuestion({ locale: 'en-US', view: viewOf(question('choice-1'), 1) });
    const menu = components(short).find((c) => c.custom_id === 'exam:jump:EXAM-id_123')!;
    expect(menu.options!.map((o) => [...o.label][0])).toEqual(Array.from({ length: 18 }, (_, i) => (i === 2 ? '🚩' : i % 2 === 0 ? '✅' : '⬜')));
    expect(menu.options!.find((o) => o.default)!.value).toBe('1');

    const long = renderExamQuestion({ locale: 'en-US', view: viewOf(question('choice-1'), 38, {}, 40) });
    const window = components(long).find((c) => c.custom_id === 'exam:jump:EXAM-id_123')!.options!;
    expect(window).toHaveLength(25);
    expect(window[0]!.value).toBe('15');
    expect(window.at(-1)!.value).toBe('39');
    expect(window.find((o) => o.default)!.value).toBe('38');
  });

  it('saves a multi choice on picking, with the saved keys preselected and no Submit', () => {
    const multi = BankSchema.parse({
      ...bank,
      questions: [{ id: 'm', type: 'multi', stem: 'Pick', points: 2, analysis: 'because', options: [{ key: 'A', text: 'a' }, { key: 'B', text: 'b' }, { key: 'C', text: 'c' }], answer: ['A', 'C'] }],
      sections: undefined,
      papers: undefined,
    }).questions[0]!;
    const payload = renderExamQuestion({ locale: 'en-US', view: viewOf(multi, 0, { answer: 'AC', answerText: 'AC' }) });
    expectValidMessage(payload);
    const select = components(payload).find((c) => c.custom_id === 'exam:select:EXAM-id_123:0')!;
    expect(select.max_values).toBe(3);
    expect(select.options!.filter((o) => o.default).map((o) => o.value)).toEqual(['A', 'C']);
    expect(components(payload).some((c) => c.label === 'Submit')).toBe(false);
    expect(payload.embeds[0]!.fields![0]!.value).toBe('> A, C');
  });

  it('opens the blanks modal filled with the saved answer, to change it', () => {
    const view = viewOf(question('blank-1'), 8, { answer: ['延迟', '吞吐量'], answerText: '延迟\n吞吐量' });
    const modal = renderExamAnswerModal('en-US', view).toJSON() as unknown as { custom_id: string; components: Array<{ component: { custom_id: string; value?: string } }> };
    expect(modal.custom_id).toBe('exam:modal:EXAM-id_123:8:0');
    expect(modal.components.map((c) => [c.component.custom_id, c.component.value])).toEqual([
      ['blank-0', '延迟'],
      ['blank-1', '吞吐量'],
    ]);
    const payload = renderExamQuestion({ locale: 'en-US', view });
    expect(components(payload).find((c) => c.custom_id === 'exam:open:EXAM-id_123:8:0')!.label).toBe('Change answer');
  });

  it('speaks Chinese to a Chinese learner', () => {
    const payload = renderExamQuestion({ locale: 'zh-CN', view: viewOf(question('short-1'), 14) });
    expect(payload.embeds[0]!.title).toBe('第 15/18 题 · 简答题 · 2 分');
    expect(payload.embeds[0]!.fields![0]).toEqual({ name: '你的答案（已保存）', value: '尚未作答。' });
  });
});

describe('hand-in and the score report', () => {
  it('asks for confirmation, counting and naming the unanswered and flagged questions', () => {
    const payload = renderExamConfirm('en-US', { cover, total: 18, answered: 15, unanswered: 3, unansweredIndexes: [3, 9, 17], flaggedIndexes: [2], timeLeftMs: 1000 });
    expect(payload.embeds[0]!.description).toContain('15 of 18 answered.\n3 questions are unanswered: 4, 10, 18.\n1 question is flagged: 3.');
    expect(components(payload).map((c) => [c.label, c.custom_id])).toEqual([
      ['Hand in now', 'exam:confirm:EXAM-id_123'],
      ['Keep working', 'exam:back:EXAM-id_123'],
    ]);
    const complete = renderExamConfirm('en-US', { cover, total: 18, answered: 18, unanswered: 0, unansweredIndexes: [], flaggedIndexes: [], timeLeftMs: 1000 });
    expect(complete.embeds[0]!.description).toContain('Every question has an answer.');
  });

  it('shows the written answers still being graded', () => {
    const payload = renderExamGrading({ locale: 'en-US', cover, submittedBy: 'deadline', progress: { examId: cover.examId, writtenTotal: 4, writtenDone: 2 } });
    expect(payload.embeds[0]!.description).toBe('⏰ Time is up: the exam was handed in automatically with the answers given.\nObjective answers are graded.\n⏳ Grading written answers: 2 of 4');
  });

  function report(overrides: Partial<ExamReport> = {}): ExamReport {
    const questions = Array.from({ length: 30 }, (_, index) => ({
      index,
      sectionIndex: index < 8 ? 0 : 1,
      bankId: bank.id,
      questionId: `q${index}`,
      questionType: index < 8 ? ('choice' as const) : ('short' as const),
      stem: 'stem',
      points: index < 8 ? 2 : 10,
      score: index < 3 ? 2 : index === 9 ? 4.5 : 0,
      answered: index < 10,
      provisional: index === 9,
      attemptId: index < 10 ? index + 1 : null,
    }));
    return {
      cover,
      status: 'graded',
      submittedAt: deadline,
      submittedBy: 'learner',
      timeUsedMs: 95 * 60_000 + 5_000,
      score: 10.5,
      totalPoints: 236,
      answered: 10,
      unanswered: 20,
      sections: [
        { index: 0, title: 'Choice', score: 6, points: 16, questionCount: 8, answered: 8 },
        { index: 1, title: 'Written', score: 4.5, points: 220, questionCount: 22, answered: 2 },
      ],
      questions,
      lostPoints: questions.filter((q) => q.score < q.points).map((q) => q.index),
      provisional: true,
      ...overrides,
    };
  }

  it('gives the total, each section, the time used and the questions that lost points, with Review', () => {
    const payload = renderExamReport('en-US', report());
    const embed = payload.embeds[0]!;
    expect(embed.title).toBe('Score report: 2025 paper');
    expect(embed.description).toContain('**10.5 / 236 points** · 10 of 30 answered · time used 95 min 5 s');
    expect(embed.fields![0]).toEqual({ name: 'By section', value: 'Choice: 6 / 16 (8 of 8 answered)\nWritten: 4.5 / 220 (2 of 22 answered)' });
    const lost = embed.fields![1]!.value.split('\n');
    expect(lost[0]).toBe('4. Single choice: 0 / 2');
    expect(lost).toContain('10. Short answer: 4.5 / 10 ⚠️');
    expect(lost).toContain('11. Short answer: not answered (0 / 10)');
    expect(lost).toHaveLength(21);
    expect(lost.at(-1)).toBe('… and 7 more');
    expect(embed.fields!.some((f) => f.value.includes('provisional score'))).toBe(true);
    expect(components(payload).map((c) => c.custom_id)).toEqual(['exam:reviewstart:EXAM-id_123']);
    expectValidMessage(payload);
  });

  it('says full marks when nothing lost points', () => {
    const payload = renderExamReport('en-US', report({ lostPoints: [], provisional: false }));
    expect(payload.embeds[0]!.fields![1]!.value).toBe('None: full marks on every question.');
  });
});

describe('review after hand-in', () => {
  function item(q: Question, overrides: Partial<ExamReviewItem> = {}): ExamReviewItem {
    return {
      cover: { ...cover, status: 'graded' },
      index: 3,
      total: 18,
      bank,
      question: q,
      sectionTitle: 'Choice',
      points: 2,
      score: 0,
      answered: false,
      answerText: null,
      grade: null,
      feedback: null,
      gradedBy: null,
      attemptStatus: null,
      provisional: false,
      attemptId: null,
      ...overrides,
    };
  }

  it('shows an unanswered question with its key and analysis', () => {
    const q = question('choice-4');
    const payload = renderExamReview('en-US', item(q));
    expectValidMessage(payload);
    expect(payload.embeds[1]!.title).toBe('Not answered: 0 / 2 points');
    expect(payload.embeds[1]!.fields!.find((f) => f.name === 'Correct answer')!.value).toBe('C');
    expect(payload.embeds[1]!.fields!.find((f) => f.name === 'Analysis')!.value).toBe(q.analysis);
    expect(components(payload).map((c) => c.custom_id)).toEqual(['exam:review:EXAM-id_123:2', 'exam:review:EXAM-id_123:4', 'exam:ask:EXAM-id_123:3']);
  });

  it('keeps custom ids unique on a one-question paper', () => {
    const payload = renderExamReview('en-US', item(question('choice-4'), { index: 0, total: 1 }));
    expect(components(payload).map((c) => c.custom_id)).toEqual(['exam:ask:EXAM-id_123:0']);
  });
});
