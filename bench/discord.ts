/**
 * `npm run bench -- discord`: how fast the tutor acknowledges Discord interactions, next to a bare
 * discord.js bot that only acknowledges, and how much memory the tutor holds after 1,000 quiz sessions.
 *
 * Each bot runs in its own process against its own Discord simulator (test/support) on 127.0.0.1; both
 * are driven in the same run: one-at-a-time scenarios alternate between the bots interaction by
 * interaction, bursts go to one bot at a time (so they do not measure each other). The figure is the
 * time from writing INTERACTION_CREATE to the gateway to receiving the first callback: only that
 * request escapes discord.js's own 50 requests/s throttle, so edits and follow-ups are not timed here.
 *
 * Scenarios (200 interactions each): `/quiz` sequentially and all at once, then a click on an answer
 * button of a session's first question, sequentially and all at once. Each burst of 200 is repeated
 * (3 times per bot, ABBA order) and pooled, with each burst's p95 shown. The bare bot answers with the
 * same first callback types as the tutor (a deferred reply to /quiz; an update of the button's message
 * with the verdict); the table prints the types seen, so a change in the tutor's policy shows.
 * An interaction not acknowledged within 3 s counts as infinitely slow in the percentiles.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startDiscordSimulator,
  type DiscordSimulator,
  type InteractionHandle,
  type SimUser,
  type StoredMessage,
} from '../test/support/discord-simulator/index.ts';
import type { BenchModule } from './run.ts';

// Smaller numbers for a quick look: BENCH_DISCORD_ROUNDS=20 BENCH_DISCORD_SESSIONS=100 npm run bench -- discord
const ROUNDS = Number(process.env.BENCH_DISCORD_ROUNDS ?? 200);
const TOTAL_SESSIONS = Math.max(Number(process.env.BENCH_DISCORD_SESSIONS ?? 1000), (1 + Number(process.env.BENCH_DISCORD_BURSTS ?? 3)) * ROUNDS);
const BATCH = 50;
/** Each burst scenario is repeated this many times per bot (ABBA order) and pooled. */
const BURSTS = Number(process.env.BENCH_DISCORD_BURSTS ?? 3);
const QUIZ_OPTIONS = { type: 'choice', count: 2 };

type BotKind = 'tutor' | 'bare';

interface MemoryReport {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** CPU time the bot process has used so far (user + system). */
  cpuMs: number;
  /** Channels and messages in discord.js's caches. */
  cached: { channels: number; messages: number };
  /** Event-loop delay since login (sampled every 5 ms). */
  loopDelayMs: { p50: number; p99: number; max: number };
  gc: boolean;
}

interface Contender {
  kind: BotKind;
  sim: DiscordSimulator;
  child: ChildProcess;
  dir: string;
  channelId: string;
  users: SimUser[];
  /** /quiz interactions, in the order they were sent (index = user index). */
  quizzes: InteractionHandle[];
  nextUser: number;
}

