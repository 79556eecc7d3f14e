import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { createTestIo } from './io.ts';

const repo = path.resolve(import.meta.dirname, '../..');

interface FakeState {
  apiKey: string;
  botToken: string;
  models: string[];
  applicationFlags: number;
  requests: Array<{ url: string; authorization: string | undefined }>;
}

/** Answers like an OpenAI-compatible server (/v1/models) and Discord's REST API (/api/v10/…), on loopback. */
function startFakeServer(state: FakeState): Promise<{ server: http.Server; base: string }> {
  const server = http.createServer((request, response) => {
    const authorization = request.headers.authorization;
    state.requests.push({ url: request.url ?? '', authorization });
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.url === '/v1/models') {
      if (authorization !== `Bearer ${state.apiKey}`) return send(401, { error: { message: 'Incorrect API key provided' } });
      return send(200, { object: 'list', data: state.models.map((id) => ({ id, object: 'model' })) });
    }
    if (request.url === '/api/v10/users/@me') {
      if (authorization !== `Bot ${state.botToken}`) return send(401, { message: '401: Unauthorized', code: 0 });
      return send(200, { id: '1234567890', username: 'StudyTutor', bot: true });
    }
    if (request.url === '/api/v10/applications/@me') {
      if (authorization !== `Bot ${state.botToken}`) return send(401, { message: '401: Unauthorized', code: 0 });
      return send(200, { id: '1234567890', name: 'Study Tutor', flags: state.applicationFlags });
    }
    return send(404, { message: 'Not Found' });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, base: `http://127.0.0.1:${port}` });
    });
  });
}

