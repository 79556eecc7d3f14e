import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { UserError } from '../../src/errors.ts';
import { startExamDeadlineTimer } from '../../src/exam/deadline-timer.ts';
import type { ExamSubmission } from '../../src/exam/types.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { SqliteExamRepository } from '../../src/storage/exam-repository.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { chatReply, startOpenAiServer, type OpenAiServer } from '../support/openai-server.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const SEED = 'ai-inference-optimization-2025';
const START = new Date('2026-03-02T09:00:00Z');

let dir: string;
let closers: Array<{ close(): unknown }> = [];
let now: Date;
const clock = () => now;

async function openApp(env: Record<string, string> = {}): Promise<App> {
  const config = loadConfig({
    DATABASE_PATH: path.join(dir, 'tutor.sqlite'),
    BANKS_DIR: path.join(repoRoot, 'data/banks'),
    PROMPTS_DIR: path.join(repoRoot, 'prompts'),
    ...env,
  });
  const app = await createApp(config, { cwd: repoRoot, clock });
  closers.push(app);
  return app;
}

/** A connection of the test's own, to check what was stored. */
function openStorage() {
  const db = openDatabase(path.join(dir, 'tutor.sqlite'));
  closers.push(db);
  const store = new SqliteProgressStore(db);
  return { db, store, exams: new SqliteExamRepository(db, store) };
}

function expectUserError(action: () => unknown, code: string): void {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe(code);
    return;
  }
  throw new Error(`expected UserError ${code}`);
}

function minutesLater(minutes: number): Date {
  return new Date(now.getTime() + minutes * 60_000);
}

/** Paper index of a seed question: 8 choices, 6 blanks, 3 short answers, 1 essay, in that order. */
const at = { choice: (n: number) => n - 1, blank: (n: number) => 7 + n, short: (n: number) => 13 + n, essay: 17 };

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'exam-service-'));
  closers = [];
  now = START;
});