interface Sample {
  scenario: string;
  kind: BotKind;
  latencies: number[];
  failed: number;
  /** p95 of each repeated burst, to show how much one burst varies from the next. */
  roundP95: number[];
  /** How many first callbacks of each type (5 deferred reply, 4 reply, 7 update…), to check like is compared with like. */
  types: Map<number, number>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

function waitForChild<T>(child: ChildProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`bot process did not send "${type}" within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: { type?: string }) => {
      if (message.type === type) finish(undefined, message as T);
    };
    const onExit = (code: number | null) => finish(new Error(`bot process exited (code ${code}) before sending "${type}"`));
    const finish = (error?: Error, value?: T) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value as T);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

async function startContender(kind: BotKind): Promise<Contender> {
  const sim = await startDiscordSimulator({ guilds: [{ name: 'Bench', channels: [{ name: 'quiz' }] }], quiet: true });
  const dir = mkdtempSync(path.join(tmpdir(), `bench-discord-${kind}-`));
  const child = fork(path.join(here, 'discord-bot-process.ts'), [kind], {
    // BENCH_DISCORD_PROFILE=dir writes a V8 CPU profile of each bot process there (open it in Chrome DevTools).
    execArgv: ['--import', 'tsx', '--expose-gc', ...(process.env.BENCH_DISCORD_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_DISCORD_PROFILE}`] : [])],
    env: { ...process.env, BENCH_API_URL: sim.apiUrl, BENCH_TOKEN: sim.token, BENCH_DIR: dir },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    await waitForChild(child, 'ready', 60_000);
    await sim.waitForReady();
  } catch (error) {
    child.kill();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  // Spare learners: a /quiz that misses its deadline starts no session, and another one takes its place.
  const users = Array.from({ length: Math.ceil(TOTAL_SESSIONS * 1.5) }, (_, i) => sim.createUser({ username: `learner-${i}`, locale: i % 2 ? 'zh-CN' : 'en-US' }));
  return { kind, sim, child, dir, channelId: sim.channelId('quiz'), users, quizzes: [], nextUser: 0 };
}

