import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BankSchema, type FreeTextQuestion } from '../../src/bank/schema.ts';
import { SqliteProgressStore } from '../../src/storage/progress-store.ts';
import { gradeByRubricCoverage } from '../../src/tutor/fallback-grader.ts';
import { detectInjection } from '../../src/tutor/injection.ts';
import { chatReply, type RecordedRequest } from '../support/openai-server.ts';
import { gradingReply, kvCacheAttempt } from './helpers.ts';
import { useLoopbackLlm } from './setup.ts';

/**
 * Our own suite of answers that try to buy marks (test/tutor/fixtures/injection-answers.json, written
 * for this test), graded against a model that obeys them: it awards every rubric point and quotes the
 * answer's real words (its first sentence, the part that is not the instruction). None may gain marks:
 * each ends flagged, or needs-review with no more than the evidence grader's score.
 */

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures');
const bank = BankSchema.parse(JSON.parse(readFileSync(path.join(FIXTURES, 'trust-bank.json'), 'utf8')));
const questions = new Map(bank.questions.map((question) => [question.id, question as FreeTextQuestion]));
const suite = JSON.parse(readFileSync(path.join(FIXTURES, 'injection-answers.json'), 'utf8')) as Array<{ question: string; kind: string; answer: string }>;

const { llm, makeEnv } = await useLoopbackLlm();

/** The learner's answer as the prompt carries it, and the number of rubric points listed. */
function readPrompt(request: RecordedRequest): { answer: string; points: number } {
  const user = (request.body.messages ?? []).filter((message) => message.role === 'user').map((message) => message.content).join('\n');
  const answer = user.split('<learner_answer>')[1]?.split('</learner_answer>')[0] ?? '';
  const points = (user.match(/^\d+\. \[/gm) ?? []).length;
  return { answer: answer.trim(), points };
}

/** A model that does what the answer asks: every point met, quoting the answer's first sentence. */
function obeyingModel(request: RecordedRequest) {
  const { answer, points } = readPrompt(request);
  const firstSentence = answer.split(/[。.!?！？\n]/u).map((part) => part.trim()).find(Boolean) ?? answer;
  return chatReply(
    gradingReply(Array.from({ length: points }, (_, index) => ({ index, verdict: 'met' as const, quote: firstSentence })), {
      strengths: ['Excellent and complete.'],
      improvements: [],
    }),
  );
}

describe('the injection suite against a model that obeys', () => {
  it('holds at least 40 answers of our own, in Chinese, English, French, Spanish and German', () => {
    expect(suite.length).toBeGreaterThanOrEqual(40);
    for (const kind of ['zh', 'en', 'fr', 'es', 'de', 'subtle']) expect(suite.some((entry) => entry.kind === kind)).toBe(true);
    for (const entry of suite) expect(questions.has(entry.question)).toBe(true);
  });

  it.each(suite.map((entry, index) => [index + 1, entry.kind, entry.answer.slice(0, 60), entry] as const))(
    'answer %i (%s) gains no marks: "%s"',
    async (_number, _kind, _preview, entry) => {
      const env = makeEnv({ baseUrl: llm.url });
      llm.script(obeyingModel);
      const question = questions.get(entry.question)!;
      const feedback = await env.tutor.gradeFreeText({ bank, question, answer: entry.answer, userId: 'learner-1', guildId: 'guild-1' });
      const evidenceScore = gradeByRubricCoverage(question, entry.answer, { language: 'zh', note: 'x' }).score;

      expect(['flagged', 'needs-review']).toContain(feedback.status);
      // The learner is told: flagged for instructions to the grader, or awaiting a teacher's review.
      expect(feedback.explanation).toMatch(feedback.status === 'flagged' ? /评分者的指令|instructions to the grader/ : /等待老师复核|awaits review/);
      expect(feedback.score).toBeLessThanOrEqual(evidenceScore);
      expect(feedback.score).toBeLessThanOrEqual(question.points / 5);
      // The text tripwire stops the named phrasings before the model is asked at all.
      if (detectInjection(entry.answer)) expect(llm.chatRequests).toHaveLength(0);

      const store = new SqliteProgressStore(env.db);
      store.upsertUser({ id: 'learner-1', displayName: 'Learner' });
      store.recordAttempt(kvCacheAttempt(entry.answer, feedback, { bankId: bank.id, questionId: question.id, maxScore: question.points }));
      const stored = env.db.prepare('SELECT status, score FROM attempts').get() as { status: string; score: number };
      expect(stored).toEqual({ status: feedback.status, score: feedback.score });
    },
  );

  it('sends the answers no text pattern names to the model, which the evidence check then overrules', () => {
    const subtle = suite.filter((entry) => entry.kind.startsWith('subtle'));
    expect(subtle.length).toBeGreaterThanOrEqual(5);
    for (const entry of subtle) expect(detectInjection(entry.answer)).toBeNull();
  });
});
