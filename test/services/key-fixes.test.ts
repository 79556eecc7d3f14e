import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { UserError } from '../../src/errors.ts';
import { openDatabase, type Db } from '../../src/storage/database.ts';
import { KeyFixRepository } from '../../src/storage/key-fix-repository.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { keyFixBank } from './key-fix-fixtures.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

let dir: string;
let banksDir: string;
let bankFile: string;
let closers: Array<{ close(): void }>;
let now: Date;

interface Opened {
  app: App;
  db: Db;
  store: SqliteProgressStore;
  repository: KeyFixRepository;
}

async function openApp(): Promise<Opened> {
  const config = loadConfig({ DATABASE_PATH: path.join(dir, 'tutor.sqlite'), BANKS_DIR: banksDir, PROMPTS_DIR: path.join(repoRoot, 'prompts') });
  const app = await createApp(config, { cwd: dir, clock: () => now });
  closers.push(app);
  // The test's own connection, to look at what was stored as an operator would.
  const db = openDatabase(config.DATABASE_PATH);
  closers.push(db);
  return { app, db, store: new SqliteProgressStore(db), repository: new KeyFixRepository(db) };
}

/** A learner answers one question through the real quiz flow (one-question quiz), in guild g1. */
async function answer(app: App, userId: string, questionId: string, given: string | string[], at: Date): Promise<number> {
  const question = app.banks.require('keys').questions.find((candidate) => candidate.id === questionId)!;
  const view = app.quiz.start({ userId, displayName: userId.toUpperCase(), guildId: 'g1', channelId: 'c1', bankId: 'keys', type: question.type, count: 1, now: at });
  const outcome = await app.quiz.submitAnswer({ sessionId: view.session.id, questionId, userId, answer: given, now: at });
  if (outcome.status !== 'graded') throw new Error(`not graded: ${JSON.stringify(outcome.grade)}`);
  return outcome.attemptId;
}

async function expectUserError(action: () => Promise<unknown>, code: string): Promise<UserError> {
  const error = await action().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).code).toBe(code);
  return error as UserError;
}

function scoreOf(db: Db, attemptId: number): { score: number; max_score: number; graded_by: string } {
  return db.prepare('SELECT score, max_score, graded_by FROM attempts WHERE id = ?').get(attemptId) as { score: number; max_score: number; graded_by: string };
}

function pendingNotices(db: Db): Array<{ user_id: string; attempt_id: number; kind: string; params: Record<string, string | number> }> {
  return (db.prepare('SELECT user_id, attempt_id, kind, params FROM learner_notices WHERE delivered_at IS NULL ORDER BY id').all() as Array<{ user_id: string; attempt_id: number; kind: string; params: string }>).map(
    (row) => ({ ...row, params: JSON.parse(row.params) as Record<string, string | number> }),
  );
}

function backups(): string[] {
  return fs.readdirSync(banksDir).filter((name) => name.endsWith('.bak'));
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'key-fixes-'));
  banksDir = path.join(dir, 'banks');
  fs.mkdirSync(banksDir);
  bankFile = path.join(banksDir, 'keys.json');
  fs.writeFileSync(bankFile, `${JSON.stringify(keyFixBank, null, 2)}\n`);
  closers = [];
  now = new Date('2026-11-02T10:00:00Z');
});

