import { describe, expect, it } from 'vitest';
import { importBank } from '../../src/bank/import/index.ts';
import { datasetFile, importFile, importOk, question } from './support.ts';

const moodle = (relative: string) => datasetFile(`moodle-formats/question/${relative}`);

describe('importing GIFT', () => {
  it('maps every question type of questions.gift.txt and reports the matching question it cannot represent', async () => {
    const { bank, report, format } = await importOk(moodle('format/gift/tests/fixtures/questions.gift.txt'));
    expect(format).toBe('gift');
    expect(report.countsByType).toEqual({ choice: 1, multi: 1, truefalse: 3, numeric: 1, blank: 1, essay: 1 });
    expect(report.skipped).toEqual([
      {
        fromLine: 5,
        toLine: 11,
        reason: 'unsupported',
        detail: 'matching question "Moodle activities" (->): our banks have no matching type',
        excerpt: '::Moodle activities::[html]Match the <b>activity</b> to the…',
      },
    ]);
    expect(report.missingAnswers).toEqual(['q-1']);
    expect(question(bank, 'q-1')).toMatchObject({ type: 'essay', status: 'draft', stem: 'How are you?' });
    expect(question(bank, 'q-3')).toMatchObject({ type: 'choice', answer: 'A', options: [{ text: 'yellow' }, { text: 'red' }, { text: 'blue' }] });
    expect(question(bank, 'q-4')).toMatchObject({
      type: 'multi',
      scoring: 'fraction',
      answer: ['A', 'C'],
      options: [
        { key: 'A', text: 'yellow', fraction: 0.5 },
        { key: 'B', text: 'red', fraction: -1 },
        { key: 'C', text: 'off-beige', fraction: 0.5 },
        { key: 'D', text: 'blue', fraction: -1 },
      ],
    });
    expect(question(bank, 'q-5')).toMatchObject({ type: 'numeric', answer: 3, tolerance: { kind: 'absolute', value: 2 } });
    expect(question(bank, 'q-6')).toMatchObject({ type: 'blank', stem: 'Which is the best animal? _____', blanks: [{ accept: ['Frog', { text: 'Cat', fraction: 0.5 }] }] });
    expect(question(bank, 'q-7')).toMatchObject({
      type: 'truefalse',
      answer: false,
      analysis: "This is, of course, a Hitchiker's Guide to the Galaxy reference.\nYou gave the right answer.\nTrue: 42 is the Ultimate Answer.",
    });
    expect(report.warnings.map((warning) => `${warning.line ?? '-'} ${warning.message}`)).toEqual([
      '31 answer(s) worth 0% not kept: "*" (feedback "Completely wrong"): a number outside every credited answer scores 0 anyway',
      '31 text after the answer block ("";") dropped',
      '34 answer(s) worth 0% not kept: "*" (feedback "Completely wrong"): an answer that matches no credited one scores 0 anyway',
      '41 text after the answer block ("";") dropped',
      '- 3 question(s) came without an analysis: their analysis only states the answer; add an explanation',
    ]);
  });

  it('sets the topic from $CATEGORY and unescapes HTML questions', async () => {
    const { bank, report } = await importOk(moodle('format/gift/tests/fixtures/questions_in_category.gift.txt'));
    expect(report.countsByType).toEqual({ choice: 1, truefalse: 1, blank: 1 });
    expect(report.skipped.map((region) => [region.fromLine, region.toLine, region.reason])).toEqual([[5, 11, 'unsupported']]);
    expect(bank.questions.every((q) => q.topic === 'Default for New Features')).toBe(true);
    expect(question(bank, 'q-2')).toMatchObject({ stem: 'Listen to this greeting:\n\nWhat language is being spoken?', answer: 'B' });
    expect(question(bank, 'q-4')).toMatchObject({ type: 'truefalse', answer: true, stem: 'Moodle is an acronym for Modular Object-Oriented Dynamic Learning Environment.' });
  });

  it('reads the reference examples: missing words, numeric ranges, weights and escapes', async () => {
    const { bank, report } = await importOk(moodle('format/gift/examples.txt'));
    expect(report.countsByType).toEqual({ choice: 16, multi: 2, truefalse: 5, numeric: 8, blank: 9 });
    expect(report.skipped.map((region) => [region.fromLine, region.toLine, region.detail])).toEqual([
      [55, 59, 'matching question #14 (->): our banks have no matching type'],
      [61, 66, 'matching question #15 (->): our banks have no matching type'],
      [177, 178, 'matching question #39 (->): our banks have no matching type'],
    ]);
    expect(question(bank, 'q-2')).toMatchObject({ type: 'choice', stem: "Grant is _____ in Grant's tomb.", answer: 'B' });
    expect(question(bank, 'q-11')).toMatchObject({ type: 'blank', stem: 'Two plus two equals _____.', blanks: [{ accept: ['four', '4'] }] });
    expect(question(bank, 'q-18')).toMatchObject({ type: 'numeric', answer: 3.1415, tolerance: { value: 0.0005 } });
    expect(question(bank, 'q-31')).toMatchObject({ type: 'multi', answer: ['B', 'C'], options: [{ fraction: -0.5 }, { fraction: 0.5 }, { fraction: 0.5 }, { fraction: -0.5 }] });
    expect(question(bank, 'q-32')).toMatchObject({ options: [{ text: '= 2 + 2' }, { text: '= 2 + 3' }, { text: '= 2 + 4' }], answer: 'B' });
    expect(question(bank, 'q-33')).toMatchObject({ answer: 'F', options: [{ text: '~' }, { text: '=' }, { text: '#' }, { text: '{' }, { text: '}' }, { text: '\\' }] });
    expect(question(bank, 'q-43')).toMatchObject({
      type: 'numeric',
      answer: 1822,
      tolerance: { value: 0 },
      alternatives: [{ answer: 1822, tolerance: { value: 2 }, fraction: 0.5 }],
      analysis: '1822:0: Correct! 100% credit\n1822:2: He was born in 1822.\nYou get 50% credit for being close.',
    });
  });
});

