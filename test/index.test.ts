import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/storage/database.ts';
import { startDiscordSimulator, type DiscordSimulator } from './support/discord-simulator/index.ts';
import { chatReply, startOpenAiServer, type OpenAiServer } from './support/openai-server.ts';
import { gradingReply } from './tutor/helpers.ts';

/** `npm start` as a process: the real entry point, against the Discord simulator and the OpenAI-compatible server. */

const repo = path.resolve(import.meta.dirname, '..');

interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

interface BotProcess {
  child: ChildProcessWithoutNullStreams;
  logs: LogLine[];
  stderr(): string;
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  exit: Promise<number | null>;
}

function startBot(env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'src/index.ts')], {
    cwd: repo,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  const logs: LogLine[] = [];
  let stderr = '';
  let buffered = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim()) logs.push(JSON.parse(line) as LogLine);
    }
    waiters.splice(0).forEach((wake) => wake());
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    logs,
    stderr: () => stderr,
    exit,
    async waitForLog(predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = logs.find(predicate);
        if (found) return found;
        if (child.exitCode !== null) throw new Error(`the bot exited (${child.exitCode}) first; stderr: ${stderr}; logs: ${JSON.stringify(logs)}`);
        if (Date.now() > deadline) throw new Error(`no such log line within ${timeoutMs} ms; logs: ${JSON.stringify(logs)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
  };
}

// Each test starts a real process (tsx, discord.js): slow on a loaded CI machine, so allow more than the default.
describe('npm start (src/index.ts)', { timeout: 90_000 }, () => {
  let dir: string;
  let sim: DiscordSimulator | undefined;
  let llm: OpenAiServer | undefined;
  let bot: BotProcess | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutor-start-'));
  });
  afterEach(async () => {
    if (bot && bot.child.exitCode === null) {
      bot.child.kill('SIGKILL');
      await bot.exit;
    }
    bot = undefined;
    await sim?.close();
    sim = undefined;
    await llm?.close();
    llm = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stops at once without DISCORD_TOKEN, naming it and pointing to the practice command', async () => {
    bot = startBot({ DATABASE_PATH: path.join(dir, 'tutor.sqlite') });
    expect(await bot.exit).toBe(1);
    expect(bot.stderr()).toContain('DISCORD_TOKEN is not set, so the Discord bot cannot start.');
    expect(bot.stderr()).toContain('run `npm run practice`');
    expect(fs.existsSync(path.join(dir, 'tutor.sqlite'))).toBe(false);
  });

  it('lists every invalid setting and exits 1 before connecting anywhere', async () => {
    bot = startBot({ DISCORD_TOKEN: 'x', LLM_TIMEOUT_MS: '-5', OPENAI_BASE_URL: 'not a url' });
    expect(await bot.exit).toBe(1);
    expect(bot.stderr()).toContain('Invalid configuration:');
    expect(bot.stderr()).toContain('LLM_TIMEOUT_MS');
    expect(bot.stderr()).toContain('OPENAI_BASE_URL');
  });

  it('logs structured JSON lines, finishes grading in flight on SIGTERM, stores it, closes the database and exits 0', async () => {
    sim = await startDiscordSimulator();
    llm = await startOpenAiServer();
    const database = path.join(dir, 'tutor.sqlite');
    bot = startBot({
      DISCORD_TOKEN: sim.token,
      DISCORD_API_URL: sim.apiUrl,
      DATABASE_PATH: database,
      OPENAI_BASE_URL: llm.url,
      OPENAI_API_KEY: 'sk-test',
      LLM_MODEL: 'test-model',
      LOG_LEVEL: 'info',
    });
    const running = await bot.waitForLog((line) => line.msg === 'study-tutor is running');
    expect(running).toMatchObject({ level: 'info', service: 'study-tutor', banks: ['ai-inference-optimization-2025'], llm: 'test-model' });
    expect(JSON.stringify(bot.logs)).not.toContain(sim.token);

    const learner = sim.createUser({ username: 'ada' });
    const quizChannel = sim.channelId('quiz');
    await sim.slashCommand({ name: 'quiz', user: learner, channelId: quizChannel, options: { type: 'short', count: 1 } }).ack;
    const thread = await sim.waitFor(() => sim!.threads(quizChannel)[0], 10_000, 'the quiz thread');
    await sim.waitForMessage(thread.id, (message) => message.author.id === sim!.botUserId, 10_000);

    // The model takes 1.5 s; SIGTERM arrives while it is grading.
    llm.script([{ ...chatReply(gradingReply([{ index: 0, verdict: 'missed', quote: '' }])), delayMs: 1_500 }]);
    sim.postMessage({ channelId: thread.id, user: learner, content: '并行推理把计算分到多个设备上。' });
    await sim.waitFor(() => llm!.chatRequests.length > 0, 10_000, 'the grading request');
    bot.child.kill('SIGTERM');

    expect(await bot.exit).toBe(0);
    expect(bot.logs.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['shutting down: refusing new answers, waiting for in-flight grading', 'shutdown complete: database closed']),
    );
    // The answer was being graded when the signal came, and the shutdown waited for it.
    expect(bot.logs.find((line) => line.msg.startsWith('shutting down'))).toMatchObject({ signal: 'SIGTERM', inFlight: 1 });
    expect(bot.logs.find((line) => line.msg === 'shutdown complete: database closed')).toMatchObject({ clean: true });

    const db = openDatabase(database, { readonly: true });
    try {
      const attempts = db.prepare('SELECT user_id, graded_by, status FROM attempts').all();
      expect(attempts).toEqual([{ user_id: learner.id, graded_by: 'llm', status: 'graded' }]);
    } finally {
      db.close();
    }
  });

  it('exits 1 with plain words when Discord refuses the token, without leaking it to the logs', async () => {
    sim = await startDiscordSimulator();
    bot = startBot({ DISCORD_TOKEN: 'not.the.right.token', DISCORD_API_URL: sim.apiUrl, DATABASE_PATH: path.join(dir, 'tutor.sqlite') });
    expect(await bot.exit).toBe(1);
    expect(bot.stderr()).toContain('Discord refused DISCORD_TOKEN: it is mistyped or was reset.');
    expect(bot.logs.find((line) => line.level === 'fatal')?.msg).toContain('Discord refused DISCORD_TOKEN');
    expect(JSON.stringify(bot.logs)).not.toContain('not.the.right.token');
  });

  it('runs without the Message Content intent when the portal has not granted it, saying what that means', async () => {
    sim = await startDiscordSimulator({ privilegedIntents: { messageContent: false } });
    bot = startBot({ DISCORD_TOKEN: sim.token, DISCORD_API_URL: sim.apiUrl, DATABASE_PATH: path.join(dir, 'tutor.sqlite') });
    const warning = await bot.waitForLog((line) => line.level === 'warn' && line.msg.includes('Message Content intent is not enabled'));
    expect(warning.msg).toContain('buttons, forms and Ask still work');
    await bot.waitForLog((line) => line.msg === 'study-tutor is running');
    bot.child.kill('SIGINT');
    expect(await bot.exit).toBe(0);
  });
});
