import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.ts';
import { createTestIo, type TestIo } from '../cli/io.ts';
import { fixture, papersDir, seedPaper } from './support.ts';

let workDir: string;
let banksDir: string;

function io(): TestIo {
  return createTestIo({ env: {}, cwd: workDir });
}

async function tutor(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const session = io();
  const code = await runCli(argv, session);
  return { code, stdout: session.stdout.text, stderr: session.stderr.text };
}

beforeEach(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bank-import-'));
  banksDir = path.join(workDir, 'data/banks');
  fs.mkdirSync(banksDir, { recursive: true });
});

afterEach(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('tutor bank import', () => {
  it('imports a paper, then bank check accepts it and tutor grade grades its keys', async () => {
    const imported = await tutor('bank', 'import', path.join(papersDir, 'database-midterm.txt'));
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('Imported database-midterm.txt as paper (auto: 12 exam-paper section headings, e.g. "一、单项选择题")');
    expect(imported.stdout).toContain('by type: choice 4, multi 2, truefalse 3, blank 3, short 3');
    expect(imported.stdout).toContain('Wrote data/banks/database-midterm.json.');
    expect(JSON.parse(fs.readFileSync(path.join(banksDir, 'database-midterm.json'), 'utf8'))).toMatchObject({ id: 'database-midterm', questions: expect.any(Array) });

    const checked = await tutor('bank', 'check');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('ok database-midterm: 15 questions (4 choice, 2 multi, 3 truefalse, 3 blank, 3 short)');

    const blank = await tutor('grade', '--bank', 'database-midterm', '--question', 'blank-1', '--answer', '概念模式', '--json');
    expect(blank.code).toBe(0);
    expect(JSON.parse(blank.stdout)).toMatchObject({ status: 'graded', score: 1, maxScore: 1 });
    const partial = await tutor('grade', '--bank', 'database-midterm', '--question', 'multi-1', '--answer', 'AB', '--json');
    expect(JSON.parse(partial.stdout)).toMatchObject({ status: 'graded', score: 1.5, maxScore: 3 });
    const wrong = await tutor('grade', '--bank', 'database-midterm', '--question', 'truefalse-2', '--answer', '对', '--json');
    expect(JSON.parse(wrong.stdout)).toMatchObject({ status: 'graded', score: 0, maxScore: 1 });
    const twoBlanks = await tutor('grade', '--bank', 'database-midterm', '--question', 'blank-2', '--answer', 'GRANT；REVOKE', '--json');
    expect(JSON.parse(twoBlanks.stdout)).toMatchObject({ status: 'graded', score: 2, maxScore: 2 });
  });

  it('imports the seed with drafts that bank check lists as warnings and grade refuses to serve', async () => {
    const imported = await tutor('bank', 'import', seedPaper, '--id', 'seed-import');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('Wrote data/banks/seed-import.json. Fill in the drafts, then run `tutor bank check`.');
    const checked = await tutor('bank', 'check');
    expect(checked.code).toBe(0);
    expect(checked.stdout.match(/^warning: .* › status: draft/gm)).toHaveLength(10);
    expect(checked.stdout).toContain('Checked 1 file: 1 bank valid, no errors, 10 warnings.');
    const choice = await tutor('grade', '--bank', 'seed-import', '--question', 'choice-2', '--answer', 'D', '--json');
    expect(JSON.parse(choice.stdout)).toMatchObject({ score: 1, maxScore: 1 });
    const draft = await tutor('grade', '--bank', 'seed-import', '--question', 'blank-1', '--answer', '延迟;吞吐量');
    expect(draft.code).toBe(1);
    expect(draft.stderr).toContain('Question "blank-1" is a draft');
  });

  it('never overwrites an existing bank without --force, and replaces it with --force', async () => {
    const target = path.join(banksDir, 'network-quiz.json');
    const before = '{"id":"network-quiz","note":"a teacher\'s edited copy"}\n';
    fs.writeFileSync(target, before);
    const refused = await tutor('bank', 'import', path.join(papersDir, 'network-quiz.txt'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('data/banks/network-quiz.json already exists: nothing was written (use --force to replace it)\n');
    expect(fs.readFileSync(target, 'utf8')).toBe(before);

    const forced = await tutor('bank', 'import', path.join(papersDir, 'network-quiz.txt'), '--force');
    expect(forced.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(target, 'utf8'))).toMatchObject({ id: 'network-quiz', title: '计算机网络单元练习' });
    const [kept, backup] = fs.readdirSync(banksDir);
    expect(kept).toBe('network-quiz.json');
    expect(backup).toMatch(/^network-quiz\.json\.\d{4}-\d\d-\d\dT[\d-]+Z\.bak$/);
    expect(fs.readFileSync(path.join(banksDir, backup!), 'utf8')).toBe(before);
    expect(forced.stdout).toContain(`The previous file was kept as data/banks/${backup}.`);
  });

  it('writes nothing and explains with line numbers when the file cannot be imported', async () => {
    const existing = path.join(banksDir, 'keep.json');
    fs.writeFileSync(existing, 'unchanged');
    const failed = await tutor('bank', 'import', fixture('moodle-xml/invalid-grades.xml'), '--force');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^Could not import .*invalid-grades\.xml as moodle-xml:\n/);
    expect(failed.stderr).toContain(
      '  lines 4–50: "Powers of two with a bad grade : 1 < x & x < 20": answer 2 ("2") has fraction 33, not a Moodle grade (nearest: 33.33333)\n',
    );
    expect(failed.stderr).toMatch(/Nothing was written\.\n$/);
    expect(fs.readdirSync(banksDir)).toEqual(['keep.json']);
    expect(fs.readFileSync(existing, 'utf8')).toBe('unchanged');
  });

  it('writes where --out says, with the id --id gives, and prints the report as JSON with --json', async () => {
    const result = await tutor('bank', 'import', fixture('aiken/two-questions.aiken.txt'), '--id', 'moodle-aiken', '--out', 'exports/aiken.json', '--json');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { file: string; report: { bankId: string; format: string; countsByType: object } };
    expect(printed).toMatchObject({ file: 'exports/aiken.json', report: { bankId: 'moodle-aiken', format: 'aiken', countsByType: { choice: 2 } } });
    expect(JSON.parse(fs.readFileSync(path.join(workDir, 'exports/aiken.json'), 'utf8'))).toMatchObject({ id: 'moodle-aiken' });
  });

  it('refuses a bank id that another bank file already uses', async () => {
    fs.writeFileSync(path.join(banksDir, 'other-name.json'), JSON.stringify({ id: 'database-midterm' }));
    const result = await tutor('bank', 'import', path.join(papersDir, 'database-midterm.txt'));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Bank id "database-midterm" is already used by data/banks/other-name.json: choose another with --id. Nothing was written.\n');
    expect(fs.existsSync(path.join(banksDir, 'database-midterm.json'))).toBe(false);
  });

  it('rejects an unknown --format and a missing file', async () => {
    const format = await tutor('bank', 'import', path.join(papersDir, 'network-quiz.txt'), '--format', 'word');
    expect(format.code).toBe(2);
    expect(format.stderr).toBe('Unknown --format "word": use auto, paper, docx, gift, aiken, moodle-xml, csv, gaokao-json, cs-bench-json, agieval-jsonl\n');
    const missing = await tutor('bank', 'import', 'nowhere.txt');
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'nowhere.txt: no such file\n' });
  });
});
