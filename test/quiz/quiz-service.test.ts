import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { UserError } from '../../src/errors.ts';
import type { QuizService } from '../../src/quiz/types.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const SEED = 'ai-inference-optimization-2025';

let dir: string;
let apps: Array<{ close(): void }> = [];

/** The app, and the store on a connection of the test's own for checking what was stored. */
async function openApp(clock?: () => Date): Promise<App & { store: SqliteProgressStore }> {
  const config = loadConfig({
    DATABASE_PATH: path.join(dir, 'tutor.sqlite'),
    BANKS_DIR: path.join(repoRoot, 'data/banks'),
    PROMPTS_DIR: path.join(repoRoot, 'prompts'),
  });
  const app = await createApp(config, { cwd: repoRoot, ...(clock ? { clock } : {}) });
  apps.push(app);
  const db = openDatabase(config.DATABASE_PATH);
  apps.push(db);
  return { ...app, store: new SqliteProgressStore(db) };
}

async function expectUserError(action: () => unknown, code: string): Promise<void> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe(code);
    return;
  }
  throw new Error(`expected UserError ${code}`);
}

function startChoiceQuiz(quiz: QuizService, userId = 'u-1', count = 8) {
  return quiz.start({ userId, displayName: 'Ada', locale: 'zh-CN', guildId: 'g-1', channelId: 'c-1', bankId: SEED, type: 'choice', count });
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'quiz-service-'));
  apps = [];
});

