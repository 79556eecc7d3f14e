import { describe, expect, it } from 'vitest';
import { fractionFor, importFixture } from './support.ts';

/** The cases issue 10 found wrong that Moodle's own tests do not spell out, on fixtures written for this suite. */
async function bankOf(relative: string) {
  const outcome = await importFixture(relative);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  return outcome;
}

describe('issue 10: GIFT read as Moodle reads it', () => {
  it('reads {=2 =3 ~4} as single choice with two fully right answers, not as a multi where 2 alone scores half', async () => {
    const { bank } = await bankOf('issue-10/gift-cases.gift');
    const question = bank.questions[0]!;
    expect(question).toMatchObject({ type: 'choice', answer: 'A' });
    expect([fractionFor(question, '2'), fractionFor(question, 'B'), fractionFor(question, '4')]).toEqual([1, 1, 0]);
    expect(fractionFor(question, 'AB')).toBe('invalid');
  });

  it('unescapes \\~ \\= \\# \\{ \\} \\: in an answer', async () => {
    const { bank } = await bankOf('issue-10/gift-cases.gift');
    expect(bank.questions[1]).toMatchObject({ type: 'choice', options: [{ text: '~ = # { } :' }, { text: 'none' }] });
  });

  it('keeps \\* in a short answer as a literal asterisk: x*y is right, x\\zzzy is not', async () => {
    const { bank } = await bankOf('issue-10/gift-cases.gift');
    const question = bank.questions[2]!;
    expect(question).toMatchObject({ type: 'blank', blanks: [{ accept: ['x\\*y'] }] });
    expect([fractionFor(question, 'x*y'), fractionFor(question, 'x\\zzzy'), fractionFor(question, 'xy')]).toEqual([1, 0, 0]);
  });

  it('keeps a 50% numerical answer with its own tolerance', async () => {
    const { bank, report } = await bankOf('issue-10/gift-cases.gift');
    const question = bank.questions[3]!;
    expect([fractionFor(question, '3.14'), fractionFor(question, '3.12'), fractionFor(question, '3.3')]).toEqual([1, 0.5, 0]);
    expect(report.warnings).toContainEqual(expect.objectContaining({ line: 8, omitted: { answer: 1, feedback: 1 } }));
  });
});

describe('issue 10: Moodle XML read as Moodle reads it', () => {
  it('reads <single>0</single> as multiple response, negative fractions kept', async () => {
    const { bank } = await bankOf('issue-10/xml-cases.xml');
    const question = bank.questions[0]!;
    expect(question).toMatchObject({ type: 'multi', scoring: 'fraction', answer: ['A', 'B'] });
    expect([fractionFor(question, 'AB'), fractionFor(question, 'A'), fractionFor(question, 'ABC')]).toEqual([1, 0.5, 0]);
  });

  it('keeps both 100% answers of a single-answer question, and a 50% one as half marks', async () => {
    const { bank } = await bankOf('issue-10/xml-cases.xml');
    const question = bank.questions[1]!;
    expect([fractionFor(question, '2'), fractionFor(question, '3'), fractionFor(question, '1'), fractionFor(question, '4')]).toEqual([1, 1, 0.5, 0]);
  });

  it('reads a cloze {2:NUMERICAL:=3.14:0.01} as 3.14 ± 0.01 worth 2 points, not the text "3.14:0.01"', async () => {
    const { bank } = await bankOf('issue-10/xml-cases.xml');
    const question = bank.questions[2]!;
    expect(question).toMatchObject({ type: 'numeric', answer: 3.14, tolerance: { kind: 'absolute', value: 0.01 }, points: 2 });
    expect([fractionFor(question, '3.15'), fractionFor(question, '3.16')]).toEqual([1, 0]);
  });

  it('reports the tolerance of a numerical gap among several gaps, which a typed blank cannot keep', async () => {
    const { bank, report } = await bankOf('issue-10/xml-cases.xml');
    expect(bank.questions[3]).toMatchObject({ type: 'blank', blanks: [{ accept: ['3.14'] }, { accept: ['e\\*1'] }] });
    expect(report.warnings).toContainEqual({
      line: 27,
      questionId: 'q-4',
      message: 'gap 1: numeric tolerance ±0.01 not kept: in a text with several gaps it is a typed blank that accepts 3.14 exactly',
      omitted: { tolerance: 1 },
    });
  });
});
