import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

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
});
