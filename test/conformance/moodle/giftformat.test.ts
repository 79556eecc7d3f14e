import { describe, expect, it } from 'vitest';
import { importBank } from '../../../src/bank/import/index.ts';
import { fractionFor, importFixture, importOne, warningLines } from './support.ts';

/**
 * moodle/moodle question/format/gift/tests/giftformat_test.php, the import cases, replayed through
 * `importBank` on fixtures that restate each test's GIFT text (fixtures/gift/<test name>.gift).
 * Each test name starts with the Moodle test it mirrors; a deliberate difference says so and why.
 */
describe('Moodle giftformat_test', () => {
  it('giftformat_test::test_import_essay — deliberate difference: the essay is kept as a draft, because we grade essays against a reference that GIFT cannot carry', async () => {
    const { question, report } = await importOne('gift/import_essay.gift');
    expect(question).toMatchObject({ type: 'essay', stem: 'How are you?', status: 'draft', reference: '', rubric: [] });
    expect(report.missingAnswers).toEqual(['q-1']);
  });

  it('giftformat_test::test_import_match — refused with a report: our banks have no matching type', async () => {
    const outcome = await importFixture('gift/import_match.gift');
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors).toContainEqual({ line: 2, toLine: 8, message: 'matching question "Moodle activities" (->): our banks have no matching type' });
  });

  it('giftformat_test::test_import_multichoice — a single-answer question, yellow right, with every answer’s feedback kept', async () => {
    const { question, report } = await importOne('gift/import_multichoice.gift');
    expect(question).toMatchObject({
      type: 'choice',
      stem: "What's between orange and green in the spectrum?",
      options: [{ key: 'A', text: 'yellow' }, { key: 'B', text: 'red' }, { key: 'C', text: 'blue' }],
      answer: 'A',
      analysis: "A. yellow: right; good!\nB. red: wrong, it's yellow\nC. blue: wrong, it's yellow",
    });
    expect(report.warnings).toEqual([]);
  });

  it('giftformat_test::test_import_multichoice_multi — a multiple-response question with fractions 0.5, -1, 0.5, -1 and their feedback', async () => {
    const { question } = await importOne('gift/import_multichoice_multi.gift');
    expect(question).toMatchObject({
      type: 'multi',
      scoring: 'fraction',
      answer: ['A', 'C'],
      options: [
        { text: 'yellow', fraction: 0.5 },
        { text: 'red', fraction: -1 },
        { text: 'off-beige', fraction: 0.5 },
        { text: 'blue', fraction: -1 },
      ],
      analysis: 'A. yellow: right; good!\nB. red: wrong\nC. off-beige: right; good!\nD. blue: wrong',
    });
    expect(fractionFor(question, 'AC')).toBe(1);
    expect(fractionFor(question, 'ABC')).toBe(0);
  });

  it('giftformat_test::test_import_multichoice_multi_tricky — ~%100% ~%-50% ~%-50% stays multiple response with its negative weights', async () => {
    const { question } = await importOne('gift/import_multichoice_multi_tricky.gift');
    expect(question).toMatchObject({
      type: 'multi',
      scoring: 'fraction',
      answer: ['A'],
      options: [{ text: 'yellow', fraction: 1 }, { text: 'red', fraction: -0.5 }, { text: 'blue', fraction: -0.5 }],
    });
    expect(fractionFor(question, 'A')).toBe(1);
    expect(fractionFor(question, 'AB')).toBe(0.5);
    expect(fractionFor(question, 'ABC')).toBe(0);
  });

  it('giftformat_test::test_import_numerical — 3 with tolerance 2; the catch-all wrong answer and its feedback are reported as not kept', async () => {
    const { question, report } = await importOne('gift/import_numerical.gift');
    expect(question).toMatchObject({ type: 'numeric', stem: 'What is a number from 1 to 5?', answer: 3, tolerance: { kind: 'absolute', value: 2 } });
    expect(report.warnings[0]).toMatchObject({ line: 2, omitted: { answer: 1, feedback: 1 } });
    expect(report.warnings[0]?.message).toContain('"*" (feedback "Completely wrong")');
    expect([fractionFor(question, '1'), fractionFor(question, '5'), fractionFor(question, '5.01')]).toEqual([1, 1, 0]);
  });

  it('giftformat_test::test_import_shortanswer — Frog full marks, Cat half marks, the 0% catch-all reported', async () => {
    const { question, report } = await importOne('gift/import_shortanswer.gift');
    expect(question).toMatchObject({
      type: 'blank',
      stem: 'Which is the best animal? _____',
      blanks: [{ accept: ['Frog', { text: 'Cat', fraction: 0.5 }] }],
      analysis: 'Frog: Good!\nCat: What is it with Moodlers and cats?',
    });
    expect(warningLines(report)).toEqual(['2: answer worth 0% not kept: "*" (feedback "Completely wrong"): an answer that matches no credited one scores 0 anyway']);
    expect([fractionFor(question, 'frog'), fractionFor(question, 'Cat'), fractionFor(question, 'dog')]).toEqual([1, 0.5, 0]);
  });

  it('giftformat_test::test_import_shortanswer_with_general_feedback — the general feedback leads the analysis, the answers’ feedback follows', async () => {
    const { question } = await importOne('gift/import_shortanswer_with_general_feedback.gift');
    expect(question).toMatchObject({
      type: 'blank',
      blanks: [{ accept: ['Frog', { text: 'Cat', fraction: 0.5 }] }],
      analysis: 'Here is some general feedback!\nFrog: Good!\nCat: What is it with Moodlers and cats?',
    });
  });

  it('giftformat_test::test_import_truefalse — false, with the feedback for each choice kept', async () => {
    const { question } = await importOne('gift/import_truefalse.gift');
    expect(question).toMatchObject({
      type: 'truefalse',
      stem: '42 is the Absolute Answer to everything.',
      answer: false,
      analysis: 'You gave the right answer.\nTrue: 42 is the Ultimate Answer.',
    });
  });

  it.each([
    ['test_import_truefalse_true_answer1', 'gift/import_truefalse_true_answer1.gift'],
    ['test_import_truefalse_true_answer2', 'gift/import_truefalse_true_answer2.gift'],
  ])('giftformat_test::%s — {T} and {TRUE} are both true', async (_name, file) => {
    const { question } = await importOne(file);
    expect(question).toMatchObject({ type: 'truefalse', stem: 'TSL is blablabla.', answer: true });
  });

  it('giftformat_test::test_import_backslash — \\\\ in GIFT is one backslash (MDL-34171)', async () => {
    const { question } = await importOne('gift/import_backslash.gift');
    expect(question.stem).toBe('A \\ B \\\\ C');
  });

  it('giftformat_test::test_import_pre_content — deliberate difference: escaped braces are read, and the HTML becomes plain text (we store no HTML), so <pre> indentation is not kept', async () => {
    const { question } = await importOne('gift/import_pre_content.gift');
    expect(question.stem).toBe('What would running the test method print?\n\npublic void test() {\nmethod1();\nmethod2();\nmethod3();\n}');
  });

  it('giftformat_test::test_import_question_with_tags — tags and the id number are reported as not kept (our banks have none)', async () => {
    const { report } = await importOne('gift/import_question_with_tags.gift');
    expect(report.warnings).toContainEqual({
      line: 3,
      questionId: 'q-1',
      message: 'Moodle tags and id number not kept (our banks have none): tag:tag, tag:other-tag, id:myid',
      omitted: { tag: 3 },
    });
  });

  it.each([
    ['blank comment', '', 0],
    ['nothing in comment', '// A basic comment.', 0],
    ['idnumber only', '// A comment with [id:frog] <-- an idnumber.', 1],
    ['tags only', '// Look tags: [tag:frog] [tag:toad].', 2],
    ['everything', '// [tag:add] [tag:basic] [id:four]', 3],
    ['everything mixed up', '// [tag:  basic] Here is  \n// a [id:   four   ] que[tag:add   ]stion.', 3],
    ['split over line', "// Ceci n'est pas une [tag:\n// frog].", 0],
    ['escape ] idnumber', '// [id:i\\]d].', 1],
    ['escape ] tag', '// [tag:t\\]ag].', 1],
  ])('giftformat_test::test_extract_idnumber_and_tags_from_comment (%s) — each tag and id number in the comment is reported as not kept', async (_name, comment, count) => {
    const gift = `${comment}\n::Q:: Is it? {T}\n`;
    const outcome = await importBank({ filename: 'tags.gift', content: Buffer.from(gift) });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const reported = outcome.report.warnings.reduce((total, warning) => total + (warning.omitted?.tag ?? 0), 0);
    expect(reported).toBe(count);
  });
});