/** A loopback port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const MESSAGE_CONTENT_LIMITED = 1 << 19;

describe('tutor doctor', () => {
  let state: FakeState;
  let server: http.Server;
  let base: string;
  let dir: string;
  let deadPort: number;

  beforeAll(async () => {
    deadPort = await closedPort();
    state = { apiKey: 'sk-good', botToken: 'good.bot.token', models: ['test-model'], applicationFlags: MESSAGE_CONTENT_LIMITED, requests: [] };
    ({ server, base } = await startFakeServer(state));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutor-doctor-'));
    state.requests.length = 0;
    state.models = ['test-model'];
    state.applicationFlags = MESSAGE_CONTENT_LIMITED;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_PATH: path.join(dir, 'var', 'tutor.sqlite'),
      BANKS_DIR: path.join(repo, 'data', 'banks'),
      PROMPTS_DIR: path.join(repo, 'prompts'),
      ...extra,
    };
  }

  async function doctor(env: Record<string, string>, args: string[] = []) {
    const io = createTestIo({ env, cwd: dir });
    const code = await runCli(['doctor', ...args], io);
    return { code, out: io.stdout.text, err: io.stderr.text };
  }

  it('passes with nothing configured, warning that the LLM and Discord are not set up, and writes nothing', async () => {
    const { code, out } = await doctor(baseEnv());
    expect(code).toBe(0);
    expect(out).toMatch(/✔ Configuration: No \.env file/);
    expect(out).toMatch(/✔ Database: .*tutor\.sqlite does not exist yet; it is created \(schema \d+\) on first run/);
    expect(out).toContain('✔ Banks: 1 bank, 18 questions to serve (ai-inference-optimization-2025).');
    expect(out).toMatch(/✔ Prompts: .*grade-short@\d+/);
    expect(out).toMatch(/! LLM: Not configured: short and essay answers get the fallback grading/);
    expect(out).toMatch(/! Discord: DISCORD_TOKEN is not set: `npm start` will not run the bot\. `npm run practice` works without it\./);
    expect(out).toMatch(/No problems found \(2 warnings\)\./);
    expect(fs.existsSync(path.join(dir, 'var'))).toBe(false);
    expect(state.requests).toEqual([]);
  });

  it('confirms a working LLM endpoint and Discord token, sending the key and the bot token', async () => {
    const { code, out } = await doctor(
      baseEnv({ OPENAI_API_KEY: 'sk-good', OPENAI_BASE_URL: `${base}/v1`, LLM_MODEL: 'test-model', DISCORD_TOKEN: 'good.bot.token', DISCORD_API_URL: `${base}/api` }),
    );
    expect(code).toBe(0);
    expect(out).toContain(`✔ LLM: ${base}/v1 is reachable and offers test-model (JSON mode json_schema).`);
    expect(out).toContain('✔ Discord: The token is valid: logged in as StudyTutor (id 1234567890).');
    expect(out).toContain('✔ Message Content intent: Enabled');
    expect(out).toContain('No problems found (0 warnings).');
    expect(state.requests).toEqual(
      expect.arrayContaining([
        { url: '/v1/models', authorization: 'Bearer sk-good' },
        { url: '/api/v10/users/@me', authorization: 'Bot good.bot.token' },
      ]),
    );
  });

  it.each([
    {
      case: 'a refused API key',
      env: (): Record<string, string> => ({ OPENAI_API_KEY: 'sk-wrong' }),
      line: /✖ LLM: http:\/\/127\.0\.0\.1:\d+\/v1 refused the API key \(HTTP 401\)\./,
    },
    {
      case: 'a refused bot token',
      env: (): Record<string, string> => ({ DISCORD_TOKEN: 'stale.token' }),
      line: /✖ Discord: Discord refused DISCORD_TOKEN \(HTTP 401\): it is mistyped, reset, or not a bot token\./,
    },
    {
      case: 'an LLM server that is not running',
      env: (): Record<string, string> => ({ OPENAI_BASE_URL: `http://127.0.0.1:${deadPort}/v1` }),
      line: /✖ LLM: Cannot reach http:\/\/127\.0\.0\.1:\d+\/v1\/models: .*ECONNREFUSED/,
    },
  ])('fails with a plain message for $case', async ({ env, line }) => {
    const full = baseEnv({ OPENAI_API_KEY: 'sk-good', OPENAI_BASE_URL: `${base}/v1`, LLM_MODEL: 'test-model', DISCORD_TOKEN: 'good.bot.token', DISCORD_API_URL: `${base}/api`, ...env() });
    const { code, out } = await doctor(full);
    expect(code).toBe(1);
    expect(out).toMatch(line);
    expect(out).toMatch(/1 problem, \d warnings?\./);
  });

  it('warns when the server does not offer the configured model, naming the ones it does', async () => {
    state.models = ['qwen2.5:7b', 'llama3.1:8b'];
    const { code, out } = await doctor(baseEnv({ OPENAI_API_KEY: 'sk-good', OPENAI_BASE_URL: `${base}/v1`, LLM_MODEL: 'gpt-4o-mini' }));
    expect(code).toBe(0);
    expect(out).toContain('! LLM: ');
    expect(out).toContain('do not include gpt-4o-mini (qwen2.5:7b, llama3.1:8b)');
    expect(out).toContain('→ Set LLM_MODEL to a model the server offers.');
  });

  it('warns when the Message Content intent is off and says what still works', async () => {
    state.applicationFlags = 0;
    const { code, out } = await doctor(baseEnv({ DISCORD_TOKEN: 'good.bot.token', DISCORD_API_URL: `${base}/api` }));
    expect(code).toBe(0);
    expect(out).toContain('! Message Content intent: Not enabled: typed answers in threads are not seen; the Answer and Ask buttons still work.');
    expect(out).toContain('Privileged Gateway Intents');
  });

  it('lists every invalid setting at once and skips the checks that need them', async () => {
    const { code, out } = await doctor(baseEnv({ LLM_JSON_MODE: 'xml', TIME_ZONE: 'Mars/Olympus', DEFAULT_QUIZ_COUNT: 'five' }));
    expect(code).toBe(1);
    expect(out).toContain('✖ Configuration: 3 settings are invalid: ');
    for (const key of ['LLM_JSON_MODE', 'TIME_ZONE', 'DEFAULT_QUIZ_COUNT']) expect(out).toContain(key);
    expect(out).toContain('Not checked: fix the configuration first.');
  });

  it('reports an existing database and its schema version without changing it', async () => {
    const file = path.join(dir, 'var', 'tutor.sqlite');
    openDatabase(file).close();
    const before = fs.statSync(file).mtimeMs;
    const { code, out } = await doctor(baseEnv());
    expect(code).toBe(0);
    expect(out).toMatch(/✔ Database: .*tutor\.sqlite opens; schema version \d+ \(current\)\./);
    expect(fs.statSync(file).mtimeMs).toBe(before);
  });

  it.each([
    {
      case: 'a database from a newer version',
      prepare: (file: string) => {
        const db = new Database(file);
        db.pragma('user_version = 999');
        db.close();
      },
      line: /✖ Database: The database .* was created by a newer version of study-tutor \(schema 999/,
    },
    {
      case: 'a file that is not a database',
      prepare: (file: string) => fs.writeFileSync(file, 'this is not SQLite, just text that someone saved here by mistake\n'.repeat(20)),
      line: /✖ Database: Cannot open the database .*: .*left untouched/,
    },
  ])('fails on $case and leaves the file as it was', async ({ prepare, line }) => {
    const file = path.join(dir, 'tutor.sqlite');
    prepare(file);
    const bytes = fs.readFileSync(file);
    const { code, out } = await doctor(baseEnv({ DATABASE_PATH: file }));
    expect(code).toBe(1);
    expect(out).toMatch(line);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  it('fails when the banks folder holds no banks or a broken one, naming the file', async () => {
    const banks = path.join(dir, 'banks');
    fs.mkdirSync(banks);
    let result = await doctor(baseEnv({ BANKS_DIR: banks }));
    expect(result.code).toBe(1);
    expect(result.out).toContain(`✖ Banks: No bank loads from ${banks}, so there is nothing to quiz on`);

    fs.writeFileSync(path.join(banks, 'broken.json'), '{ "id": "broken", ');
    result = await doctor(baseEnv({ BANKS_DIR: banks }));
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/✖ Banks: .*broken\.json/);
  });

  it('prints the report as JSON with --json', async () => {
    const { code, out } = await doctor(baseEnv(), ['--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as { checks: Array<{ name: string; status: string }>; errors: number; warnings: number };
    expect(report.errors).toBe(0);
    expect(report.checks.map((check) => [check.name, check.status])).toEqual([
      ['Configuration', 'ok'],
      ['Database', 'ok'],
      ['Banks', 'ok'],
      ['Prompts', 'ok'],
      ['LLM', 'warn'],
      ['Discord', 'warn'],
    ]);
  });
});
