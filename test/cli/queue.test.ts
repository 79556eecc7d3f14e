import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { SqliteReviewQueueRepository } from '../../src/storage/review-queue-repository.ts';
import { createAppealService } from '../../src/services/appeals.ts';
import type { RubricPointVerdict } from '../../src/tutor/types.ts';
import { makeAttempt } from '../storage/fixtures.ts';
import { createTestIo, makePracticeWorkspace, type PracticeWorkspace } from './io.ts';

let workspace: PracticeWorkspace;
let ids: { review: number; appealed: number; pending: number };

/** A needs-review short answer (the AI claimed 6 of 6, the evidence supports 2), an appealed blank answer and a provisional one. */
function seed(databasePath: string): void {
  fs.mkdirSync(path.dirname(databasePath), { recursive: true });
  const db = openDatabase(databasePath);
  const store = new SqliteProgressStore(db);
  store.upsertUser({ id: 'u1', displayName: 'Ana' });
  const rubric: RubricPointVerdict[] = [
    { index: 0, point: 'Larger batches raise throughput', verdict: 'met', evidence: 'more requests per step', score: 2, maxScore: 2 },
    { index: 1, point: 'Latency per request grows', verdict: 'missed', evidence: '', score: 0, maxScore: 2 },
    { index: 2, point: 'Memory limits the batch', verdict: 'missed', evidence: '', score: 0, maxScore: 2 },
  ];
  const shortAnswer = (status: 'needs-review' | 'pending', createdAt: string) =>
    store.recordAttempt(
      makeAttempt({
        userId: 'u1',
        bankId: 'every-type-example',
        questionId: 'batching-trade-off',
        questionType: 'short',
        rawAnswer: 'Batching serves more requests per step. \u001b[2J',
        normalizedAnswer: 'batching serves more requests per step',
        status,
        gradedBy: status === 'pending' ? 'fallback' : 'llm',
        grade: { status: 'needs-feedback', questionType: 'short', score: 0, maxScore: 6, normalizedAnswer: 'batching serves more requests per step' },
        feedback: {
          gradedBy: status === 'pending' ? 'fallback' : 'llm',
          status: status === 'pending' ? 'graded' : 'needs-review',
          ...(status === 'needs-review' ? { claimedScore: 6 } : {}),
          provisional: status === 'pending',
          score: 2,
          maxScore: 6,
          rubric,
          strengths: [],
          improvements: [],
          explanation: '',
        },
        score: 2,
        maxScore: 6,
        createdAt: new Date(createdAt),
      }),
    );
  const review = shortAnswer('needs-review', '2026-03-10T09:00:00Z');
  const appealedAttempt = store.recordAttempt(
    makeAttempt({
      userId: 'u1',
      bankId: 'every-type-example',
      questionId: 'core-metrics',
      questionType: 'blank',
      rawAnswer: 'TTFT\nthroughput',
      normalizedAnswer: 'ttft | throughput',
      score: 1,
      maxScore: 2,
      grade: {
        status: 'graded',
        questionType: 'blank',
        score: 1,
        maxScore: 2,
        correct: false,
        parts: [
          { part: '1', verdict: 'correct', given: 'ttft', expected: 'TTFT', score: 1, maxScore: 1 },
          { part: '2', verdict: 'wrong', given: 'throughput', expected: 'TPOT', score: 0, maxScore: 1 },
        ],
        normalizedAnswer: 'ttft | throughput',
        expected: 'TTFT | TPOT',
      },
      createdAt: new Date('2026-03-10T10:00:00Z'),
    }),
  );
  createAppealService(new SqliteReviewQueueRepository(db), () => new Date('2026-03-10T11:00:00Z')).submit({
    attemptId: appealedAttempt.id,
    userId: 'u1',
    reason: 'Throughput is what the slide called it.',
  });
  const pending = shortAnswer('pending', '2026-03-10T12:00:00Z');
  ids = { review: review.id, appealed: appealedAttempt.id, pending: pending.id };
  db.close();
}

async function tutor(args: string[]) {
  const io = createTestIo({ env: { ...workspace.env, USER: 'marie' }, cwd: workspace.dir });
  const code = await runCli(args, io);
  return { code, out: io.stdout.text, err: io.stderr.text };
}

