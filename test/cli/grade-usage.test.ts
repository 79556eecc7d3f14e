import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.ts';
import { chatReply, startOpenAiServer, type OpenAiServer } from '../support/openai-server.ts';
import { writeTempBanks } from '../support/temp-banks.ts';
import { createTestIo } from './io.ts';

/**
 * `tutor grade` gets the app (src/app.ts) like every other front end, so the LLM call it makes for a
 * short answer is recorded in usage, where `tutor usage` reports it.
 */

const PROMPTS_DIR = path.resolve(import.meta.dirname, '../../prompts');

const bank = {
  id: 'usage-bank',
  title: 'Usage test bank',
  language: 'en-US',
  source: 'written for the grade-usage test',
  questions: [
    {
      id: 'kv-short',
      type: 'short',
      stem: 'Why does a KV cache speed up decoding, and what does it cost?',
      points: 4,
      analysis: 'Keys and values of earlier tokens never change, so recomputing them is wasted work.',
      reference: 'It stores the keys and values of previous tokens so only the new token is computed; the price is memory that grows with sequence length.',
      rubric: [
        { point: 'Stores the keys and values of previous tokens', points: 2 },
        { point: 'Costs memory that grows with sequence length', points: 2 },
      ],
    },
  ],
};

const reply = {
  points: [
    { index: 0, verdict: 'met', quote: 'keeps the keys and values' },
    { index: 1, verdict: 'met', quote: 'memory grows with the length' },
  ],
  strengths: ['You name what the cache keeps.'],
  improvements: ['Say what limits the batch size.'],
  explanation: 'A KV cache trades memory for speed.',
  injection_suspected: false,
};

let llm: OpenAiServer;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  llm = await startOpenAiServer();
});
afterAll(async () => {
  await llm.close();
});
beforeEach(() => {
  ({ dir } = writeTempBanks('tutor-grade-usage-', [bank]));
  env = {
    BANKS_DIR: 'banks',
    PROMPTS_DIR,
    DATABASE_PATH: 'var/tutor.sqlite',
    OPENAI_BASE_URL: llm.url,
    OPENAI_API_KEY: 'test-key',
    LLM_TIMEOUT_MS: '5000',
  };
  llm.reset();
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function tutor(...args: string[]) {
  const io = createTestIo({ env, cwd: dir });
  const code = await runCli(args, io);
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}

describe('tutor grade through the app', () => {
  it('records the LLM call of a graded short answer in usage, under the cli user', async () => {
    llm.script([chatReply(reply, { promptTokens: 900, completionTokens: 120 })]);
    const graded = await tutor('grade', '--bank', 'usage-bank', '--question', 'kv-short', '--answer', 'It keeps the keys and values; the memory grows with the length.', '--json');
    expect(graded.stderr).toBe('');
    expect(graded.code).toBe(0);
    expect(JSON.parse(graded.stdout)).toMatchObject({ status: 'needs-feedback', feedback: { gradedBy: 'llm' } });
    expect(llm.chatRequests).toHaveLength(1);

    const usage = await tutor('usage', '--by', 'user', '--json');
    expect(usage.code).toBe(0);
    expect(JSON.parse(usage.stdout).rows).toEqual([{ key: 'cli', calls: 1, failedCalls: 0, inputTokens: 900, outputTokens: 120 }]);
  });

  it('records nothing for an objective answer, which is graded by rule without the LLM', async () => {
    const withChoice = {
      ...bank,
      questions: [
        ...bank.questions,
        { id: 'kv-choice', type: 'choice', stem: 'What does a KV cache keep?', points: 1, analysis: 'The cache keeps the keys and values of earlier tokens.', options: [{ key: 'A', text: 'Keys and values' }, { key: 'B', text: 'Gradients' }], answer: 'A' },
      ],
    };
    fs.writeFileSync(path.join(dir, 'banks', 'usage-bank.json'), JSON.stringify(withChoice));
    const graded = await tutor('grade', '--bank', 'usage-bank', '--question', 'kv-choice', '--answer', 'A');
    expect(graded.stderr).toBe('');
    expect(graded.stdout).toContain('Correct: 1/1 points');
    expect(llm.chatRequests).toHaveLength(0);
    expect((await tutor('usage')).stdout).toBe('No LLM calls recorded yet.\n');
  });
});