afterEach(() => {
  for (const app of apps) app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the quiz flow', () => {
  it('serves the requested questions in the bank order and stores the session', async () => {
    const { quiz, store } = await openApp();
    const view = startChoiceQuiz(quiz, 'u-1', 3);
    expect(view.session.questions).toHaveLength(3);
    const ids = view.session.questions.map((ref) => Number(ref.questionId.replace('choice-', '')));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(view.current?.question.id).toBe(view.session.questions[0]!.questionId);
    expect(view.current?.attempt).toBeNull();
    expect(store.getSession(view.session.id)?.ownerId).toBe('u-1');
  });

  it('grades a right choice, stores the attempt once, and refuses a second answer to the same question', async () => {
    const { quiz, store } = await openApp();
    const view = startChoiceQuiz(quiz);
    const question = view.current!.question;
    expect(question.id).toBe('choice-1');
    const outcome = await quiz.submitAnswer({ sessionId: view.session.id, questionId: 'choice-1', userId: 'u-1', answer: '选C' });
    expect(outcome.status).toBe('graded');
    if (outcome.status !== 'graded') return;
    expect(outcome.score).toBe(2);
    expect(outcome.gradedBy).toBe('rule');
    expect(store.attemptsForSession(view.session.id)).toHaveLength(1);
    expect(quiz.view(view.session.id).current?.attempt?.score).toBe(2);
    await expectUserError(() => quiz.submitAnswer({ sessionId: view.session.id, questionId: 'choice-1', userId: 'u-1', answer: 'C' }), 'already-answered');
    expect(store.attemptsForSession(view.session.id)).toHaveLength(1);
  });

  it('asks again for an answer that names no option, storing nothing', async () => {
    const { quiz, store } = await openApp();
    const view = startChoiceQuiz(quiz);
    const outcome = await quiz.submitAnswer({ sessionId: view.session.id, questionId: 'choice-1', userId: 'u-1', answer: 'Z' });
    expect(outcome.status).toBe('invalid');
    expect(outcome.grade.status).toBe('invalid');
    expect(store.attemptsForSession(view.session.id)).toHaveLength(0);
    expect(quiz.view(view.session.id).current?.question.id).toBe('choice-1');
  });

  it('lets only the owner answer, and only the current question', async () => {
    const { quiz } = await openApp();
    const view = startChoiceQuiz(quiz);
    await expectUserError(() => quiz.submitAnswer({ sessionId: view.session.id, questionId: 'choice-1', userId: 'intruder', answer: 'C' }), 'not-owner');
    await expectUserError(() => quiz.submitAnswer({ sessionId: view.session.id, questionId: 'choice-2', userId: 'u-1', answer: 'D' }), 'stale-question');
    await expectUserError(() => quiz.next(view.session.id, 'intruder'), 'not-owner');
    await expectUserError(() => quiz.view('no-such-session'), 'session-not-found');
  });

  it('decides alone who may act on a quiz and which question is still open, for every front end', async () => {
    const { quiz } = await openApp();
    const view = startChoiceQuiz(quiz, 'u-1', 2);
    const [first, second] = view.session.questions;
    expect(quiz.authorize(view.session.id, 'u-1').id).toBe(view.session.id);
    try {
      quiz.authorize(view.session.id, 'intruder');
      throw new Error('expected not-owner');
    } catch (error) {
      // The owner travels with the error, so a front end can name whose quiz it is.
      expect(error).toMatchObject({ code: 'not-owner', details: { ownerId: 'u-1' } });
    }
    expect(quiz.openQuestion(view.session.id, 'u-1', { id: first!.questionId }).current.question.id).toBe(first!.questionId);
    expect(quiz.openQuestion(view.session.id, 'u-1', { index: 0 }).current.index).toBe(0);
    await expectUserError(() => quiz.openQuestion(view.session.id, 'intruder', { index: 0 }), 'not-owner');
    await expectUserError(() => quiz.openQuestion(view.session.id, 'u-1', { id: second!.questionId }), 'stale-question');
    await expectUserError(() => quiz.openQuestion(view.session.id, 'u-1', { index: 7 }), 'stale-question');
    await quiz.submitAnswer({ sessionId: view.session.id, questionId: first!.questionId, userId: 'u-1', answer: 'A' });
    await expectUserError(() => quiz.openQuestion(view.session.id, 'u-1', { index: 0 }), 'already-answered');
    quiz.end(view.session.id, 'u-1');
    await expectUserError(() => quiz.authorize(view.session.id, 'u-1'), 'session-finished');
    await expectUserError(() => quiz.openQuestion(view.session.id, 'u-1', { index: 1 }), 'session-finished');
    await expectUserError(() => quiz.authorize('no-such-session', 'u-1'), 'session-not-found');
  });

  it('finds the active quiz of a thread, and with an owner given only that owner’s', async () => {
    const { quiz } = await openApp();
    const view = startChoiceQuiz(quiz);
    quiz.attachThread(view.session.id, 'thread-1');
    expect(quiz.findActiveByThread('thread-1')?.id).toBe(view.session.id);
    expect(quiz.findActiveByThread('thread-1', 'u-1')?.id).toBe(view.session.id);
    expect(quiz.findActiveByThread('thread-1', 'someone-else')).toBeNull();
  });

  it('finishes after the last question and sums the points by type with what to review', async () => {
    let now = new Date('2026-11-01T10:00:00Z');
    const { quiz } = await openApp(() => now);
    const view = startChoiceQuiz(quiz, 'u-1', 2);
    const [first, second] = view.session.questions;
    const firstQuestion = view.current!.question;
    if (firstQuestion.type !== 'choice') throw new Error('expected a choice question');
    await quiz.submitAnswer({ sessionId: view.session.id, questionId: first!.questionId, userId: 'u-1', answer: firstQuestion.answer });
    now = new Date('2026-11-01T10:01:00Z');
    expect(quiz.next(view.session.id, 'u-1').current?.question.id).toBe(second!.questionId);
    await quiz.submitAnswer({ sessionId: view.session.id, questionId: second!.questionId, userId: 'u-1', answer: 'A' });
    now = new Date('2026-11-01T10:02:30Z');
    const finished = quiz.next(view.session.id, 'u-1');
    expect(finished.current).toBeNull();
    expect(finished.session.status).toBe('finished');

    const summary = quiz.summary(view.session.id);
    expect(summary.answered).toBe(2);
    expect(summary.score).toBe(2);
    expect(summary.maxScore).toBe(4);
    expect(summary.byType.choice).toEqual({ answered: 2, correct: 1, score: 2, maxScore: 4 });
    expect(summary.durationMs).toBe(150_000);
    expect(summary.toReview.map((item) => item.questionId)).toEqual([second!.questionId]);
    await expectUserError(() => quiz.submitAnswer({ sessionId: view.session.id, questionId: second!.questionId, userId: 'u-1', answer: 'B' }), 'session-finished');
  });

  it('grades a short answer with the labelled fallback when no LLM is configured and keeps it pending for regrading', async () => {
    const { quiz, store } = await openApp();
    const view = quiz.start({ userId: 'u-2', displayName: 'Lin', bankId: SEED, type: 'short', count: 3 });
    const question = view.current!.question;
    const outcome = await quiz.submitAnswer({
      sessionId: view.session.id,
      questionId: question.id,
      userId: 'u-2',
      answer: '剪枝移除不重要的权重或通道，减少参数量；量化把FP32降到INT8，降低精度，需要校准，依赖硬件支持。结构化剪枝可以直接加速，非结构化剪枝需要稀疏硬件，通常要微调。',
    });
    expect(outcome.status).toBe('graded');
    if (outcome.status !== 'graded') return;
    expect(outcome.gradedBy).toBe('fallback');
    expect(outcome.feedback?.provisional).toBe(true);
    expect(outcome.score).toBeGreaterThan(0);
    expect(outcome.score).toBeLessThanOrEqual(outcome.maxScore);
    const [stored] = store.attemptsForSession(view.session.id);
    expect(stored?.status).toBe('pending');
    expect(stored?.gradedBy).toBe('fallback');
    expect(store.listPendingAttempts(10).map((attempt) => attempt.id)).toContain(outcome.attemptId);
  });

  it('stores one attempt when the same short answer is submitted twice at once', async () => {
    const { quiz, store } = await openApp();
    const view = quiz.start({ userId: 'u-3', displayName: 'Kim', bankId: SEED, type: 'essay', count: 1 });
    const input = { sessionId: view.session.id, questionId: 'essay-1', userId: 'u-3', answer: '量化、剪枝和知识蒸馏都能加速推理。' };
    const results = await Promise.allSettled([quiz.submitAnswer(input), quiz.submitAnswer(input)]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(store.attemptsForSession(view.session.id)).toHaveLength(1);
  });

  it('keeps follow-ups per question, withholding the answer before the learner has answered', async () => {
    const { quiz, store } = await openApp();
    const view = startChoiceQuiz(quiz, 'u-4', 1);
    const question = view.current!.question;
    const analysisOpening = question.analysis.slice(0, 12);
    const before = await quiz.ask({ sessionId: view.session.id, userId: 'u-4', message: '能给个提示吗？' });
    expect(before.text.length).toBeGreaterThan(0);
    expect(before.text).not.toContain(analysisOpening);
    await quiz.submitAnswer({ sessionId: view.session.id, questionId: question.id, userId: 'u-4', answer: 'A' });
    const after = await quiz.ask({ sessionId: view.session.id, userId: 'u-4', message: '为什么？' });
    expect(after.text).toContain(analysisOpening);
    const history = store.recentFollowUps(view.session.id, question.id, 10);
    expect(history.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(history[2]?.content).toBe('为什么？');
  });

  it('continues a session after a restart from the same database file', async () => {
    const first = await openApp();
    const view = startChoiceQuiz(first.quiz, 'u-5', 3);
    await first.quiz.submitAnswer({ sessionId: view.session.id, questionId: view.current!.question.id, userId: 'u-5', answer: 'C' });
    first.quiz.next(view.session.id, 'u-5');
    first.close();

    const second = await openApp();
    const resumed = second.quiz.view(view.session.id);
    expect(resumed.session.position).toBe(1);
    expect(resumed.current?.question.id).toBe(view.session.questions[1]!.questionId);
    expect(second.quiz.summary(view.session.id).answered).toBe(1);
  });

  it('brings missed questions back in a review quiz, and says so when nothing is due', async () => {
    const { quiz } = await openApp();
    await expectUserError(() => quiz.start({ userId: 'u-6', displayName: 'Mo', mode: 'review' }), 'no-questions');
    const view = startChoiceQuiz(quiz, 'u-6', 2);
    await quiz.submitAnswer({ sessionId: view.session.id, questionId: view.current!.question.id, userId: 'u-6', answer: 'A' });
    quiz.end(view.session.id, 'u-6');
    const review = quiz.start({ userId: 'u-6', displayName: 'Mo', mode: 'review' });
    expect(review.session.mode).toBe('review');
    expect(review.session.questions.map((ref) => ref.questionId)).toContain(view.current!.question.id);
  });

  it('explains an unknown bank or an empty filter as expected errors', async () => {
    const { quiz } = await openApp();
    await expectUserError(() => quiz.start({ userId: 'u-7', displayName: 'Jo', bankId: 'nope' }), 'bank-not-found');
    await expectUserError(() => quiz.start({ userId: 'u-7', displayName: 'Jo', bankId: SEED, topic: 'no such topic' }), 'no-questions');
  });
});
