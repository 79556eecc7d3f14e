import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import type { BankInput } from '../../src/bank/schema.ts';
import { createApp, type App } from '../../src/app.ts';
import { runCli } from '../../src/cli.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startDiscordBot, type BotApp, type RunningBot, type StartDiscordBotOptions } from '../../src/discord/bot.ts';
import { openDatabase, type Db } from '../../src/storage/database.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { startDiscordSimulator, type DiscordSimulator, type SimulatorOptions, type SimUser, type StoredMessage } from '../support/discord-simulator/index.ts';
import { startOpenAiServer, type OpenAiServer } from '../support/openai-server.ts';
import { writeTempBanks } from '../support/temp-banks.ts';

/**
 * One end-to-end world: the Discord simulator, the OpenAI-compatible server, a temp folder with a
 * database and a small English bank, the real app (`createApp`) and the real bot (`startDiscordBot`)
 * logged in through discord.js. Commands are registered the way an admin would: `tutor deploy-commands`.
 */

export const PROMPTS_DIR = path.resolve(import.meta.dirname, '../../prompts');

export const e2eBank: BankInput = {
  id: 'e2e-basics',
  title: 'Inference basics',
  language: 'en-US',
  source: 'written for the Discord end-to-end tests',
  questions: [
    {
      id: 'kv-choice',
      type: 'choice',
      stem: 'Which technique keeps the keys and values of earlier tokens?',
      points: 2,
      topic: 'caching',
      analysis: 'The KV cache stores past keys and values so decoding does not recompute the prefix.',
      options: [
        { key: 'A', text: 'Pruning' },
        { key: 'B', text: 'KV cache' },
        { key: 'C', text: 'Dropout' },
      ],
      answer: 'B',
    },
    {
      id: 'int8-blank',
      type: 'blank',
      stem: 'Post-training quantisation usually maps FP32 weights to ____, and activations are often kept in ____.',
      points: 2,
      topic: 'quantisation',
      analysis: 'INT8 weights with FP16 activations is a common mix.',
      blanks: [{ accept: ['INT8', '8-bit'] }, { accept: ['FP16', 'half precision'] }],
    },
    {
      id: 'kv-short',
      type: 'short',
      stem: 'Why does a KV cache speed up decoding, and what does it cost?',
      points: 4,
      topic: 'caching',
      analysis: 'Keys and values of earlier tokens never change, so recomputing them is wasted work.',
      reference: 'It stores the keys and values of previous tokens so only the new token is computed; the price is memory that grows with sequence length.',
      rubric: [
        { point: 'Stores the keys and values of previous tokens', points: 2, keywords: ['keys', 'values'] },
        { point: 'Costs memory that grows with sequence length', points: 2, keywords: ['memory', 'length'] },
      ],
    },
    {
      id: 'speed-multi',
      type: 'multi',
      stem: 'Which of these usually make inference faster?',
      points: 2,
      topic: 'quantisation',
      analysis: 'Quantisation and operator fusion cut work; a larger batch of one request does not.',
      options: [
        { key: 'A', text: 'INT8 quantisation' },
        { key: 'B', text: 'Adding layers' },
        { key: 'C', text: 'Operator fusion' },
      ],
      answer: ['A', 'C'],
    },
    {
      id: 'prune-tf',
      type: 'truefalse',
      stem: 'Pruning always makes a model less accurate.',
      points: 1,
      topic: 'pruning',
      analysis: 'Light pruning often keeps accuracy, sometimes after fine-tuning.',
      answer: false,
    },
  ],
};

