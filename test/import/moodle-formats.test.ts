import { describe, expect, it } from 'vitest';
import { importBank } from '../../src/bank/import/index.ts';
import { fixture, importFile, importOk, question } from './support.ts';

describe('importing GIFT', () => {
  it('maps every question type of every-type.gift.txt and reports the matching question it cannot represent', async () => {
    const { bank, report, format } = await importOk(fixture('gift/every-type.gift.txt'));
    expect(format).toBe('gift');
    expect(report.countsByType).toEqual({ choice: 1, multi: 1, truefalse: 3, numeric: 1, blank: 1, essay: 1 });
    expect(report.skipped).toEqual([
      {
        fromLine: 5,
        toLine: 11,
        reason: 'unsupported',
        detail: 'matching question "Data structures" (->): our banks have no matching type',
        excerpt: '::Data structures::[html]Match the <b>structure</b> to the …',
      },
    ]);
    expect(report.missingAnswers).toEqual(['q-1']);
    expect(question(bank, 'q-1')).toMatchObject({ type: 'essay', status: 'draft', stem: 'Explain why a hash table needs a good hash function.' });
    expect(question(bank, 'q-3')).toMatchObject({ type: 'choice', answer: 'A', options: [{ text: 'merge sort' }, { text: 'quicksort' }, { text: 'insertion sort' }] });
    expect(question(bank, 'q-4')).toMatchObject({
      type: 'multi',
      scoring: 'fraction',
      answer: ['A', 'C'],
      options: [
        { key: 'A', text: '2', fraction: 0.5 },
        { key: 'B', text: '9', fraction: -1 },
        { key: 'C', text: '13', fraction: 0.5 },
        { key: 'D', text: '21', fraction: -1 },
      ],
    });
    expect(question(bank, 'q-5')).toMatchObject({ type: 'numeric', answer: 3, tolerance: { kind: 'absolute', value: 2 } });
    expect(question(bank, 'q-6')).toMatchObject({ type: 'blank', stem: 'Which data structure does breadth-first search keep its frontier in? _____', blanks: [{ accept: ['Queue', { text: 'Deque', fraction: 0.5 }] }] });
    expect(question(bank, 'q-7')).toMatchObject({
      type: 'truefalse',
      answer: false,
      analysis:
        'Binary search compares with the middle element and discards the half that cannot hold the key, which only works when the array is sorted.\nYou gave the right answer.\nTrue: It relies on the order to discard half.',
    });
    expect([question(bank, 'q-8'), question(bank, 'q-9')]).toMatchObject([
      { type: 'truefalse', answer: true },
      { type: 'truefalse', answer: true },
    ]);
    expect(report.warnings.map((warning) => `${warning.line ?? '-'} ${warning.message}`)).toEqual([
      '31 answer worth 0% not kept: "*" (feedback "A tree with n vertices has n - 1 edges"): a number outside every credited answer scores 0 anyway',
      '31 text after the answer block ("";") dropped',
      '34 answer worth 0% not kept: "*" (feedback "Think of the order the vertices are vis…"): an answer that matches no credited one scores 0 anyway',
      '41 text after the answer block ("";") dropped',
      '- 3 questions came without an analysis: their analysis only states the answer; add an explanation',
    ]);
  });

  it('sets the topic from $CATEGORY and unescapes HTML questions', async () => {
    const { bank, report } = await importOk(fixture('gift/in-category.gift.txt'));
    expect(report.countsByType).toEqual({ choice: 1, truefalse: 1, blank: 1 });
    expect(report.skipped.map((region) => [region.fromLine, region.toLine, region.reason])).toEqual([[5, 10, 'unsupported']]);
    expect(bank.questions.every((q) => q.topic === 'Algorithms and Data Structures')).toBe(true);
    expect(question(bank, 'q-2')).toMatchObject({ stem: 'Look at this tree:\n\nWhich traversal visits the root first?', answer: 'B' });
    expect(question(bank, 'q-3')).toMatchObject({ type: 'blank', stem: 'The topmost node of a tree is called its ... _____', blanks: [{ accept: ['root'] }] });
    expect(question(bank, 'q-4')).toMatchObject({ type: 'truefalse', answer: true, stem: 'FIFO is an acronym for First In, First Out.' });
  });

  it('reads the reference examples: missing words, numeric ranges, weights and escapes', async () => {
    const { bank, report } = await importOk(fixture('gift/reference-examples.gift.txt'));
    expect(report.countsByType).toEqual({ choice: 7, multi: 1, truefalse: 2, numeric: 4, blank: 1 });
    expect(report.skipped.map((region) => [region.fromLine, region.toLine, region.detail])).toEqual([
      [28, 32, 'matching question #7 (->): our banks have no matching type'],
      [88, 88, 'matching question #17 (->): our banks have no matching type'],
    ]);
    expect(question(bank, 'q-2')).toMatchObject({ type: 'choice', stem: 'A stack is _____ by design.', answer: 'B' });
    expect(question(bank, 'q-3')).toMatchObject({ type: 'choice', stem: 'The binary number 1010 is the decimal number _____.', answer: 'C' });
    expect(question(bank, 'q-4')).toMatchObject({ type: 'blank', stem: 'Two plus two equals _____.', blanks: [{ accept: ['four', '4'] }] });
    expect([question(bank, 'q-5'), question(bank, 'q-6')]).toMatchObject([{ answer: false }, { answer: true }]);
    expect(question(bank, 'q-8')).toMatchObject({ type: 'numeric', answer: 8, tolerance: { value: 0 } });
    expect(question(bank, 'q-9')).toMatchObject({ type: 'numeric', answer: 3.1415, tolerance: { value: 0.0005 } });
    expect(question(bank, 'q-10')).toMatchObject({ type: 'numeric', answer: 2.715, tolerance: { value: 0.005 } });
    expect(question(bank, 'q-11')).toMatchObject({
      type: 'numeric',
      answer: 1936,
      tolerance: { value: 0 },
      alternatives: [{ answer: 1936, tolerance: { value: 2 }, fraction: 0.5 }],
      analysis: '1936:0: Correct! 100% credit\n1936:2: Close: it was 1936.',
    });
    expect(question(bank, 'q-13')).toMatchObject({
      type: 'choice',
      answer: 'C',
      options: [{ text: 'to ignore them', fraction: 0 }, { text: 'linear probing', fraction: 0.5 }, { text: 'separate chaining', fraction: 1 }],
    });
    expect(question(bank, 'q-14')).toMatchObject({ type: 'multi', answer: ['B', 'C'], options: [{ fraction: -0.5 }, { fraction: 0.5 }, { fraction: 0.5 }, { fraction: -0.5 }] });
    expect(question(bank, 'q-15')).toMatchObject({ options: [{ text: '= 2 + 2' }, { text: '= 2 + 3' }, { text: '= 2 + 4' }], answer: 'B' });
    expect(question(bank, 'q-16')).toMatchObject({ answer: 'F', options: [{ text: '~' }, { text: '=' }, { text: '#' }, { text: '{' }, { text: '}' }, { text: '\\' }] });
    expect(report.warnings.map((warning) => `${warning.line ?? '-'} ${warning.message}`)).toEqual([
      '38 text after the answer block (".") dropped',
      '40 text after the answer block (".") dropped',
      '- 11 questions came without an analysis: their analysis only states the answer; add an explanation',
    ]);
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
  it('imports the two questions of two-questions.aiken.txt', async () => {
    const { bank, report } = await importOk(fixture('aiken/two-questions.aiken.txt'));
    expect(report.countsByType).toEqual({ choice: 2 });
    expect(question(bank, 'q-1')).toMatchObject({ stem: 'Which data structure serves its items first in, first out?', answer: 'B', options: [{}, { text: 'Queue' }, {}, {}] });
    expect(question(bank, 'q-2')).toMatchObject({ stem: 'An XML document such as <tree kind="binary"> & its text is plain data:', answer: 'A', options: [{ text: 'True' }, { text: 'False' }] });
    expect(report.skipped).toEqual([]);
  });

  it('reports every malformed question of errors.aiken.txt with its lines and keeps the good ones, A)text without a space included', async () => {
    const { bank, report } = await importOk(fixture('aiken/errors.aiken.txt'));
    expect(bank.questions.map((q) => q.stem)).toEqual(['A good question: what is 2 + 2?', 'A second question without spaces after the letters']);
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
    const outcome = await importFile(fixture('moodle-xml/invalid-grades.xml'));
    expect(outcome).toEqual({
      ok: false,
      format: 'moodle-xml',
      errors: [
        { message: 'no questions could be imported from invalid-grades.xml' },
        {
          line: 4,
          toLine: 50,
          message: '"Powers of two with a bad grade : 1 < x & x < 20": answer 2 ("2") has fraction 33, not a Moodle grade (nearest: 33.33333)',
        },
      ],
    });
  });

  it('turns the cloze question into a blank question with five blanks', async () => {
    const { bank, report } = await importOk(fixture('moodle-xml/cloze-with-images.xml'));
    expect(report.countsByType).toEqual({ blank: 1 });
    expect(question(bank, 'q-1')).toMatchObject({
      type: 'blank',
      points: 5,
      topic: 'Number systems',
      blanks: [
        { accept: ['binary'], points: 1 },
        { accept: ['hexadecimal'], points: 1 },
        { accept: ['binary'], points: 1 },
        { accept: ['hexadecimal'], points: 1 },
        { accept: ['10', { text: 'ten', fraction: 0.5 }], points: 1 },
      ],
    });
    expect(question(bank, 'q-1').stem).toContain('binary [Binary digits] or hexadecimal [Hex digits]\n* 1011: _____\n');
    expect(question(bank, 'q-1').stem).toMatch(/The decimal value of binary 1010 is _____\.$/);
    expect(question(bank, 'q-1').analysis).toMatch(/^Digits tell the base \[Base table\]\nGap 1, binary: OK\n/);
    expect(report.warnings.map((warning) => warning.message)).toEqual([
      'embedded files not imported: binary-digits.png, hex-digits.png, base-table.png',
      '2 images in the question text not imported (only their alt text is kept)',
      'gap 1 (MULTICHOICE) becomes a typed blank: the choices "hexadecimal" are not shown',
      'gap 2 (MULTICHOICE) becomes a typed blank: the choices "binary" are not shown',
      'gap 3 (MULTICHOICE) becomes a typed blank: the choices "hexadecimal" are not shown',
      'gap 4 (MULTICHOICE) becomes a typed blank: the choices "binary" are not shown',
      'gap 5: answer worth 0% not kept ("*"): an answer that matches no credited one scores 0 anyway',
    ]);
  });

  it('keeps nested categories as topics', async () => {
    const { bank, report } = await importOk(fixture('moodle-xml/nested-categories.xml'));
    expect(report.countsByType).toEqual({ truefalse: 4, essay: 1 });
    expect(bank.questions.map((q) => q.topic)).toEqual(['Algorithms', 'Algorithms/Recursion', 'Algorithms/Recursion', 'Algorithms/Recursion/Tail calls', 'Algorithms/Sorting']);
    expect(report.missingAnswers).toEqual(['q-2']);
    expect(question(bank, 'q-5')).toMatchObject({ type: 'truefalse', answer: false });
  });

  it('reads the multichoice export with its HTML and attachments', async () => {
    const { bank, report } = await importOk(fixture('moodle-xml/multichoice-with-files.xml'));
    expect(question(bank, 'q-1')).toMatchObject({
      type: 'choice',
      answer: 'B',
      stem: 'Listen to this description:\n\nWhich traversal is being described?',
      options: [{ text: '[Left subtree first] In-order' }, { text: '[Root first] Pre-order' }, {}, {}],
    });
    expect(report.warnings[0]!.message).toBe('embedded files not imported: tree-walk.mp3, in-order.png, pre-order.png, post-order.png, level-order.png');
  });

  it.each([
    ['essay', { type: 'essay', status: 'draft', analysis: 'Arrays shift the items after the insertion point; linked lists relink two pointers once the position is found.' }],
    [
      'multichoice',
      {
        type: 'multi',
        scoring: 'fraction',
        answer: ['C', 'E'],
        analysis:
          'Merge sort and insertion sort keep equal keys in order.\nA. Heapsort: No, heapsort can reorder equal keys.\nB. Quicksort: Not in its usual in-place form.\nC. Merge sort: Yes.\nD. Selection sort: Not in its usual form.\nE. Insertion sort: Yes.',
      },
    ],
    ['numerical', { type: 'numeric', answer: 6.25, tolerance: { kind: 'absolute', value: 0.05 } }],
    ['shortanswer', { type: 'blank', stem: 'Name a divide-and-conquer sorting algorithm: __________', blanks: [{ accept: ['mergesort', 'quicksort'] }] }],
    [
      'truefalse',
      {
        type: 'truefalse',
        answer: true,
        analysis: 'You should have selected true: the children of item i are at 2i + 1 and 2i + 2.\nThe heap shape leaves no gaps.\nfalse: The heap shape leaves no gaps.',
      },
    ],
  ])('maps the %s question-type fixture', async (type, expected) => {
    const { bank } = await importOk(fixture(`moodle-xml/types/${type}.xml`));
    expect(bank.questions).toHaveLength(1);
    expect(bank.questions[0]).toMatchObject(expected);
  });

  it('reports the matching question type as not representable instead of dropping it', async () => {
    const outcome = await importFile(fixture('moodle-xml/matching.xml'));
    expect(outcome).toEqual({
      ok: false,
      format: 'moodle-xml',
      errors: [
        { message: 'no questions could be imported from matching.xml' },
        { line: 11, toLine: 43, message: '"matching-001": Moodle question type "matching" has no equivalent in our banks' },
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
