import { describe, expect, it } from 'vitest';
import { formatImportReport } from '../../../src/bank/import/report.ts';
import { describeExpectedAnswer } from '../../../src/grading/expected.ts';
import { fractionFor, importFixture, importOne, warningLines } from './support.ts';

/**
 * moodle/moodle question/format/xml/tests/xmlformat_test.php (import cases) and the fixtures in
 * question/format/xml/tests/fixtures/, replayed through `importBank` on restated fixtures
 * (fixtures/xml/<test name>.xml). A deliberate difference says so and why.
 */
describe('Moodle xmlformat_test', () => {
  it.each([
    ['test_import_hints_no_parts'],
    ['test_import_hints_with_parts'],
  ])('xmlformat_test::%s — refused with a report: both hints are reported as not imported (our banks have no hints)', async () => {
    const { question, report } = await importOne('xml/import_hints.xml');
    expect(question).toMatchObject({ type: 'truefalse', answer: true });
    expect(report.warnings).toContainEqual({ line: 3, questionId: 'q-1', message: '2 hints not imported: our banks have no hints', omitted: { hint: 2 } });
  });

  it('xmlformat_test::test_import_no_hints_no_error — a question without hints imports without a warning', async () => {
    const { report } = await importOne('xml/import_no_hints.xml');
    expect(report.warnings).toEqual([]);
  });

  it('xmlformat_test::test_import_description — refused with a report: a description is not a question', async () => {
    const outcome = await importFixture('xml/import_description.xml');
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors).toContainEqual({ line: 3, toLine: 14, message: '"A description" is a description (text only, no question)' });
  });

  it('xmlformat_test::test_import_essay_20 — deliberate difference: a draft essay (no reference to grade against), its general feedback kept, its tags reported', async () => {
    const { question, report } = await importOne('xml/import_essay_20.xml');
    expect(question).toMatchObject({ type: 'essay', stem: 'Write something.', analysis: 'I hope you wrote something interesting.', status: 'draft', reference: '' });
    expect(warningLines(report)).toEqual(['3: Moodle tags not kept: tagEssay, tagEssay20, tagTest']);
  });

  it('xmlformat_test::test_import_essay_21 — deliberate difference: graderinfo ("Grade generously!") is notes for graders, not a model answer, so the essay stays a draft and the report shows it', async () => {
    const { question, report } = await importOne('xml/import_essay_21.xml');
    expect(question).toMatchObject({ type: 'essay', status: 'draft', reference: '', rubric: [] });
    expect(JSON.stringify(question)).not.toContain('generously');
    expect(report.warnings).toContainEqual(expect.objectContaining({ line: 3, omitted: { reference: 1 }, message: expect.stringContaining('"Grade generously!"') }));
    expect(report.warnings).toContainEqual(expect.objectContaining({ line: 3, omitted: { setting: 1 }, message: 'response template not imported: "Here is something really interesting."' }));
  });

  it('xmlformat_test::test_import_match_19 — refused with a report: our banks have no matching type', async () => {
    const outcome = await importFixture('xml/import_match_19.xml');
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors).toContainEqual({ line: 3, toLine: 20, message: '"Matching question": Moodle question type "matching" has no equivalent in our banks' });
  });

  it('xmlformat_test::test_import_multichoice_19 — deliberate difference: <single>false</single> with two 100% answers is multiple response, scaled to 50% each (Moodle would pay full marks for 2 alone), and the scaling is reported', async () => {
    const { question, report } = await importOne('xml/import_multichoice_19.xml');
    expect(question).toMatchObject({
      type: 'multi',
      points: 2,
      analysis: 'The even numbers are 2 and 4.',
      answer: ['B', 'D'],
      options: [{ text: '1', fraction: 0 }, { text: '2', fraction: 0.5 }, { text: '3', fraction: 0 }, { text: '4', fraction: 0.5 }],
    });
    expect(fractionFor(question, 'BD')).toBe(1);
    expect(fractionFor(question, 'B')).toBe(0.5);
    expect(warningLines(report)).toEqual([
      '3: 2 hints not imported: our banks have no hints',
      '3: combined feedback (correctfeedback, partiallycorrectfeedback, incorrectfeedback) not imported: the analysis is shown whatever the result',
      '3: the positive fractions add up to 200%, not 100%: scaled to 50%, 50% so that only a full answer earns full marks',
    ]);
  });

  it('xmlformat_test::test_import_numerical_19 — 42 with tolerance 0.001; the 0% answers 13 and * are reported with their feedback and tolerance', async () => {
    const { question, report } = await importOne('xml/import_numerical_19.xml');
    expect(question).toMatchObject({ type: 'numeric', answer: 42, tolerance: { kind: 'absolute', value: 0.001 }, analysis: 'General feedback: Think Hitch-hikers guide to the Galaxy.\n42: Well done!' });
    expect(report.warnings).toEqual([expect.objectContaining({ line: 3, omitted: { answer: 2, feedback: 2, tolerance: 1 } })]);
    expect([fractionFor(question, '42.001'), fractionFor(question, '42.0011'), fractionFor(question, '13')]).toEqual([1, 0, 0]);
  });

  it('xmlformat_test::test_import_shortanswer_19 — Beta in the gap already in the text, the * answer reported', async () => {
    const { question, report } = await importOne('xml/import_shortanswer_19.xml');
    expect(question).toMatchObject({
      type: 'blank',
      stem: 'Fill in the gap in this sequence: Alpha, ________, Gamma.',
      blanks: [{ accept: ['Beta'] }],
      analysis: 'The answer is Beta.\nBeta: Well done!',
    });
    expect(report.warnings.map((warning) => warning.omitted)).toEqual([{ hint: 2 }, { answer: 1, feedback: 1 }]);
  });

  it('xmlformat_test::test_import_truefalse_19 — true, with both answers’ feedback kept', async () => {
    const { question, report } = await importOne('xml/import_truefalse_19.xml');
    expect(question).toMatchObject({ type: 'truefalse', answer: true, analysis: 'General feedback: You should have chosen true.\nWell done!\nfalse: Doh!' });
    expect(report.warnings).toEqual([]);
  });

  it('xmlformat_test::test_import_truefalse_with_idnumber — the id number is reported as not kept', async () => {
    const { question, report } = await importOne('xml/import_truefalse_with_idnumber.xml');
    expect(question).toMatchObject({ type: 'truefalse', answer: true });
    expect(report.warnings).toEqual([{ line: 3, questionId: 'q-1', message: 'Moodle id number "TestIdNum1" not kept', omitted: { tag: 1 } }]);
  });

  it('xmlformat_test::test_import_multianswer — deliberate difference: the drop-down gap becomes a typed blank (its choices reported), Owl and Pussy-cat are the keys, 2 points', async () => {
    const { question, report } = await importOne('xml/import_multianswer.xml');
    expect(question).toMatchObject({
      type: 'blank',
      points: 2,
      stem: 'Complete this opening line of verse: "The _____ and the _____ went to sea".',
      blanks: [{ accept: ['Owl'], points: 1 }, { accept: ['Pussy-cat'], points: 1 }],
    });
    expect(question.analysis).toContain('Gap 2, Pussy-cat: Well done!');
    expect(report.warnings.map((warning) => warning.omitted)).toEqual([{ hint: 2 }, { tag: 2 }, { answer: 2 }, { answer: 2 }]);
    expect(describeExpectedAnswer(question)).toBe('Owl; Pussy-cat');
  });

  it.each([
    ['test_import_files_as_draft'],
    ['test_import_truefalse_wih_files'],
  ])('xmlformat_test::%s — refused with a report: the embedded file is reported as not imported', async () => {
    const { question, report } = await importOne('xml/import_truefalse_wih_files.xml');
    expect(question).toMatchObject({ type: 'truefalse', stem: 'This text file contains the word Moodle.' });
    expect(report.warnings).toEqual([{ line: 3, questionId: 'q-1', message: 'embedded file not imported: moodle.txt', omitted: { file: 1 } }]);
  });

  it.each([
    [3, 8, '"Multianswer question without subquestions": cloze text without embedded answers ({1:SHORTANSWER:=…})'],
    [9, 14, '"Multichoice subquestion without choices": gap 1 (MULTICHOICE) has no answers'],
    [15, 20, '"Multichoice subquestion with only one choice": gap 1 (MULTICHOICE) has only one choice'],
    [21, 26, '"Multichoice subquestion with no completely correct answer": gap 1 (MULTICHOICE) has no answer worth 100%'],
    [27, 32, '"Numerical subquestion with buggy answer": gap 1 (NUMERICAL): answer "zero" is not a number'],
  ])('fixtures/broken_cloze_questions.xml — refused with a report: the cloze question at lines %i–%i', async (line, toLine, message) => {
    const outcome = await importFixture('xml/broken_cloze_questions.xml');
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors).toContainEqual({ line, toLine, message });
  });

  it('fixtures/multianswer.xml — five gaps, the 50% Marseille kept as half marks, images, files and drop-down choices reported', async () => {
    const { question, report } = await importOne('xml/multianswer_with_images.xml');
    expect(question).toMatchObject({
      type: 'blank',
      points: 5,
      topic: 'Default for Test images in backup',
      blanks: [
        { accept: ['California'] },
        { accept: ['Arizona'] },
        { accept: ['California'] },
        { accept: ['Arizona'] },
        { accept: ['Paris', { text: 'Marseille', fraction: 0.5 }] },
      ],
    });
    expect(fractionFor(question, 'California; Arizona; California; Arizona; Marseille')).toBe(0.9);
    const omitted = report.warnings.reduce<Record<string, number>>((totals, warning) => {
      for (const [kind, count] of Object.entries(warning.omitted ?? {})) totals[kind] = (totals[kind] ?? 0) + count;
      return totals;
    }, {});
    expect(omitted).toEqual({ file: 3, image: 2, answer: 5 });
  });
});

describe('the import report', () => {
  it('adds up what was not carried into the bank, by kind, after the warnings that name each line', async () => {
    const { report } = await importOne('xml/multianswer_with_images.xml');
    const text = formatImportReport(report);
    expect(text).toContain('  line 6 q-1: 2 images in the question text not imported (only their alt text is kept)');
    expect(text).toContain('Not carried into the bank (each listed above with its line): answer 5, image 2, file 3');
  });
});