export interface Harness {
  dir: string;
  sim: DiscordSimulator;
  llm: OpenAiServer;
  app: App;
  bot: RunningBot;
  /**
   * What is stored, read through a connection of the test's own: the bot is handed services only, so
   * tests look at the database the way an operator would.
   */
  store: SqliteProgressStore;
  /** Every log line the app wrote (JSON objects), for checking what was logged. */
  logs: Array<Record<string, unknown>>;
  /** Stops the bot and the app and starts both again on the same database (a process restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  simulator?: SimulatorOptions;
  env?: Record<string, string>;
  /** Banks written next to the e2e bank. */
  extraBanks?: BankInput[];
  /** Passed to startDiscordBot, e.g. without MessageContent. */
  botOptions?: StartDiscordBotOptions;
  /** Changes what the bot is given, e.g. a quiz service that answers slowly. */
  wrapApp?: (app: App) => BotApp;
  // --- h13-exam-discord ---
  /** The app's clock (and the bot's exam deadline timer's), e.g. one a test moves past a deadline. */
  clock?: () => Date;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const { dir, banksDir } = writeTempBanks('tutor-discord-', [e2eBank, ...(options.extraBanks ?? [])]);
  const sim = await startDiscordSimulator(options.simulator);
  const llm = await startOpenAiServer();
  const env = {
    DATABASE_PATH: path.join(dir, 'tutor.sqlite'),
    BANKS_DIR: banksDir,
    PROMPTS_DIR,
    LOG_LEVEL: 'silent',
    DISCORD_TOKEN: sim.token,
    DISCORD_API_URL: sim.apiUrl,
    OPENAI_BASE_URL: llm.url,
    OPENAI_API_KEY: 'test-key',
    LLM_TIMEOUT_MS: '5000',
    ...options.env,
  };
  const config = loadConfig(env);
  const sink = { write: () => undefined, end: () => undefined };
  const code = await runCli(['deploy-commands', '--guild', sim.guildId], { stdout: sink as never, stderr: process.stderr, stdin: process.stdin, env, cwd: dir });
  if (code !== 0) throw new Error(`deploy-commands failed with ${code}`);

  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) } });
  const appOptions = { cwd: dir, logger, ...(options.clock ? { clock: options.clock } : {}) };
  let app = await createApp(config, appOptions);
  const forBot = (built: App): BotApp => (options.wrapApp ? options.wrapApp(built) : built);
  let bot = await startDiscordBot(forBot(app), options.botOptions);
  await sim.waitForReady();
  let inspector: { db: Db; store: SqliteProgressStore } | undefined;
  const closeInspector = () => {
    inspector?.db.close();
    inspector = undefined;
  };

  const harness: Harness = {
    dir,
    sim,
    llm,
    logs,
    get app() {
      return app;
    },
    get bot() {
      return bot;
    },
    get store() {
      if (!inspector) {
        const db = openDatabase(config.DATABASE_PATH);
        inspector = { db, store: new SqliteProgressStore(db) };
      }
      return inspector.store;
    },
    async restart() {
      closeInspector();
      await bot.stop();
      app.close();
      app = await createApp(config, appOptions);
      bot = await startDiscordBot(forBot(app), options.botOptions);
      await sim.waitForReady();
    },
    async close() {
      closeInspector();
      await bot.stop();
      app.close();
      await sim.close();
      await llm.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/**
 * Call inside a describe whose tests keep their harness in a variable: after each test it closes that
 * harness, then checks the whole run had no unknown route, rejected body, late or double
 * acknowledgement or missing permission (the simulator's failures), and no bot write that could ping.
 */
export function closeAndCheckHarnessAfterEach(current: () => Harness | undefined): void {
  afterEach(async () => {
    const h = current();
    const failures = h?.sim.failures ?? [];
    const pingable = h ? writesThatCouldPing(h.sim) : [];
    await h?.close();
    expect(failures).toEqual([]);
    expect(pingable).toEqual([]);
  });
}

type Component = { type: number; custom_id?: string; label?: string; disabled?: boolean; components?: Component[] };

/** Every interactive component on a message, flattened out of its rows. */
export function componentsOf(message: StoredMessage): Component[] {
  return (message.components as Component[]).flatMap((row) => row.components ?? []);
}

export function buttonByLabel(message: StoredMessage, label: string): string {
  const found = componentsOf(message).find((c) => c.label === label);
  if (!found?.custom_id) throw new Error(`No button labelled ${label} on ${JSON.stringify(message.components)}`);
  return found.custom_id;
}

export function buttonByPrefix(message: StoredMessage, prefix: string): string {
  const found = componentsOf(message).find((c) => c.custom_id?.startsWith(prefix));
  if (!found?.custom_id) throw new Error(`No component ${prefix}… on ${JSON.stringify(message.components)}`);
  return found.custom_id;
}

export type EmbedJson = { title?: string; description?: string; fields?: Array<{ name: string; value: string }>; image?: { url: string } };

export function embedOf(message: StoredMessage): EmbedJson {
  const embed = message.embeds[0] as EmbedJson | undefined;
  if (!embed) throw new Error(`No embed on message: ${JSON.stringify(message)}`);
  return embed;
}

/**
 * `/quiz` in the quiz channel (on the e2e bank unless `options.bank` says otherwise): waits for the card
 * to link the new thread and for the first question in it. Safe to run for several members at once.
 */
export async function startQuizInThread(sim: DiscordSimulator, user: SimUser, options: Record<string, string | number | boolean> = {}) {
  const channelId = sim.channelId('quiz');
  const before = new Set(sim.threads(channelId).map((t) => t.id));
  const command = sim.slashCommand({ name: 'quiz', user, channelId, options: { bank: 'e2e-basics', ...options } });
  const card = await command.waitForOriginal((m) => embedOf(m).description?.includes('<#') ?? false);
  const thread = await sim.waitFor(() => sim.threads(channelId).find((t) => !before.has(t.id) && card.embeds.length > 0 && embedOf(card).description!.includes(t.id)));
  const question = await sim.waitForMessage(thread.id, (m) => m.embeds.length > 0);
  return { card, thread, question };
}

const VERDICT_TITLE = /Correct|Partly right|Not quite|回答正确|部分正确|回答错误/;

/** The verdict embed: alone on a typed or modal answer's reply, under the question after a button answer. */
export function verdictEmbed(message: StoredMessage): EmbedJson {
  const found = (message.embeds as EmbedJson[]).find((embed) => VERDICT_TITLE.test(embed.title ?? ''));
  if (!found) throw new Error(`No verdict on message: ${JSON.stringify(message.embeds)}`);
  return found;
}

export function isVerdict(message: StoredMessage): boolean {
  return (message.embeds as EmbedJson[]).some((embed) => VERDICT_TITLE.test(embed.title ?? ''));
}

/** A field's value, looked up in every embed of the message. */
export function field(message: StoredMessage, name: string): string | undefined {
  for (const embed of message.embeds as EmbedJson[]) {
    const found = embed.fields?.find((f) => f.name === name);
    if (found) return found.value;
  }
  return undefined;
}

type WritePayload = { content?: string; embeds?: unknown[]; allowed_mentions?: { parse?: unknown[] } };

/**
 * Every REST write of the bot that carries content or embeds (messages, edits, interaction replies)
 * without `allowed_mentions.parse: []`: the list must stay empty, so no bot message can ever ping.
 */
export function writesThatCouldPing(sim: DiscordSimulator): string[] {
  const problems: string[] = [];
  for (const request of sim.requests) {
    if (request.method !== 'POST' && request.method !== 'PATCH') continue;
    const body = request.body as (WritePayload & { data?: WritePayload }) | undefined;
    const payload = body?.data ?? body;
    if (!payload || (payload.content === undefined && payload.embeds === undefined)) continue;
    const parse = payload.allowed_mentions?.parse;
    if (!Array.isArray(parse) || parse.length > 0) problems.push(`${request.method} ${request.path}`);
  }
  return problems;
}
