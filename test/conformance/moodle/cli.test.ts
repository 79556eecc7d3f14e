import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli.ts';
import { createTestIo } from '../../cli/io.ts';
import { fixturePath } from './support.ts';

let workDir: string;

beforeEach(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'moodle-conformance-'));
  fs.mkdirSync(path.join(workDir, 'data/banks'), { recursive: true });
});

afterEach(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

async function tutor(...argv: string[]) {
  const session = createTestIo({ env: {}, cwd: workDir });
  const code = await runCli(argv, session);
  return { code, stdout: session.stdout.text, stderr: session.stderr.text };
}

describe('tutor bank import and tutor grade on a Moodle export', () => {
  it('lists in --json every thing not carried over, with its line and kind, and grades the imported units as Moodle does', async () => {
    const imported = await tutor('bank', 'import', fixturePath('grading/numerical-unit.xml'), '--id', 'moodle-units', '--json');
    expect(imported.code).toBe(0);
    const { report } = JSON.parse(imported.stdout) as { report: { warnings: Array<{ line: number; omitted?: Record<string, number> }> } };
    expect(report.warnings).toEqual([expect.objectContaining({ line: 3, omitted: { answer: 1, feedback: 1 } })]);

    const graded = await tutor('grade', '--bank', path.join(workDir, 'data/banks/moodle-units.json'), '--question', 'q-1', '--answer', '123 cm', '--json');
    expect(graded.code).toBe(0);
    expect(JSON.parse(graded.stdout)).toMatchObject({ status: 'graded', score: 0.5, maxScore: 1 });
  });
});