afterEach(() => {
  for (const closer of closers.reverse()) closer.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the seed paper as an exam', () => {
  it('draws the printed paper: 18 questions in four sections, 100 points, 120 minutes', async () => {
    const { exams } = await openApp();
    const cover = exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED });
    expect(cover.paperId).toBe('paper-2025');
    expect(cover.timeLimitMinutes).toBe(120);
    expect(cover.totalPoints).toBe(100);
    expect(cover.questionCount).toBe(18);
    expect(cover.sections.map((section) => [section.title, section.questionCount, section.points])).toEqual([
      ['一、选择题', 8, 16],
      ['二、填空题', 6, 24],
      ['三、简答题', 3, 30],
      ['四、论述题', 1, 30],
    ]);
    expect(cover.status).toBe('ready');
    expect(cover.deadline).toBeNull();
  });

  it('fixes the deadline at Start, keeps it on a second Start, and refuses answers before Start', async () => {
    const { exams } = await openApp();
    const cover = exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED });
    expectUserError(() => exams.answer({ examId: cover.examId, userId: 'u-1', index: 0, answer: 'C' }), 'exam-not-started');
    const first = exams.begin(cover.examId, 'u-1');
    expect(first.deadline.toISOString()).toBe('2026-03-02T11:00:00.000Z');
    expect(first.timeLeftMs).toBe(120 * 60_000);
    now = minutesLater(5);
    const again = exams.begin(cover.examId, 'u-1');
    expect(again.deadline.toISOString()).toBe('2026-03-02T11:00:00.000Z');
    expect(again.timeLeftMs).toBe(115 * 60_000);
  });

  it('saves answers as given, out of order, changeable and flaggable, showing no verdict before submission', async () => {
    const { exams } = await openApp();
    const { examId } = exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED });
    exams.begin(examId, 'u-1');
    exams.answer({ examId, userId: 'u-1', index: at.blank(1), answer: ['延迟', '吞吐量'] });
    exams.answer({ examId, userId: 'u-1', index: at.choice(2), answer: 'A' });
    const changed = exams.answer({ examId, userId: 'u-1', index: at.choice(2), answer: 'D' });
    expect(changed.status).toBe('saved');
    expect(changed.view.answer).toBe('D');
    // The outcome carries the question and the saved answer only: no score, verdict or feedback field.
    expect(Object.keys(changed)).toEqual(['status', 'view']);
    const flagged = exams.flag(examId, 'u-1', at.choice(5));
    expect(flagged.flagged).toBe(true);
    const nav = exams.view(examId, 'u-1', at.blank(1)).navigation;
    expect(nav.current).toBe(at.blank(1));
    expect(nav.answered).toBe(2);
    expect(nav.flagged).toBe(1);
    expect(nav.items[at.choice(2)]).toMatchObject({ state: 'answered', flagged: false });
    expect(nav.items[at.choice(5)]).toMatchObject({ state: 'unanswered', flagged: true });
    expect(exams.view(examId, 'u-1', at.blank(1)).answer).toEqual(['延迟', '吞吐量']);
    expectUserError(() => exams.report(examId, 'u-1'), 'exam-not-submitted');
    expectUserError(() => exams.review(examId, 'u-1', 0), 'exam-not-submitted');
    await expect(exams.ask({ examId, userId: 'u-1', index: 0, message: 'what is the answer?' })).rejects.toMatchObject({ code: 'exam-not-submitted' });
    // Nothing reaches the attempts (statistics, review) before submission.
    const { store } = openStorage();
    expect(store.missedQuestions('u-1', 10)).toEqual([]);
    expect(store.statsForUser('u-1').attempts).toBe(0);
  });

  it('asks again for an unreadable answer and stores nothing', async () => {
    const { exams } = await openApp();
    const { examId } = exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED });
    exams.begin(examId, 'u-1');
    const outcome = exams.answer({ examId, userId: 'u-1', index: at.choice(1), answer: 'Z' });
    expect(outcome.status).toBe('invalid');
    expect(outcome.view.answer).toBeNull();
    expect(exams.confirmSubmit(examId, 'u-1').unanswered).toBe(18);
  });

  it('submits by hand with a report whose total matches the hand-computed one, per section and per question', async () => {
    const { exams, stats, classReports } = await openApp();
    const { examId } = exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED });
    exams.begin(examId, 'u-1');
    // Choices 1–4 right (2 points each), 5–6 wrong, 7–8 unanswered: 8 of 16.
    const keys = ['C', 'D', 'B', 'C'];
    keys.forEach((key, i) => exams.answer({ examId, userId: 'u-1', index: at.choice(i + 1), answer: key }));
    exams.answer({ examId, userId: 'u-1', index: at.choice(5), answer: 'A' });
    exams.answer({ examId, userId: 'u-1', index: at.choice(6), answer: 'A' });
    // Blank 1 both right (4), blank 2 one of two right (2), blank 5 right (4): 10 of 24.
    exams.answer({ examId, userId: 'u-1', index: at.blank(1), answer: ['延迟', '吞吐量'] });
    exams.answer({ examId, userId: 'u-1', index: at.blank(2), answer: ['体积', '内存'] });
    exams.answer({ examId, userId: 'u-1', index: at.blank(5), answer: '软标签' });
    now = minutesLater(42);
    const confirmation = exams.confirmSubmit(examId, 'u-1');
    expect(confirmation.answered).toBe(9);
    expect(confirmation.unanswered).toBe(9);
    const progress: Array<[number, number]> = [];
    const submission = exams.submit({ examId, userId: 'u-1', onProgress: (p) => progress.push([p.writtenDone, p.writtenTotal]) });
    expect(submission.initial.score).toBe(18);
    const report = await submission.report;
    expect(progress).toEqual([[0, 0]]);
    expect(report.status).toBe('graded');
    expect(report.score).toBe(18);
    expect(report.totalPoints).toBe(100);
    expect(report.timeUsedMs).toBe(42 * 60_000);
    expect(report.sections.map((section) => [section.score, section.points])).toEqual([
      [8, 16],
      [10, 24],
      [0, 30],
      [0, 30],
    ]);
    expect(report.questions.reduce((sum, q) => sum + q.score, 0)).toBe(report.score);
    expect(report.lostPoints).toEqual([4, 5, 6, 7, 9, 10, 11, 13, 14, 15, 16, 17]);
    expect(report.provisional).toBe(false);
    expectUserError(() => exams.answer({ examId, userId: 'u-1', index: 0, answer: 'A' }), 'exam-submitted');

    const review = exams.review(examId, 'u-1', at.blank(2));
    expect(review.answerText).toBe('体积\n内存');
    expect(review.score).toBe(2);
    expect(review.grade?.status).toBe('graded');
    expect(review.question.analysis).not.toBe('');

    const figures = stats.examsForUser('u-1');
    expect(figures.taken).toBe(1);
    expect(figures.last).toMatchObject({ examId, score: 18, totalPoints: 100 });
    expect(figures.sections.find((section) => section.title === '二、填空题')).toEqual({ title: '二、填空题', score: 10, points: 24 });
    // The exam's answers are ordinary attempts: counted in statistics, the missed ones due for review.
    const { store } = openStorage();
    expect(store.statsForUser('u-1').attempts).toBe(9);
    const missed = store.missedQuestions('u-1', 20).map((ref) => ref.questionId);
    expect(missed.sort()).toEqual(['blank-2', 'choice-5', 'choice-6']);
    expect(store.getReviewCard('u-1', SEED, 'choice-5')).not.toBeNull();
    // …and in the teacher's item report, with the wrong answer in the response analysis.
    const item = classReports.itemReport(SEED).find((row) => row.questionId === 'choice-5');
    expect(item?.attempts).toBe(1);
    expect(item?.responses?.some((response) => JSON.stringify(response).includes('"A"'))).toBe(true);
  });

  it('lets a second exam start only once the first is handed in, pointing to the open one', async () => {
    const { exams } = await openApp();
    const first = exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED });
    exams.attachThread(first.examId, 'thread-1');
    expect(() => exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED })).toThrow(
      expect.objectContaining({ code: 'exam-already-open', params: expect.objectContaining({ examId: first.examId, threadId: 'thread-1' }) }),
    );
    expect(exams.findOpen('u-1')?.examId).toBe(first.examId);
    exams.begin(first.examId, 'u-1');
    expectUserError(() => exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED }), 'exam-already-open');
    await exams.submit({ examId: first.examId, userId: 'u-1' }).report;
    expect(exams.findOpen('u-1')).toBeNull();
    expect(exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED }).examId).not.toBe(first.examId);
  });

  it('refuses a stranger every action on the exam', async () => {
    const { exams } = await openApp();
    const { examId } = exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED });
    expectUserError(() => exams.begin(examId, 'u-2'), 'exam-not-owner');
    exams.begin(examId, 'u-1');
    expectUserError(() => exams.view(examId, 'u-2'), 'exam-not-owner');
    expectUserError(() => exams.answer({ examId, userId: 'u-2', index: 0, answer: 'C' }), 'exam-not-owner');
    expectUserError(() => exams.flag(examId, 'u-2', 0), 'exam-not-owner');
    expectUserError(() => exams.submit({ examId, userId: 'u-2' }), 'exam-not-owner');
    await exams.submit({ examId, userId: 'u-1' }).report;
    expectUserError(() => exams.report(examId, 'u-2'), 'exam-not-owner');
    expectUserError(() => exams.review(examId, 'u-2', 0), 'exam-not-owner');
  });

  it('needs minutes for a bank without papers, within 1 to 600', async () => {
    const { exams } = await openApp();
    expectUserError(() => exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED, minutes: 0 }), 'exam-minutes-out-of-range');
    expectUserError(() => exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED, paperId: 'nope' }), 'exam-paper-not-found');
    const cover = exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED, minutes: 15 });
    expect(cover.timeLimitMinutes).toBe(15);
  });
});

