import { describe, expect, it } from 'vitest';
import { chatReply, errorReply } from '../support/openai-server.ts';
import {
  allMessages,
  englishBank,
  goodAnswer,
  goodReply,
  gradingReply,
  kvCacheQuestion,
  userMessage,
  type TutorEnv,
} from './helpers.ts';
import { useLoopbackLlm } from './setup.ts';

const { llm, makeEnv } = await useLoopbackLlm();
let env: TutorEnv;

const request = (answer = goodAnswer, extra: Record<string, unknown> = {}) => ({
  bank: englishBank,
  question: kvCacheQuestion,
  answer,
  userId: 'learner-1',
  guildId: 'guild-1',
  ...extra,
});

describe('grading a short answer with the LLM', () => {
  it('computes the score from the verdicts and shows the model feedback', async () => {
    env = makeEnv({ baseUrl: llm.url });
    llm.script([chatReply(goodReply, { promptTokens: 812, completionTokens: 140 })]);

    const feedback = await env.tutor.gradeFreeText(request());

    expect(feedback).toMatchObject({ gradedBy: 'llm', status: 'graded', provisional: false, score: 3.5, maxScore: 4 });
    expect(feedback.rubric.map((point) => [point.verdict, point.score])).toEqual([
      ['met', 2],
      ['met', 1],
      ['partial', 0.5],
    ]);
    expect(feedback.rubric[0]?.evidence).toBe('keeps the keys and values of earlier tokens');
    expect(feedback.explanation).toContain('trades memory for speed');
    expect(feedback.promptVersion).toBe('grade-short@1');
    expect(feedback.usage).toEqual({ inputTokens: 812, outputTokens: 140 });
    expect(feedback.note).toBeUndefined();
    expect(env.usage.listCalls()).toMatchObject([
      { userId: 'learner-1', guildId: 'guild-1', purpose: 'grade', inputTokens: 812, outputTokens: 140, outcome: 'ok', promptVersion: 'grade-short@1' },
    ]);
  });

  it('sends the stem, reference, analysis and rubric before the delimited answer, with a strict JSON schema', async () => {
    env = makeEnv({ baseUrl: llm.url });
    llm.script([chatReply(goodReply)]);
    await env.tutor.gradeFreeText(request(goodAnswer, { locale: 'zh-CN' }));

    const body = llm.chatRequests[0]!.body;
    const text = userMessage(body);
    expect(body.model).toBe('test-model');
    for (const part of [kvCacheQuestion.stem, kvCacheQuestion.reference, kvCacheQuestion.analysis, ...kvCacheQuestion.rubric.map((p) => p.point)]) {
      expect(text).toContain(part);
    }
    const answerAt = text.indexOf(goodAnswer);
    expect(answerAt).toBeGreaterThan(text.indexOf(kvCacheQuestion.reference));
    expect(text.slice(answerAt - '<learner_answer>\n'.length, answerAt)).toBe('<learner_answer>\n');
    // Format instructions and the feedback language come after the answer.
    expect(text.indexOf('Reply with only this JSON object')).toBeGreaterThan(answerAt);
    expect(text.slice(answerAt)).toContain('Chinese');
    expect(body.response_format?.type).toBe('json_schema');
    expect(body.response_format?.json_schema?.strict).toBe(true);
    expect(body.response_format?.json_schema?.schema).toMatchObject({ type: 'object', required: expect.arrayContaining(['points', 'explanation']) });
  });

  it('keeps the question material as an identical prefix for two different answers, so prompt caches apply', async () => {
    env = makeEnv({ baseUrl: llm.url });
    llm.script([chatReply(goodReply), chatReply(goodReply)]);
    await env.tutor.gradeFreeText(request());
    await env.tutor.gradeFreeText(request('A completely different answer about memory.'));
    const [first, second] = llm.chatRequests.map((r) => allMessages(r.body));
    const prefix = first!.slice(0, first!.indexOf('<learner_answer>'));
    expect(prefix.length).toBeGreaterThan(500);
    expect(second!.startsWith(prefix)).toBe(true);
  });

  it('asks for a bare JSON object when LLM_JSON_MODE is json_object', async () => {
    env = makeEnv({ baseUrl: llm.url, env: { LLM_JSON_MODE: 'json_object' } });
    llm.script([chatReply(goodReply)]);
    const feedback = await env.tutor.gradeFreeText(request());
    expect(feedback.gradedBy).toBe('llm');
    expect(llm.chatRequests[0]!.body.response_format).toEqual({ type: 'json_object' });
  });

  it.each([
    {
      case: 'a quote that differs only in case and punctuation counts; an empty partial quote does not',
      points: [
        { index: 0, verdict: 'met' as const, quote: 'KEEPS the keys, and values of earlier tokens!' },
        { index: 1, verdict: 'partial' as const, quote: '' },
        { index: 2, verdict: 'missed' as const, quote: '' },
      ],
      verdicts: ['met', 'missed', 'missed'],
      score: 2,
    },
    {
      case: 'a made-up quote for a met point counts as missed',
      points: [
        { index: 0, verdict: 'met' as const, quote: 'it caches attention matrices forever' },
        { index: 1, verdict: 'met' as const, quote: 'we avoid recomputing the prefix at every step' },
        { index: 2, verdict: 'missed' as const, quote: '' },
      ],
      verdicts: ['missed', 'met', 'missed'],
      score: 1,
    },
  ])('checks evidence: $case', async ({ points, verdicts, score }) => {
    env = makeEnv({ baseUrl: llm.url });
    llm.script([chatReply(gradingReply(points))]);
    const feedback = await env.tutor.gradeFreeText(request());
    expect(feedback.rubric.map((point) => point.verdict)).toEqual(verdicts);
    for (const point of feedback.rubric) if (point.verdict === 'missed') expect(point.evidence).toBe('');
    expect(feedback.score).toBe(score);
    expect(feedback.status).toBe('graded');
  });

  it('switches to json_object for good when the server rejects json_schema, and logs why', async () => {
    const warnings: string[] = [];
    env = makeEnv({ baseUrl: llm.url, deps: { logger: { warn: (_details, message) => warnings.push(message) } } });
    llm.script([errorReply(400, 'This response_format type is unavailable now'), chatReply(goodReply), chatReply(goodReply)]);
    const first = await env.tutor.gradeFreeText(request());
    const second = await env.tutor.gradeFreeText(request());
    expect([first.gradedBy, second.gradedBy]).toEqual(['llm', 'llm']);
    expect(llm.chatRequests.map((r) => r.body.response_format?.type)).toEqual(['json_schema', 'json_object', 'json_object']);
    expect(warnings).toEqual([expect.stringContaining('json_object')]);
  });

  it('ignores out-of-range, duplicate and fractional indexes and any score the model volunteers', async () => {
    env = makeEnv({ baseUrl: llm.url, env: { LLM_JSON_MODE: 'json_object' } });
    llm.script([
      chatReply({
        ...gradingReply([
          { index: 0, verdict: 'met', quote: 'keeps the keys and values of earlier tokens' },
          { index: 0, verdict: 'met', quote: 'keeps the keys and values of earlier tokens' },
          { index: 1.5, verdict: 'met', quote: 'we avoid recomputing the prefix' },
          { index: 7, verdict: 'met', quote: 'memory' },
          { index: -1, verdict: 'met', quote: 'memory' },
        ]),
        score: 400,
        total: 100,
      }),
    ]);
    const feedback = await env.tutor.gradeFreeText(request());
    expect(feedback.score).toBe(2);
    expect(feedback.maxScore).toBe(4);
    expect(feedback.rubric).toHaveLength(3);
    expect(feedback.rubric.map((point) => point.verdict)).toEqual(['met', 'missed', 'missed']);
  });

  it('never scores above the marks available even when every point is met', async () => {
    env = makeEnv({ baseUrl: llm.url });
    llm.script([
      chatReply(
        gradingReply([
          { index: 0, verdict: 'met', quote: 'keeps the keys and values of earlier tokens' },
          { index: 1, verdict: 'met', quote: 'we avoid recomputing the prefix at every step' },
          { index: 2, verdict: 'met', quote: 'memory that grows with the sequence length' },
        ]),
      ),
    ]);
    const feedback = await env.tutor.gradeFreeText(request());
    expect(feedback.score).toBe(4);
    expect(feedback.score).toBeLessThanOrEqual(feedback.maxScore);
  });

  it('cuts long model prose so the feedback fits one Discord embed', async () => {
    env = makeEnv({ baseUrl: llm.url });
    llm.script([
      chatReply({
        ...goodReply,
        strengths: Array.from({ length: 8 }, (_, i) => `Strength ${i} ${'x'.repeat(400)}`),
        improvements: Array.from({ length: 8 }, (_, i) => `Improve ${i} ${'y'.repeat(400)}`),
        explanation: 'z '.repeat(3000),
      }),
    ]);
    const feedback = await env.tutor.gradeFreeText(request());
    expect(feedback.strengths).toHaveLength(3);
    expect(feedback.improvements).toHaveLength(3);
    for (const line of [...feedback.strengths, ...feedback.improvements]) expect(line.length).toBeLessThanOrEqual(200);
    const embedText = [feedback.explanation, ...feedback.strengths, ...feedback.improvements, ...feedback.rubric.flatMap((p) => [p.point, p.evidence])].join('');
    expect(feedback.explanation.length).toBeLessThanOrEqual(1200);
    expect(embedText.length).toBeLessThan(6000);
  });
});