describe('importing malformed GIFT', () => {
  it('reports each broken question with its line and reason, and keeps the good one', async () => {
    const gift = [
      '// broken examples',
      '::Unclosed:: What is 2+2? {=4 ~5',
      '',
      '::No right:: Pick one {~a ~b}',
      '',
      '::Bad weights:: Pick two {~%40%a ~%40%b ~c}',
      '',
      'Just a description line without answers.',
      '',
      '::Good:: The sky is blue.{T}',
      '',
    ].join('\n');
    const outcome = await importBank({ filename: 'mixed.gift', content: Buffer.from(gift) });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.bank.questions.map((q) => [q.id, q.type, q.stem])).toEqual([['q-5', 'truefalse', 'The sky is blue.']]);
    expect(outcome.report.skipped.map(({ fromLine, reason, detail }) => [fromLine, reason, detail])).toEqual([
      [2, 'unparsed', 'the answer block "{" is never closed by "}"'],
      [4, 'invalid', '"No right" has no right answer (no = and no positive %weight%)'],
      [6, 'invalid', 'the positive weights of "Bad weights" add up to 80%, not 100%'],
      [8, 'unparsed', 'no answer block {…}: a description or text that is not a GIFT question'],
    ]);
  });
});

describe('importing Aiken', () => {
  it('imports the two questions of questions.aiken.txt', async () => {
    const { bank, report } = await importOk(moodle('format/aiken/tests/fixtures/questions.aiken.txt'));
    expect(report.countsByType).toEqual({ choice: 2 });
    expect(question(bank, 'q-1')).toMatchObject({ stem: 'The Moodle project was started by:', answer: 'B', options: [{}, { text: 'Martin Dougiamas' }, {}, {}] });
    expect(question(bank, 'q-2')).toMatchObject({ answer: 'A', options: [{ text: 'True' }, { text: 'False' }] });
    expect(report.skipped).toEqual([]);
  });

  it('reports every malformed question of aiken_errors.txt with its lines and keeps the good ones, A)text without a space included', async () => {
    const { bank, report } = await importOk(moodle('format/aiken/tests/fixtures/aiken_errors.txt'));
    expect(bank.questions.map((q) => q.stem)).toEqual(['A good question', 'A second good question']);
    expect(report.skipped.map(({ fromLine, toLine, reason, detail }) => ({ fromLine, toLine, reason, detail }))).toEqual([
      { fromLine: 1, toLine: 3, reason: 'invalid', detail: 'a question needs at least two options, found 1' },
      { fromLine: 5, toLine: 5, reason: 'invalid', detail: 'option without a question before it' },
      { fromLine: 7, toLine: 7, reason: 'invalid', detail: 'ANSWER line without a question before it' },
      { fromLine: 14, toLine: 16, reason: 'invalid', detail: 'no ANSWER line before the next question' },
    ]);
  });
});

