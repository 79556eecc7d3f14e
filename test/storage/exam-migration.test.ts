import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/database.ts';
import { SqliteExamRepository } from '../../src/storage/exam-repository.ts';
import { migrations } from '../../src/storage/migrations/index.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import type { StoredExam } from '../../src/exam/ports.ts';
import { makeAttempt, useTempDatabases } from './fixtures.ts';

function exam(overrides: Partial<StoredExam> = {}): StoredExam {
  return {
    id: 'exam-1',
    userId: 'u-1',
    guildId: null,
    channelId: null,
    threadId: null,
    bankId: 'bank',
    paperId: 'paper',
    title: 'Paper',
    locale: null,
    sections: [{ title: 'One', points: 4 }],
    questions: [
      { bankId: 'bank', questionId: 'q1', sectionIndex: 0, points: 2 },
      { bankId: 'bank', questionId: 'q2', sectionIndex: 0, points: 2 },
    ],
    totalPoints: 4,
    timeLimitMinutes: 10,
    status: 'ready',
    position: 0,
    createdAt: new Date(1_000),
    startedAt: null,
    deadline: null,
    submittedAt: null,
    submittedBy: null,
    score: null,
    ...overrides,
  };
}

describe('migration 006 (exams)', () => {
  const temp = useTempDatabases();

  it('upgrades a database of the previous build in place, keeping its attempts', () => {
    const file = path.join(temp.dir(), 'tutor.sqlite');
    const before = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 5) });
    new SqliteProgressStore(before).recordAttempt(makeAttempt({ score: 1, maxScore: 2 }));
    before.close();
    const db = openDatabase(file);
    temp.track(db);
    expect(db.prepare('SELECT score FROM attempts').pluck().all()).toEqual([1]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'exam%' ORDER BY name").pluck().all()).toEqual(['exam_answers', 'exams']);
  });

  it('stores answers only while the exam runs, one open exam per learner, and one submission', () => {
    const db = openDatabase(path.join(temp.dir(), 'tutor.sqlite'));
    temp.track(db);
    const store = new SqliteProgressStore(db);
    const repository = new SqliteExamRepository(db, store);
    expect(repository.create(exam())).toBe(true);
    expect(repository.create(exam({ id: 'exam-2' }))).toBe(false);
    expect(repository.saveAnswer('exam-1', 'u-1', 0, 'A', new Date(2_000))).toBe(false);
    expect(repository.start('exam-1', new Date(2_000), new Date(602_000))).toBe(true);
    expect(repository.start('exam-1', new Date(3_000), new Date(603_000))).toBe(false);
    expect(repository.create(exam({ id: 'exam-2' }))).toBe(false);
    expect(repository.saveAnswer('exam-1', 'u-1', 1, ['x', 'y'], new Date(4_000))).toBe(true);
    expect(repository.setFlag('exam-1', 'u-1', 1, true, new Date(5_000))).toBe(true);
    expect(repository.answers('exam-1')).toEqual([{ position: 1, answer: ['x', 'y'], flagged: true, updatedAt: new Date(5_000), attemptId: null }]);
    expect(repository.nextDeadline()).toEqual(new Date(602_000));
    expect(repository.overdue(new Date(601_999))).toEqual([]);
    expect(repository.overdue(new Date(602_000)).map((row) => row.id)).toEqual(['exam-1']);
    expect(repository.markSubmitted('exam-1', new Date(602_000), 'deadline')).toBe(true);
    expect(repository.markSubmitted('exam-1', new Date(602_001), 'learner')).toBe(false);
    expect(repository.saveAnswer('exam-1', 'u-1', 0, 'B', new Date(602_001))).toBe(false);
    const attempt = repository.recordAttempt('exam-1', 1, { ...makeAttempt({ userId: 'u-1', questionId: 'q2', score: 1, maxScore: 2 }), sessionId: null });
    expect(repository.attempts('exam-1').get(1)?.id).toBe(attempt.id);
    expect(() => repository.markGraded('exam-1', 5)).toThrow(/CHECK/);
    repository.markGraded('exam-1', 1);
    expect(repository.get('exam-1')).toMatchObject({ status: 'graded', score: 1, submittedBy: 'deadline' });
    expect(repository.create(exam({ id: 'exam-2' }))).toBe(true);
  });
});
