import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorReply } from '../support/openai-server.ts';
import { runProcess } from '../support/run-process.ts';
import { writeTempBanks } from '../support/temp-banks.ts';
import { englishBank, goodAnswer, kvCacheQuestion, PROMPTS_DIR } from './helpers.ts';
import { useLoopbackLlm } from './setup.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const { llm } = await useLoopbackLlm();
let dir: string;
let banksDir: string;

beforeEach(() => {
  const banks = writeTempBanks('study-tutor-cli-exit-', [{ ...englishBank, source: 'tests', questions: [kvCacheQuestion] }]);
  dir = banks.dir;
  banksDir = banks.banksDir;
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a 429 that asks for a long wait', () => {
  it('does not keep the tutor process alive after the fallback has answered', async () => {
    llm.script(() => errorReply(429, 'Rate limit reached', { 'retry-after': '120' }));
    const started = Date.now();
    const result = await runProcess(
      process.execPath,
      ['--import', 'tsx', path.join(REPO, 'src/cli.ts'), 'grade', '--bank', englishBank.id, '--question', kvCacheQuestion.id, '--answer', goodAnswer],
      {
        cwd: REPO,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: dir,
          DATABASE_PATH: path.join(dir, 'db.sqlite'),
          BANKS_DIR: banksDir,
          PROMPTS_DIR,
          OPENAI_BASE_URL: llm.url,
          OPENAI_API_KEY: 'sk-test',
          LLM_MODEL: 'test-model',
          LLM_TIMEOUT_MS: '5000',
        },
        input: '',
      },
    );
    const elapsed = Date.now() - started;
    expect(result.code).toBe(0);
    expect(result.out).toContain('Provisional score');
    expect(llm.chatRequests).toHaveLength(1);
    // Start-up through tsx takes seconds on a busy machine; the 120 s wait, were it kept, would dominate.
    expect(elapsed).toBeLessThan(60_000);
  }, 90_000);
});