describe('importing Moodle XML', () => {
  it('rejects the question whose fractions are not Moodle grades, with its lines', async () => {
    const outcome = await importFile(moodle('format/xml/tests/fixtures/error_invalid_grades.xml'));
    expect(outcome).toEqual({
      ok: false,
      format: 'moodle-xml',
      errors: [
        { message: 'no questions could be imported from error_invalid_grades.xml' },
        {
          line: 4,
          toLine: 62,
          message: '"Question with invalid grades : x > 1 & x < 2": answer 2 ("2") has fraction 33, not a Moodle grade (nearest: 33.33333)',
        },
      ],
    });
  });

  it('turns the cloze question into a blank question with five blanks', async () => {
    const { bank, report } = await importOk(moodle('format/xml/tests/fixtures/multianswer.xml'));
    expect(report.countsByType).toEqual({ blank: 1 });
    expect(question(bank, 'q-1')).toMatchObject({
      type: 'blank',
      points: 5,
      topic: 'Default for Test images in backup',
      blanks: [
        { accept: ['California'], points: 1 },
        { accept: ['Arizona'], points: 1 },
        { accept: ['California'], points: 1 },
        { accept: ['Arizona'], points: 1 },
        { accept: ['Paris', { text: 'Marseille', fraction: 0.5 }], points: 1 },
      ],
    });
    expect(question(bank, 'q-1').stem).toContain('* San Francisco: _____\n');
    expect(question(bank, 'q-1').stem).toMatch(/The capital of France is _____\.$/);
    expect(question(bank, 'q-1').analysis).toMatch(/^This is a Moodle question \[Moodle logo\]\nGap 1, California: OK\n/);
    expect(report.warnings.map((warning) => warning.message)).toEqual([
      'embedded file(s) not imported: arizona_2.png, california-state-flag.png, moodle.png',
      '2 image(s) in the question text not imported (only their alt text is kept)',
      'gap 1 (MULTICHOICE) becomes a typed blank: the choices "Arizona" are not shown',
      'gap 2 (MULTICHOICE) becomes a typed blank: the choices "California" are not shown',
      'gap 3 (MULTICHOICE) becomes a typed blank: the choices "Arizona" are not shown',
      'gap 4 (MULTICHOICE) becomes a typed blank: the choices "California" are not shown',
      'gap 5: answer(s) worth 0% not kept ("*"): an answer that matches no credited one scores 0 anyway',
    ]);
  });

  it('keeps nested categories as topics', async () => {
    const { bank, report } = await importOk(moodle('format/xml/tests/fixtures/nested_categories_with_questions.xml'));
    expect(report.countsByType).toEqual({ truefalse: 4, essay: 1 });
    expect(bank.questions.map((q) => q.topic)).toEqual(['Iota', 'Iota/Kappa', 'Iota/Kappa', 'Iota/Kappa/Lambda', 'Iota/Mu']);
    expect(report.missingAnswers).toEqual(['q-2']);
  });

  it('reads the multichoice export with its HTML and attachments', async () => {
    const { bank, report } = await importOk(moodle('format/xml/tests/fixtures/multichoice.xml'));
    expect(question(bank, 'q-1')).toMatchObject({ type: 'choice', answer: 'B', stem: 'Listen to this greeting:\n\nWhat language is being spoken?', options: [{ text: '[British Flag] English' }, { text: '[French flag] French' }, {}, {}] });
    expect(report.warnings[0]!.message).toBe('embedded file(s) not imported: bonjour.mp3, flag-uk.jpg, flag-france.jpg, flag-german.jpg, flag-denmark.jpg');
  });

  it.each([
    ['essay', { type: 'essay', status: 'draft', analysis: 'This is general feedback' }],
    ['multichoice', { type: 'multi', scoring: 'fraction', answer: ['C', 'E'], analysis: 'Berlin, Paris and London' }],
    ['numerical', { type: 'numeric', answer: 6.25, tolerance: { kind: 'absolute', value: 0.05 } }],
    ['shortanswer', { type: 'blank', stem: 'Name an amphibian: __________', blanks: [{ accept: ['frog', { text: 'toad', fraction: 0.8 }] }] }],
    ['truefalse', { type: 'truefalse', answer: true, analysis: 'You should have selected true.\nThis is the right answer.\nfalse: This is the wrong answer.' }],
  ])('maps the %s question-type fixture', async (type, expected) => {
    const { bank } = await importOk(moodle(`type/${type}/tests/fixtures/testquestion.moodle.xml`));
    expect(bank.questions).toHaveLength(1);
    expect(bank.questions[0]).toMatchObject(expected);
  });

  it('reports the matching question type as not representable instead of dropping it', async () => {
    const outcome = await importFile(moodle('type/match/tests/fixtures/testquestion.moodle.xml'));
    expect(outcome).toEqual({
      ok: false,
      format: 'moodle-xml',
      errors: [
        { message: 'no questions could be imported from testquestion.moodle.xml' },
        { line: 12, toLine: 60, message: '"matching-001": Moodle question type "matching" has no equivalent in our banks' },
      ],
    });
  });

  it('gives a line-numbered error for XML that is not well formed', async () => {
    const outcome = await importBank({ filename: 'broken.xml', content: Buffer.from('<?xml version="1.0"?>\n<quiz>\n  <question type="truefalse">\n</quiz>\n') });
    expect(outcome).toEqual({
      ok: false,
      format: 'moodle-xml',
      errors: [{ line: 4, message: "not well-formed XML (column 1): Expected closing tag 'question' (opened in line 3, col 3) instead of closing tag 'quiz'." }],
    });
  });
});
