import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.ts';
import { createLogger } from '../../src/logger.ts';
import { redactSecrets, secretsFromEnv } from '../../src/redact.ts';
import { createTestIo } from '../cli/io.ts';
import type { RecordedRequest } from '../support/openai-server.ts';
import { writeTempBanks } from '../support/temp-banks.ts';
import { englishBank, goodAnswer, kvCacheQuestion, PROMPTS_DIR } from './helpers.ts';
import { useLoopbackLlm } from './setup.ts';

/**
 * Recognisable fake secrets, then every path that logs or prints errors, then a grep of all output:
 * none of them may appear anywhere.
 */
const API_KEY = 'sk-test-FAKEKEY-0123456789abcdefghij';
const URL_PASSWORD = 'urlsecret-9876543210';
const DISCORD_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.FakeDiscordTokenForTests0123456789abc';
const SECRETS = [API_KEY, URL_PASSWORD, DISCORD_TOKEN, 'FAKEKEY-0123456789', 'FakeDiscordTokenForTests'];

const { llm, makeEnv } = await useLoopbackLlm();

/** A provider that refuses every request and echoes the key and token it was sent, as OpenAI's 401 does. */
function echoingProvider(request: RecordedRequest) {
  const authorization = String(request.headers.authorization ?? '');
  return {
    status: 401,
    body: { error: { message: `Incorrect API key provided: ${authorization.replace(/^(Bearer|Bot) /, '')}. You can find your API key at https://example.invalid.`, type: 'invalid_request_error' } },
  };
}

function expectNoSecret(output: string): void {
  expect(output.length).toBeGreaterThan(0);
  for (const secret of SECRETS) expect(output).not.toContain(secret);
}

function urlWithCredentials(base: string): string {
  const url = new URL(base);
  url.username = 'operator';
  url.password = URL_PASSWORD;
  return url.toString().replace(/\/$/, '');
}

describe('the one redaction function', () => {
  it('removes configured secrets, credentials in URLs, and key- and token-shaped strings', () => {
    const secrets = secretsFromEnv({ OPENAI_API_KEY: API_KEY, DISCORD_TOKEN: `Bot ${DISCORD_TOKEN}`, OPENAI_BASE_URL: `http://u:${URL_PASSWORD}@host/v1` });
    const text = `key ${API_KEY}; token ${DISCORD_TOKEN}; url http://u:${URL_PASSWORD}@host/v1; other sk-proj-AAAAAAAAAAAAAAAAAAAA; Bearer abcdefghijkl`;
    const redacted = redactSecrets(text, secrets);
    expectNoSecret(redacted);
    expect(redacted).not.toContain('sk-proj-AAAA');
    expect(redacted).toContain('http://u:[redacted]@host/v1');
    expect(redacted).toContain('Bearer [redacted]');
  });

  it('leaves ordinary text alone', () => {
    const text = 'The KV cache stores keys and values; see http://example.org/a:b and task-1234.';
    expect(redactSecrets(text, ['sk-test-FAKEKEY-0123456789abcdefghij'])).toBe(text);
  });

  it('is linear on a long hostile input', () => {
    const started = performance.now();
    redactSecrets(`http://${'a'.repeat(200_000)}:${'b'.repeat(200_000)} ${'x'.repeat(200_000)}.`, [API_KEY]);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('no path prints a secret', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeEach(() => {
    const banks = writeTempBanks('study-tutor-secrets-', [{ ...englishBank, source: 'tests', questions: [kvCacheQuestion] }]);
    dir = banks.dir;
    env = { DATABASE_PATH: path.join(dir, 'db.sqlite'), BANKS_DIR: banks.banksDir, PROMPTS_DIR, OPENAI_API_KEY: API_KEY, DISCORD_TOKEN, LLM_TIMEOUT_MS: '3000' };
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the key out of the log when the provider answers 401 and echoes it', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) }, secrets: secretsFromEnv({ ...env }) });
    const tutorEnv = makeEnv({ baseUrl: llm.url, env: { OPENAI_API_KEY: API_KEY }, deps: { logger } });
    llm.script(echoingProvider);
    const feedback = await tutorEnv.tutor.gradeFreeText({ bank: englishBank, question: kvCacheQuestion, answer: goodAnswer, userId: 'u1' });
    expect(feedback).toMatchObject({ gradedBy: 'fallback', note: 'error' });
    // The provider did echo it: the request carried the key, the reply named it.
    expect(llm.requests.length).toBeGreaterThan(0);
    expect(lines.join('\n')).toContain('Incorrect API key provided');
    expectNoSecret(lines.join('\n'));
    expectNoSecret(JSON.stringify(feedback));
    // Even a logger given no secrets removes the key's shape and the URL's password.
    const bare: string[] = [];
    createLogger({ level: 'info', destination: { write: (line: string) => void bare.push(line) } }).warn(
      { error: `Incorrect API key provided: ${API_KEY}`, url: urlWithCredentials(llm.url) },
      'provider said no',
    );
    expectNoSecret(bare.join('\n'));
  });

  it('keeps the key in OPENAI_BASE_URL and the bot token out of doctor, as text and as JSON', async () => {
    llm.script(echoingProvider);
    const doctorEnv = { ...env, OPENAI_BASE_URL: urlWithCredentials(llm.url), DISCORD_API_URL: `${urlWithCredentials(llm.url.replace(/\/v1$/, ''))}/api` };
    for (const args of [['doctor'], ['doctor', '--json']]) {
      const io = createTestIo({ env: doctorEnv, cwd: dir });
      await runCli(args, io);
      const output = io.stdout.text + io.stderr.text;
      expect(output).toContain('[redacted]');
      expectNoSecret(output);
    }
  });

  it('keeps secrets out of CLI errors and of practice logs', async () => {
    llm.script(echoingProvider);
    const outputs: string[] = [];
    // A configuration error that quotes the bad value.
    let io = createTestIo({ env: { ...env, OPENAI_BASE_URL: `not-a-url-${API_KEY}` }, cwd: dir });
    await runCli(['grade', '--bank', englishBank.id, '--question', kvCacheQuestion.id, '--answer', goodAnswer], io);
    outputs.push(io.stdout.text + io.stderr.text);
    // A grading whose provider refuses and echoes the key.
    io = createTestIo({ env: { ...env, OPENAI_BASE_URL: llm.url, LOG_LEVEL: 'debug' }, cwd: dir });
    await runCli(['grade', '--bank', englishBank.id, '--question', kvCacheQuestion.id, '--answer', goodAnswer], io);
    outputs.push(io.stdout.text + io.stderr.text);
    // Practice logs LLM failures to standard error.
    io = createTestIo({ env: { ...env, OPENAI_BASE_URL: llm.url, LOG_LEVEL: 'debug' }, cwd: dir, input: [goodAnswer, 'q'] });
    await runCli(['practice', '--bank', englishBank.id], io);
    outputs.push(io.stdout.text + io.stderr.text);
    for (const output of outputs) expectNoSecret(output);
    expect(outputs[0]).toMatch(/OPENAI_BASE_URL/);
    // The provider was asked, with the key, and answered with it: the output saw the echo and hid it.
    expect(llm.requests.some((request) => String(request.headers.authorization).includes(API_KEY))).toBe(true);
    expect(outputs.slice(1).join('\n')).toContain('[redacted]');
  });
});
