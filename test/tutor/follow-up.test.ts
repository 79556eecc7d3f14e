import { describe, expect, it } from 'vitest';
import type { ChoiceQuestion } from '../../src/bank/schema.ts';
import { rubricAspect, trimHistory } from '../../src/tutor/follow-up.ts';
import type { FollowUpRequest } from '../../src/tutor/types.ts';
import { chatReply, errorReply } from '../support/openai-server.ts';
import { allMessages, englishBank, goodAnswer, kvCacheQuestion, type TutorEnv } from './helpers.ts';
import { useLoopbackLlm } from './setup.ts';

const { llm, makeEnv } = await useLoopbackLlm();
let env: TutorEnv;

const choiceQuestion: ChoiceQuestion = {
  id: 'tpu',
  type: 'choice',
  stem: 'Which chip was designed specifically for tensor computation?',
  options: [
    { key: 'A', text: 'CPU' },
    { key: 'B', text: 'Hard disk controller' },
    { key: 'C', text: 'TPU' },
  ],
  answer: 'C',
  points: 2,
  topic: 'hardware acceleration',
  analysis: 'A TPU is built around systolic matrix-multiply units.',
};

const base = (overrides: Partial<FollowUpRequest> = {}): FollowUpRequest => ({
  bank: englishBank,
  question: kvCacheQuestion,
  answered: false,
  message: 'Can you give me a hint?',
  history: [],
  userId: 'learner-1',
  guildId: 'guild-1',
  ...overrides,
});

describe('follow-up before the learner has answered', () => {
  it('sends neither the reference answer nor the analysis nor the rubric, and asks for hints only', async () => {
    env = makeEnv({ baseUrl: llm.url });
    llm.script([chatReply('Think about what stays the same for earlier tokens.', { promptTokens: 300, completionTokens: 20 })]);
    const reply = await env.tutor.followUp(base());

    expect(reply).toMatchObject({ gradedBy: 'llm', text: 'Think about what stays the same for earlier tokens.', promptVersion: 'follow-up@1' });
    const sent = allMessages(llm.chatRequests[0]!.body);
    expect(sent).toContain(kvCacheQuestion.stem);
    expect(sent).toContain('Can you give me a hint?');
    expect(sent).not.toContain(kvCacheQuestion.reference);
    expect(sent).not.toContain(kvCacheQuestion.analysis);
    for (const point of kvCacheQuestion.rubric) expect(sent).not.toContain(point.point);
    expect(sent).toContain('Give hints only');
    expect(llm.chatRequests[0]!.body.response_format).toBeUndefined();
    expect(env.usage.listCalls()).toMatchObject([{ purpose: 'follow-up', inputTokens: 300, outputTokens: 20 }]);
  });

  it('does not send the answer key or analysis of a choice question', async () => {
    env = makeEnv({ baseUrl: llm.url });
    llm.script([chatReply('Which of these is built for matrices?')]);
    await env.tutor.followUp(base({ question: choiceQuestion, message: 'Just tell me the answer' }));
    const sent = allMessages(llm.chatRequests[0]!.body);
    expect(sent).toContain('C. TPU');
    expect(sent).not.toContain(choiceQuestion.analysis);
    expect(sent).not.toMatch(/Correct answer/);
  });

  it('without an LLM gives a hint from the topic, never the reference, the analysis or a marking point', async () => {
    env = makeEnv();
    const reply = await env.tutor.followUp(base());
    expect(reply).toMatchObject({ gradedBy: 'fallback', note: 'no-llm-configured' });
    expect(reply.text).toContain('Read the question again');
    for (const point of kvCacheQuestion.rubric) expect(reply.text).not.toContain(point.point);
    expect(reply.text).not.toContain(kvCacheQuestion.reference);
    expect(reply.text).not.toContain(kvCacheQuestion.analysis);
  });

  it('without an LLM names the aspects the marking points cover, but not what they say', async () => {
    env = makeEnv();
    const question = {
      ...kvCacheQuestion,
      rubric: [
        { point: '剪枝的优缺点：能减少计算量，通常需要微调恢复精度', points: 2 },
        { point: '量化的优缺点：体积变小，需要校准', points: 1 },
        { point: 'Avoids recomputation of the prefix for every new token', points: 1 },
      ],
    };
    const reply = await env.tutor.followUp(base({ question, locale: 'zh-CN' }));
    expect(reply.text).toContain('剪枝的优缺点');
    expect(reply.text).toContain('量化的优缺点');
    expect(reply.text).not.toContain('能减少计算量');
    expect(reply.text).not.toContain('需要校准');
    expect(reply.text).not.toContain('Avoids recomputation');
  });
});

