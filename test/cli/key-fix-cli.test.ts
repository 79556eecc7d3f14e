import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { runCli } from '../../src/cli.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { keyFixBank } from '../services/key-fix-fixtures.ts';
import { createTestIo } from './io.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

let dir: string;
let banksDir: string;
let env: Record<string, string>;
let attemptIds: Record<string, number>;

async function tutor(args: string[]) {
  const io = createTestIo({ env, cwd: dir });
  const code = await runCli(args, io);
  return { code, out: io.stdout.text, err: io.stderr.text };
}

function scores(): Array<[number, number]> {
  const db = openDatabase(env.DATABASE_PATH!);
  try {
    return (db.prepare('SELECT id, score FROM attempts ORDER BY id').all() as Array<{ id: number; score: number }>).map((row) => [row.id, row.score]);
  } finally {
    db.close();
  }
}

/** Ana and Ben wrote the British spelling the key lacks; Cy the keyed one. Answered through the real quiz flow. */
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'key-fix-cli-'));
  banksDir = path.join(dir, 'banks');
  fs.mkdirSync(banksDir);
  fs.writeFileSync(path.join(banksDir, 'keys.json'), JSON.stringify(keyFixBank, null, 2));
  env = { DATABASE_PATH: path.join(dir, 'tutor.sqlite'), BANKS_DIR: banksDir, PROMPTS_DIR: path.join(repoRoot, 'prompts'), USER: 'tester' };
  const app = await createApp(loadConfig(env), { cwd: dir });
  attemptIds = {};
  try {
    for (const [userId, given] of [
      ['ana', 'quantisation; pruning'],
      ['ben', 'Quantisation | pruning'],
      ['cy', 'quantization; pruning'],
    ] as const) {
      const view = app.quiz.start({ userId, displayName: userId, guildId: 'g1', bankId: 'keys', type: 'blank', count: 1 });
      const outcome = await app.quiz.submitAnswer({ sessionId: view.session.id, questionId: 'q-blank', userId, answer: given });
      if (outcome.status !== 'graded') throw new Error('not graded');
      attemptIds[userId] = outcome.attemptId;
    }
  } finally {
    app.close();
  }
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('tutor bank accept', () => {
  it('adds the answer to the key, says where the backup is and what to run next', async () => {
    const { code, out, err } = await tutor(['bank', 'accept', '--bank', 'keys', '--question', 'q-blank', '--blank', '1', '--answer', 'quantisation']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const backup = fs.readdirSync(banksDir).find((name) => name.endsWith('.bak'));
    expect(backup).toMatch(/^keys\.json\.\d{4}-\d\d-\d\dT.*\.bak$/);
    expect(out).toBe(
      'Accepted "quantisation" for blank 1 of question q-blank (bank keys): 100% of the points (was 0%).\n' +
        `Bank file: ${path.join(banksDir, 'keys.json')}\nBackup: ${path.join(banksDir, backup!)}\n` +
        'Recorded as changed by cli:tester. A running bot serves the new key within 30 seconds.\n' +
        'Next: tutor regrade --bank keys --question q-blank --dry-run\n',
    );
    const written = JSON.parse(fs.readFileSync(path.join(banksDir, 'keys.json'), 'utf8')) as { questions: Array<{ blanks?: Array<{ accept: unknown[] }> }> };
    expect(written.questions[0]!.blanks![0]!.accept).toEqual(['quantization', 'quantisation']);

    const db = openDatabase(env.DATABASE_PATH!);
    try {
      expect(db.prepare('SELECT bank_id, question_id, kind, changed_by FROM bank_changes').all()).toEqual([
        { bank_id: 'keys', question_id: 'q-blank', kind: 'accept-answer', changed_by: 'cli:tester' },
      ]);
    } finally {
      db.close();
    }

    const again = await tutor(['bank', 'accept', '--bank', 'keys', '--question', 'q-blank', '--blank', '1', '--answer', 'Quantisation']);
    expect(again.out).toBe('The key already gives "Quantisation" 100% of the points of blank 1 of question q-blank (bank keys): nothing was written.\n');
  });

  it('prints the result as JSON, and explains a refusal without changing anything', async () => {
    const json = await tutor(['bank', 'accept', '--bank', 'keys', '--question', 'q-num', '--answer', '41', '--fraction', '0.5', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ bankId: 'keys', questionId: 'q-num', answer: '41', fraction: 0.5, fractionBefore: 0, changed: true });

    const refused = await tutor(['bank', 'accept', '--bank', 'keys', '--question', 'q-short', '--answer', 'anything']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('Question "q-short" is a short question: only blank, choice, numeric questions take accepted answers.');
    const badFraction = await tutor(['bank', 'accept', '--bank', 'keys', '--question', 'q-choice', '--answer', 'C', '--fraction', '2']);
    expect(badFraction.code).toBe(1);
    expect(badFraction.err).toContain('above 0 and at most 1, not "2"');
    const missing = await tutor(['bank', 'accept', '--bank', 'keys', '--question', 'q-choice']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('Usage: tutor bank accept');
  });

  it('describes every option in its help', async () => {
    const { code, out } = await tutor(['bank', 'accept', '--help']);
    expect(code).toBe(0);
    for (const flag of ['--bank <bank-id>', '--question <question-id>', '--blank N', '--answer <text>', '--fraction F', '--json']) expect(out).toContain(flag);
  });
});

describe('tutor regrade --bank --question', () => {
  it('shows in a dry run which answers would change by how many points, then stores them in a real run', async () => {
    await tutor(['bank', 'accept', '--bank', 'keys', '--question', 'q-blank', '--blank', '1', '--answer', 'quantisation']);
    const before = scores();

    const dry = await tutor(['regrade', '--bank', 'keys', '--question', 'q-blank', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toBe(
      [
        'Regrade of question q-blank (bank keys): dry run, nothing stored',
        'Attempts considered: 3',
        'Would change: 2 attempts of 2 learners, +4 points',
        'Unchanged: 1',
        'Skipped (graded by a teacher, never regraded): 0',
        'Skipped (the current key cannot read the stored answer): 0',
        'Changes:',
        `  attempt ${attemptIds.ana}, ana, "quantisation; pruning": 2 → 4 of 4`,
        `  attempt ${attemptIds.ben}, ben, "Quantisation | pruning": 2 → 4 of 4`,
        'Run again without --dry-run to store the new scores.',
        '',
      ].join('\n'),
    );
    expect(scores()).toEqual(before);

    const real = await tutor(['regrade', '--bank', 'keys', '--question', 'q-blank', '--json']);
    expect(real.code).toBe(0);
    const report = JSON.parse(real.out) as { dryRun: boolean; changed: unknown[]; noticesQueued: number; pointsDelta: number };
    expect(report).toMatchObject({ dryRun: false, pointsDelta: 4, noticesQueued: 2 });
    expect(report.changed).toHaveLength(2);
    expect(scores()).toEqual([
      [attemptIds.ana, 4],
      [attemptIds.ben, 4],
      [attemptIds.cy, 4],
    ]);

    const text = await tutor(['regrade', '--bank', 'keys', '--question', 'q-blank']);
    expect(text.out).toContain('Changed: 0 attempts of 0 learners, 0 points\n');
    expect(text.out).toContain('Learners to be told (notices queued for the bot): 0\n');
  });

  it('refuses a written question and an incomplete command line, and keeps --pending working as before', async () => {
    const written = await tutor(['regrade', '--bank', 'keys', '--question', 'q-short', '--dry-run']);
    expect(written.code).toBe(1);
    expect(written.err).toContain('a key fix regrades objective answers only');
    const half = await tutor(['regrade', '--bank', 'keys']);
    expect(half.code).toBe(2);
    expect(half.err).toContain('Usage: tutor regrade');
    const mixed = await tutor(['regrade', '--pending', '--bank', 'keys', '--question', 'q-blank']);
    expect(mixed.code).toBe(2);
    const pending = await tutor(['regrade', '--pending']);
    expect(pending.code).toBe(1);
    expect(pending.err).toContain('LLM');
  });
});
