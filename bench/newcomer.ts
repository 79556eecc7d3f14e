import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startDiscordSimulator } from '../test/support/discord-simulator/index.ts';
import type { BenchModule } from './run.ts';

/**
 * A newcomer's first minute, measured:
 * - the time from `npm ci` finishing to the first question on screen: `npm run practice` in the
 *   checkout with no .env, a fresh database and (for the cold figure) an empty tsx cache, as right
 *   after `npm ci`; then warm runs;
 * - the memory of `npm start`'s process idle with the seed bank loaded, connected to the Discord
 *   simulator on loopback (RSS from /proc, so it includes V8, native modules and SQLite).
 */

const repo = path.resolve(import.meta.dirname, '..');
const WARM_RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

interface FirstQuestion {
  /** Wall-clock milliseconds from spawning `npm run practice` until "Question 1/" is on its standard output. */
  wallMs: number;
  /** CPU milliseconds (user + system) of npm and everything it ran, to the end of the run (`q` right after the question). */
  cpuMs: number;
}

function parseBashTimes(stderr: string): number {
  // bash's `times`: the shell's user/sys on one line, then its children's.
  const lines = stderr.trim().split('\n');
  const children = lines[lines.length - 1] ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((match) => Number(match[1]) * 60 + Number(match[2]));
  return seconds.reduce((sum, value) => sum + value, 0) * 1000;
}

function timeToFirstQuestion(tmp: string, database: string): Promise<FirstQuestion> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('bash', ['-c', 'npm run --silent practice -- --user bench; times >&2'], {
      cwd: repo,
      env: { PATH: process.env.PATH ?? '', HOME: os.homedir(), TMPDIR: tmp, DATABASE_PATH: database, npm_config_update_notifier: 'false' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let wallMs: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (wallMs === undefined && out.includes('Question 1/')) {
        wallMs = performance.now() - started;
        child.stdin.end('q\n');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (wallMs === undefined) reject(new Error(`practice exited ${code} before a question: ${out}${err}`));
      else resolve({ wallMs, cpuMs: parseBashTimes(err) });
    });
  });
}

function readRssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

/** The process's RSS and its children's: tsx keeps an esbuild service process beside node. */
function readTreeRssKb(pid: number): { node: number; children: number } {
  let listing = '';
  try {
    listing = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    // ps exits 1 when the process has no children (tsx's esbuild service is not always running).
  }
  const children = listing
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((child) => child > 0);
  return { node: readRssKb(pid), children: children.reduce((sum, child) => sum + readRssKb(child), 0) };
}

async function idleBotMemory(dir: string): Promise<{ nodeMb: number; childrenMb: number; readyMs: number }> {
  const sim = await startDiscordSimulator();
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'src/index.ts')], {
    cwd: repo,
    env: { PATH: process.env.PATH ?? '', DISCORD_TOKEN: sim.token, DISCORD_API_URL: sim.apiUrl, DATABASE_PATH: path.join(dir, 'bot.sqlite'), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    const readyMs = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('"msg":"study-tutor is running"')) resolve(performance.now() - started);
      });
      child.on('close', (code) => reject(new Error(`the bot exited ${code}: ${out}`)));
    });
    // Idle: let start-up garbage be collected as it would be on a quiet server.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const rss = readTreeRssKb(child.pid!);
    return { nodeMb: rss.node / 1024, childrenMb: rss.children / 1024, readyMs };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('close', resolve));
    await sim.close();
  }
}

const bench: BenchModule = {
  name: 'newcomer',
  async run(log) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-newcomer-'));
    try {
      const coldTmp = fs.mkdtempSync(path.join(dir, 'tmp-'));
      const cold = await timeToFirstQuestion(coldTmp, path.join(dir, 'cold.sqlite'));
      log(`npm run practice → first question, cold (empty tsx cache, new database): ${Math.round(cold.wallMs)} ms wall, ${Math.round(cold.cpuMs)} ms CPU`);
      const warm: FirstQuestion[] = [];
      for (let run = 0; run < WARM_RUNS; run++) warm.push(await timeToFirstQuestion(coldTmp, path.join(dir, 'warm.sqlite')));
      const wall = warm.map((run) => run.wallMs);
      log(
        `npm run practice → first question, warm (${WARM_RUNS} runs): median ${Math.round(median(wall))} ms wall (min ${Math.round(Math.min(...wall))}), ` +
          `median ${Math.round(median(warm.map((run) => run.cpuMs)))} ms CPU`,
      );

      const memory = await idleBotMemory(dir);
      log(
        `npm start → connected and idle with the seed bank (Discord simulator): ready in ${Math.round(memory.readyMs)} ms; ` +
          `RSS ${memory.nodeMb.toFixed(1)} MB (node) + ${memory.childrenMb.toFixed(1)} MB (tsx's esbuild service) = ${(memory.nodeMb + memory.childrenMb).toFixed(1)} MB`,
      );
      log(`(machine: ${os.cpus().length} CPU, load average ${os.loadavg()[0]!.toFixed(1)}; node ${process.version})`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
