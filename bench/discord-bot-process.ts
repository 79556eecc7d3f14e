/**
 * One bot for `bench/discord.ts`, in its own process so its memory is its own and the simulator's
 * bookkeeping is not counted: `bare` (a discord.js client that only acknowledges, with the same
 * callback types the tutor uses first) or `tutor` (the real bot from src/, on a fresh SQLite file).
 *
 * Environment: BENCH_API_URL, BENCH_TOKEN, BENCH_DIR (a temp folder). Parent messages: `memory`
 * (answered after a full GC with RSS and heap figures), `drop-caches` (empties discord.js's thread and
 * message caches, answered with `dropped`) and `stop`.
 */
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Client, Events, GatewayIntentBits } from 'discord.js';

interface Running {
  client: Client;
  stop(): Promise<void>;
}

/** What discord.js holds in its caches: after many sessions this, not the tutor's own state, may dominate. */
function countCaches(client: Client): { channels: number; messages: number } {
  let messages = 0;
  for (const channel of client.channels.cache.values()) {
    if ('messages' in channel && channel.messages) messages += channel.messages.cache.size;
  }
  return { channels: client.channels.cache.size, messages };
}

const kind = process.argv[2];
const apiUrl = process.env.BENCH_API_URL;
const token = process.env.BENCH_TOKEN;
const dir = process.env.BENCH_DIR;
if (!apiUrl || !token || !dir || (kind !== 'bare' && kind !== 'tutor')) {
  throw new Error('usage: BENCH_API_URL=… BENCH_TOKEN=… BENCH_DIR=… discord-bot-process.ts bare|tutor');
}

async function startBare(): Promise<Running> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api: apiUrl }, allowedMentions: { parse: [] } });
  client.on(Events.InteractionCreate, (interaction) => {
    // Same first callbacks as the tutor: /quiz defers a public reply, an answer button updates its own
    // message with the verdict (an objective answer is graded in code, so there is nothing to wait for).
    const ack = interaction.isChatInputCommand()
      ? interaction.deferReply()
      : interaction.isButton()
        ? interaction.update({ content: 'Correct', components: [] })
        : Promise.resolve();
    // A missed deadline is counted by the simulator (sim.failures); printing 10062s here would drown the figures.
    ack.catch(() => undefined);
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(token);
  await ready;
  return { client, stop: () => client.destroy() };
}

async function startTutor(): Promise<Running> {
  const { loadConfig } = await import('../src/config.ts');
  const { createApp } = await import('../src/app.ts');
  const { startDiscordBot } = await import('../src/discord/bot.ts');
  const config = loadConfig({
    DATABASE_PATH: path.join(dir as string, 'bench.sqlite'),
    BANKS_DIR: 'data/banks',
    PROMPTS_DIR: 'prompts',
    LOG_LEVEL: 'error',
    DISCORD_TOKEN: token,
    DISCORD_API_URL: apiUrl,
  });
  const app = await createApp(config);
  const bot = await startDiscordBot(app, { token, apiUrl });
  return {
    client: bot.client,
    async stop() {
      await bot.stop();
      app.close();
    },
  };
}

const running = kind === 'bare' ? await startBare() : await startTutor();
// How long the event loop was blocked, from login on: an acknowledgement cannot go out while it is.
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const send = (message: unknown) => process.send?.(message);

process.on('message', (message: { type: string }) => {
  if (message.type === 'memory') {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const usage = process.memoryUsage();
    const cpu = process.cpuUsage();
    send({
      type: 'memory', rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external,
      cpuMs: (cpu.user + cpu.system) / 1000, gc: Boolean(gc), cached: countCaches(running.client),
      loopDelayMs: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
    });
  } else if (message.type === 'drop-caches') {
    // Only at the very end: forget cached threads and messages, so the next `memory` shows the bot's own share.
    for (const channel of running.client.channels.cache.values()) {
      if ('messages' in channel && channel.messages) channel.messages.cache.clear();
      if (channel.isThread()) {
        channel.guild.channels.cache.delete(channel.id);
        channel.parent?.threads.cache.delete(channel.id);
        running.client.channels.cache.delete(channel.id);
      }
    }
    send({ type: 'dropped' });
  } else if (message.type === 'stop') {
    void running.stop().finally(() => process.exit(0));
  }
});
send({ type: 'ready' });