describe('the concurrency limit', () => {
  it('keeps at most LLM_MAX_CONCURRENCY requests open and queues the rest', async () => {
    env = makeEnv({ baseUrl: llm.url, env: { LLM_MAX_CONCURRENCY: '2' } });
    llm.script(() => chatReply(goodReply, { delayMs: 150 }));
    const results = await Promise.all(Array.from({ length: 5 }, (_, index) => env!.tutor.gradeFreeText(request(goodAnswer, { userId: `u${index}` }))));
    expect(results.map((feedback) => feedback.gradedBy)).toEqual(['llm', 'llm', 'llm', 'llm', 'llm']);
    expect(llm.chatRequests).toHaveLength(5);
    expect(llm.peakConcurrency).toBe(2);
  });
});

describe('when the LLM misbehaves the tutor falls back and says why', () => {
  it('falls back with note timeout when the reply is slower than LLM_TIMEOUT_MS', async () => {
    env = makeEnv({ baseUrl: llm.url, env: { LLM_TIMEOUT_MS: '300' } });
    llm.script([chatReply(goodReply, { delayMs: 5_000 })]);
    const started = Date.now();
    const feedback = await env.tutor.gradeFreeText(request());
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(feedback).toMatchObject({ gradedBy: 'fallback', provisional: true, note: 'timeout' });
    expect(feedback.explanation).toContain('Provisional score (keyword coverage, not AI)');
    expect(feedback.explanation).toContain(kvCacheQuestion.reference);
    expect(env.usage.listCalls()).toMatchObject([{ outcome: 'timeout', inputTokens: 0 }]);
  });

  it('retries after a 429 and grades with the LLM when the retry succeeds', async () => {
    env = makeEnv({ baseUrl: llm.url });
    llm.script([errorReply(429, 'Rate limit reached', { 'retry-after-ms': '30' }), chatReply(goodReply)]);
    const feedback = await env.tutor.gradeFreeText(request());
    expect(llm.chatRequests).toHaveLength(2);
    expect(feedback).toMatchObject({ gradedBy: 'llm', score: 3.5 });
    expect(env.usage.listCalls()).toMatchObject([{ outcome: 'ok' }]);
  });

  it('gives up at once, as rate-limited, when a 429 asks to retry after the deadline', async () => {
    env = makeEnv({ baseUrl: llm.url, env: { LLM_TIMEOUT_MS: '400' } });
    llm.script([errorReply(429, 'Rate limit reached', { 'retry-after': '30' }), chatReply(goodReply)]);
    const started = Date.now();
    const feedback = await env.tutor.gradeFreeText(request());
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(feedback).toMatchObject({ gradedBy: 'fallback', note: 'rate-limited' });
    expect(llm.chatRequests).toHaveLength(1);
  });

  it('gives up after repeated 500s with backoff and falls back with note server-error', async () => {
    env = makeEnv({ baseUrl: llm.url });
    llm.script(() => errorReply(500, 'upstream exploded'));
    const started = Date.now();
    const feedback = await env.tutor.gradeFreeText(request());
    // The SDK's default backoff (about 0.5 s, then 1 s) ran between the three attempts.
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(llm.chatRequests).toHaveLength(3);
    expect(feedback).toMatchObject({ gradedBy: 'fallback', note: 'server-error', provisional: true });
    expect(feedback.score).toBeGreaterThan(0);
    expect(env.usage.listCalls()).toMatchObject([{ outcome: 'server-error' }]);
  });

  it('sends invalid JSON back once for repair and uses the repaired reply', async () => {
    env = makeEnv({ baseUrl: llm.url });
    llm.script([chatReply('Sure! Here is the grading: {points: met}'), chatReply(goodReply)]);
    const feedback = await env.tutor.gradeFreeText(request());
    expect(feedback).toMatchObject({ gradedBy: 'llm', score: 3.5 });
    expect(feedback.usage).toEqual({ inputTokens: 200, outputTokens: 100 });
    const repair = llm.chatRequests[1]!.body.messages!;
    expect(repair.at(-2)).toEqual({ role: 'assistant', content: 'Sure! Here is the grading: {points: met}' });
    expect(repair.at(-1)?.content).toContain('not valid JSON');
    expect(env.usage.listCalls().map((call) => call.purpose)).toEqual(['grade', 'repair']);
  });

  it('falls back with note invalid-output when the repair is invalid too', async () => {
    env = makeEnv({ baseUrl: llm.url });
    llm.script([chatReply('{"points": "all of them"}'), chatReply('{"points": []')]);
    const feedback = await env.tutor.gradeFreeText(request());
    expect(llm.chatRequests).toHaveLength(2);
    expect(feedback).toMatchObject({ gradedBy: 'fallback', note: 'invalid-output', provisional: true });
    expect(feedback.usage).toEqual({ inputTokens: 200, outputTokens: 100 });
  });

  it('falls back with note refusal when the model refuses', async () => {
    env = makeEnv({ baseUrl: llm.url });
    llm.script([chatReply(null, { refusal: "I'm sorry, I can't help with that." })]);
    const feedback = await env.tutor.gradeFreeText(request());
    expect(feedback).toMatchObject({ gradedBy: 'fallback', note: 'refusal' });
    expect(env.usage.listCalls()).toMatchObject([{ outcome: 'refusal' }]);
  });

  it.each([
    ['content_filter', 'refusal'],
    ['length', 'truncated'],
  ])('falls back when finish_reason is %s', async (finishReason, note) => {
    env = makeEnv({ baseUrl: llm.url });
    llm.script([chatReply(goodReply, { finishReason })]);
    const feedback = await env.tutor.gradeFreeText(request());
    expect(feedback).toMatchObject({ gradedBy: 'fallback', note });
  });

  it('grades with the fallback and note no-llm-configured when no key or base URL is set', async () => {
    env = makeEnv();
    const feedback = await env.tutor.gradeFreeText(request());
    expect(feedback).toMatchObject({ gradedBy: 'fallback', provisional: true, note: 'no-llm-configured', status: 'graded' });
    expect(env.usage.listCalls()).toEqual([]);
  });

  it('sends a placeholder key to a keyless local server configured by base URL only', async () => {
    env = makeEnv({ baseUrl: llm.url, env: { OPENAI_API_KEY: '' } });
    llm.script([chatReply(goodReply)]);
    const feedback = await env.tutor.gradeFreeText(request());
    expect(feedback.gradedBy).toBe('llm');
    expect(String(llm.chatRequests[0]!.headers.authorization)).toMatch(/^Bearer \S+/);
  });

  it('estimates tokens when the server reports no usage', async () => {
    env = makeEnv({ baseUrl: llm.url });
    llm.script([chatReply(goodReply, { omitUsage: true })]);
    const feedback = await env.tutor.gradeFreeText(request());
    expect(feedback.usage!.inputTokens).toBeGreaterThan(200);
    expect(feedback.usage!.outputTokens).toBeGreaterThan(20);
  });
});
