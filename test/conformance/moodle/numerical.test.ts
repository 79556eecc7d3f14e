import { describe, expect, it } from 'vitest';
import type { NumericQuestion } from '../../../src/bank/schema.ts';
import { describeExpectedAnswer } from '../../../src/grading/expected.ts';
import { gradeAnswer } from '../../../src/grading/grade.ts';
import { readNumberWithUnit } from '../../../src/grading/numeric.ts';
import { fractionFor, importOne, loadBankFixture, questionById } from './support.ts';

/**
 * moodle/moodle question/type/numerical/tests/: answer_test.php (tolerances) on the questions of
 * fixtures/grading/numerical-answers.json; question_test.php (grading with units) on the helper's
 * pi, unit and currency questions restated as Moodle XML and imported; answerprocessor_test.php
 * (reading a number and its unit) through `readNumberWithUnit`.
 */
const answers = loadBankFixture('grading/numerical-answers.json');
const within = (id: string, value: number): boolean => {
  const result = gradeAnswer(questionById(answers, id), String(value));
  return result.status === 'graded' && result.correct;
};

describe('Moodle qtype_numerical answer_test', () => {
  it('answer_test::test_within_tolerance_nominal — 7 ± 1 accepts 6 to 8 and nothing outside', () => {
    expect([5.99, 6, 7, 8, 8.01].map((value) => within('nominal', value))).toEqual([false, true, true, true, false]);
  });

  it('answer_test::test_within_tolerance_nominal_zero — the float slack scales with the answer: 1e-20 exactly is not 0.9999999e-20, and 0 ± 1e-24 is not ±1e-20', () => {
    expect([0.9999999e-20, 1e-20, 1.0000001e-20, 0, 1e-10].map((value) => within('nominal-zero-tolerance', value))).toEqual([false, true, false, false, false]);
    expect([-2e-24, -1e-24, 0, 1e-24, 2e-24].map((value) => within('nominal-zero-answer', value))).toEqual([false, true, true, true, false]);
    expect([-1e-20, -1e-35, 0, 1e-35, 1e-20].map((value) => within('nominal-zero-answer', value))).toEqual([false, true, true, true, false]);
    expect([1.0002e-20, 1.0001e-20, 1e-20, 0.9999e-20, 0.9998e-20].map((value) => within('nominal-both-small', value))).toEqual([false, true, true, true, false]);
  });

  it('answer_test::test_within_tolerance_blank — no tolerance means exactly 1234', () => {
    expect([1234, 1234.000001, 0].map((value) => within('blank-tolerance', value))).toEqual([true, false, false]);
  });

  it('answer_test::test_within_tolerance_relative — 7 ± 10% accepts 6.3 to 7.7', () => {
    expect([6.29, 6.3, 7, 7.7, 7.71].map((value) => within('relative', value))).toEqual([false, true, true, true, false]);
  });

  it('answer_test::test_within_tolerance_geometric — 7 divided or multiplied by 2 accepts 3.5 to 14, and the same for -7', () => {
    expect([3.49, 3.5, 7, 14, 14.01].map((value) => within('geometric', value))).toEqual([false, true, true, true, false]);
    expect([-3.49, -3.5, -7, -14, -14.01].map((value) => within('geometric-negative', value))).toEqual([false, true, true, true, false]);
  });
});

describe('Moodle qtype_numerical question_test', () => {
  it('question_test::test_grading — 1.0 is wrong, 3.14 is right', async () => {
    const { question } = await importOne('grading/numerical-pi.xml');
    expect([fractionFor(question, '1.0'), fractionFor(question, '3.14')]).toEqual([0, 1]);
  });

  it('question_test::test_is_complete_response — "0" is an answer, "test" is not a number and is asked again', async () => {
    const { question } = await importOne('grading/numerical-pi.xml');
    expect(gradeAnswer(question, '0').status).toBe('graded');
    expect(gradeAnswer(question, 'test')).toMatchObject({ status: 'invalid', reason: { code: 'not-a-number' } });
  });

  it('question_test::test_grading_with_units — units optional: 3.14, 3.14 m, 314cm and 314000000x10^-8m are right; deliberate difference: "3.14 frogs" is asked again, not marked right, because a unit the question does not know is more likely a slip than a right answer', async () => {
    const { question } = await importOne('grading/numerical-pi-units-optional.xml');
    expect(['3.14', '3.14 m', '314cm', '314000000x10^-8m'].map((answer) => fractionFor(question, answer))).toEqual([1, 1, 1, 1]);
    expect(fractionFor(question, '3.14 frogs')).toBe('invalid');
  });

  it('question_test::test_grading_with_units_graded — a missing, unknown or wrong unit costs 20% of the mark; 314 m is wrong', async () => {
    const { question } = await importOne('grading/numerical-pi-units-graded.xml');
    expect(['3.14 frogs', '3.14', '3.14 m', '314cm', '314000000x10^-8m', '3.14 cm', '314 m'].map((answer) => fractionFor(question, answer))).toEqual([0.8, 0.8, 1, 1, 1, 0.8, 0]);
  });

  it('question_test::test_grading_unit — 1.25 m or 125 cm right, a 50% answer within 0.05, half of each without a unit', async () => {
    const { question } = await importOne('grading/numerical-unit.xml');
    const rows: Array<[string, number]> = [
      ['2 m', 0],
      ['2 cm', 0],
      ['2', 0],
      ['1.25 m', 1],
      ['125 cm', 1],
      ['1.25', 0.5],
      ['1.23 m', 0.5],
      ['123 cm', 0.5],
      ['1.23', 0.25],
    ];
    expect(rows.map(([answer]) => fractionFor(question, answer))).toEqual(rows.map(([, fraction]) => fraction));
  });

  it('question_test::test_grading_currency — $1332 right, no or another unit costs 0.2 of the question, $1 wrong; deliberate differences: "1332 $" is right and "1332 frogs" earns 0.8, because we read a unit on either side of the number', async () => {
    const { question } = await importOne('grading/numerical-currency.xml');
    expect(['$1332', '$ 1332', 'frog 1332', '1332', ' 1332', '$1'].map((answer) => fractionFor(question, answer))).toEqual([1, 1, 0.8, 0.8, 0.8, 0]);
    expect([fractionFor(question, '1332 $'), fractionFor(question, '1332 frogs')]).toEqual([1, 0.8]);
  });

  it('question_test::test_get_correct_response — 3.14', async () => {
    const { question } = await importOne('grading/numerical-pi.xml');
    expect(describeExpectedAnswer(question)).toBe('3.14');
  });

  it('question_test::test_get_correct_response_units — 1.25 m', async () => {
    const { question } = await importOne('grading/numerical-unit.xml');
    expect(describeExpectedAnswer(question)).toBe('1.25 m');
  });
});

