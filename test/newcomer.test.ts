import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dotenv from 'dotenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema, loadConfig } from '../src/config.ts';
import { runProcess, type ProcessResult } from './support/run-process.ts';

/**
 * A newcomer's first ten minutes: the README's first screen gives two commands, and the first one
 * must reach a question in a fresh clone with nothing configured. These tests read the README, so the
 * commands they run are the ones it shows.
 */

const repo = path.resolve(import.meta.dirname, '..');
const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');

/** The shell blocks of the README's first screen (before the first `##` heading). */
function firstScreenCommands(): string[] {
  const firstScreen = readme.split(/^## /m)[0] ?? '';
  return [...firstScreen.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => (match[1] ?? '').trim());
}

describe("the README's first screen", () => {
  it('gives exactly two commands: set up and run, then set up and test', () => {
    expect(firstScreenCommands()).toEqual(['npm ci && npm run practice', 'npm ci && npm run typecheck && npm test']);
  });

  it('uses npm scripts that exist, and .ci/run runs the same test command plus lint', () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const script of ['practice', 'typecheck', 'test', 'lint', 'start']) expect(scripts[script], script).toBeDefined();
    expect(scripts.practice).toBe('node --import tsx src/cli.ts practice');

    const ci = fs
      .readFileSync(path.join(repo, '.ci/run'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    const testSteps = firstScreenCommands()[1]!.split('&&').map((step) => step.trim());
    const ciSteps = ci.filter((line) => line.startsWith('npm '));
    // Each step of the README's test command runs in CI, in the same order (npm ci with quiet flags).
    const positions = testSteps.map((step) => ciSteps.findIndex((line) => line === step || line.startsWith(`${step} `)));
    expect(positions.every((position) => position >= 0), `.ci/run misses a step of: ${testSteps.join(' && ')}`).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(ciSteps).toContain('npm run lint');
  });

  it('has .ci/run test a clone of the committed HEAD with nothing beside it, installing once', () => {
    const ci = fs.readFileSync(path.join(repo, '.ci/run'), 'utf8');
    const lines = ci.split('\n').map((line) => line.trim());
    expect(lines).toContain('set -euo pipefail');
    expect(ci).toMatch(/^scratch="\$\(mktemp -d\)"$/m);
    expect(ci).toMatch(/^trap cleanup EXIT$/m);
    expect(ci).toMatch(/^clone="\$scratch\/study-tutor"$/m);
    expect(ci).toMatch(/^git clone .*"\$repo" "\$clone"$/m);
    expect(ci).toMatch(/^git -C "\$clone" checkout --quiet --detach "\$commit"$/m);
    // Every npm step runs inside the clone, and dependencies are installed once.
    const cdIntoClone = lines.indexOf('cd "$clone"');
    const firstNpm = lines.findIndex((line) => line.startsWith('npm '));
    expect(cdIntoClone).toBeGreaterThan(0);
    expect(firstNpm).toBeGreaterThan(cdIntoClone);
    expect(lines.filter((line) => line.startsWith('npm ci'))).toEqual(['npm ci --no-audit --no-fund']);
  });
});

describe('.env.example', () => {
  const text = fs.readFileSync(path.join(repo, '.env.example'), 'utf8');

  it('lists every setting the configuration reads, each with a comment above it', () => {
    const lines = text.split('\n');
    for (const key of Object.keys(ConfigSchema.shape)) {
      const index = lines.findIndex((line) => line.startsWith(`${key}=`));
      expect(index, `${key} is missing from .env.example`).toBeGreaterThan(0);
      expect(lines[index - 1]?.startsWith('#'), `${key} has no comment above it`).toBe(true);
    }
    const listed = lines.filter((line) => /^[A-Z_]+=/.test(line)).map((line) => line.split('=')[0]);
    expect(listed.filter((key) => !(key! in ConfigSchema.shape))).toEqual([]);
  });

  it('copied as it is to .env, is valid and gives the documented defaults', () => {
    expect(loadConfig(dotenv.parse(text))).toEqual(loadConfig({}));
  });
});

describe('a fresh clone', { timeout: 90_000 }, () => {
  let clone: string;

  beforeAll(() => {
    clone = fs.mkdtempSync(path.join(os.tmpdir(), 'study-tutor-clone-'));
    // What a newcomer gets: the committed HEAD, no .env, no var/. node_modules is linked, not installed:
    // tests never touch the network.
    execFileSync('git', ['clone', '--quiet', repo, clone]);
    fs.symlinkSync(path.join(repo, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  }, 60_000);
  afterAll(() => fs.rmSync(clone, { recursive: true, force: true }));

  function runNpm(args: string[], input: string): Promise<ProcessResult> {
    // Only what a shell gives a newcomer: no DATABASE_PATH, no keys, no token.
    const env = { PATH: process.env.PATH ?? '', HOME: clone, npm_config_cache: path.join(clone, '.npm-cache'), npm_config_update_notifier: 'false' };
    return runProcess('npm', args, { cwd: clone, env, input });
  }

  it('has no .env and no database to start with', () => {
    expect(fs.existsSync(path.join(clone, '.env'))).toBe(false);
    expect(fs.existsSync(path.join(clone, 'var'))).toBe(false);
    expect(fs.existsSync(path.join(clone, '.env.example'))).toBe(true);
  });

  it("reaches the first question with the README's first command and nothing configured", async () => {
    const run = firstScreenCommands()[0]!.split('&&').map((step) => step.trim())[1]!;
    expect(run).toBe('npm run practice');
    // Exactly the README's command, answers piped in; whatever the random questions are, the input ends
    // and the quiz closes with a summary.
    const { code, out } = await runNpm(['run', 'practice'], 'A\n\nB\n\n');
    expect(code).toBe(0);
    expect(out).toContain('Practice: 2025年AI模型推理速度优化基础试卷 — 5 questions.');
    expect(out).toMatch(/Question 1\/5 · .+ · \d+ points?\n\S/);
    expect(out).toContain('answer> A');
    expect(out).toMatch(/Summary\n\d+(\.\d+)?\/\d+(\.\d+)? points · [0-2]\/5 answered/);
    expect(fs.existsSync(path.join(clone, 'var', 'study-tutor.sqlite'))).toBe(true);
  });

  it('tells a newcomer who runs npm start without a token what is missing and how to practise instead', async () => {
    const { code, err } = await runNpm(['start', '--silent'], '');
    expect(code).toBe(1);
    expect(err).toContain('DISCORD_TOKEN is not set, so the Discord bot cannot start.');
    expect(err).toContain('npm run practice');
  });
});
