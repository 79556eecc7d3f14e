import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';
import { createTestIo } from './cli/io.ts';

/**
 * `npm test` must pass in a clone with nothing beside it: no code, test, benchmark or CI step may
 * reach for the folder of shared material that sits beside this project's own checkout. The fixtures
 * a test needs live under test/fixtures, the seed paper under data/seed.
 */

const repo = path.resolve(import.meta.dirname, '..');
// Built at run time, so this file does not name the folder it forbids.
const forbidden = ['..', 'shared'].join('/');

describe('the repository stands alone', () => {
  it('has no file in src, test, bench or .ci that refers to the shared folder beside the checkout', () => {
    let found = '';
    try {
      found = execFileSync('git', ['grep', '--untracked', '-n', '-I', '-F', forbidden, '--', 'src', 'test', 'bench', '.ci', 'bin', 'package.json', 'vitest.config.ts'], { cwd: repo, encoding: 'utf8' });
    } catch (error) {
      // git grep exits 1 when nothing matches: the result this test wants.
      if ((error as { status?: number }).status !== 1) throw error;
    }
    expect(found.split('\n').filter(Boolean)).toEqual([]);
  });

  it('still finds the string when a file does contain it, so the check above can fail', () => {
    const probe = execFileSync('git', ['grep', '-c', '-F', ['shared', 'seed'].join('/'), '--', 'data/seed/SOURCE.md'], { cwd: repo, encoding: 'utf8' });
    expect(probe).toMatch(/^data\/seed\/SOURCE\.md:\d+\n$/);
  });

  it('keeps the seed paper as data beside the banks: bank check reads data/banks only', async () => {
    const io = createTestIo({ env: {}, cwd: repo });
    const code = await runCli(['bank', 'check'], io);
    expect(code).toBe(0);
    expect(io.stdout.text).toMatch(/^Checked 1 file: 1 bank valid/m);
    expect(io.stdout.text).not.toContain('data/seed');
  });
});
