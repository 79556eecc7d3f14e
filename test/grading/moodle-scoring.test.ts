import { describe, expect, it } from 'vitest';
import { checkBankValue } from '../../src/bank/load.ts';
import { gradeAnswer } from '../../src/grading/grade.ts';
import { question } from './fixtures.ts';

const partialBlank = question({
  id: 'amphibian',
  type: 'blank',
  stem: 'Name an amphibian: ______',
  points: 2,
  analysis: 'Frogs and toads are amphibians.',
  blanks: [{ accept: ['frog', { text: 'toad', fraction: 0.8 }, { text: '*newt*', fraction: 0.5 }] }],
});

const weightedChoice = question({
  id: 'prime',
  type: 'choice',
  stem: 'Name a prime.',
  points: 3,
  analysis: '2 and 3 are prime; 1 is not.',
  options: [
    { key: 'A', text: '2', fraction: 1 },
    { key: 'B', text: '3', fraction: 1 },
    { key: 'C', text: '1', fraction: 0.5 },
    { key: 'D', text: '4', fraction: -0.5 },
  ],
  answer: 'A',
});

describe('partial credit per accepted answer', () => {
  it.each([
    ['frog', 2, 'correct'],
    ['Toad', 1.6, 'wrong'],
    ['great crested newt', 1, 'wrong'],
    ['cat', 0, 'wrong'],
  ])('gives %j %d of 2 points and shows it as %s', (answer, score, verdict) => {
    const result = gradeAnswer(partialBlank, answer);
    expect(result).toMatchObject({ status: 'graded', score, parts: [{ verdict, expected: 'frog' }] });
  });
});

describe('single choice with option fractions', () => {
  it.each([
    ['A', 3],
    ['B', 3],
    ['C', 1.5],
    ['D', 0],
  ])('gives %s %d of 3 points, a negative fraction scoring 0', (answer, score) => {
    expect(gradeAnswer(weightedChoice, answer)).toMatchObject({ status: 'graded', score, correct: score === 3 });
  });
});

describe('validation of the Moodle-style fields', () => {
  const bank = (questions: unknown[]) => ({ id: 'b', title: 'B', language: 'en-US', source: 'test', questions });
  const errors = (questions: unknown[]) =>
    checkBankValue(bank(questions), 'b.json').problems.filter((problem) => problem.severity === 'error').map((problem) => `${problem.field}: ${problem.message}`);
  const base = { id: 'q', stem: 'Q ____', points: 1, analysis: 'A.' };

  it('refuses a blank whose accepted answers are all partly right', () => {
    expect(errors([{ ...base, type: 'blank', blanks: [{ accept: [{ text: 'toad', fraction: 0.5 }] }] }])).toEqual([
      'blanks[0].accept: no accepted answer is fully right (every entry has a fraction below 1)',
    ]);
  });

  it('refuses a fraction of 0 or above 1 on an accepted answer', () => {
    expect(errors([{ ...base, type: 'blank', blanks: [{ accept: ['frog', { text: 'toad', fraction: 1.5 }] }] }])).toHaveLength(1);
    expect(errors([{ ...base, type: 'blank', blanks: [{ accept: ['frog', { text: 'toad', fraction: 0 }] }] }])).toHaveLength(1);
  });

  it('refuses other units without the key’s own unit, and a unit listed twice', () => {
    expect(errors([{ ...base, type: 'numeric', answer: 1, units: [{ unit: 'cm', multiplier: 100 }] }])).toEqual([
      'units[0]: other units need "unit", the key\'s own unit, to convert from',
    ]);
    expect(errors([{ ...base, type: 'numeric', answer: 1, unit: 'm', units: [{ unit: 'M', multiplier: 100 }] }])).toEqual(['units[0].unit: "M" is already listed (unit)']);
  });

  it('refuses a choice answer whose option is worth less than the whole question', () => {
    expect(errors([{ ...base, type: 'choice', options: [{ key: 'A', text: 'a', fraction: 0.5 }, { key: 'B', text: 'b', fraction: 1 }], answer: 'A' }])).toEqual([
      'answer: "A" has fraction 0.5: the answer must be an option worth 1 (the whole question)',
    ]);
  });
});
