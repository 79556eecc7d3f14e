import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBank } from '../../src/bank/import/index.ts';
import { importBankInWorker } from '../../src/bank/import/isolated.ts';
import { loadBankDirectory } from '../../src/bank/load.ts';
import { runCli } from '../../src/cli.ts';
import { createTestIo } from '../cli/io.ts';
import { hostileFiles } from './hostile-files.ts';

/**
 * The hostile corpus through `tutor bank import`, as a teacher would run it: each file is imported
 * (in a worker thread with time and heap limits) or refused with a plain message naming the file,
 * in under 10 s and without the process growing by 512 MB. Figures per file: `npm run bench hostile`.
 */
let workDir: string;
let banksDir: string;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
  banksDir = path.join(workDir, 'data/banks');
  fs.mkdirSync(banksDir, { recursive: true });
});

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

async function tutor(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const session = createTestIo({ env: {}, cwd: workDir });
  const code = await runCli(argv, session);
  return { code, stdout: session.stdout.text, stderr: session.stderr.text };
}

describe('tutor bank import on hostile files', () => {
  for (const file of hostileFiles()) {
    it(`${file.expect === 'imported' ? 'imports' : 'refuses'} ${file.name} (${file.attack}) in under 10 s and 512 MB`, async () => {
      const input = path.join(workDir, file.name);
      fs.writeFileSync(input, file.content);
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
      const started = performance.now();
      const result = await tutor('bank', 'import', input, '--id', file.name.replace(/\W+/g, '-'));
      const elapsed = performance.now() - started;
      clearInterval(sampler);
      expect(elapsed).toBeLessThan(10_000);
      expect(peak - before).toBeLessThan(512 * 1024 * 1024);
      if (file.expect === 'imported') {
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        expect(result.stdout).toContain(`Wrote data/banks/${file.name.replace(/\W+/g, '-')}.json.`);
      } else {
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(new RegExp(`^Could not import ${file.name.replace('.', '\\.')}`));
        expect(result.stderr).toMatch(file.because!);
        expect(result.stderr).toMatch(/Nothing was written\.\n$/);
        expect(result.stderr).not.toMatch(/\n\s+at /);
      }
    }, 30_000);
  }
});

describe('bank files that are not regular files inside the banks folder', () => {
  it('refuses a FIFO named x.json and a link to /etc/passwd with a problem line each, without hanging or printing the target', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-banks-'));
    try {
      const banks = path.join(dir, 'data/banks');
      fs.mkdirSync(banks, { recursive: true });
      execFileSync('mkfifo', [path.join(banks, 'x.json')]);
      fs.symlinkSync('/etc/passwd', path.join(banks, 'passwd.json'));
      const started = performance.now();
      const loaded = await loadBankDirectory(banks);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(loaded.problems.map((problem) => [path.basename(problem.file), problem.message])).toEqual([
        ['passwd.json', 'a symbolic link to a file outside its folder: refused'],
        ['x.json', 'not a regular file (a pipe, socket or device): refused'],
      ]);

      const session = createTestIo({ env: {}, cwd: dir });
      const code = await runCli(['bank', 'check'], session);
      expect(code).toBe(1);
      const output = session.stdout.text + session.stderr.text;
      expect(output).toContain('x.json');
      expect(output).toContain('not a regular file');
      expect(output).toContain('passwd.json');
      expect(output).not.toContain('root:');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tutor bank import never replaces a file it was not told to', () => {
  it('refuses to overwrite banks/midterm.json that holds another bank id, and keeps a dated backup when --force replaces it', async () => {
    const target = path.join(banksDir, 'midterm.json');
    const before = `${JSON.stringify({ id: 'final-exam', title: 'Final', note: 'hand-edited' })}\n`;
    fs.writeFileSync(target, before);
    const input = path.join(workDir, 'midterm.txt');
    fs.writeFileSync(input, 'What does INT8 quantisation store?\nA. 8-bit integers\nB. 32-bit floats\nANSWER: A\n');

    const refused = await tutor('bank', 'import', input);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('data/banks/midterm.json already exists: nothing was written (use --force to replace it)\n');
    expect(fs.readFileSync(target, 'utf8')).toBe(before);

    const forced = await tutor('bank', 'import', input, '--force');
    expect(forced.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(target, 'utf8'))).toMatchObject({ id: 'midterm' });
    const backups = fs.readdirSync(banksDir).filter((name) => name.startsWith('midterm.json.') && name.endsWith('.bak'));
    expect(backups).toHaveLength(1);
    expect(fs.readFileSync(path.join(banksDir, backups[0]!), 'utf8')).toBe(before);
  }, 30_000);
});

describe('the import worker', () => {
  const rows = Array.from({ length: 5_000 }, (_, i) => `${i + 1},第${i + 1}题？,甲,乙,丙,丁,A`).join('\n');
  const csv = { filename: 'rows.csv', content: Buffer.from(`id,question,A,B,C,D,answer\n${rows}\n`) };

  it('returns the same outcome as an import in the calling thread', async () => {
    const [inWorker, inThread] = await Promise.all([importBankInWorker(csv), importBank(csv)]);
    expect(inWorker).toEqual(inThread);
    expect(inWorker.ok && inWorker.bank.questions).toHaveLength(5_000);
  }, 30_000);

  it('refuses an import that outlives its time limit, naming the file', async () => {
    expect(await importBankInWorker(csv, { timeMs: 50, heapMb: 384 })).toEqual({ ok: false, errors: [{ message: 'rows.csv took longer than 0.05 s to import and was refused' }] });
  });

  it('refuses an import that outgrows its heap limit, naming the file', async () => {
    expect(await importBankInWorker(csv, { timeMs: 60_000, heapMb: 8 })).toEqual({ ok: false, errors: [{ message: 'rows.csv needs more than 8 MB of memory to import and was refused' }] });
  }, 30_000);
});
