import { readFileSync } from 'node:fs';
import { ComponentType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { BankSchema, type Bank, type Question } from '../../src/bank/schema.ts';
import { parseComponentId } from '../../src/discord/custom-id.ts';
import {
  EMBED_LIMITS,
  fitEmbed,
  fitEmbeds,
  optionButtonLabel,
  renderAnswerModal,
  renderAskModal,
  renderFollowUp,
  renderNotOwner,
  renderQuestion,
  renderStats,
  renderSummary,
  renderThreadName,
  renderVerdict,
  type MessagePayload,
} from '../../src/discord/render.ts';
import type { AnswerOutcome, QuizSession } from '../../src/quiz/types.ts';
import type { UserStats } from '../../src/progress/types.ts';

const bank: Bank = BankSchema.parse(JSON.parse(readFileSync(new URL('../../data/banks/ai-inference-optimization-2025.json', import.meta.url), 'utf8')));
const question = (id: string): Question => bank.questions.find((q) => q.id === id)!;

const session: QuizSession = {
  id: 'sess12345678',
  ownerId: '100000000000000001',
  guildId: '200000000000000001',
  channelId: '300000000000000001',
  threadId: null,
  bankId: bank.id,
  mode: 'quiz',
  locale: 'en-US',
  questions: bank.questions.slice(0, 3).map((q) => ({ bankId: bank.id, questionId: q.id })),
  position: 0,
  status: 'active',
  startedAt: new Date('2026-11-27T10:00:00Z'),
  endedAt: null,
};

function buttons(payload: MessagePayload) {
  return payload.components.flatMap((row) => row.components).filter((c) => c.type === ComponentType.Button) as Array<{ custom_id: string; label: string; disabled?: boolean }>;
}

const noMentions = { parse: [], repliedUser: false };

describe('question messages', () => {
  it('gives a choice question one button per option, keyed by session, question and option', () => {
    const q = question('choice-1');
    if (q.type !== 'choice') throw new Error('seed changed');
    const payload = renderQuestion({ locale: 'en-US', sessionId: session.id, current: { bank, question: q, index: 0, total: 3 } });
    const answerButtons = buttons(payload).filter((b) => b.custom_id.startsWith('quiz:answer:'));
    expect(answerButtons.map((b) => parseComponentId(b.custom_id))).toEqual(
      q.options.map((o) => ({ kind: 'answer', sessionId: session.id, question: { id: 'choice-1' }, choice: o.key })),
    );
    for (const [index, option] of q.options.entries()) expect(answerButtons[index]!.label.startsWith(option.key)).toBe(true);
    expect(buttons(payload).map((b) => b.custom_id)).toEqual(expect.arrayContaining([`quiz:ask:${session.id}`, `quiz:end:${session.id}`]));
    expect(payload.embeds[0]!.description).toContain(q.stem);
    expect(payload.embeds[0]!.title).toBe(`Question 1/3 · Single choice · ${q.points} points`);
    expect(payload.allowedMentions).toEqual(noMentions);
  });

  it.each([
    ['A', 'short text', 'A. short text'],
    ['B', 'a much longer option text that would not fit comfortably on a button', 'B'],
  ])('labels the option %s as %j → %j', (key, text, label) => {
    expect(optionButtonLabel(key, text)).toBe(label);
  });

  it('asks true/false with True and False buttons in the learner’s language', () => {
    const q: Question = { id: 'tf-1', type: 'truefalse', stem: '量化一定会降低精度。', points: 1, analysis: '', answer: false };
    const payload = renderQuestion({ locale: 'zh-CN', sessionId: session.id, current: { bank, question: q, index: 1, total: 3 } });
    const labels = buttons(payload).filter((b) => b.custom_id.startsWith('quiz:answer:')).map((b) => [b.label, b.custom_id.slice(-1)]);
    expect(labels).toEqual([
      ['对', 'T'],
      ['错', 'F'],
    ]);
  });

  it('offers a multi question as a select menu and a Submit that is disabled until something is picked', () => {
    const q: Question = {
      id: 'm-1',
      type: 'multi',
      stem: 'Which reduce latency?',
      points: 2,
      analysis: '',
      answer: ['A', 'C'],
      scoring: 'exam',
      partialCredit: 0.5,
      options: ['quantisation', 'more layers', 'pruning'].map((text, i) => ({ key: 'ABC'[i]!, text })),
    };
    const fresh = renderQuestion({ locale: 'en-US', sessionId: session.id, current: { bank, question: q, index: 0, total: 1 } });
    const select = fresh.components[0]!.components[0] as { type: number; max_values: number; options: Array<{ value: string; default: boolean }> };
    expect(select.type).toBe(ComponentType.StringSelect);
    expect(select.max_values).toBe(3);
    expect(select.options.map((o) => o.value)).toEqual(['A', 'B', 'C']);
    expect(buttons(fresh).find((b) => b.custom_id.startsWith('quiz:submit:'))!.disabled).toBe(true);
    const picked = renderQuestion({ locale: 'en-US', sessionId: session.id, current: { bank, question: q, index: 0, total: 1 }, selectedKeys: 'AC' });
    const submit = buttons(picked).find((b) => b.custom_id.startsWith('quiz:submit:'))!;
    expect(submit.disabled).toBe(false);
    expect(parseComponentId(submit.custom_id)).toMatchObject({ kind: 'submit', keys: 'AC' });
    const selectAfter = picked.components[0]!.components[0] as { options: Array<{ value: string; default: boolean }> };
    expect(selectAfter.options.filter((o) => o.default).map((o) => o.value)).toEqual(['A', 'C']);
  });

  it('offers a choice question with more than twenty options as a one-pick menu, since buttons would not fit', () => {
    const keys = 'ABCDEFGHIJKLMNOPQRSTU';
    const q: Question = { id: 'many', type: 'choice', stem: 'Pick one', points: 1, analysis: '', answer: 'U', options: [...keys].map((key) => ({ key, text: `option ${key}` })) };
    const payload = renderQuestion({ locale: 'en-US', sessionId: session.id, current: { bank, question: q, index: 0, total: 1 } });
    const select = payload.components[0]!.components[0] as { type: number; max_values: number; options: unknown[] };
    expect(select.type).toBe(ComponentType.StringSelect);
    expect(select.max_values).toBe(1);
    expect(select.options).toHaveLength(21);
    expect(payload.components.length).toBeLessThanOrEqual(5);
  });

  it('gives blank, short and essay questions an Answer button opening a modal', () => {
    for (const id of ['blank-1', 'short-1', 'essay-1']) {
      const payload = renderQuestion({ locale: 'en-US', sessionId: session.id, current: { bank, question: question(id), index: 0, total: 3 } });
      expect(parseComponentId(buttons(payload)[0]!.custom_id)).toEqual({ kind: 'open', sessionId: session.id, question: { id }, from: 0 });
    }
  });
});

describe('modals', () => {
  type ModalJson = { title: string; custom_id: string; components: Array<{ type: number; label: string; component: { custom_id: string; style: number; max_length?: number } }> };

  it('asks for every blank of a question with up to five, one labelled field each', () => {
    const modal = renderAnswerModal({ locale: 'zh-CN', sessionId: session.id, question: question('blank-1'), index: 0 }).toJSON() as unknown as ModalJson;
    expect(modal.components.map((c) => [c.type, c.label, c.component.custom_id])).toEqual([
      [ComponentType.Label, '第 1 空', 'blank-0'],
      [ComponentType.Label, '第 2 空', 'blank-1'],
    ]);
    expect(parseComponentId(modal.custom_id)).toEqual({ kind: 'modal', sessionId: session.id, question: { id: 'blank-1' }, from: 0 });
  });

  it('splits seven blanks into a modal of five and one of two', () => {
    const q: Question = { id: 'b7', type: 'blank', stem: '_ _ _ _ _ _ _', points: 7, analysis: '', blanks: Array.from({ length: 7 }, () => ({ accept: ['x'] })) };
    const first = renderAnswerModal({ locale: 'en-US', sessionId: 's', question: q, index: 0 }).toJSON() as unknown as ModalJson;
    const second = renderAnswerModal({ locale: 'en-US', sessionId: 's', question: q, index: 0, from: 5 }).toJSON() as unknown as ModalJson;
    expect(first.components).toHaveLength(5);
    expect(second.components.map((c) => c.component.custom_id)).toEqual(['blank-5', 'blank-6']);
    expect(first.title.length).toBeLessThanOrEqual(45);
  });

  it('gives short and essay answers a paragraph field of up to 4,000 characters', () => {
    const modal = renderAnswerModal({ locale: 'en-US', sessionId: 's', question: question('essay-1'), index: 0 }).toJSON() as unknown as ModalJson;
    expect(modal.components).toHaveLength(1);
    const essay = question('essay-1');
    expect(modal.components[0]!.component).toMatchObject({ custom_id: 'answer', style: 2, max_length: Math.min(4000, essay.type === 'essay' ? (essay.maxLength ?? 4000) : 0) });
    const unbounded = renderAnswerModal({ locale: 'en-US', sessionId: 's', question: { ...question('short-1'), maxLength: undefined } as Question, index: 0 }).toJSON() as unknown as ModalJson;
    expect(unbounded.components[0]!.component.max_length).toBe(4000);
    const ask = renderAskModal('en-US', 's').toJSON() as unknown as ModalJson;
    expect(ask.custom_id).toBe('quiz:askmodal:s');
    expect(ask.components[0]!.component.custom_id).toBe('message');
  });
});

function gradedOutcome(q: Question, score: number, extra: Partial<Extract<AnswerOutcome, { status: 'graded' }>> = {}): Extract<AnswerOutcome, { status: 'graded' }> {
  return {
    status: 'graded',
    session,
    bank,
    question: q,
    grade: { status: 'graded', questionType: q.type, score, maxScore: q.points, correct: score === q.points, parts: [], normalizedAnswer: 'B', expected: 'C' },
    feedback: null,
    attemptId: 1,
    score,
    maxScore: q.points,
    gradedBy: 'rule',
    isLastQuestion: false,
    ...extra,
  };
}

describe('verdicts', () => {
  it('shows the verdict with points, the answer given, the correct answer and the analysis, then Next, Ask, End and Appeal', () => {
    const q = question('choice-1');
    const payload = renderVerdict({ locale: 'en-US', outcome: gradedOutcome(q, 0), answerText: 'B' });
    const embed = payload.embeds[0]!;
    expect(embed.title).toBe('❌ Not quite');
    expect(embed.description).toContain(`0 / ${q.points} points`);
    const fields = Object.fromEntries(embed.fields!.map((f) => [f.name, f.value]));
    expect(fields['Correct answer']).toBe('C');
    expect(fields['Your answer']).toBe('> B');
    expect(fields['Analysis']).toBe(q.analysis.slice(0, 1024).length === q.analysis.length ? q.analysis : expect.any(String));
    expect(buttons(payload).map((b) => b.label)).toEqual(['Next', 'Ask', 'End', 'Appeal']);
  });

  it('keeps the question above the verdict when the verdict replaces the question’s message', () => {
    const q = question('choice-1');
    const payload = renderVerdict({ locale: 'en-US', outcome: gradedOutcome(q, 0), answerText: 'B', withQuestion: true });
    expect(payload.embeds.map((e) => e.title)).toEqual([`Question 1/3 · Single choice · ${q.points} points`, '❌ Not quite']);
    expect(payload.embeds[0]!.description).toContain(q.stem);
    expect(buttons(payload).map((b) => b.label)).toEqual(['Next', 'Ask', 'End', 'Appeal']);
  });

  it('keeps all embeds of a message within 6,000 characters together, trimming the later ones first', () => {
    const embeds = fitEmbeds([
      { title: 'question', description: 'q'.repeat(4000) },
      { title: 'verdict', description: 'v'.repeat(500), fields: Array.from({ length: 4 }, (_, i) => ({ name: `f${i}`, value: 'x'.repeat(1000) })) },
    ]);
    const total = embeds.reduce((sum, e) => sum + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0), 0);
    expect(total).toBeLessThanOrEqual(6000);
    expect(embeds[0]!.description).toHaveLength(4000);
    expect(embeds[1]!.fields!.length).toBeLessThan(4);
  });

  it('offers Finish instead of Next after the last question', () => {
    const payload = renderVerdict({ locale: 'zh-CN', outcome: gradedOutcome(question('choice-1'), 2, { isLastQuestion: true }), answerText: 'C' });
    expect(payload.embeds[0]!.title).toBe('✅ 回答正确');
    expect(buttons(payload)[0]!.label).toBe('查看总结');
  });

  it('shows the tutor’s feedback on a short answer and labels a fallback score as provisional', () => {
    const q = question('short-1');
    const outcome = gradedOutcome(q, 2, {
      grade: { status: 'needs-feedback', questionType: 'short', score: 0, maxScore: q.points, normalizedAnswer: 'x' },
      gradedBy: 'fallback',
      feedback: {
        gradedBy: 'fallback',
        status: 'graded',
        provisional: true,
        score: 2,
        maxScore: q.points,
        rubric: [{ index: 0, point: 'names quantisation', verdict: 'met', evidence: 'quantisation', score: 2, maxScore: 2 }],
        strengths: ['mentions quantisation'],
        improvements: ['explain pruning'],
        explanation: 'Keyword check found one of three points.',
        note: 'timeout',
      },
    });
    const embed = renderVerdict({ locale: 'en-US', outcome, answerText: 'quantisation' }).embeds[0]!;
    const fields = Object.fromEntries(embed.fields!.map((f) => [f.name, f.value]));
    expect(fields['Tutor feedback']).toContain('Keyword check found one of three points.');
    expect(fields['Tutor feedback']).toContain('Provisional score');
    expect(fields['Rubric']).toContain('✅ names quantisation (2/2)');
    expect(fields['Reference answer']).toBe(q.type === 'short' ? q.reference.slice(0, 1024) : '');
  });

  it('labels a grade a teacher has set as the teacher’s, without the tutor’s provisional warning', () => {
    const q = question('short-1');
    const feedback = {
      gradedBy: 'llm' as const,
      status: 'graded' as const,
      provisional: true,
      score: 3,
      maxScore: q.points,
      rubric: [{ index: 0, point: 'names quantisation', verdict: 'met' as const, evidence: 'quantisation', score: 3, maxScore: 3 }],
      strengths: [],
      improvements: [],
      explanation: 'Names quantisation.',
    };
    const grade = { status: 'needs-feedback' as const, questionType: 'short' as const, score: 0 as const, maxScore: q.points, normalizedAnswer: 'x' };
    const byTeacher = renderVerdict({ locale: 'zh-CN', outcome: gradedOutcome(q, 3, { grade, gradedBy: 'teacher', feedback }), answerText: 'quantisation' }).embeds[0]!;
    expect(byTeacher.description).toContain('由老师评分');
    expect(byTeacher.description).not.toContain('AI');
    expect(JSON.stringify(byTeacher.fields)).not.toContain('⚠️');
    const byTutor = renderVerdict({ locale: 'zh-CN', outcome: gradedOutcome(q, 3, { grade, gradedBy: 'llm', feedback }), answerText: 'quantisation' }).embeds[0]!;
    expect(byTutor.description).not.toContain('由老师评分');
    expect(JSON.stringify(byTutor.fields)).toContain('⚠️');
  });

  it('says plainly when no AI tutor is configured, leaves out strengths that only repeat a marking point, and shows a third of a point as 0.33', () => {
    const q = question('short-1');
    const outcome = gradedOutcome(q, 1 / 3, {
      grade: { status: 'needs-feedback', questionType: 'short', score: 0, maxScore: q.points, normalizedAnswer: 'x' },
      gradedBy: 'fallback',
      score: 0.33,
      feedback: {
        gradedBy: 'fallback',
        status: 'graded',
        provisional: true,
        score: 0.33,
        maxScore: q.points,
        rubric: [{ index: 0, point: 'names quantisation', verdict: 'partial', evidence: 'quantisation', score: 0.33, maxScore: 1 }],
        strengths: ['Covered: names quantisation', 'a clear first sentence'],
        improvements: [],
        explanation: '',
        note: 'no-llm-configured',
      },
    });
    for (const [locale, wording] of [
      ['en-US', 'no AI tutor is configured'],
      ['zh-CN', '没有配置 AI 导师'],
    ] as const) {
      const embed = renderVerdict({ locale, outcome, answerText: 'quantisation' }).embeds[0]!;
      const text = JSON.stringify(embed);
      expect(text).toContain(wording);
      expect(text).not.toMatch(/unavailable|暂不可用/);
      expect(embed.description).toContain(`0.33 / ${q.points}`);
      expect(text).toContain('names quantisation (0.33/1)');
    }
    const fields = Object.fromEntries(renderVerdict({ locale: 'en-US', outcome, answerText: 'x' }).embeds[0]!.fields!.map((f) => [f.name, f.value]));
    expect(fields['Strengths']).toBe('• a clear first sentence');

    const reply = renderFollowUp({
      locale: 'en-US',
      sessionId: 's',
      message: 'why?',
      reply: { text: 'No AI tutor is configured, so I can offer hints before you answer and the question bank’s explanation after.', gradedBy: 'fallback', note: 'no-llm-configured' },
      answered: false,
    });
    expect(reply.embeds[0]!.description).toContain('No AI tutor is configured; this reply comes from the question bank.');
  });

  it('quotes an answer containing @everyone without letting it ping or format', () => {
    const payload = renderVerdict({ locale: 'en-US', outcome: gradedOutcome(question('choice-1'), 0), answerText: '@everyone **look** <@&1>' });
    expect(payload.allowedMentions).toEqual(noMentions);
    expect(payload.embeds[0]!.fields![0]!.value).toBe('> @everyone \\*\\*look\\*\\* <@&1>');
  });

  it('puts a follow-up reply under the learner’s quoted question', () => {
    const payload = renderFollowUp({
      locale: 'en-US',
      sessionId: 's',
      message: 'why not B?',
      reply: { text: 'Because B describes pruning.', gradedBy: 'llm' },
      answered: true,
    });
    expect(payload.embeds[0]!.description).toBe('Because B describes pruning.');
    expect(payload.embeds[0]!.fields![0]!.value).toBe('> why not B?');
    expect(buttons(payload).map((b) => b.label)).toEqual(['Next', 'Ask', 'End']);
  });
});