describe('follow-up after grading', () => {
  const answered = base({
    answered: true,
    learnerAnswer: goodAnswer,
    message: 'Why did I lose half a point?',
    feedback: {
      gradedBy: 'llm',
      status: 'graded',
      provisional: false,
      score: 3.5,
      maxScore: 4,
      rubric: [{ index: 2, point: 'Costs memory that grows with sequence length', verdict: 'partial', evidence: 'memory', score: 0.5, maxScore: 1 }],
      strengths: [],
      improvements: [],
      explanation: 'You did not say how the memory grows.',
    },
  });

  it('sends the reference, analysis, rubric, the learner answer and the feedback, and asks for a full explanation', async () => {
    env = makeEnv({ baseUrl: llm.url });
    llm.script([chatReply('Because the cache grows with batch size too.')]);
    const reply = await env.tutor.followUp(answered);
    expect(reply.text).toBe('Because the cache grows with batch size too.');
    const sent = allMessages(llm.chatRequests[0]!.body);
    for (const part of [kvCacheQuestion.reference, kvCacheQuestion.analysis, kvCacheQuestion.rubric[0]!.point, goodAnswer, 'You did not say how the memory grows.', '3.5/4']) {
      expect(sent).toContain(part);
    }
    expect(sent).toContain('Explain fully');
    expect(sent).toContain('only help with this question');
  });

  it('sends the recent thread history within the token bound, newest kept', async () => {
    env = makeEnv({ baseUrl: llm.url, env: { FOLLOW_UP_HISTORY_TOKENS: '70' } });
    llm.script([chatReply('ok')]);
    const history = Array.from({ length: 10 }, (_, index) => ({
      role: index % 2 === 0 ? ('user' as const) : ('assistant' as const),
      content: `turn-${index} ${'word '.repeat(20)}`,
    }));
    await env.tutor.followUp({ ...answered, history });
    const messages = llm.chatRequests[0]!.body.messages!;
    const sentTurns = messages.filter((message) => message.content.startsWith('turn-')).map((message) => message.content.split(' ')[0]);
    expect(sentTurns).toEqual(['turn-8', 'turn-9']);
    expect(messages.at(-1)?.role).toBe('user');
    expect(messages.at(-1)?.content).toContain('Why did I lose half a point?');
  });

  it('falls back to the bank explanation when the server keeps failing', async () => {
    env = makeEnv({ baseUrl: llm.url });
    llm.script(() => errorReply(503, 'overloaded', { 'retry-after-ms': '5' }));
    const reply = await env.tutor.followUp(answered);
    expect(reply).toMatchObject({ gradedBy: 'fallback', note: 'server-error' });
    expect(reply.text).toContain(kvCacheQuestion.reference);
    expect(reply.text).toContain(kvCacheQuestion.analysis);
  });

  it('writes the fallback in Chinese for a Chinese learner', async () => {
    env = makeEnv();
    const reply = await env.tutor.followUp({ ...answered, question: choiceQuestion, locale: 'zh-CN' });
    expect(reply.text).toContain('参考答案');
    expect(reply.text).toContain('C');
  });

  it('cuts a long reply to fit one Discord message', async () => {
    env = makeEnv({ baseUrl: llm.url });
    llm.script([chatReply('long '.repeat(1000))]);
    const reply = await env.tutor.followUp(answered);
    expect(reply.text.length).toBeLessThanOrEqual(1900);
  });
});

describe('trimming history', () => {
  it('keeps nothing when even the newest turn is over the bound', () => {
    expect(trimHistory([{ role: 'user', content: 'x'.repeat(1000) }], 10)).toEqual([]);
  });
});

describe('the aspect of a marking point', () => {
  it.each([
    ['剪枝的优缺点：能减少计算量', '剪枝的优缺点'],
    ['Latency: the time one request takes', 'Latency'],
    ['指出本质区别：剪枝移除不重要的权重', '指出本质区别'],
    ['Stores the keys and values of previous tokens', null],
    ['这是一个很长很长的要点开头它本身已经把答案的大部分内容说出来了所以不能作为提示：细节', null],
  ])('of "%s" is %s', (point, aspect) => {
    expect(rubricAspect(point)).toBe(aspect);
  });
});

describe('a very long follow-up question', () => {
  it('sends at most about 1,000 tokens of a 1 MB question and tells the learner it was cut', async () => {
    env = makeEnv({ baseUrl: llm.url });
    llm.script([chatReply('Here is a hint: think about what is recomputed.')]);
    const message = `Why is the cache faster? ${'please explain more '.repeat(55_000)}`;
    expect(message.length).toBeGreaterThan(1_000_000);
    const reply = await env.tutor.followUp(base({ message }));
    const sent = allMessages(llm.chatRequests[0]!.body);
    expect(sent).toContain('Why is the cache faster?');
    expect(sent.length).toBeLessThan(12_000);
    expect(reply.gradedBy).toBe('llm');
    expect(reply.text).toContain('only its first ~1000 tokens were sent');
    expect(reply.text).toContain('Here is a hint');
  });

  it('sends a Chinese question of ordinary length whole, without a notice', async () => {
    env = makeEnv({ baseUrl: llm.url });
    llm.script([chatReply('提示：想想哪些东西会被重复计算。')]);
    const message = '为什么KV缓存能加速解码'.repeat(20);
    const reply = await env.tutor.followUp(base({ message, locale: 'zh-CN' }));
    expect(allMessages(llm.chatRequests[0]!.body)).toContain(message);
    expect(reply.text).not.toContain('太长');
  });
});