describe('tutor queue', () => {
  beforeEach(() => {
    workspace = makePracticeWorkspace('tutor-queue-');
    seed(workspace.env.DATABASE_PATH!);
  });
  afterEach(() => fs.rmSync(workspace.dir, { recursive: true, force: true }));

  it('lists the answers awaiting a person, provisional ones only with --provisional', async () => {
    const list = await tutor(['queue', 'list']);
    expect(list.code).toBe(0);
    expect(list.out).toContain('Review queue: 2 answers');
    expect(list.out).toMatch(new RegExp(`#${ids.review}\\s+Needs review\\s+Ana \\(u1\\)\\s+every-type-example/batching-trade-off\\s+2/6`));
    expect(list.out).toMatch(new RegExp(`#${ids.appealed}\\s+Appeal\\s+Ana \\(u1\\)\\s+every-type-example/core-metrics\\s+1/2\\s+appeal: Throughput is what`));
    expect(list.out).not.toContain(`#${ids.pending} `);
    // An escape sequence in an answer is shown, not obeyed.
    expect(list.out).not.toContain('\u001b');
    const withProvisional = await tutor(['queue', 'list', '--provisional', '--json']);
    const parsed = JSON.parse(withProvisional.out) as { total: number; items: Array<{ attemptId: number; kind: string }> };
    expect(parsed.total).toBe(3);
    expect(parsed.items.map((item) => [item.attemptId, item.kind])).toEqual([
      [ids.review, 'needs-review'],
      [ids.appealed, 'appeal'],
      [ids.pending, 'provisional'],
    ]);
  });

  it('shows one answer with its question, per-point verdicts and evidence, and how to resolve it', async () => {
    const { code, out } = await tutor(['queue', 'show', String(ids.review)]);
    expect(code).toBe(0);
    expect(out).toContain(`Answer #${ids.review}: Needs review`);
    expect(out).toContain("Question: every-type-example/batching-trade-off (short)\n  Explain why batching requests raises a model server's throug");
    expect(out).toContain('Batching serves more requests per step. \\u{1b}[2J');
    expect(out).toContain('Score: 2 / 6 (needs-review, graded by llm); the AI claimed 6');
    expect(out).toContain('1. [met] Larger batches raise throughput  2/2  evidence: "more requests per step"');
    expect(out).toContain('2. [missed] Latency per request grows  0/2');
    expect(out).toContain(`Resolve: tutor queue resolve ${ids.review} --accept | --scores 2,2,2 | --reject --note "…"`);
    const blank = await tutor(['queue', 'show', String(ids.appealed)]);
    expect(blank.out).toContain('1. [correct] 1: TTFT  1/1  evidence: "ttft"');
    expect(blank.out).toContain('2. [wrong] 2: TPOT  0/1  evidence: "throughput"');
    expect(blank.out).toContain('Throughput is what the slide called it.');
  });

  it('stores per-point scores as the teacher’s grade, and the answer leaves the queue', async () => {
    const resolved = await tutor(['queue', 'resolve', String(ids.review), '--scores', '2, 1.5, 9', '--note', 'Latency only in part.']);
    expect(resolved.err).toBe('');
    expect(resolved.code).toBe(0);
    expect(resolved.out).toBe(`Answer #${ids.review}: 2 → 5.5 / 6 points (grade changed). Stored as a teacher's grade; the learner will be told.\n`);
    const db = openDatabase(workspace.env.DATABASE_PATH!);
    try {
      expect(db.prepare('SELECT score, status, graded_by, reviewed_by FROM attempts WHERE id = ?').get(ids.review)).toEqual({
        score: 5.5,
        status: 'graded',
        graded_by: 'teacher',
        reviewed_by: 'cli:marie',
      });
      expect(db.prepare("SELECT kind, json_extract(params, '$.note') AS note FROM learner_notices").all()).toEqual([{ kind: 'teacher-grade', note: 'Latency only in part.' }]);
    } finally {
      db.close();
    }
    const again = await tutor(['queue', 'resolve', String(ids.review), '--accept']);
    expect(again.code).toBe(1);
    expect(again.err).toBe(`Answer #${ids.review} is not in the review queue.\n`);
    expect((await tutor(['queue', 'list'])).out).toContain('Review queue: 1 answer\n');
  });

  it('rejects an appeal with a note, keeping the grade', async () => {
    const { code, out } = await tutor(['queue', 'resolve', String(ids.appealed), '--reject', '--note', 'The key asks for TPOT.', '--by', 'ms-lee']);
    expect(code).toBe(0);
    expect(out).toContain('1 → 1 / 2 points (appeal rejected)');
  });

  it('lists its sub-commands under tutor queue, each with help', async () => {
    const group = await tutor(['queue']);
    expect(group.out).toMatch(/^The review queue: answers awaiting a teacher/);
    expect(group.out.match(/^ {2}queue \w+/gm)).toEqual(['  queue list', '  queue show', '  queue resolve']);
    const help = await tutor(['queue', 'resolve', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('--scores <list>');
  });

  it('refuses unclear requests with a usage line and changes nothing', async () => {
    expect(await tutor(['queue', 'resolve', String(ids.review)])).toMatchObject({ code: 2, err: expect.stringContaining('Give exactly one of --accept, --scores or --reject.') });
    expect(await tutor(['queue', 'resolve', String(ids.review), '--accept', '--reject'])).toMatchObject({ code: 2 });
    expect(await tutor(['queue', 'resolve', 'twelve', '--accept'])).toMatchObject({ code: 2, err: expect.stringContaining('"twelve" is not an answer id.') });
    expect(await tutor(['queue', 'resolve', String(ids.review), '--scores', '1,x,2'])).toMatchObject({ code: 2, err: '--scores: score 2 is not a number: "x"\n' });
    expect(await tutor(['queue', 'resolve', String(ids.review), '--scores', '1,2'])).toMatchObject({ code: 1, err: 'Expected 3 scores (one per marking point), got 2.\n' });
    expect(await tutor(['queue', 'resolve', String(ids.review), '--reject'])).toMatchObject({ code: 1, err: 'Rejecting needs a note for the learner.\n' });
    expect((await tutor(['queue', 'list'])).out).toContain('Review queue: 2 answers');
  });
});
