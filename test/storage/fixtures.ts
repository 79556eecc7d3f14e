import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { QuestionType } from '../../src/bank/schema.ts';
import type { Db } from '../../src/storage/database.ts';
import type { NewAttempt } from '../../src/progress/ports.ts';
import type { FreeTextFeedback, RubricPointVerdict } from '../../src/tutor/types.ts';
import { llmCallOfFeedback } from '../../src/tutor/tutor.ts';
import type { QuizSession } from '../../src/quiz/types.ts';

/** A fresh temp folder; the caller removes it in afterEach. */
export function makeTempDir(prefix = 'study-tutor-storage-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * A temp folder for each test of the calling suite, and the databases a test opens there: after each
 * test they are closed (those still open) and the folder removed.
 */
export function useTempDatabases(): { dir: () => string; track: (db: Db) => Db } {
  let dir = '';
  const open: Db[] = [];
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
    removeDir(dir);
  });
  return {
    dir: () => dir,
    track: (db) => {
      open.push(db);
      return db;
    },
  };
}

/** An objective attempt graded by rule; override any field. */
export function makeAttempt(overrides: Partial<NewAttempt> & { score?: number; maxScore?: number } = {}): NewAttempt {
  const score = overrides.score ?? 1;
  const maxScore = overrides.maxScore ?? 1;
  const questionType: QuestionType = overrides.questionType ?? 'choice';
  return {
    sessionId: null,
    userId: 'u1',
    guildId: 'g1',
    bankId: 'bank-a',
    questionId: 'q1',
    questionType,
    topic: null,
    rawAnswer: 'A',
    normalizedAnswer: 'A',
    gradedBy: 'rule',
    status: 'graded',
    grade: {
      status: 'graded',
      questionType,
      score,
      maxScore,
      correct: score >= maxScore,
      parts: [{ part: 'A', verdict: score >= maxScore ? 'correct' : 'wrong', given: 'A', expected: 'B', score, maxScore }],
      normalizedAnswer: 'A',
      expected: 'B',
    },
    feedback: null,
    createdAt: new Date('2026-03-10T12:00:00Z'),
    ...overrides,
    score,
    maxScore,
  };
}

/** LLM feedback with the given verdict per rubric point (each point worth 1). */
export function makeFeedback(verdicts: Array<RubricPointVerdict['verdict']>, overrides: Partial<FreeTextFeedback> = {}): FreeTextFeedback {
  const rubric: RubricPointVerdict[] = verdicts.map((verdict, index) => ({
    index,
    point: `Point ${index + 1}`,
    verdict,
    evidence: verdict === 'missed' ? '' : 'quote',
    score: verdict === 'met' ? 1 : verdict === 'partial' ? 0.5 : 0,
    maxScore: 1,
  }));
  const score = rubric.reduce((sum, point) => sum + point.score, 0);
  return {
    gradedBy: 'llm',
    status: 'graded',
    provisional: false,
    score,
    maxScore: rubric.length,
    rubric,
    strengths: [],
    improvements: [],
    explanation: 'Because.',
    promptVersion: 'grade-v1',
    model: 'test-model',
    usage: { inputTokens: 100, outputTokens: 50 },
    latencyMs: 120,
    ...overrides,
  };
}

/** A free-text attempt whose score comes from the feedback's rubric. */
export function makeFreeTextAttempt(verdicts: Array<RubricPointVerdict['verdict']>, overrides: Partial<NewAttempt> = {}): NewAttempt {
  const feedback = overrides.feedback ?? makeFeedback(verdicts);
  const questionType = overrides.questionType ?? 'short';
  return makeAttempt({
    questionType,
    gradedBy: feedback.gradedBy,
    rawAnswer: 'My answer',
    normalizedAnswer: 'my answer',
    grade: { status: 'needs-feedback', questionType, score: 0, maxScore: feedback.maxScore, normalizedAnswer: 'my answer' },
    feedback,
    ...llmCallOfFeedback(feedback),
    ...overrides,
    score: feedback.score,
    maxScore: feedback.maxScore,
  });
}

export function makeSession(overrides: Partial<QuizSession> = {}): QuizSession {
  return {
    id: 's1',
    ownerId: 'u1',
    guildId: 'g1',
    channelId: 'c1',
    threadId: null,
    bankId: 'bank-a',
    mode: 'quiz',
    locale: 'en-US',
    questions: [
      { bankId: 'bank-a', questionId: 'q1' },
      { bankId: 'bank-a', questionId: 'q2' },
    ],
    position: 0,
    status: 'active',
    startedAt: new Date('2026-03-10T11:59:00Z'),
    endedAt: null,
    ...overrides,
  };
}