describe('summaries, notes and limits', () => {
  it('sums up points by question type, the time taken and what to review', () => {
    const payload = renderSummary(
      'en-US',
      {
        session: { ...session, status: 'finished' },
        answered: 2,
        total: 3,
        score: 2,
        maxScore: 4,
        byType: { choice: { answered: 2, correct: 1, score: 2, maxScore: 4 } },
        durationMs: 125_000,
        toReview: [{ bankId: bank.id, questionId: 'choice-2', stem: 'A stem to review', score: 0, maxScore: 2 }],
      },
      bank.title,
    );
    const embed = payload.embeds[0]!;
    expect(embed.description).toBe('**2 / 4 points** · 2 of 3 answered · 2 min 5 s');
    expect(embed.fields!.map((f) => f.value)).toEqual(['Single choice: 1/2 right, 2/4 points', '• A stem to review (0/2)']);
  });

  it('tells a stranger whose quiz it is and how to start their own', () => {
    expect(renderNotOwner('en-US', '42').content).toBe("This is <@42>'s quiz. Start your own with /quiz.");
  });

  it('keeps an oversized embed within Discord’s limits', () => {
    const embed = fitEmbed({
      title: 't'.repeat(300),
      description: 'd'.repeat(5000),
      fields: Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, value: 'v'.repeat(2000) })),
    });
    expect(embed.title!.length).toBe(EMBED_LIMITS.title);
    expect(embed.description!.length).toBe(EMBED_LIMITS.description);
    expect(embed.fields!.every((f) => f.value.length <= EMBED_LIMITS.fieldValue)).toBe(true);
    const total = embed.title!.length + embed.description!.length + embed.fields!.reduce((sum, f) => sum + f.name.length + f.value.length, 0);
    expect(total).toBeLessThanOrEqual(EMBED_LIMITS.total);
  });

  it('never makes a thread name longer than 100 characters', () => {
    expect(renderThreadName('Ada', bank.title)).toBe(`Ada · ${bank.title}`);
    expect([...renderThreadName('x'.repeat(80), 'y'.repeat(80))].length).toBe(100);
  });

  it('shows a learner’s statistics with the chart attached', () => {
    const stats: UserStats = {
      userId: '7',
      guildId: null,
      bankId: null,
      timeZone: 'UTC',
      generatedAt: '2026-11-27T00:00:00Z',
      attempts: 4,
      correct: 3,
      accuracy: 0.75,
      pointsEarned: 6,
      pointsAvailable: 8,
      questionsSeen: 4,
      questionsMastered: 3,
      byType: [{ type: 'choice', attempts: 4, correct: 3, accuracy: 0.75, pointsEarned: 6, pointsAvailable: 8 }],
      byTopic: [],
      byBank: [{ bankId: bank.id, attempts: 4, correct: 3, accuracy: 0.75, pointsEarned: 6, pointsAvailable: 8 }],
      currentStreakDays: 2,
      longestStreakDays: 5,
      daily: [],
      reviewsDue: 1,
      weakestTopics: [],
      missedRubricPoints: [],
    };
    const embed = renderStats({ locale: 'en-US', stats, userName: 'Ada', chartFile: 'c.png' }).embeds[0]!;
    expect(embed.title).toBe('Progress of Ada');
    expect(embed.image).toEqual({ url: 'attachment://c.png' });
    expect(embed.fields![0]!.value).toContain('4 answers · accuracy 75% · 6/8 points');
    expect(embed.fields![0]!.value).toContain('Streak: 2 days (longest 5) · 1 review due');
  });
});
