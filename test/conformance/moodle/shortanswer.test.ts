import { describe, expect, it } from 'vitest';
import type { Question } from '../../../src/bank/schema.ts';
import { describeExpectedAnswer } from '../../../src/grading/expected.ts';
import { gradeAnswer } from '../../../src/grading/grade.ts';
import { fractionFor, importOne, loadBankFixture, questionById } from './support.ts';

/**
 * moodle/moodle question/type/shortanswer/tests/question_test.php. compare_string_with_wildcard's
 * patterns are the `accept` entries of fixtures/grading/shortanswer-wildcards.json; the graded
 * questions are the helper's frog/toad and escaped-wildcard questions restated as Moodle XML.
 */
const wildcards = loadBankFixture('grading/shortanswer-wildcards.json');
const matches = (id: string, answer: string): boolean => {
  const result = gradeAnswer(questionById(wildcards, id) as Question, answer);
  return result.status === 'graded' && result.correct;
};

describe('Moodle qtype_shortanswer question_test', () => {
  it.each([
    ['Frog', 'frog', true],
    ['   Frog   ', 'frog', true],
    ['Frogs', 'frog', false],
    ['   FROG   ', 'frog', true],
    ['Frog', 'f-star-og', true],
    ['Fog', 'f-star-og', true],
    ['   Fat dog   ', 'f-star-og', true],
    ['Frogs', 'f-star-og', false],
    ['Fg', 'f-star-og', false],
  ])('question_test::test_compare_string_with_wildcard (literal and wildcard matches) — %j against %s: %s', (answer, id, expected) => {
    expect(matches(id, answer)).toBe(expected);
  });

  it.each([
    ['frog', 'frog'],
    ['frog', 'f-star-og'],
    ['   fat dog   ', 'f-star-og'],
  ])('question_test::test_compare_string_with_wildcard (case-sensitive rows) — deliberate difference: %j matches %s, because we always ignore case (a usecase question is reported at import)', (answer, id) => {
    expect(matches(id, answer)).toBe(true);
  });

  it.each([
    ['   *   ', 'escaped-star', true],
    ['*', 'escaped-star', true],
    ['anything', 'escaped-star', false],
    ['Frog*toad', 'frog-escaped-star-toad', true],
    ['Frog\\zzztoad', 'frog-escaped-star-toad', false],
    ['a', 'brackets', false],
    ['[a-z]', 'brackets', true],
    ['\\{}/', 'backslash-braces', true],
  ])('question_test::test_compare_string_with_wildcard (regexp special characters) — %j against %s: %s', (answer, id, expected) => {
    expect(matches(id, answer)).toBe(expected);
  });

  it.each([
    ['ITÁLIE', 'italie'],
    ['départ', 'depart-upper'],
    ['d\u00e9part', 'depart-decomposed'],
    ['D\u0045\u0301PART', 'depart-decomposed'],
  ])('question_test::test_compare_string_with_wildcard (Unicode) — %j matches %s whatever the case and the composition', (answer, id) => {
    expect(matches(id, answer)).toBe(true);
  });

  it.each(['zero', 'zero-star', 'star-zero', 'star-zero-star'])('question_test::test_compare_0_with_wildcard — "0" matches %s', (id) => {
    expect(matches(id, '0')).toBe(true);
  });

  it('question_test::test_compare_string_with_wildcard_many_stars — <em></em> matches 35 stars, <em>, 35 stars, </em>', () => {
    expect(matches('many-stars', '<em></em>')).toBe(true);
  });

  it('question_test::test_grading — x wrong, frog right, toad 0.8', async () => {
    const { question } = await importOne('grading/shortanswer-frogtoad.xml');
    expect([fractionFor(question, 'x'), fractionFor(question, 'frog'), fractionFor(question, 'toad')]).toEqual([0, 1, 0.8]);
  });

  it('question_test::test_is_complete_response — an empty answer is not gradable (asked again), "0" and "x" are', async () => {
    const { question } = await importOne('grading/shortanswer-frogtoad.xml');
    expect(gradeAnswer(question, '')).toMatchObject({ status: 'invalid', reason: { code: 'empty' } });
    expect(gradeAnswer(question, '0').status).toBe('graded');
    expect(gradeAnswer(question, 'x').status).toBe('graded');
  });

  it('question_test::test_get_correct_response — frog', async () => {
    const { question } = await importOne('grading/shortanswer-frogtoad.xml');
    expect(describeExpectedAnswer(question)).toBe('frog');
  });

  it('question_test::test_get_correct_response_escapedwildcards — x*y, and only x*y is right', async () => {
    const { question } = await importOne('grading/shortanswer-escapedwildcards.xml');
    expect(describeExpectedAnswer(question)).toBe('x*y');
    expect([fractionFor(question, 'x*y'), fractionFor(question, 'x\\zzzy'), fractionFor(question, 'xy')]).toEqual([1, 0, 0]);
  });
});