afterEach(() => {
  for (const closer of closers.reverse()) closer.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('accepting an answer into a key', () => {
  it('adds it to the blank in the bank file, keeps a backup of the old file, serves the new key at once and records who changed what', async () => {
    const { app, repository } = await openApp();
    const before = fs.readFileSync(bankFile, 'utf8');

    const result = await app.keyFixes.acceptAnswer({ bankId: 'keys', questionId: 'q-blank', blank: 1, answer: 'quantisation', changedBy: 'teacher-1' });

    expect(result).toMatchObject({ bankId: 'keys', questionId: 'q-blank', blank: 1, answer: 'quantisation', fraction: 1, fractionBefore: 0, changed: true });
    const written = JSON.parse(fs.readFileSync(bankFile, 'utf8')) as typeof keyFixBank;
    const blank = written.questions[0] as { blanks: Array<{ accept: unknown[] }> };
    expect(blank.blanks[0]!.accept).toEqual(['quantization', 'quantisation']);
    expect(blank.blanks[1]!.accept).toEqual(['pruning']);
    // Only the one entry changed: the other questions are as the author wrote them (no defaults filled in).
    expect(written.questions.slice(1)).toEqual(keyFixBank.questions.slice(1));
    expect(backups()).toHaveLength(1);
    expect(result.backupFile).toBe(path.join(banksDir, backups()[0]!));
    expect(fs.readFileSync(result.backupFile!, 'utf8')).toBe(before);

    const served = app.banks.require('keys').questions[0] as { blanks: Array<{ accept: unknown[] }> };
    expect(served.blanks[0]!.accept).toContain('quantisation');
    const graded = await app.grading.gradeOne({ bank: app.banks.require('keys'), question: app.banks.require('keys').questions[0]!, answers: ['Quantisation; pruning'], userId: 'op' });
    expect(graded.result.score).toBe(4);

    const changes = repository.bankChanges('keys', 'q-blank');
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      kind: 'accept-answer',
      changedBy: 'teacher-1',
      changedAt: now,
      detail: { type: 'blank', blank: 1, answer: 'quantisation', entry: 'quantisation', fraction: 1, fractionBefore: 0, file: 'keys.json', backup: backups()[0] },
    });
  });

  it('writes nothing when the key already accepts the answer, and raises a partial answer to a higher share in place', async () => {
    const { app, repository } = await openApp();
    const same = await app.keyFixes.acceptAnswer({ bankId: 'keys', questionId: 'q-blank', blank: 2, answer: 'Pruning.', changedBy: 't' });
    expect(same).toMatchObject({ changed: false, fractionBefore: 1 });
    expect(backups()).toHaveLength(0);
    expect(repository.bankChanges('keys')).toHaveLength(0);

    await app.keyFixes.acceptAnswer({ bankId: 'keys', questionId: 'q-blank', blank: 2, answer: 'sparsity', fraction: 0.5, changedBy: 't' });
    await app.keyFixes.acceptAnswer({ bankId: 'keys', questionId: 'q-blank', blank: 2, answer: 'sparsity', fraction: 1, changedBy: 't' });
    const written = JSON.parse(fs.readFileSync(bankFile, 'utf8')) as { questions: Array<{ blanks?: Array<{ accept: unknown[] }> }> };
    expect(written.questions[0]!.blanks![1]!.accept).toEqual(['pruning', 'sparsity']);
    expect(backups()).toHaveLength(2);
    expect(repository.bankChanges('keys').map((change) => [change.detail.fractionBefore, change.detail.fraction])).toEqual([
      [0, 0.5],
      [0.5, 1],
    ]);
  });

  it('takes a whole answer to several blanks, as a response-analysis row shows it, and accepts each part the key rejects for its blank', async () => {
    const { app, repository } = await openApp();
    const result = await app.keyFixes.acceptAnswer({ bankId: 'keys', questionId: 'q-blank', answer: 'quantisation | pruning', changedBy: 't' });
    expect(result).toMatchObject({ changed: true, blanks: [1], answer: 'quantisation | pruning', fractionBefore: 0.5, fraction: 1 });
    expect(result.blank).toBeUndefined();
    const written = JSON.parse(fs.readFileSync(bankFile, 'utf8')) as { questions: Array<{ blanks?: Array<{ accept: unknown[] }> }> };
    expect(written.questions[0]!.blanks!.map((blank) => blank.accept)).toEqual([['quantization', 'quantisation'], ['pruning']]);
    expect(repository.bankChanges('keys')[0]!.detail).toMatchObject({ blanks: [1], answer: 'quantisation | pruning' });
    expect(await app.keyFixes.acceptAnswer({ bankId: 'keys', questionId: 'q-blank', answer: 'Quantisation; Pruning.', changedBy: 't' })).toMatchObject({ changed: false, fractionBefore: 1 });
  });

  it('gives a choice option its fraction and a numeric question an alternative value in the key unit', async () => {
    const { app } = await openApp();
    await app.keyFixes.acceptAnswer({ bankId: 'keys', questionId: 'q-choice', answer: 'c', changedBy: 't' });
    await app.keyFixes.acceptAnswer({ bankId: 'keys', questionId: 'q-num', answer: '41 images/s', fraction: 0.5, changedBy: 't' });
    const written = JSON.parse(fs.readFileSync(bankFile, 'utf8')) as { questions: Array<Record<string, unknown>> };
    expect(written.questions[1]!.options).toEqual([
      { key: 'A', text: 'A disk controller' },
      { key: 'B', text: 'A tensor core' },
      { key: 'C', text: 'A TPU matrix unit', fraction: 1 },
    ]);
    expect(written.questions[1]!.answer).toBe('B');
    expect(written.questions[2]!.alternatives).toEqual([{ answer: 41, tolerance: { kind: 'absolute', value: 0 }, fraction: 0.5 }]);
    const bank = app.banks.require('keys');
    expect((await app.grading.gradeOne({ bank, question: bank.questions[1]!, answers: ['C'], userId: 'op' })).result.score).toBe(2);
    expect((await app.grading.gradeOne({ bank, question: bank.questions[2]!, answers: ['41'], userId: 'op' })).result.score).toBe(1);
  });

  it('escapes a literal asterisk so the answer is not read as a wildcard', async () => {
    const { app } = await openApp();
    await app.keyFixes.acceptAnswer({ bankId: 'keys', questionId: 'q-blank', blank: 1, answer: 'int*8', changedBy: 't' });
    const bank = app.banks.require('keys');
    expect((await app.grading.gradeOne({ bank, question: bank.questions[0]!, answers: ['int*8', 'pruning'], userId: 'op' })).result.score).toBe(4);
    expect((await app.grading.gradeOne({ bank, question: bank.questions[0]!, answers: ['int 16 bit 8', 'pruning'], userId: 'op' })).result.score).toBe(2);
  });

  it('refuses bad requests with a clear error and leaves the file as it was', async () => {
    const { app } = await openApp();
    const original = fs.readFileSync(bankFile, 'utf8');
    const accept = (request: Partial<Parameters<App['keyFixes']['acceptAnswer']>[0]>) =>
      app.keyFixes.acceptAnswer({ bankId: 'keys', questionId: 'q-blank', blank: 1, answer: 'x', changedBy: 't', ...request });
    expect((await expectUserError(() => accept({ bankId: 'nope' }), 'unknown-bank')).message).toContain('"nope"');
    expect((await expectUserError(() => accept({ questionId: 'q-404' }), 'unknown-question')).message).toContain('q-blank, q-choice');
    expect((await expectUserError(() => accept({ blank: 3 }), 'key-fix-blank')).message).toContain('has 2 blanks');
    await expectUserError(() => accept({ blank: undefined }), 'key-fix-blank');
    await expectUserError(() => accept({ questionId: 'q-choice', blank: 1, answer: 'C' }), 'key-fix-blank');
    await expectUserError(() => accept({ fraction: 0 }), 'key-fix-fraction');
    await expectUserError(() => accept({ fraction: 1.5 }), 'key-fix-fraction');
    await expectUserError(() => accept({ answer: '  \u200B ' }), 'key-fix-answer-empty');
    expect((await expectUserError(() => accept({ answer: 'x'.repeat(201) }), 'key-fix-answer-long')).localized('zh-CN')).toBe('要接受的答案长 201 个字符，上限为 200。');
    await expectUserError(() => accept({ answer: 'a; b' }), 'key-fix-answer-separator');
    await expectUserError(() => accept({ answer: '...' }), 'key-fix-answer-empty');
    expect((await expectUserError(() => accept({ questionId: 'q-choice', blank: undefined, answer: 'Z' }), 'key-fix-answer-unreadable')).message).toContain('"Z" as an answer to question "q-choice"');
    const wrongType = await expectUserError(() => accept({ questionId: 'q-short', blank: undefined }), 'key-fix-type');
    expect(wrongType.localized('zh-CN')).toContain('q-short');
    await expectUserError(() => accept({ questionId: 'q-tf', blank: undefined, answer: 'true' }), 'key-fix-type');
    expect(fs.readFileSync(bankFile, 'utf8')).toBe(original);
    expect(backups()).toHaveLength(0);
  });

  it('lets another process running the app (the bot) serve a key changed from the command line once it syncs', async () => {
    const bot = await openApp();
    const cli = await openApp();
    await cli.app.keyFixes.acceptAnswer({ bankId: 'keys', questionId: 'q-choice', answer: 'C', changedBy: 'cli:op' });
    expect(bot.app.banks.require('keys').questions[1]).toMatchObject({ options: [{ key: 'A' }, { key: 'B' }, { key: 'C', text: 'A TPU matrix unit' }] });
    expect((bot.app.banks.require('keys').questions[1] as { options: Array<{ fraction?: number }> }).options[2]!.fraction).toBeUndefined();

    expect(await bot.app.keyFixes.syncChangedBanks()).toEqual({ reloaded: ['keys'], problems: [] });
    expect((bot.app.banks.require('keys').questions[1] as { options: Array<{ fraction?: number }> }).options[2]!.fraction).toBe(1);
    expect(await bot.app.keyFixes.syncChangedBanks()).toEqual({ reloaded: [], problems: [] });
    // The process that made the change has nothing to reload.
    expect(await cli.app.keyFixes.syncChangedBanks()).toEqual({ reloaded: [], problems: [] });
  });

  it('refuses to edit a bank file that no longer validates, naming the file and the field', async () => {
    const { app } = await openApp();
    const broken = structuredClone(keyFixBank) as { questions: Array<Record<string, unknown>> };
    broken.questions[1]!.answer = 'Q';
    fs.writeFileSync(bankFile, JSON.stringify(broken));
    const error = await expectUserError(() => app.keyFixes.acceptAnswer({ bankId: 'keys', questionId: 'q-blank', blank: 1, answer: 'x', changedBy: 't' }), 'invalid-bank');
    expect(error.message).toContain('keys.json');
    expect(error.message).toContain('q-choice');
    expect(backups()).toHaveLength(0);
  });
});

