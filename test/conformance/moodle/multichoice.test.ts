import { describe, expect, it } from 'vitest';
import { describeExpectedAnswer } from '../../../src/grading/expected.ts';
import { fractionFor, importOne } from './support.ts';

/**
 * moodle/moodle question/type/multichoice/tests/question_test.php: the grading cases, on the test
 * questions of question/engine/tests/helpers.php restated as Moodle XML (fixtures/grading/), imported
 * and graded through `gradeAnswer`. Moodle's response `answer => 0` is the first option, A.
 */
describe('Moodle qtype_multichoice question_test', () => {
  it('qtype_multichoice_single_question_test::test_grading — A is right; deliberate difference: B and C score 0, not -0.3333333, because a score never goes below 0', async () => {
    const { question } = await importOne('grading/multichoice-single.xml');
    expect(question).toMatchObject({ type: 'choice', answer: 'A', options: [{ fraction: 1 }, { fraction: -0.3333333 }, { fraction: -0.3333333 }] });
    expect([fractionFor(question, 'A'), fractionFor(question, 'B'), fractionFor(question, 'C')]).toEqual([1, 0, 0]);
  });

  it('qtype_multichoice_single_question_test::test_grading_rounding_three_right — three thirds (0.3333333 each) make full marks', async () => {
    const { question } = await importOne('grading/multichoice-odd-numbers.xml');
    const result = fractionFor(question, 'ACE');
    expect(result).toBe(1);
  });

  it('qtype_multichoice_single_question_test::test_get_correct_response — the expected answer is A', async () => {
    const { question } = await importOne('grading/multichoice-single.xml');
    expect(describeExpectedAnswer(question)).toBe('A');
  });

  it('qtype_multichoice_multi_question_test::test_grading — A and C right, A alone half, A B C and B alone nothing', async () => {
    const { question } = await importOne('grading/multichoice-multi.xml');
    expect([fractionFor(question, 'A, C'), fractionFor(question, 'A'), fractionFor(question, 'A B C'), fractionFor(question, 'B')]).toEqual([1, 0.5, 0, 0]);
  });

  it('qtype_multichoice_multi_question_test::test_get_correct_response — the expected answer is A and C', async () => {
    const { question } = await importOne('grading/multichoice-multi.xml');
    expect(describeExpectedAnswer(question)).toBe('AC');
  });
});
