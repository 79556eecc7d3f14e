import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { userBucketWaitMs } from '../../src/tutor/budget.ts';
import { gradeAnswer } from '../../src/grading/grade.ts';
import { chatReply } from '../support/openai-server.ts';
import { englishBank, goodAnswer, goodReply, kvCacheAttempt, kvCacheQuestion, makeTutorEnv, type TutorEnv } from './helpers.ts';
import { useLoopbackLlm } from './setup.ts';

const { llm, makeEnv } = await useLoopbackLlm();

const request = (userId = 'learner-1', guildId = 'guild-1', extra: Record<string, unknown> = {}) => ({
  bank: englishBank,
  question: kvCacheQuestion,
  answer: goodAnswer,
  userId,
  guildId,
  ...extra,
});

describe('the per-user call budget', () => {
  it('falls back with an explanation once the bucket is empty, and refills over the hour', async () => {
    const env = makeEnv({ baseUrl: llm.url, env: { LLM_USER_CALLS_PER_HOUR: '2' } });
    llm.script(() => chatReply(goodReply));

    expect((await env.tutor.gradeFreeText(request())).gradedBy).toBe('llm');
    expect((await env.tutor.gradeFreeText(request())).gradedBy).toBe('llm');
    const third = await env.tutor.gradeFreeText(request());
    expect(third).toMatchObject({ gradedBy: 'fallback', note: 'user-budget', provisional: true });
    expect(third.explanation).toMatch(/refill in about 30 minutes/);
    expect(llm.chatRequests).toHaveLength(2);

    // Another learner in the same guild is not affected.
    expect((await env.tutor.gradeFreeText(request('learner-2'))).gradedBy).toBe('llm');

    // Two calls per hour refill one call every 30 minutes.
    env.now.value = new Date(env.now.value.getTime() + 29 * 60_000);
    expect((await env.tutor.gradeFreeText(request())).note).toBe('user-budget');
    env.now.value = new Date(env.now.value.getTime() + 2 * 60_000);
    expect((await env.tutor.gradeFreeText(request())).gradedBy).toBe('llm');
  });

  it('explains the budget in Chinese to a Chinese learner', async () => {
    const env = makeEnv({ baseUrl: llm.url, env: { LLM_USER_CALLS_PER_HOUR: '1' } });
    llm.script(() => chatReply(goodReply));
    await env.tutor.gradeFreeText(request());
    const reply = await env.tutor.followUp({
      bank: englishBank,
      question: kvCacheQuestion,
      answered: false,
      message: '能给点提示吗？',
      history: [],
      locale: 'zh-CN',
      userId: 'learner-1',
      guildId: 'guild-1',
    });
    expect(reply).toMatchObject({ gradedBy: 'fallback', note: 'user-budget' });
    expect(reply.text).toContain('分钟后恢复');
  });

  it('survives a restart because it is computed from the stored calls', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'study-tutor-budget-'));
    const envs: TutorEnv[] = [];
    try {
      llm.script(() => chatReply(goodReply));
      const first = makeTutorEnv({ baseUrl: llm.url, env: { LLM_USER_CALLS_PER_HOUR: '1' }, dir });
      expect((await first.tutor.gradeFreeText(request())).gradedBy).toBe('llm');
      first.close();
      const second = makeTutorEnv({ baseUrl: llm.url, env: { LLM_USER_CALLS_PER_HOUR: '1' }, dir });
      envs.push(second);
      expect((await second.tutor.gradeFreeText(request())).note).toBe('user-budget');
    } finally {
      envs.splice(0).forEach((env) => env.close());
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    { capacity: 2, callsAgoMinutes: [], wait: 0 },
    { capacity: 2, callsAgoMinutes: [1], wait: 0 },
    { capacity: 2, callsAgoMinutes: [10, 5], wait: 20 * 60_000 },
    { capacity: 2, callsAgoMinutes: [90, 80], wait: 0 },
    { capacity: 1, callsAgoMinutes: [0], wait: 60 * 60_000 },
  ])('waits $wait ms with capacity $capacity after calls $callsAgoMinutes minutes ago', ({ capacity, callsAgoMinutes, wait }) => {
    const now = new Date('2026-03-10T12:00:00Z');
    const times = callsAgoMinutes.map((minutes) => new Date(now.getTime() - minutes * 60_000));
    expect(userBucketWaitMs(times, capacity, now)).toBe(wait);
  });
});