describe('regrading a question after its key changed', () => {
  /** Ana and Ben gave the British spelling (Ben twice), Cy the keyed one, Dee a wrong one; a teacher graded Eve's by hand. */
  async function seed(opened: Opened) {
    const { app, db } = opened;
    const at = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
    const ids = {
      ana: await answer(app, 'ana', 'q-blank', 'quantisation; pruning', at(300)),
      ben1: await answer(app, 'ben', 'q-blank', 'Quantisation | pruning', at(200)),
      ben2: await answer(app, 'ben', 'q-blank', 'quantisation; pruning', at(100)),
      cy: await answer(app, 'cy', 'q-blank', 'quantization; pruning', at(90)),
      dee: await answer(app, 'dee', 'q-blank', 'distillation; pruning', at(80)),
      eve: await answer(app, 'eve', 'q-blank', 'quantisation; pruning', at(70)),
    };
    db.prepare("UPDATE attempts SET graded_by = 'teacher', score = 3, reviewed_by = 'teacher-1' WHERE id = ?").run(ids.eve);
    return ids;
  }

  it('lists in a dry run what would change and by how much, storing nothing', async () => {
    const opened = await openApp();
    const ids = await seed(opened);
    await opened.app.keyFixes.acceptAnswer({ bankId: 'keys', questionId: 'q-blank', blank: 1, answer: 'quantisation', changedBy: 'teacher-1' });
    const statsBefore = opened.store.statsForUser('ben', { now });

    const report = await opened.app.keyFixes.regrade({ bankId: 'keys', questionId: 'q-blank', dryRun: true, changedBy: 'teacher-1' });

    expect(report).toMatchObject({ dryRun: true, considered: 6, unchanged: 2, skippedTeacherGraded: 1, skippedUnreadable: 0, pointsDelta: 6, noticesQueued: 0, learners: 2 });
    expect(report.changed).toEqual([
      { attemptId: ids.ana, userId: 'ana', answer: 'quantisation; pruning', before: 2, after: 4, maxScore: 4 },
      { attemptId: ids.ben1, userId: 'ben', answer: 'Quantisation | pruning', before: 2, after: 4, maxScore: 4 },
      { attemptId: ids.ben2, userId: 'ben', answer: 'quantisation; pruning', before: 2, after: 4, maxScore: 4 },
    ]);
    expect(scoreOf(opened.db, ids.ana).score).toBe(2);
    expect(opened.db.prepare('SELECT count(*) FROM attempt_history').pluck().get()).toBe(0);
    expect(pendingNotices(opened.db)).toEqual([]);
    expect(opened.store.statsForUser('ben', { now })).toEqual(statsBefore);
  });

  it('stores the new scores with the old ones in the history, leaves a teacher’s grade alone, and moves statistics, leaderboard and reviews', async () => {
    const opened = await openApp();
    const { app, db, store, repository } = opened;
    const ids = await seed(opened);
    const cardBefore = store.getReviewCard('ben', 'keys', 'q-blank')!;
    expect(store.leaderboard('g1', 'all', now).rows.find((row) => row.userId === 'ben')!.points).toBe(4);
    await app.keyFixes.acceptAnswer({ bankId: 'keys', questionId: 'q-blank', blank: 1, answer: 'quantisation', changedBy: 'teacher-1' });

    now = new Date(now.getTime() + 60_000);
    const report = await app.keyFixes.regrade({ bankId: 'keys', questionId: 'q-blank', dryRun: false, changedBy: 'teacher-1' });

    expect(report).toMatchObject({ dryRun: false, considered: 6, unchanged: 2, skippedTeacherGraded: 1, pointsDelta: 6, noticesQueued: 2, learners: 2 });
    expect(scoreOf(db, ids.ana)).toEqual({ score: 4, max_score: 4, graded_by: 'rule' });
    expect(scoreOf(db, ids.ben1).score).toBe(4);
    expect(scoreOf(db, ids.dee).score).toBe(2);
    expect(scoreOf(db, ids.eve)).toEqual({ score: 3, max_score: 4, graded_by: 'teacher' });
    expect(repository.historyOf(ids.ana)).toEqual([{ score: 2, maxScore: 4, status: 'graded', gradedBy: 'rule', reason: 'regrade', changedBy: 'teacher-1', changedAt: now }]);
    expect(repository.historyOf(ids.eve)).toEqual([]);
    expect(repository.gradeOf(ids.ana)).toMatchObject({ status: 'graded', score: 4, correct: true, parts: [{ part: '1', verdict: 'correct', score: 2 }, { part: '2', verdict: 'correct', score: 2 }] });

    // Roll-ups through the attempts' update trigger: Ben's points and full-marks count, the leaderboard.
    const ben = store.statsForUser('ben', { now });
    expect(ben).toMatchObject({ attempts: 2, correct: 2, accuracy: 1, pointsEarned: 8, pointsAvailable: 8, questionsMastered: 1 });
    expect(store.leaderboard('g1', 'all', now).rows.find((row) => row.userId === 'ben')!.points).toBe(8);
    expect(store.missedQuestions('ben', 10)).toEqual([]);
    // Two full-marks answers push Ben's next review further out than two missed ones did.
    const cardAfter = store.getReviewCard('ben', 'keys', 'q-blank')!;
    expect(cardAfter.due.getTime()).toBeGreaterThan(cardBefore.due.getTime());
    expect(cardAfter.lapses).toBe(0);

    // One notice per learner and question, about their latest changed attempt, with all their points.
    expect(pendingNotices(db)).toEqual([
      {
        user_id: 'ana',
        attempt_id: ids.ana,
        kind: 'regrade',
        params: { bankId: 'keys', bank: 'Keys to fix', questionId: 'q-blank', question: 'Two ways to shrink a model: ______ and ______.', answer: 'quantisation; pruning', before: 2, after: 4, maxScore: 4, delta: 2, attempts: 1 },
      },
      {
        user_id: 'ben',
        attempt_id: ids.ben2,
        kind: 'regrade',
        params: { bankId: 'keys', bank: 'Keys to fix', questionId: 'q-blank', question: 'Two ways to shrink a model: ______ and ______.', answer: 'quantisation; pruning', before: 2, after: 4, maxScore: 4, delta: 4, attempts: 2 },
      },
    ]);
    expect(app.notices.pending(10).map((notice) => notice.userId)).toEqual(['ana', 'ben']);

    // Running it again finds nothing left to change and tells nobody twice.
    const again = await app.keyFixes.regrade({ bankId: 'keys', questionId: 'q-blank', dryRun: false, changedBy: 'teacher-1' });
    expect(again).toMatchObject({ changed: [], unchanged: 5, noticesQueued: 0, learners: 0 });
    expect(pendingNotices(db)).toHaveLength(2);
  });

  it('follows a bank file edited by hand, lowering scores the stricter key no longer gives', async () => {
    const opened = await openApp();
    const { app, db } = opened;
    const choiceC = await answer(app, 'ana', 'q-choice', 'C', now);
    await app.keyFixes.acceptAnswer({ bankId: 'keys', questionId: 'q-choice', answer: 'C', changedBy: 't' });
    const choiceB = await answer(app, 'ben', 'q-choice', 'B', now);
    await app.keyFixes.regrade({ bankId: 'keys', questionId: 'q-choice', dryRun: false, changedBy: 't' });
    expect(scoreOf(db, choiceC).score).toBe(2);

    // The teacher decides C alone is right after all and edits the file by hand.
    const edited = JSON.parse(fs.readFileSync(bankFile, 'utf8')) as { questions: Array<Record<string, unknown>> };
    edited.questions[1]!.answer = 'C';
    edited.questions[1]!.options = (edited.questions[1]!.options as Array<Record<string, unknown>>).map(({ key, text }) => ({ key, text }));
    fs.writeFileSync(bankFile, JSON.stringify(edited, null, 2));

    const dry = await app.keyFixes.regrade({ bankId: 'keys', questionId: 'q-choice', dryRun: true, changedBy: 't' });
    expect(dry.pointsDelta).toBe(-2);
    expect(app.banks.require('keys').questions[1]).toMatchObject({ answer: 'B' });
    const report = await app.keyFixes.regrade({ bankId: 'keys', questionId: 'q-choice', dryRun: false, changedBy: 't' });
    expect(report.changed).toEqual([{ attemptId: choiceB, userId: 'ben', answer: 'B', before: 2, after: 0, maxScore: 2 }]);
    expect(report.pointsDelta).toBe(-2);
    expect(pendingNotices(db).at(-1)).toMatchObject({ user_id: 'ben', params: { delta: -2, before: 2, after: 0 } });
    // The running app now serves the edited key too.
    expect(app.banks.require('keys').questions[1]).toMatchObject({ answer: 'C' });
  });

  it('moves the marks available when the bank file changed a question’s points, and never gives more than them', async () => {
    const opened = await openApp();
    const { app, db, store } = opened;
    const right = await answer(app, 'ana', 'q-num', '40', now);
    const wrong = await answer(app, 'ben', 'q-num', '41', now);
    const edited = JSON.parse(fs.readFileSync(bankFile, 'utf8')) as { questions: Array<Record<string, unknown>> };
    edited.questions[2]!.points = 5;
    fs.writeFileSync(bankFile, JSON.stringify(edited, null, 2));

    const report = await app.keyFixes.regrade({ bankId: 'keys', questionId: 'q-num', dryRun: false, changedBy: 't' });
    expect(report.changed).toEqual([
      { attemptId: right, userId: 'ana', answer: '40', before: 2, after: 5, maxScore: 5 },
      { attemptId: wrong, userId: 'ben', answer: '41', before: 0, after: 0, maxScore: 5 },
    ]);
    expect(scoreOf(db, right)).toEqual({ score: 5, max_score: 5, graded_by: 'rule' });
    expect(store.statsForUser('ben', { now })).toMatchObject({ pointsEarned: 0, pointsAvailable: 5 });
    // Nothing to tell Ben: his score did not move.
    expect(pendingNotices(db).map((notice) => notice.user_id)).toEqual(['ana']);
  });

  it('refuses to regrade written answers, which would need a new LLM grade for each', async () => {
    const { app } = await openApp();
    const error = await expectUserError(() => app.keyFixes.regrade({ bankId: 'keys', questionId: 'q-short', dryRun: true, changedBy: 't' }), 'regrade-free-text');
    expect(error.message).toContain('review queue');
  });

  it('regrades learners in steps of whole learners, so a small step size changes nothing in the outcome', async () => {
    const opened = await openApp();
    await seed(opened);
    await opened.app.keyFixes.acceptAnswer({ bankId: 'keys', questionId: 'q-blank', blank: 1, answer: 'quantisation', changedBy: 't' });
    const { createKeyFixService } = await import('../../src/services/key-fixes.ts');
    const { SqliteNoticeOutbox } = await import('../../src/storage/notice-repository.ts');
    const { BankCatalog } = await import('../../src/bank/catalog.ts');
    const service = createKeyFixService({
      catalog: new BankCatalog([opened.app.banks.require('keys')]),
      banksDir,
      repository: opened.repository,
      replayReviewCard: (userId, bankId, questionId) => opened.store.replayReviewCard(userId, bankId, questionId),
      outbox: new SqliteNoticeOutbox(opened.db),
      clock: () => now,
      chunkSize: 1,
    });
    const report = await service.regrade({ bankId: 'keys', questionId: 'q-blank', dryRun: false, changedBy: 't' });
    expect(report).toMatchObject({ considered: 6, pointsDelta: 6, noticesQueued: 2, learners: 2 });
    expect(pendingNotices(opened.db).map((notice) => [notice.user_id, notice.params.attempts])).toEqual([
      ['ana', 1],
      ['ben', 2],
    ]);
  });
});
