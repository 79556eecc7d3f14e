import { describe, expect, it } from 'vitest';
import { importFixture } from './support.ts';

/** moodle/moodle question/format/aiken/tests/aikenformat_test.php on a restatement of fixtures/aiken_errors.txt. */
describe('Moodle aikenformat_test', () => {
  it('aikenformat_test::test_readquestions — three good questions (A)text without a space included), every broken one reported with its lines; deliberate difference: < > & stay plain text, not &lt; &gt; &amp;, because we store no HTML', async () => {
    const outcome = await importFixture('aiken/aiken_errors.txt');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.bank.questions.map((question) => (question.type === 'choice' ? [question.stem, question.options.map((option) => option.text), question.answer] : []))).toEqual([
      ['A good question', ['Correct', 'Incorrect'], 'A'],
      ['A second good question', ['Incorrect (No space)', 'Correct (No space)'], 'B'],
      ['A third good question with HTML chars such as > < &', ['Correct (< > &)', 'Incorrect (< > &)'], 'A'],
    ]);
    // Moodle: "Question must have at least 2 answers on line 3", "Question not started on line 5" and
    // "on line 7", "Question not completed before next question start on line 18".
    expect(outcome.report.skipped.map(({ fromLine, toLine, detail }) => [fromLine, toLine, detail])).toEqual([
      [1, 3, 'a question needs at least two options, found 1'],
      [5, 5, 'option without a question before it'],
      [7, 7, 'ANSWER line without a question before it'],
      [14, 16, 'no ANSWER line before the next question'],
    ]);
  });
});