describe('Moodle qtype_numerical answerprocessor_test', () => {
  const read = (text: string, units: string[]) => {
    const result = readNumberWithUnit(text, units);
    return result === undefined ? null : [result.value, result.unit ?? ''];
  };

  it.each([
    ['3.142', 3.142, ''],
    ['.2', 0.2, ''],
    ['1.', 1, ''],
    ['1.0', 1, ''],
    ['-1.', -1, ''],
    ['+1.0', 1, ''],
    ['1e4', 1e4, ''],
    ['3.142E-4', 3.142e-4, ''],
    ['.2e+2', 20, ''],
    ['1.e-1', 0.1, ''],
    ['1.0e0', 1, ''],
    ['3x10^8', 3e8, ''],
    ['3×10^8', 3e8, ''],
    ['3.0*10^8', 3e8, ''],
    ['3.00x10**-8', 3e-8, ''],
    ['0.001×10**7', 1e4, ''],
    ['1m', 1, 'm'],
    ['3.142 m', 3.142, 'm'],
    ['.2m', 0.2, 'm'],
    ['1.cm', 1, 'cm'],
    ['1.0   cm', 1, 'cm'],
    ['-1.m', -1, 'm'],
    ['+1.0cm', 1, 'cm'],
    ['1e4 m', 1e4, 'm'],
    ['3.142E-4  cm', 3.142e-4, 'cm'],
    ['.2e+2m', 20, 'm'],
    ['1.e-1 m', 0.1, 'm'],
    ['1.0e0cm', 1, 'cm'],
    ['1,000,000', 1e6, ''],
    ['1,000.00 m', 1000, 'm'],
    ['3 frogs', 3, 'frogs'],
  ])('answerprocessor_test::test_parse_response — %j is %d with unit %j', (text, value, unit) => {
    const result = read(text, ['m', 'cm']);
    expect(result?.[1]).toBe(unit);
    expect(result?.[0]).toBeCloseTo(value, 12);
  });

  it.each(['frog', '. m', '.e8 m', ','])('answerprocessor_test::test_parse_response — %j is not a number', (text) => {
    expect(read(text, ['m', 'cm'])).toBeNull();
  });

  const speeds = { 'm/s': 1, c: 3.3356409519815e-9, mph: 2.2369362920544 } as Record<string, number>;
  it.each([
    ['3x10^8 m/s', 3e8, 'm/s', 3e8],
    ['3x10^8', 3e8, '', 3e8],
    ['1c', 1, 'c', 299792458],
    ['0001.000 mph', 1, 'mph', 0.44704],
    ['1 frogs', 1, 'frogs', undefined],
  ])('answerprocessor_test::test_apply_units and test_apply_units_with_unit — %j is %d %s, i.e. %d m/s', (text, value, unit, inBase) => {
    const result = readNumberWithUnit(text, Object.keys(speeds));
    expect(result).toMatchObject({ value, known: unit !== '' && unit in speeds });
    expect(result?.unit ?? '').toBe(unit);
    if (inBase !== undefined) expect(value / (speeds[unit] ?? 1)).toBeCloseTo(inBase, 3);
  });

  it.each(['. m/s', '', '    '])('answerprocessor_test::test_apply_units — %j is not a number', (text) => {
    expect(readNumberWithUnit(text, Object.keys(speeds))).toBeUndefined();
  });

  it.each([
    ['-1 000', -1000],
    ['3,14159', 3.14159],
  ])('answerprocessor_test::test_euro_style — %j is %d (a space between thousands, a decimal comma)', (text, value) => {
    expect(readNumberWithUnit(text, [])?.value).toBe(value);
  });

  it.each([
    ['3%', 3, '%'],
    ['1e-6 %', 1e-6, '%'],
    ['100', 100, ''],
  ])('answerprocessor_test::test_percent — %j is %d with unit %j', (text, value, unit) => {
    expect(read(text, ['%'])).toEqual([value, unit]);
  });

  it.each([
    ['£1,234.56', 1234.56, '£'],
    ['$100', 100, '$'],
    ['$100.', 100, '$'],
    ['$100.00', 100, '$'],
    ['100', 100, ''],
    ['frog 100', 100, 'frog'],
  ])('answerprocessor_test::test_currency — %j is %d with unit %j before it', (text, value, unit) => {
    expect(read(text, ['$', '£'])).toEqual([value, unit]);
  });

  it('the numeric question type keeps units with their multipliers from Moodle XML', async () => {
    const { question } = await importOne('grading/numerical-unit.xml');
    expect((question as NumericQuestion).units).toEqual([{ unit: 'cm', multiplier: 100 }]);
  });
});