async function stopContender(c: Contender): Promise<void> {
  if (c.child.exitCode === null) {
    c.child.send({ type: 'stop' });
    await Promise.race([new Promise((resolve) => c.child.once('exit', resolve)), new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (c.child.exitCode === null) c.child.kill();
  }
  await c.sim.close();
  rmSync(c.dir, { recursive: true, force: true });
}

function sendQuiz(c: Contender): InteractionHandle {
  const user = c.users[c.nextUser];
  if (!user) throw new Error(`${c.kind}: no user left for another session`);
  c.nextUser += 1;
  const handle = c.sim.slashCommand({ name: 'quiz', user, channelId: c.channelId, options: QUIZ_OPTIONS });
  c.quizzes.push(handle);
  return handle;
}

async function measure(handles: InteractionHandle[]): Promise<{ latencies: number[]; failed: number; types: number[] }> {
  const settled = await Promise.allSettled(handles.map((h) => h.ack));
  const acks = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  return { latencies: acks.map((a) => a.elapsedMs), failed: settled.length - acks.length, types: acks.map((a) => a.type) };
}

function answerButtonOf(message: StoredMessage): string | undefined {
  for (const row of message.components) {
    for (const component of (row.components as Array<Record<string, unknown>> | undefined) ?? []) {
      if (typeof component.custom_id === 'string' && /^(quiz:answer:|bare:answer:)/.test(component.custom_id)) return component.custom_id;
    }
  }
  return undefined;
}

/** The first question of the tutor session started by `quiz`: in the thread opened from the quiz card, or a follow-up. */
const firstQuestions = new WeakMap<InteractionHandle, StoredMessage>();
function firstQuestionOf(c: Contender, quiz: InteractionHandle): StoredMessage | undefined {
  const known = firstQuestions.get(quiz);
  if (known) return known;
  const card = quiz.original();
  if (!card) return undefined;
  // A thread started from a message has that message's id.
  const thread = c.sim.channel(card.id);
  const found = quiz.followUps().find((m) => answerButtonOf(m))
    ?? (thread ? c.sim.messages(thread.id).find((m) => m.author.id === c.sim.botUserId && answerButtonOf(m)) : undefined);
  if (found) firstQuestions.set(quiz, found);
  return found;
}

/**
 * `count` messages with an answer button, each clickable by the learner it belongs to. For the tutor:
 * the first questions of sessions whose /quiz was acknowledged; if some were not (a missed deadline
 * starts no session), more sessions are started one at a time, unmeasured, to make up the number.
 */
async function clickTargets(c: Contender, count: number): Promise<Array<{ message: StoredMessage; customId: string; user: SimUser }>> {
  if (c.kind === 'bare') {
    return Array.from({ length: count }, (_, i) => {
      const customId = `bare:answer:${i}:a`;
      const message = c.sim.seedBotMessage({ channelId: c.channelId, content: `Question ${i}`, components: [{ type: 1, components: [{ type: 2, style: 1, label: 'A', custom_id: customId }] }] });
      return { message, customId, user: c.users[i] as SimUser };
    });
  }
  await settle(c);
  while (c.quizzes.filter((q) => firstQuestionOf(c, q)).length < count) {
    const quiz = sendQuiz(c);
    if ((await measure([quiz])).failed === 0) await settle(c);
  }
  return c.quizzes.filter((q) => firstQuestionOf(c, q)).slice(0, count).map((quiz) => {
    const message = firstQuestionOf(c, quiz) as StoredMessage;
    const userId = (quiz.payload.member as { user: { id: string } }).user.id;
    return { message, customId: answerButtonOf(message) as string, user: c.users.find((u) => u.id === userId) as SimUser };
  });
}

/**
 * Waits until the tutor has posted the first question of every session whose /quiz it acknowledged
 * (its throttled REST backlog has drained), or until nothing new appeared for 30 s.
 */
async function settle(c: Contender): Promise<void> {
  if (c.kind === 'bare') return;
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const acked = c.quizzes.filter((q) => q.callbacks.some((cb) => cb.status >= 200 && cb.status < 300));
    const done = acked.filter((q) => firstQuestionOf(c, q)).length;
    if (done === acked.length) return;
    if (done !== last) {
      last = done;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > 30_000) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** Percentiles over every interaction sent: one that was never acknowledged in time counts as infinitely slow. */
function summarize(sample: Sample): { p50: number; p95: number; p99: number; max: number } {
  const sorted = [...sample.latencies, ...Array.from({ length: sample.failed }, () => Number.POSITIVE_INFINITY)].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : 'missed').padStart(7);

async function runScenarios(contenders: Contender[], log: (line: string) => void): Promise<Sample[]> {
  const samples: Sample[] = [];
  const record = (scenario: string, kind: BotKind, result: { latencies: number[]; failed: number; types: number[] }, round?: number) => {
    let sample = samples.find((s) => s.scenario === scenario && s.kind === kind);
    if (!sample) {
      sample = { scenario, kind, latencies: [], failed: 0, types: new Map(), roundP95: [] };
      samples.push(sample);
    }
    if (round !== undefined) sample.roundP95.push(summarize({ ...sample, latencies: result.latencies, failed: result.failed }).p95);
    sample.latencies.push(...result.latencies);
    sample.failed += result.failed;
    for (const type of result.types) sample.types.set(type, (sample.types.get(type) ?? 0) + 1);
  };

  log(`sending ${ROUNDS} /quiz one at a time to each bot (alternating)…`);
  for (let i = 0; i < ROUNDS; i += 1) {
    const order = i % 2 === 0 ? contenders : [...contenders].reverse();
    for (const c of order) record('/quiz, sequential', c.kind, await measure([sendQuiz(c)]));
  }

  // One bot's burst at a time: on a small machine two simultaneous bursts would mostly measure each other.
  // Repeated in ABBA order, because a single burst mostly measures whatever else the machine was doing then.
  const burstOrder = (round: number) => (round % 2 === 0 ? contenders : [...contenders].reverse());
  log(`sending ${ROUNDS} /quiz at once to each bot in turn, ${BURSTS} times…`);
  for (let round = 0; round < BURSTS; round += 1) {
    for (const c of burstOrder(round)) {
      record(`/quiz, ${ROUNDS} at once`, c.kind, await measure(Array.from({ length: ROUNDS }, () => sendQuiz(c))), round);
      await settle(c);
    }
  }

  log('waiting for the tutor to post the first question of those sessions (its edits are throttled at 50 requests/s)…');
  const targets = await Promise.all(contenders.map((c) => clickTargets(c, (1 + BURSTS) * ROUNDS)));

  log(`clicking ${ROUNDS} answer buttons one at a time on each bot…`);
  for (let i = 0; i < ROUNDS; i += 1) {
    const order = i % 2 === 0 ? contenders : [...contenders].reverse();
    for (const c of order) {
      const target = targets[contenders.indexOf(c)]?.[i];
      if (!target) throw new Error(`no click target ${i} for ${c.kind}`);
      record('answer button, sequential', c.kind, await measure([c.sim.clickButton(target)]));
    }
  }

  log(`clicking ${ROUNDS} answer buttons at once on each bot in turn, ${BURSTS} times…`);
  for (let round = 0; round < BURSTS; round += 1) {
    for (const c of burstOrder(round + 1)) {
      const ci = contenders.indexOf(c);
      const from = (1 + round) * ROUNDS;
      const handles = (targets[ci] ?? []).slice(from, from + ROUNDS).map((target) => c.sim.clickButton(target));
      record(`answer button, ${ROUNDS} at once`, c.kind, await measure(handles), round);
      await settle(c);
    }
  }
  return samples;
}

interface MemoryResult {
  start: MemoryReport;
  end: MemoryReport;
  sessions: number;
  /** /quiz interactions of this phase that were not acknowledged within 3 s (they start no session). */
  missed: number;
  /** After emptying discord.js's thread and message caches: what the bot itself holds. */
  withoutCaches: MemoryReport;
}

/**
 * Starts sessions in batches of BATCH until each bot has had TOTAL_SESSIONS, letting the tutor post each
 * batch's first questions before the next (a busy evening, not a flood), then reads memory after a GC.
 */
async function runMemory(contenders: Contender[], log: (line: string) => void): Promise<Map<BotKind, MemoryResult>> {
  const results = new Map<BotKind, MemoryResult>();
  log(`starting quiz sessions until each bot has had ${TOTAL_SESSIONS} (batches of ${BATCH}, each settled before the next)…`);
  const acked = (c: Contender) => c.quizzes.filter((q) => q.callbacks.some((cb) => cb.status >= 200 && cb.status < 300)).length;
  const missed = new Map<BotKind, number>(contenders.map((c) => [c.kind, 0]));
  while (contenders.some((c) => acked(c) < TOTAL_SESSIONS && c.nextUser < c.users.length)) {
    await Promise.all(contenders.map(async (c) => {
      const count = Math.min(BATCH, TOTAL_SESSIONS - acked(c), c.users.length - c.nextUser);
      if (count === 0) return;
      const { failed } = await measure(Array.from({ length: count }, () => sendQuiz(c)));
      missed.set(c.kind, (missed.get(c.kind) ?? 0) + failed);
      await settle(c);
    }));
  }
  for (const c of contenders) {
    c.child.send({ type: 'memory' });
    const end = await waitForChild<MemoryReport>(c.child, 'memory', 30_000);
    const start = startMemory.get(c.kind) as MemoryReport;
    c.child.send({ type: 'drop-caches' });
    await waitForChild(c.child, 'dropped', 30_000);
    c.child.send({ type: 'memory' });
    const withoutCaches = await waitForChild<MemoryReport>(c.child, 'memory', 30_000);
    results.set(c.kind, { start, end, sessions: acked(c), missed: missed.get(c.kind) ?? 0, withoutCaches });
  }
  return results;
}

const startMemory = new Map<BotKind, MemoryReport>();

const bench: BenchModule = {
  name: 'discord',
  async run(log) {
    const kinds: BotKind[] = ['tutor', 'bare'];
    const contenders: Contender[] = [];
    const started = Date.now();
    try {
      for (const kind of kinds) {
        try {
          contenders.push(await startContender(kind));
        } catch (error) {
          log(`could not start the ${kind} bot: ${(error as Error).message}`);
        }
      }
      if (contenders.length === 0) return;
      log(`machine: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min) at start`);
      for (const c of contenders) {
        c.child.send({ type: 'memory' });
        startMemory.set(c.kind, await waitForChild<MemoryReport>(c.child, 'memory', 30_000));
      }

      const samples = await runScenarios(contenders, log);
      log('');
      log('first acknowledgement, ms from INTERACTION_CREATE to the callback (nearest-rank percentiles; "missed" = not within 3 s)');
      log(`${'scenario'.padEnd(28)} ${'bot'.padEnd(6)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)}  n    missed  callback types`);
      for (const sample of samples) {
        const s = summarize(sample);
        const types = [...sample.types].map(([type, n]) => `${type}×${n}`).join(' ');
        const rounds = sample.roundP95.length > 0 ? `  p95 per burst: ${sample.roundP95.map((v) => ms(v).trim()).join(', ')}` : '';
        log(`${sample.scenario.padEnd(28)} ${sample.kind.padEnd(6)} ${ms(s.p50)} ${ms(s.p95)} ${ms(s.p99)} ${ms(s.max)}  ${String(sample.latencies.length).padEnd(4)} ${String(sample.failed).padEnd(6)}  ${types}${rounds}`);
      }
      const scenarios = [...new Set(samples.map((s) => s.scenario))];
      for (const scenario of scenarios) {
        const tutor = samples.find((s) => s.scenario === scenario && s.kind === 'tutor');
        const bare = samples.find((s) => s.scenario === scenario && s.kind === 'bare');
        if (!tutor || !bare) continue;
        const ratio = summarize(tutor).p95 / summarize(bare).p95;
        const verdict = Number.isFinite(ratio) ? (ratio <= 1.5 ? 'met' : 'NOT met') : 'undecidable: a p95 missed the 3 s deadline';
        log(`${scenario}: tutor p95 / bare p95 = ${Number.isFinite(ratio) ? ratio.toFixed(2) : 'n/a'} (aim ≤ 1.5: ${verdict})`);
      }

      const memory = await runMemory(contenders, log);
      log('');
      log(`memory after ${TOTAL_SESSIONS} quiz sessions (after a full GC; each bot in its own process)`);
      for (const [kind, { start, end, sessions, missed, withoutCaches }] of memory) {
        log(`${kind.padEnd(6)} ${sessions} sessions acknowledged (${missed} /quiz missed the deadline in the batches); RSS ${mb(end.rss)} (at start ${mb(start.rss)}), heap used ${mb(end.heapUsed)} of ${mb(end.heapTotal)} (at start ${mb(start.heapUsed)}), external ${mb(end.external)}${end.gc ? '' : ' [no --expose-gc: figures include garbage]'}`);
        log(`${kind.padEnd(6)} event-loop delay over the run: p50 ${end.loopDelayMs.p50.toFixed(1)} ms, p99 ${end.loopDelayMs.p99.toFixed(1)} ms, max ${end.loopDelayMs.max.toFixed(0)} ms`);
        log(`${kind.padEnd(6)} discord.js caches ${end.cached.channels} channels and ${end.cached.messages} messages; with them emptied, heap used ${mb(withoutCaches.heapUsed)}`);
        log(`${kind.padEnd(6)} CPU time for the run after login ${((end.cpuMs - start.cpuMs) / 1000).toFixed(1)} s`);
      }
      for (const c of contenders) {
        const kinds = new Map<string, number>();
        for (const f of c.sim.failures) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
        log(`${c.kind}: simulator saw ${c.sim.requests.length} REST calls; problems: ${kinds.size === 0 ? 'none' : [...kinds].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
      }
      const driverCpu = process.cpuUsage();
      log(`driver (both simulators): CPU ${((driverCpu.user + driverCpu.system) / 1e6).toFixed(1)} s`);
      log(`wall time ${((Date.now() - started) / 1000).toFixed(0)} s; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
    } finally {
      await Promise.all(contenders.map(stopContender));
    }
  },
};

export default bench;
