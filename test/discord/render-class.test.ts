import { ComponentType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { BankSchema, type Bank, type BankInput } from '../../src/bank/schema.ts';
import { acceptCandidates, candidateKey } from '../../src/discord/components/class.ts';
import { CUSTOM_ID_MAX_LENGTH, encodeComponentId, parseComponentId, type ComponentId } from '../../src/discord/custom-id.ts';
import { CONTENT_LIMIT, type MessagePayload } from '../../src/discord/render.ts';
import {
  exportFileName,
  renderAcceptConfirm,
  renderClassReport,
  renderDryRun,
  renderItemReport,
  renderNoticeLine,
  renderNoticeMessages,
  renderResponseAnalysis,
} from '../../src/discord/render-class.ts';
import type { ClassReport } from '../../src/progress/class-report.ts';
import type { ItemReportRow } from '../../src/progress/item-report.ts';
import type { ResponseRow } from '../../src/progress/response-analysis.ts';
import type { RegradeReport } from '../../src/services/key-fixes.ts';
import type { LearnerNotice } from '../../src/services/notices.ts';

const bankInput: BankInput = {
  id: 'unit-bank',
  title: 'Unit bank',
  language: 'en-US',
  source: 'written for the renderer tests',
  questions: [
    { id: 'q-blank', type: 'blank', stem: 'Weights go to ____ and activations to ____.', points: 2, analysis: '', blanks: [{ accept: ['INT8'] }, { accept: ['FP16', 'half precision'] }] },
    { id: 'q-one-blank', type: 'blank', stem: 'A small ____ model proposes tokens.', points: 1, analysis: '', blanks: [{ accept: ['draft'] }] },
    { id: 'q-choice', type: 'choice', stem: 'Pick one.', points: 1, analysis: '', options: [{ key: 'A', text: 'a' }, { key: 'B', text: 'b' }], answer: 'A' },
    { id: 'q-tf', type: 'truefalse', stem: 'True?', points: 1, analysis: '', answer: true },
    { id: 'q-short', type: 'short', stem: 'Why?', points: 2, analysis: '', reference: 'Because.', rubric: [{ point: 'because', points: 2 }] },
  ],
};
const bank: Bank = BankSchema.parse(bankInput);
const question = (id: string) => bank.questions.find((q) => q.id === id)!;

function response(answer: string, count: number, learners: number, verdict: ResponseRow['verdict'], meanFraction = verdict === 'correct' ? 1 : verdict === 'wrong' ? 0 : 0.5): ResponseRow {
  return { answer, exampleRaw: answer, count, learners, verdict, meanFraction };
}

function item(questionId: string, responses: ResponseRow[] | null, extra: Partial<ItemReportRow> = {}): ItemReportRow {
  const type = question(questionId).type;
  return { questionId, questionType: type, topic: null, attempts: 6, facility: 0.5, discriminationIndex: 30, discriminativeEfficiency: 40, flags: [], responses, ...extra };
}

function allText(payload: MessagePayload): string {
  return [payload.content ?? '', ...payload.embeds.flatMap((embed) => [embed.title ?? '', embed.description ?? '', ...(embed.fields ?? []).flatMap((f) => [f.name, f.value]), embed.footer?.text ?? ''])].join('\n');
}

type Select = { type: number; custom_id: string; options: Array<{ label: string; value: string; default?: boolean }> };

function selects(payload: MessagePayload): Select[] {
  return payload.components.flatMap((row) => row.components).filter((c) => c.type === ComponentType.StringSelect) as unknown as Select[];
}

describe('class custom ids', () => {
  const cases: ComponentId[] = [
    { kind: 'class-question', bankId: 'unit-bank' },
    { kind: 'class-show', bankId: 'unit-bank', question: { id: 'q-blank' } },
    { kind: 'class-pick', bankId: 'unit-bank', question: { id: 'q-blank' } },
    { kind: 'class-accept', bankId: 'unit-bank', question: { id: 'q-blank' }, candidate: '2.0123456789ab', percent: 50 },
    { kind: 'class-regrade', bankId: 'unit-bank', question: { id: 'q-blank' } },
  ];

  it.each(cases)('round-trips $kind', (id) => {
    const encoded = encodeComponentId(id);
    expect(encoded.length).toBeLessThanOrEqual(CUSTOM_ID_MAX_LENGTH);
    expect(parseComponentId(encoded)).toEqual(id);
  });

  it('names a question by its position in the bank when two 64-character ids would not fit', () => {
    const bankId = `b${'x'.repeat(63)}`;
    const encoded = encodeComponentId({ kind: 'class-accept', bankId, question: { id: `q${'y'.repeat(63)}` }, candidate: '1.0123456789ab', percent: 100 }, 4);
    expect(encoded.length).toBeLessThanOrEqual(CUSTOM_ID_MAX_LENGTH);
    expect(parseComponentId(encoded)).toEqual({ kind: 'class-accept', bankId, question: { index: 4 }, candidate: '1.0123456789ab', percent: 100 });
  });

  it('refuses malformed class ids instead of guessing', () => {
    for (const bad of ['class:accept:b:q:2.xyz:100', 'class:accept:b:q:2.01ab:0', 'class:accept:b:q:2.01ab:101', 'class:q:b:extra', 'class:regrade:b', 'class:nope:b:q', 'class:']) {
      expect(parseComponentId(bad), bad).toBeNull();
    }
  });
});

describe('answers a teacher may accept', () => {
  it('offers each blank part the key rejects, summed over the answers it appears in, never a part already right', () => {
    const candidates = acceptCandidates(question('q-blank'), [
      response('int8 | BF16', 3, 3, 'partial'),
      response('fp8 | bf16', 2, 2, 'wrong'),
      response('INT8 | FP16', 9, 9, 'correct'),
    ]);
    expect(candidates.map((c) => [c.blank, c.answer, c.count])).toEqual([
      [2, 'BF16', 5],
      [1, 'fp8', 2],
    ]);
    // BF16 and bf16 are one answer to the grader, so one candidate with one stable key.
    expect(candidates[0]!.key).toBe(candidateKey(2, 'BF16'));
  });

  it('takes a one-blank answer whole, and whole answers for choice questions', () => {
    expect(acceptCandidates(question('q-one-blank'), [response('assistant', 4, 3, 'wrong')]).map((c) => [c.blank, c.answer, c.learners])).toEqual([[1, 'assistant', 3]]);
    expect(acceptCandidates(question('q-choice'), [response('B', 4, 4, 'wrong'), response('A', 5, 5, 'correct')]).map((c) => [c.blank, c.answer])).toEqual([[undefined, 'B']]);
  });

  it('offers nothing for types the key fix cannot change (true/false, written answers)', () => {
    expect(acceptCandidates(question('q-tf'), [response('false', 4, 4, 'wrong')])).toEqual([]);
    expect(acceptCandidates(question('q-short'), [response('because', 4, 4, 'wrong')])).toEqual([]);
  });

  it('keys a candidate by blank and text only, so the same answer keeps its key as counts change', () => {
    expect(candidateKey(2, 'BF16')).toMatch(/^2\.[0-9a-f]{12}$/);
    expect(candidateKey(2, 'BF16')).toBe(candidateKey(2, 'BF16'));
    expect(candidateKey(2, ' bf16 ')).toBe(candidateKey(2, 'BF16'));
    expect(candidateKey(1, 'BF16')).not.toBe(candidateKey(2, 'BF16'));
    expect(candidateKey(undefined, 'B')).toMatch(/^0\./);
  });
});

const emptyGroup = { attempts: 0, correct: 0, accuracy: 0, pointsEarned: 0, pointsAvailable: 0 };

function classReport(extra: Partial<ClassReport> = {}): ClassReport {
  return {
    bankId: null,
    guildId: 'g',
    since: null,
    until: null,
    generatedAt: '2026-12-06T05:00:00.000Z',
    timeZone: 'UTC',
    activeLearners: 0,
    totals: emptyGroup,
    byTopic: [],
    byType: [],
    weakestTopics: [],
    reviewsDue: 0,
    daily: [],
    learners: [],
    ...extra,
  };
}

describe('the class report', () => {
  it('says there is nothing yet instead of a table of zeros', () => {
    const payload = renderClassReport({ locale: 'en-US', report: classReport(), period: 'week' });
    expect(payload.embeds[0]!.description).toBe('Bank: all banks · last 7 days\n\nNo answers yet in this server.');
    expect(payload.allowedMentions).toEqual({ parse: [], repliedUser: false });
  });

  it('lists at most 15 learners and points to the export for the rest, and escapes topic names', () => {
    const learners = Array.from({ length: 20 }, (_, i) => ({ userId: `1000000000000000${10 + i}`, displayName: `l${i}`, lastActiveAt: '2026-12-05T10:00:00.000Z', attempts: 2, correct: 1, accuracy: 0.5, pointsEarned: 1, pointsAvailable: 2 }));
    const payload = renderClassReport({
      locale: 'en-US',
      report: classReport({ activeLearners: 20, totals: { attempts: 40, correct: 20, accuracy: 0.5, pointsEarned: 20, pointsAvailable: 40 }, byTopic: [{ topic: '*bold*', attempts: 40, correct: 20, accuracy: 0.5, pointsEarned: 20, pointsAvailable: 40 }], learners }),
      period: 'all',
      bankTitle: 'Unit bank',
      chartFile: 'class-30-days.png',
    });
    const embed = payload.embeds[0]!;
    expect(embed.description).toContain('20 active learners · 40 answers · accuracy 50% · 20/40 points');
    const learnerField = embed.fields!.find((f) => f.name.startsWith('Learners'))!.value;
    expect(learnerField.split('\n')).toHaveLength(16);
    expect(learnerField).toContain('… and 5 more (all of them in /class export)');
    expect(learnerField).toContain(`<t:${Date.parse('2026-12-05T10:00:00.000Z') / 1000}:R>`);
    expect(embed.fields!.find((f) => f.name.startsWith('By topic'))!.value).toBe('\\*bold\\*: 40 · 50% · 20/40');
    expect(embed.image!.url).toBe('attachment://class-30-days.png');
  });

  it('names the export file after the bank and the day', () => {
    expect(exportFileName('unit-bank', new Date('2026-12-06T05:00:00Z'))).toBe('class-unit-bank-2026-12-06.csv');
    expect(exportFileName(undefined, new Date('2026-12-06T05:00:00Z'))).toBe('class-all-banks-2026-12-06.csv');
  });
});

describe('item statistics and response analysis', () => {
  const flagged = item('q-blank', [response('int8 | BF16', 3, 3, 'partial')], { facility: 0.1, discriminationIndex: -12.5, flags: ['low-facility', 'negative-discrimination'] });
  const rows = [flagged, item('q-short', null), item('q-choice', [response('A', 6, 6, 'correct')])];

  it('marks the questions to check and offers only questions with an analysis in the picker', () => {
    const payload = renderItemReport({ locale: 'en-US', bank, rows });
    const text = allText(payload);
    expect(text).toContain("3 questions answered, 1 to check.");
    expect(text).toContain('⚠️ `q-blank` · Fill in the blanks · 6 learners · facility 0.10 · discrimination -12.5\n  check the key: facility below 0.2, negative discrimination');
    const [picker] = selects(payload);
    expect(picker!.custom_id).toBe('class:q:unit-bank');
    expect(picker!.options.map((o) => [o.label, o.value])).toEqual([
      ['⚠️ q-blank', 'q-blank'],
      ['q-choice', 'q-choice'],
    ]);
  });

  it('says so when nobody answered', () => {
    expect(renderItemReport({ locale: 'zh-CN', bank, rows: [] }).embeds[0]!.description).toBe('本服务器还没有人作答这个题库的题目。');
  });

  it("shows a question's answers with their verdicts and a menu of the parts to accept", () => {
    const candidates = acceptCandidates(question('q-blank'), flagged.responses!);
    const payload = renderResponseAnalysis({ locale: 'en-US', bank, question: question('q-blank'), item: flagged, rows, candidates });
    expect(payload.embeds[0]!.title).toBe('Answers to q-blank (Unit bank)');
    expect(payload.embeds[0]!.description).toContain('`int8 | BF16` · 3× by 3 learners · partly right (mean 0.50 of the points)');
    const [pick, picker] = selects(payload);
    expect(pick!.custom_id).toBe('class:pick:unit-bank:q-blank');
    expect(pick!.options.map((o) => [o.label, o.value])).toEqual([['Blank 2: BF16', candidates[0]!.key]]);
    expect(picker!.options.find((o) => o.value === 'q-blank')!.default).toBe(true);
  });

  it('keeps a learner’s backticks and markdown from breaking the analysis', () => {
    const hostile = item('q-choice', [response('``` @everyone **x**', 1, 1, 'wrong')]);
    const payload = renderResponseAnalysis({ locale: 'en-US', bank, question: question('q-choice'), item: hostile, rows: [hostile], candidates: [] });
    expect(payload.embeds[0]!.description).toContain('`ˋˋˋ @everyone **x**`');
    expect(payload.allowedMentions.parse).toEqual([]);
  });
});

describe('the key fix messages', () => {
  const candidate = { key: '2.0123456789ab', blank: 2, answer: 'BF16', count: 3, learners: 3, verdict: 'wrong' as const };

  it('asks before changing the key, with full marks, half marks and cancel', () => {
    const payload = renderAcceptConfirm({ locale: 'en-US', bank, question: question('q-blank'), candidate });
    expect(payload.embeds[0]!.description).toContain('Accept `BF16` in blank 2 of `q-blank`? It was given 3 times by 3 learners.');
    const buttons = payload.components[0]!.components as unknown as Array<{ label: string; custom_id: string }>;
    expect(buttons.map((b) => [b.label, b.custom_id])).toEqual([
      ['Accept for full marks', 'class:accept:unit-bank:q-blank:2.0123456789ab:100'],
      ['Accept for 50% of the points', 'class:accept:unit-bank:q-blank:2.0123456789ab:50'],
      ['Cancel', 'class:show:unit-bank:q-blank'],
    ]);
  });

  const report: RegradeReport = {
    bankId: 'unit-bank',
    questionId: 'q-blank',
    dryRun: true,
    considered: 5,
    changed: [
      { attemptId: 1, userId: '100000000000000001', answer: 'int8 BF16', before: 1, after: 2, maxScore: 2 },
      { attemptId: 2, userId: '100000000000000002', answer: 'int8 bf16', before: 1, after: 2, maxScore: 2 },
    ],
    unchanged: 2,
    skippedTeacherGraded: 1,
    pointsDelta: 2,
    noticesQueued: 0,
    learners: 2,
    skippedUnreadable: 0,
  };

  it('shows the dry run with what changes, and a Regrade button only when something would', () => {
    const payload = renderDryRun({ locale: 'en-US', bank, question: question('q-blank'), accepted: { bankId: 'unit-bank', questionId: 'q-blank', blank: 2, answer: 'BF16', fraction: 1, fractionBefore: 0, changed: true }, report });
    const description = payload.embeds[0]!.description!;
    expect(description).toContain('Blank 2 of `q-blank` now accepts `BF16` for 100% of the points.');
    expect(description).toContain('With the new key 2 stored answers of 5 would change (+2 points) for 2 learners. 1 answer graded by a teacher stays as it is.');
    expect(description).toContain('<@100000000000000001>: `int8 BF16` 1 → 2 of 2');
    const [regrade] = payload.components[0]!.components as unknown as Array<{ label: string; custom_id: string; disabled: boolean }>;
    expect([regrade!.label, regrade!.custom_id, regrade!.disabled]).toEqual(['Regrade 2 answers', 'class:regrade:unit-bank:q-blank', false]);
    const nothing = renderDryRun({ locale: 'zh-CN', bank, question: question('q-blank'), report: { ...report, changed: [], pointsDelta: 0, skippedTeacherGraded: 0, learners: 0 } });
    expect((nothing.components[0]!.components[0] as unknown as { disabled: boolean }).disabled).toBe(true);
    expect(nothing.embeds[0]!.description).toBe('按新的标准答案，5 条已保存作答中有 0 条会改变（0 分），涉及 0 位学习者。');
  });
});

describe('notices to learners', () => {
  function notice(kind: LearnerNotice['kind'], params: LearnerNotice['params'], id = 1): LearnerNotice {
    return { id, userId: '100000000000000001', guildId: 'g', attemptId: 1, threadId: null, kind, params, createdAt: new Date(0) };
  }

  it('tells a learner their answer now counts as right, with the points gained', () => {
    expect(renderNoticeLine('en-US', notice('regrade', { question: 'Weights go to ____.', answer: 'BF16', before: 0, after: 4, maxScore: 4, delta: 4 }))).toBe(
      'Your answer `BF16` to “Weights go to \\_\\_\\_\\_.” now counts as right: 4 of 4 points (+4 points).',
    );
    expect(renderNoticeLine('en-US', notice('regrade', { question: 'Q', answer: 'x', before: 0, after: 1, maxScore: 2, delta: 1 }))).toBe(
      'Your answer `x` to “Q” was regraded with a corrected key: 1 of 2 points (+1 point).',
    );
    expect(renderNoticeLine('zh-CN', notice('regrade', { question: 'Q', answer: 'x', before: 0, after: 2, maxScore: 2, delta: 2 }))).toBe('你对题目“Q”的答案 `x` 现在判为正确：2/2 分（+2 分）。');
  });

  it('words teachers’ grades and appeals, translating the appeal status and leaving out what is missing', () => {
    expect(renderNoticeLine('en-US', notice('teacher-grade', { question: 'Q', score: 3, max: 4, before: 2, note: 'Good *point*' }))).toBe(
      'A teacher reviewed your answer to “Q”: 3 of 4 points (+1 point). Note: Good \\*point\\*',
    );
    expect(renderNoticeLine('zh-CN', notice('appeal-resolved', { question: 'Q', status: 'rejected', after: 0, max: 4 }))).toBe('你对题目“Q”的申诉已驳回：0/4 分。');
    const bare = renderNoticeLine('en-US', notice('appeal-resolved', { questionId: 'q-1', status: 'something-new' }));
    expect(bare).toBe('Your appeal on “q-1” was resolved: .');
    expect(bare).not.toMatch(/\{\w+\}/);
  });

  it('packs many notices into messages within 2,000 characters, each listing the notices it carries', () => {
    const many = Array.from({ length: 30 }, (_, i) => notice('regrade', { question: 'x'.repeat(120), answer: 'y'.repeat(120), before: 0, after: 1, maxScore: 1, delta: 1 }, i + 1));
    const messages = renderNoticeMessages('en-US', '100000000000000001', many);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.flatMap((m) => m.ids)).toEqual(many.map((n) => n.id));
    for (const message of messages) {
      expect(message.payload.content!.length).toBeLessThanOrEqual(CONTENT_LIMIT);
      expect(message.payload.content!.startsWith('<@100000000000000001>, a mark of yours changed:')).toBe(true);
      expect(message.payload.content!.split('\n')).toHaveLength(message.ids.length + 1);
      expect(message.payload.allowedMentions.parse).toEqual([]);
    }
  });
});