describe('forgetting a learner', () => {
  it('deletes their exams and saved answers, and leaves other learners\' exams alone', async () => {
    const { exams, maintenance } = await openApp();
    const mine = exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED });
    exams.begin(mine.examId, 'u-1');
    exams.answer({ examId: mine.examId, userId: 'u-1', index: 0, answer: 'C' });
    await exams.submit({ examId: mine.examId, userId: 'u-1' }).report;
    const theirs = exams.create({ userId: 'u-2', displayName: 'Bo', bankId: SEED });
    exams.begin(theirs.examId, 'u-2');
    exams.answer({ examId: theirs.examId, userId: 'u-2', index: 0, answer: 'B' });
    maintenance.forgetUser('u-1');
    const { db } = openStorage();
    expect(db.prepare('SELECT user_id FROM exams').pluck().all()).toEqual(['u-2']);
    expect(db.prepare('SELECT user_id FROM exam_answers').pluck().all()).toEqual(['u-2']);
    expect(exams.view(theirs.examId, 'u-2', 0).answer).toBe('B');
  });
});

describe('a restart', () => {
  it('loses no answer, flag or position, and keeps the deadline', async () => {
    const first = await openApp();
    const { examId } = first.exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED });
    const started = first.exams.begin(examId, 'u-1');
    first.exams.answer({ examId, userId: 'u-1', index: at.short(2), answer: '推理引擎把模型编译优化后执行' });
    first.exams.flag(examId, 'u-1', at.choice(3));
    first.exams.view(examId, 'u-1', at.blank(4));
    first.close();

    now = minutesLater(30);
    const second = await openApp();
    const view = second.exams.view(examId, 'u-1');
    expect(view.index).toBe(at.blank(4));
    expect(view.deadline).toEqual(started.deadline);
    expect(view.timeLeftMs).toBe(90 * 60_000);
    expect(second.exams.view(examId, 'u-1', at.short(2)).answer).toBe('推理引擎把模型编译优化后执行');
    expect(second.exams.view(examId, 'u-1', at.choice(3)).flagged).toBe(true);
  });

  it('submits at start-up an exam whose deadline passed while the bot was down, with the answers it had', async () => {
    const first = await openApp();
    const { examId } = first.exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED, minutes: 10 });
    first.exams.begin(examId, 'u-1');
    first.exams.answer({ examId, userId: 'u-1', index: at.choice(1), answer: 'C' });
    first.close();

    now = minutesLater(25);
    const second = await openApp();
    const told: ExamSubmission[] = [];
    second.exams.onAutoSubmit((submission) => told.push(submission));
    expect(second.exams.nextDeadline()?.toISOString()).toBe('2026-03-02T09:10:00.000Z');
    const submitted = second.exams.submitOverdue();
    expect(submitted.map((submission) => submission.cover.examId)).toEqual([examId]);
    expect(told.map((submission) => submission.cover.examId)).toEqual([examId]);
    const report = await submitted[0]!.report;
    expect(report.submittedBy).toBe('deadline');
    expect(report.submittedAt.toISOString()).toBe('2026-03-02T09:10:00.000Z');
    expect(report.timeUsedMs).toBe(10 * 60_000);
    expect(report.score).toBe(2);
    expect(second.exams.submitOverdue()).toEqual([]);
    expect(second.exams.nextDeadline()).toBeNull();
  });

  it('submits a late click past the deadline, tells the listeners and refuses the answer', async () => {
    const { exams } = await openApp();
    const { examId } = exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED, minutes: 5 });
    exams.begin(examId, 'u-1');
    const told: string[] = [];
    exams.onAutoSubmit((submission) => told.push(submission.cover.examId));
    now = minutesLater(5);
    expectUserError(() => exams.answer({ examId, userId: 'u-1', index: 0, answer: 'C' }), 'exam-submitted');
    expect(told).toEqual([examId]);
    expect((await exams.awaitReport(examId)).answered).toBe(0);
  });

  it('resumes grading a crash interrupted, grading only what was left', async () => {
    const first = await openApp();
    const { examId } = first.exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED });
    first.exams.begin(examId, 'u-1');
    first.exams.answer({ examId, userId: 'u-1', index: at.choice(1), answer: 'C' });
    first.exams.answer({ examId, userId: 'u-1', index: at.blank(5), answer: '软标签' });
    first.close();
    // The process died right after marking the exam submitted, before any grade was stored.
    const { exams: repository } = openStorage();
    expect(repository.markSubmitted(examId, minutesLater(3), 'learner')).toBe(true);

    const second = await openApp();
    const [resumed] = second.exams.submitOverdue();
    expect(resumed?.cover.examId).toBe(examId);
    const report = await resumed!.report;
    expect(report.score).toBe(6);
    expect(report.submittedBy).toBe('learner');
    expect(second.exams.submitOverdue()).toEqual([]);
    expect(openStorage().store.statsForUser('u-1').attempts).toBe(2);
  });
});

