import { describe, expect, it } from 'vitest';
import type { Question } from '../../src/bank/schema.ts';
import { gradeAnswer } from '../../src/grading/grade.ts';
import { analyseResponses, type StoredResponse } from '../../src/progress/response-analysis.ts';
import { englishChoice, examMulti, englishTrueFalse, oneBlank, absoluteNumeric, shortQuestion, pruningBlanks } from '../grading/fixtures.ts';

/** What the quiz flow stores for one typed answer: the real grader's canonical form and score. */
function stored(question: Question, userId: string, rawAnswer: string): StoredResponse {
  const result = gradeAnswer(question, rawAnswer);
  if (result.status !== 'graded') throw new Error(`fixture answer "${rawAnswer}" is ${result.status}`);
  return {
    questionId: question.id,
    questionType: question.type,
    userId,
    rawAnswer,
    normalizedAnswer: result.normalizedAnswer,
    score: result.score,
    maxScore: result.maxScore,
  };
}

describe('analyseResponses', () => {
  it('lists each distinct choice answer with its count and verdict, the most frequent wrong answer first', () => {
    const rows = [
      stored(englishChoice, 'u1', 'B'),
      stored(englishChoice, 'u2', 'b'),
      stored(englishChoice, 'u3', 'A'),
      stored(englishChoice, 'u4', 'C'),
      stored(englishChoice, 'u5', 'c'),
      stored(englishChoice, 'u5', 'C'),
    ];
    const [question] = analyseResponses(rows);
    expect(question!.attempts).toBe(6);
    expect(question!.responses.map((row) => [row.answer, row.count, row.learners, row.verdict])).toEqual([
      ['C', 3, 2, 'wrong'],
      ['A', 1, 1, 'wrong'],
      ['B', 2, 2, 'correct'],
    ]);
  });

  it('groups blank answers the way the grader compares them, showing the commonest spelling', () => {
    // `Soft logits` is what a missing accepted variant looks like: three spellings, one answer to the grader.
    const rows = [
      stored(oneBlank, 'u1', 'soft labels'),
      stored(oneBlank, 'u2', 'Soft logits'),
      stored(oneBlank, 'u3', 'soft logits.'),
      stored(oneBlank, 'u4', 'SOFT LOGITS'),
      stored(oneBlank, 'u5', 'hard labels'),
    ];
    const [question] = analyseResponses(rows);
    expect(question!.responses).toEqual([
      { answer: 'Soft logits', exampleRaw: 'Soft logits', count: 3, learners: 3, verdict: 'wrong', meanFraction: 0 },
      { answer: 'hard labels', exampleRaw: 'hard labels', count: 1, learners: 1, verdict: 'wrong', meanFraction: 0 },
      { answer: 'soft labels', exampleRaw: 'soft labels', count: 1, learners: 1, verdict: 'correct', meanFraction: 1 },
    ]);
  });

  it('compares a several-blank answer blank by blank and marks a half-right one partial', () => {
    const rows = [
      stored(pruningBlanks, 'u1', '权重剪枝; 结构化剪枝; 延迟'),
      stored(pruningBlanks, 'u2', '权重剪枝;结构化剪枝;吞吐量'),
      stored(pruningBlanks, 'u3', '权重剪枝 | 结构化剪枝 | 吞吐量'),
    ];
    const [question] = analyseResponses(rows);
    expect(question!.responses.map((row) => [row.answer, row.count, row.verdict])).toEqual([
      ['权重剪枝 | 结构化剪枝 | 吞吐量', 2, 'partial'],
      ['权重剪枝 | 结构化剪枝 | 延迟', 1, 'correct'],
    ]);
    expect(question!.responses[0]!.meanFraction).toBeCloseTo(2 / 3, 10);
  });

  it('shows multi, true/false and numeric answers in the grader’s canonical form', () => {
    const rows = [
      stored(examMulti, 'u1', 'A, B, D'),
      stored(examMulti, 'u2', 'dba'),
      stored(examMulti, 'u3', 'A C'),
      stored(englishTrueFalse, 'u1', 'True'),
      stored(englishTrueFalse, 'u2', 'yes'),
      stored(absoluteNumeric, 'u1', '1,200'),
      stored(absoluteNumeric, 'u2', '1200.0'),
    ];
    const analysis = analyseResponses(rows);
    expect(analysis.map((question) => [question.questionType, question.responses.map((row) => [row.answer, row.count])])).toEqual([
      ['multi', [['AC', 1], ['ABD', 2]]],
      ['truefalse', [[rows[3]!.normalizedAnswer, 2]]],
      ['numeric', [[rows[5]!.normalizedAnswer, 2]]],
    ]);
  });

  it('calls an answer partial when the key changed between attempts, with the mean fraction telling why', () => {
    const right = stored(englishChoice, 'u1', 'A');
    const rows = [{ ...right, score: 1 }, { ...right, userId: 'u2', score: 0 }];
    const [question] = analyseResponses(rows);
    expect(question!.responses).toMatchObject([{ answer: 'A', count: 2, verdict: 'partial', meanFraction: 0.5 }]);
  });

  it('leaves free-text questions out: their answers are not comparable as strings', () => {
    const essay: StoredResponse = {
      questionId: shortQuestion.id,
      questionType: 'short',
      userId: 'u1',
      rawAnswer: 'It removes weights',
      normalizedAnswer: 'It removes weights',
      score: 1,
      maxScore: 2,
    };
    expect(analyseResponses([essay, stored(englishChoice, 'u1', 'B')]).map((question) => question.questionId)).toEqual([englishChoice.id]);
  });
});
