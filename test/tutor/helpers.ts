import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FreeTextQuestion, ShortQuestion } from '../../src/bank/schema.ts';
import { loadConfig } from '../../src/config.ts';
import type { NewAttempt } from '../../src/progress/ports.ts';
import { openDatabase, type Db } from '../../src/storage/database.ts';
import { SqliteUsageRepository } from '../../src/storage/usage-repository.ts';
import { attemptStatusForFeedback, createTutor, loadPrompts, type TutorDeps } from '../../src/tutor/index.ts';
import type { GradingReply } from '../../src/tutor/grading.ts';
import type { FreeTextFeedback, Tutor } from '../../src/tutor/types.ts';

export const PROMPTS_DIR = path.resolve(import.meta.dirname, '../../prompts');

export const englishBank = { id: 'tutor-test', language: 'en-US', title: 'Tutor test bank' };
export const chineseBank = { id: 'tutor-test-zh', language: 'zh-CN', title: '测试题库' };

export const kvCacheQuestion: ShortQuestion = {
  id: 'kv-cache',
  type: 'short',
  stem: 'Why does a KV cache speed up autoregressive decoding, and what does it cost?',
  points: 4,
  analysis: 'The keys and values of earlier tokens never change during decoding, so recomputing them is wasted work.',
  reference:
    'The KV cache stores the attention keys and values of previous tokens, so each new token computes only its own instead of recomputing the whole prefix. The price is GPU memory that grows with sequence length and batch size.',
  rubric: [
    { point: 'Stores the keys and values of previous tokens', points: 2 },
    { point: 'Avoids recomputation of the prefix for every new token', points: 1 },
    { point: 'Costs memory that grows with sequence length', points: 1, keywords: ['memory|显存|内存', 'length|长度|batch'] },
  ],
};

export const goodAnswer =
  'It keeps the keys and values of earlier tokens in GPU memory, so we avoid recomputing the prefix at every step. The downside is memory that grows with the sequence length.';

export const quantizationQuestionZh: ShortQuestion = {
  id: 'quant-zh',
  type: 'short',
  stem: '简述模型量化的基本思想及其主要代价。',
  points: 6,
  analysis: '量化不改变网络结构，只改变数值的表示位宽。',
  reference: '量化把权重和激活从FP32映射到INT8等低比特格式，减少模型体积和访存，并利用低精度硬件加速；代价是精度损失，需要校准数据。',
  rubric: [
    { point: '把FP32权重映射为INT8等低比特表示', points: 3, keywords: ['INT8|低比特|低精度|位宽', '权重|激活'] },
    { point: '减少模型体积与访存，提高速度', points: 2, keywords: ['体积|内存|存储|访存', '速度|加速|更快'] },
    { point: '代价是精度损失', points: 1, keywords: ['精度损失|精度下降|误差'] },
  ],
};

/** A well-formed grading reply for `question`; override points or prose as a test needs. */
export function gradingReply(points: GradingReply['points'], overrides: Partial<GradingReply> = {}): GradingReply {
  return {
    points,
    strengths: ['You name what the cache stores.'],
    improvements: ['Say how the memory grows.'],
    explanation: 'A KV cache trades memory for speed: past keys and values are stored once and reused.',
    injection_suspected: false,
    ...overrides,
  };
}

export const goodReply = gradingReply([
  { index: 0, verdict: 'met', quote: 'keeps the keys and values of earlier tokens' },
  { index: 1, verdict: 'met', quote: 'we avoid recomputing the prefix at every step' },
  { index: 2, verdict: 'partial', quote: 'memory that grows with the sequence length' },
]);

/**
 * The attempt the quiz flow records for `answer` to `kvCacheQuestion` with this feedback, as learner-1 in
 * guild-1; tests override what they vary. `normalizedAnswer` and `maxScore` also apply to the stored grade.
 */
export function kvCacheAttempt(answer: string, feedback: FreeTextFeedback, overrides: Partial<NewAttempt> = {}): NewAttempt {
  const normalizedAnswer = overrides.normalizedAnswer ?? answer.toLowerCase();
  const maxScore = overrides.maxScore ?? feedback.maxScore;
  return {
    sessionId: null,
    userId: 'learner-1',
    guildId: 'guild-1',
    bankId: englishBank.id,
    questionId: kvCacheQuestion.id,
    questionType: 'short',
    topic: null,
    rawAnswer: answer,
    normalizedAnswer,
    score: feedback.score,
    maxScore,
    gradedBy: feedback.gradedBy,
    status: attemptStatusForFeedback(feedback),
    grade: { status: 'needs-feedback', questionType: 'short', score: 0, maxScore, normalizedAnswer },
    feedback,
    createdAt: new Date('2026-03-10T12:00:00Z'),
    ...overrides,
  };
}

export interface TutorEnv {
  dir: string;
  db: Db;
  usage: SqliteUsageRepository;
  tutor: Tutor;
  now: { value: Date };
  close(): void;
}

/** A tutor on a real SQLite file in a temp folder, pointed at `baseUrl` (or with no LLM when omitted). */
export function makeTutorEnv(
  options: { baseUrl?: string; env?: Record<string, string>; deps?: Partial<TutorDeps>; dir?: string } = {},
): TutorEnv {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'study-tutor-tutor-'));
  const db = openDatabase(path.join(dir, 'tutor.sqlite'));
  const usage = new SqliteUsageRepository(db);
  const now = { value: new Date('2026-03-10T12:00:00Z') };
  const config = loadConfig({
    ...(options.baseUrl ? { OPENAI_BASE_URL: options.baseUrl, OPENAI_API_KEY: 'sk-test' } : {}),
    LLM_MODEL: 'test-model',
    LLM_TIMEOUT_MS: '3000',
    ...options.env,
  });
  const tutor = createTutor({
    config,
    prompts: loadPrompts(PROMPTS_DIR),
    usage,
    clock: () => now.value,
    ...options.deps,
  });
  return {
    dir,
    db,
    usage,
    tutor,
    now,
    close() {
      db.close();
      if (!options.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function userMessage(body: { messages?: Array<{ role: string; content: string }> }): string {
  return (body.messages ?? []).filter((message) => message.role === 'user').map((message) => message.content).join('\n');
}

export function allMessages(body: { messages?: Array<{ role: string; content: string }> }): string {
  return (body.messages ?? []).map((message) => message.content).join('\n');
}

export type { FreeTextQuestion };
