import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageVersion, runCli } from '../../src/cli.ts';
import { editDistance, nearestCommand } from '../../src/cli/help.ts';
import { cliCommands } from '../../src/cli/registry.ts';
import { runProcess } from '../support/run-process.ts';
import { createTestIo } from './io.ts';

const repo = path.resolve(import.meta.dirname, '../..');

async function tutor(...argv: string[]) {
  const io = createTestIo({ env: {}, cwd: os.tmpdir() });
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}

describe('the tutor command installed as npm installs bins', { timeout: 60_000 }, () => {
  let binDir: string;
  let elsewhere: string;

  beforeAll(() => {
    // npm links a bin as node_modules/.bin/tutor (or <prefix>/bin/tutor): a symlink to bin/tutor.js,
    // run through its shebang from whatever folder the user is in.
    binDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tutor-bin-'));
    elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'tutor-cwd-'));
    fs.symlinkSync(path.join(repo, 'bin/tutor.js'), path.join(binDir, 'tutor'));
  });
  afterAll(() => {
    fs.rmSync(binDir, { recursive: true, force: true });
    fs.rmSync(elsewhere, { recursive: true, force: true });
  });

  const run = (...args: string[]) => runProcess(path.join(binDir, 'tutor'), args, { cwd: elsewhere, env: { PATH: process.env.PATH ?? '', HOME: elsewhere }, input: '' });

  it('prints the usage for --help through the symlink and exits 0', async () => {
    const { code, out, err } = await run('--help');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('Usage: tutor <command> [options]');
    for (const entry of cliCommands) expect(out).toContain(`  ${entry.path.join(' ')} `);
  });

  it('fails bank check on a file that is not a bank, with a non-zero code and the reason', async () => {
    const { code, out, err } = await run('bank', 'check', '/etc/passwd');
    expect(code).toBe(1);
    expect(`${out}${err}`).toMatch(/\/etc\/passwd › .*invalid JSON/);
    expect(`${out}${err}`).toContain('0 banks valid, 1 error in 1 file');
  });

  it('runs as npx tutor in the clone, which is what the README tells a newcomer', async () => {
    const env = { PATH: process.env.PATH ?? '', HOME: elsewhere, npm_config_cache: path.join(elsewhere, '.npm-cache'), npm_config_update_notifier: 'false' };
    const { code, out } = await runProcess('npx', ['--no-install', 'tutor', '--help'], { cwd: repo, env, input: '' });
    expect(code).toBe(0);
    expect(out).toContain('Usage: tutor <command> [options]');
  });

  it('runs the same command line through npm run tutor', async () => {
    const { code, out } = await runProcess(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--version'], { cwd: repo, env: { PATH: process.env.PATH ?? '', HOME: elsewhere }, input: '' });
    expect({ code, out }).toEqual({ code: 0, out: `${packageVersion()}\n` });
  });
});

describe('help for every command', () => {
  it.each(cliCommands.map((entry) => [entry.path.join(' '), entry] as const))('tutor %s --help prints its description, usage and options, exit 0', async (_name, entry) => {
    const command = await entry.load();
    for (const flag of ['--help', '-h']) {
      const { code, stdout, stderr } = await tutor(...entry.path, flag);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout.split('\n')[0]).toBe(command.summary);
      expect(stdout).toContain(`Usage: tutor ${command.usage}\n`);
      for (const option of entry.options) expect(stdout).toMatch(new RegExp(`\\n  ${option.flag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +${option.description.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
    expect((await tutor('help', ...entry.path)).stdout).toBe((await tutor(...entry.path, '--help')).stdout);
  });

  it.each(cliCommands.map((entry) => [entry.path.join(' '), entry] as const))('describes every option that the usage of tutor %s names', async (_name, entry) => {
    const { usage } = await entry.load();
    const named = [...usage.matchAll(/--[a-z][a-z-]*/g)].map((match) => match[0]);
    const described = entry.options.map((option) => option.flag.split(' ')[0]);
    expect([...new Set(named)].filter((flag) => !described.includes(flag))).toEqual([]);
    expect(described.filter((flag) => !named.includes(flag!))).toEqual([]);
  });

  it('answers help after other options too, but not when -h is the value of an option', async () => {
    expect((await tutor('stats', '--json', '--help')).code).toBe(0);
    const answer = await tutor('grade', '--bank', 'none', '--question', 'q', '--answer', '-h');
    expect(answer.stdout).not.toContain('Show this help');
    expect(answer.code).not.toBe(0);
    const afterSeparator = await tutor('bank', 'check', '--', '--help');
    expect(afterSeparator.stdout).not.toContain('Show this help');
  });

  it('lists the sub-commands of tutor bank, tutor db and tutor eval', async () => {
    const bank = await tutor('bank');
    expect(bank.code).toBe(1);
    expect(bank.stdout).toMatch(/^Check, show and import question banks\n/);
    expect(bank.stdout.match(/^ {2}bank \w+/gm)).toEqual(['  bank check', '  bank show', '  bank import', '  bank accept']);
    expect(await tutor('bank', '--help')).toEqual({ ...bank, code: 0 });
    expect((await tutor('help', 'db')).stdout.match(/^ {2}db \w+/gm)).toEqual(['  db backup', '  db forget']);
    expect((await tutor('eval', '-h')).stdout).toContain('  eval grading ');
  });

  it('prints the overview for --help and help (exit 0) and for no command at all (exit 1)', async () => {
    const help = await tutor('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: tutor <command> [options]');
    expect(help.stdout).toContain('-V, --version');
    expect(await tutor('help')).toEqual(help);
    expect(await tutor('-h')).toEqual(help);
    expect(await tutor()).toEqual({ ...help, code: 1 });
  });

  it('prints the version of package.json for --version and -V', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string };
    expect(await tutor('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(await tutor('-V')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('a mistyped command', () => {
  it.each([
    [['pratice'], 'practice'],
    [['stat'], 'stats'],
    [['doctr', '--json'], 'doctor'],
    [['import', 'paper.txt'], 'bank import'],
    [['bank', 'imprt', 'paper.txt'], 'bank import'],
    [['bank', 'chekc'], 'bank check'],
    [['deploy'], 'deploy-commands'],
  ])('%j suggests tutor %s and exits 2', async (argv, suggestion) => {
    const { code, stdout, stderr } = await tutor(...argv);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(new RegExp(`^Unknown command ".+"\\. Did you mean \`tutor ${suggestion}\`\\?\\n`));
  });

  it('lists the commands when none is close, and the sub-commands for an unknown one in a group', async () => {
    const far = await tutor('xyzzy');
    expect(far.code).toBe(2);
    expect(far.stderr).toMatch(/^Unknown command "xyzzy"\.\n\n/);
    expect(far.stderr).toContain('Usage: tutor <command> [options]');
    const inGroup = await tutor('db', 'restore');
    expect(inGroup.code).toBe(2);
    expect(inGroup.stderr).toMatch(/^Unknown command "db restore"\.\n\n/);
    expect(inGroup.stderr).toContain('  db backup ');
    expect((await tutor('help', 'nosuch')).code).toBe(2);
  });

  it('measures distance with a swap of neighbouring letters as one edit', () => {
    expect([editDistance('practice', 'practice'), editDistance('pracitce', 'practice'), editDistance('stat', 'stats'), editDistance('grade', 'usage')]).toEqual([0, 1, 1, 3]);
    expect(nearestCommand(['zz'])).toBeUndefined();
  });
});