describe('the per-guild daily token budget', () => {
  it('stops LLM calls for the guild once its tokens for the UTC day are used, until midnight UTC', async () => {
    const env = makeEnv({ baseUrl: llm.url, env: { LLM_GUILD_DAILY_TOKENS: '250' } });
    env.now.value = new Date('2026-03-10T21:00:00Z');
    llm.script(() => chatReply(goodReply, { promptTokens: 200, completionTokens: 60 }));

    expect((await env.tutor.gradeFreeText(request('a'))).gradedBy).toBe('llm');
    const blocked = await env.tutor.gradeFreeText(request('b'));
    expect(blocked).toMatchObject({ gradedBy: 'fallback', note: 'guild-budget' });
    expect(blocked.explanation).toContain('resets in about 3 hours');
    // Another guild, and direct messages, are not affected.
    expect((await env.tutor.gradeFreeText(request('b', 'guild-2'))).gradedBy).toBe('llm');

    env.now.value = new Date('2026-03-11T00:00:01Z');
    expect((await env.tutor.gradeFreeText(request('b'))).gradedBy).toBe('llm');
    expect(env.usage.guildTokensSince('guild-1', new Date('2026-03-10T00:00:00Z'))).toBe(520);
  });
});

describe('reusing stored feedback', () => {
  it('answers an identical normalised answer from the store without calling the model', async () => {
    // The tutor is built before the store that shares its database, as in the composition root.
    const holder: { store?: SqliteProgressStore } = {};
    const env = makeEnv({
      baseUrl: llm.url,
      deps: { findCachedFeedback: (bankId, questionId, normalized) => holder.store!.findCachedFeedback(bankId, questionId, normalized) },
    });
    const store = new SqliteProgressStore(env.db);
    holder.store = store;
    llm.script([chatReply(goodReply)]);

    const first = await env.tutor.gradeFreeText(request('learner-1', 'guild-1', { normalizedAnswer: 'kv answer' }));
    store.upsertUser({ id: 'learner-1', displayName: 'Learner' });
    store.recordAttempt(kvCacheAttempt(goodAnswer, first, { normalizedAnswer: 'kv answer', status: 'graded', createdAt: env.now.value }));

    const second = await env.tutor.gradeFreeText(request('learner-2', 'guild-1', { normalizedAnswer: 'kv answer' }));
    expect(llm.chatRequests).toHaveLength(1);
    expect(second).toMatchObject({ gradedBy: 'llm', score: first.score, explanation: first.explanation, note: 'cached' });
    expect(second.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
    expect(env.usage.listCalls()).toHaveLength(1);
  });

  it('finds stored feedback by the grader\'s normalised answer when the caller does not pass it', async () => {
    const looked: string[] = [];
    const env = makeEnv({
      baseUrl: llm.url,
      deps: {
        findCachedFeedback: (_bank, _question, normalized) => {
          looked.push(normalized);
          return null;
        },
      },
    });
    llm.script([chatReply(goodReply)]);
    await env.tutor.gradeFreeText(request('learner-1', 'guild-1', { answer: '  It\u200B stores keys.  ' }));
    // What the quiz flow stores as the attempt's normalized_answer for the same text.
    const stored = gradeAnswer(kvCacheQuestion, '  It\u200B stores keys.  ');
    expect(stored.status === 'needs-feedback' && stored.normalizedAnswer).toBe('It stores keys.');
    expect(looked).toEqual(['It stores keys.']);
  });

  it('does not reuse a provisional fallback score', async () => {
    const env = makeEnv({
      baseUrl: llm.url,
      deps: {
        findCachedFeedback: () => ({
          gradedBy: 'fallback',
          status: 'graded',
          provisional: true,
          score: 1,
          maxScore: 4,
          rubric: [],
          strengths: [],
          improvements: [],
          explanation: 'old',
        }),
      },
    });
    llm.script([chatReply(goodReply)]);
    const feedback = await env.tutor.gradeFreeText(request());
    expect(feedback).toMatchObject({ gradedBy: 'llm', score: 3.5 });
    expect(llm.chatRequests).toHaveLength(1);
  });
});

describe('the usage report', () => {
  it('sums calls and tokens by user, guild and UTC day', async () => {
    const env = makeEnv({ baseUrl: llm.url });
    llm.script(() => chatReply(goodReply, { promptTokens: 300, completionTokens: 40 }));
    await env.tutor.gradeFreeText(request('a', 'guild-1'));
    await env.tutor.gradeFreeText(request('b', 'guild-1'));
    env.now.value = new Date('2026-03-11T08:00:00Z');
    await env.tutor.gradeFreeText(request('a', 'guild-2'));

    expect(env.usage.summarize('user')).toEqual([
      { key: 'a', calls: 2, failedCalls: 0, inputTokens: 600, outputTokens: 80 },
      { key: 'b', calls: 1, failedCalls: 0, inputTokens: 300, outputTokens: 40 },
    ]);
    expect(env.usage.summarize('guild').map((row) => [row.key, row.calls])).toEqual([
      ['guild-1', 2],
      ['guild-2', 1],
    ]);
    expect(env.usage.summarize('day').map((row) => [row.key, row.inputTokens])).toEqual([
      ['2026-03-11', 300],
      ['2026-03-10', 600],
    ]);
  });
});

describe('budgets under concurrency: reserve before spending', () => {
  it('lets exactly 10 of 50 concurrent gradings reach the model at a budget of 10 calls', async () => {
    const env = makeEnv({ baseUrl: llm.url, env: { LLM_USER_CALLS_PER_HOUR: '10', LLM_MAX_CONCURRENCY: '50' } });
    // A slow model: every grading checks the budget while the first ones are still in flight.
    llm.script(() => chatReply(goodReply, { delayMs: 100 }));
    const results = await Promise.all(Array.from({ length: 50 }, () => env.tutor.gradeFreeText(request())));
    expect(llm.chatRequests).toHaveLength(10);
    expect(results.filter((feedback) => feedback.gradedBy === 'llm')).toHaveLength(10);
    expect(results.filter((feedback) => feedback.note === 'user-budget')).toHaveLength(40);
    // Every admitted call was settled with what the server reported: no reservation is left behind.
    expect(env.usage.listCalls().map((call) => [call.outcome, call.inputTokens, call.outputTokens])).toEqual(Array(10).fill(['ok', 100, 50]));
  });

  it('holds the guild token budget too: reserved estimates count before the calls return', async () => {
    const env = makeEnv({ baseUrl: llm.url, env: { LLM_GUILD_DAILY_TOKENS: '6000', LLM_USER_CALLS_PER_HOUR: '1000', LLM_MAX_CONCURRENCY: '50' } });
    llm.script(() => chatReply(goodReply, { delayMs: 100 }));
    // Each grading reserves its estimated prompt plus 1,200 output tokens, so only a few fit in 6,000.
    const results = await Promise.all(Array.from({ length: 20 }, (_, index) => env.tutor.gradeFreeText(request(`learner-${index}`))));
    const admitted = results.filter((feedback) => feedback.gradedBy === 'llm').length;
    expect(llm.chatRequests).toHaveLength(admitted);
    expect(admitted).toBeGreaterThan(0);
    expect(admitted).toBeLessThanOrEqual(5);
    expect(results.filter((feedback) => feedback.note === 'guild-budget')).toHaveLength(20 - admitted);
  });

  it('releases the reserved tokens of a failed call: it is settled with none', async () => {
    const env = makeEnv({ baseUrl: llm.url, env: { LLM_USER_CALLS_PER_HOUR: '10' } });
    llm.script([{ status: 400, body: { error: { message: 'bad request', type: 'invalid_request_error' } } }]);
    const feedback = await env.tutor.gradeFreeText(request());
    expect(feedback).toMatchObject({ gradedBy: 'fallback', note: 'error' });
    expect(env.usage.listCalls()).toMatchObject([{ outcome: 'error', inputTokens: 0, outputTokens: 0 }]);
  });
});