describe('written answers at submission', () => {
  let llm: OpenAiServer;

  beforeEach(async () => {
    llm = await startOpenAiServer();
  });

  afterEach(async () => {
    await llm.close();
  });

  it('are graded concurrently through the tutor within its limit, with a progress line, objective scores at once', async () => {
    // Each rubric point judged missed: a definite LLM score of 0, not a provisional one.
    llm.script((request) => {
      const rubricSize = (request.body.messages ?? []).map((m) => m.content).join('\n').match(/^\s*\d+\.\s/gmu)?.length ?? 3;
      const points = Array.from({ length: Math.max(1, rubricSize) }, (_, index) => ({ index, verdict: 'missed', quote: '' }));
      return chatReply({ points, strengths: [], improvements: ['Name the techniques.'], explanation: 'Too short.', injection_suspected: false }, { delayMs: 150 });
    });
    const { exams } = await openApp({ OPENAI_BASE_URL: llm.url, OPENAI_API_KEY: 'test-key', LLM_MAX_CONCURRENCY: '2', LLM_TIMEOUT_MS: '5000' });
    const { examId } = exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED });
    exams.begin(examId, 'u-1');
    exams.answer({ examId, userId: 'u-1', index: at.choice(1), answer: 'C' });
    for (const index of [at.short(1), at.short(2), at.short(3), at.essay]) {
      exams.answer({ examId, userId: 'u-1', index, answer: `我的第${index}题答案：不太清楚。` });
    }
    const progress: string[] = [];
    const submission = exams.submit({ examId, userId: 'u-1', onProgress: (p) => progress.push(`${p.writtenDone}/${p.writtenTotal}`) });
    expect(submission.initial.status).toBe('grading');
    expect(submission.initial.score).toBe(2);
    expect(exams.report(examId, 'u-1').status).toBe('grading');
    const report = await submission.report;
    expect(progress).toEqual(['0/4', '1/4', '2/4', '3/4', '4/4']);
    expect(llm.chatRequests).toHaveLength(4);
    expect(llm.peakConcurrency).toBe(2);
    expect(report.status).toBe('graded');
    expect(report.score).toBe(2);
    expect(report.provisional).toBe(false);
    const review = exams.review(examId, 'u-1', at.essay);
    expect(review.gradedBy).toBe('llm');
    expect(review.feedback?.improvements).toEqual(['Name the techniques.']);
    // Follow-up questions are allowed after submission, with the question's key in reach.
    llm.script(() => chatReply('Quantization lowers precision; pruning removes weights.'));
    const reply = await exams.ask({ examId, userId: 'u-1', index: at.short(1), message: '两者的区别是什么？' });
    expect(reply.text).toContain('pruning');
  });

  it('fall back to the provisional grader without an LLM, marked provisional in the report and review', async () => {
    const { exams } = await openApp();
    const { examId } = exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED });
    exams.begin(examId, 'u-1');
    exams.answer({
      examId,
      userId: 'u-1',
      index: at.short(1),
      answer: '剪枝移除不重要的权重或结构，减小模型；量化降低数值精度，如FP32到INT8，减小体积并加速，但可能损失精度。',
    });
    const report = await exams.submit({ examId, userId: 'u-1' }).report;
    const result = report.questions[at.short(1)]!;
    expect(result.provisional).toBe(true);
    expect(report.provisional).toBe(true);
    expect(result.score).toBeGreaterThan(0);
    expect(result.score).toBeLessThanOrEqual(10);
    expect(report.score).toBe(result.score);
    expect(exams.review(examId, 'u-1', at.short(1))).toMatchObject({ gradedBy: 'fallback', attemptStatus: 'pending', provisional: true });
  });
});

describe('the deadline timer', () => {
  it('submits what is overdue at start, then an exam at its deadline, telling the listener once each', async () => {
    const { exams } = await openApp();
    const late = exams.create({ userId: 'u-1', displayName: 'Ada', bankId: SEED, minutes: 1 });
    exams.begin(late.examId, 'u-1');
    const onTime = exams.create({ userId: 'u-2', displayName: 'Bo', bankId: SEED, minutes: 3 });
    exams.begin(onTime.examId, 'u-2');
    now = minutesLater(2);
    const told: string[] = [];
    exams.onAutoSubmit((submission) => told.push(submission.cover.examId));
    const timer = startExamDeadlineTimer(exams, { clock, maxDelayMs: 10 });
    try {
      expect(told).toEqual([late.examId]);
      now = minutesLater(1);
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(told).toEqual([late.examId, onTime.examId]);
      expect((await exams.awaitReport(onTime.examId)).submittedBy).toBe('deadline');
    } finally {
      timer.stop();
    }
  });
});
