import { describe, expect, it } from 'vitest';
import { SHUTTING_DOWN_MESSAGE, trackInFlight } from '../src/in-flight.ts';
import type { AnswerOutcome, QuizService } from '../src/quiz/types.ts';
import type { FollowUpReply } from '../src/tutor/types.ts';

/** A quiz service whose slow calls finish when the test says so, recording what completed. */
function createControlledQuiz() {
  const finished: string[] = [];
  const release: Array<() => void> = [];
  const slow = <T>(label: string, value: T) =>
    new Promise<T>((resolve) => {
      release.push(() => {
        finished.push(label);
        resolve(value);
      });
    });
  const quiz = {
    submitAnswer: (input: { questionId: string }) => slow(`answer ${input.questionId}`, { status: 'graded' } as unknown as AnswerOutcome),
    ask: (input: { message: string }) => slow(`ask ${input.message}`, { text: 'reply', gradedBy: 'fallback' } as FollowUpReply),
    summary: (sessionId: string) => ({ sessionId }),
  } as unknown as QuizService;
  return { quiz, finished, releaseAll: () => release.splice(0).forEach((fn) => fn()) };
}

describe('trackInFlight', () => {
  it('waits for running answers and questions before draining completes', async () => {
    const controlled = createControlledQuiz();
    const tracker = trackInFlight(controlled.quiz);
    const answer = tracker.quiz.submitAnswer({ sessionId: 's', questionId: 'q1', userId: 'u', answer: 'A' });
    const ask = tracker.quiz.ask({ sessionId: 's', userId: 'u', message: 'why?' });
    expect(tracker.count()).toBe(2);

    let drained = false;
    const drain = tracker.drain().then(() => {
      drained = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(drained).toBe(false);

    controlled.releaseAll();
    await drain;
    expect(drained).toBe(true);
    expect(controlled.finished).toEqual(['answer q1', 'ask why?']);
    await expect(answer).resolves.toMatchObject({ status: 'graded' });
    await expect(ask).resolves.toMatchObject({ text: 'reply' });
    expect(tracker.count()).toBe(0);
  });

  it('refuses new answers once draining has begun, in plain words, and still serves reads', async () => {
    const controlled = createControlledQuiz();
    const tracker = trackInFlight(controlled.quiz);
    await tracker.drain();
    await expect(tracker.quiz.submitAnswer({ sessionId: 's', questionId: 'q2', userId: 'u', answer: 'B' })).rejects.toMatchObject({
      code: 'shutting-down',
      message: SHUTTING_DOWN_MESSAGE,
    });
    expect(controlled.finished).toEqual([]);
    expect(tracker.quiz.summary('s')).toEqual({ sessionId: 's' });
  });

  it('counts a call that fails as finished', async () => {
    const failing = { submitAnswer: () => Promise.reject(new Error('database is locked')) } as unknown as QuizService;
    const tracker = trackInFlight(failing);
    await expect(tracker.quiz.submitAnswer({ sessionId: 's', questionId: 'q', userId: 'u', answer: 'A' })).rejects.toThrow('database is locked');
    expect(tracker.count()).toBe(0);
    await tracker.drain();
  });
});
