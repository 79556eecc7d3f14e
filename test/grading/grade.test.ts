import { describe, expect, it } from 'vitest';
import type { Question } from '../../src/bank/schema.ts';
import { gradeAnswer } from '../../src/grading/grade.ts';
import type { GradeResult, GradedResult, InvalidReasonCode, RawAnswer } from '../../src/grading/types.ts';
import {
  absoluteNumeric,
  bigNumeric,
  chineseTrueFalse,
  englishChoice,
  englishTrueFalse,
  essayQuestion,
  exactDecimal,
  examMulti,
  examMultiThirdCredit,
  fractionMulti,
  latencyBlanks,
  oneBlank,
  pruningBlanks,
  question,
  relativeNumeric,
  shortQuestion,
  tpuChoice,
} from './fixtures.ts';

function graded(result: GradeResult): GradedResult {
  if (result.status !== 'graded') throw new Error(`expected a graded result, got ${JSON.stringify(result)}`);
  return result;
}

function expectInvalid(result: GradeResult, code: InvalidReasonCode): void {
  expect(result.status).toBe('invalid');
  if (result.status === 'invalid') expect(result.reason.code).toBe(code);
  expect(result.score).toBe(0);
}

describe('choice questions', () => {
  it.each([
    'C',
    'c',
    'Ｃ',
    'ｃ',
    'C.',
    'C。',
    '(C)',
    '（C）',
    '[C]',
    '选C',
    '选 C',
    '我选C',
    '答案是 C',
    '答案是C。',
    '答案：C',
    '答案：选C',
    '正确答案为C',
    'C. TPU',
    'C、张量处理器',
    'C TPU',
    'C：张量处理器（TPU）',
    '张量处理器（TPU）',
    '张量处理器(TPU)',
    '张量处理器 (tpu)。',
    'TPU',
    'tpu',
    '张量处理器',
    '答案是TPU',
    '  C  ',
    'C\u200B',
    '\u200BＣ\uFEFF',
    '我觉得是C吧',
    'The answer is C',
    'the answer is c.',
    'Answer: C',
    'I choose C',
  ])('reads %j as option C and gives full points', (answer) => {
    const result = graded(gradeAnswer(tpuChoice, answer));
    expect(result).toMatchObject({ score: 2, maxScore: 2, correct: true, normalizedAnswer: 'C', expected: 'C' });
    expect(result.parts).toEqual([{ part: 'C', verdict: 'correct', given: 'C', expected: 'C', score: 2, maxScore: 2 }]);
  });

  it.each([
    ['B', 'B'],
    ['b', 'B'],
    ['(A)', 'A'],
    ['选D', 'D'],
    ['B. GPU', 'B'],
    ['图形处理器（GPU）', 'B'],
    ['神经形态芯片', 'D'],
    ['GPU', 'B'],
    ['cpu', 'A'],
  ])('grades %j as the wrong option %s, showing the right one as missed', (answer, key) => {
    const result = graded(gradeAnswer(tpuChoice, answer));
    expect(result).toMatchObject({ score: 0, maxScore: 2, correct: false, normalizedAnswer: key, expected: 'C' });
    expect(result.parts).toEqual([
      { part: key, verdict: 'wrong', given: key, score: 0, maxScore: 0 },
      { part: 'C', verdict: 'missed', expected: 'C', score: 0, maxScore: 2 },
    ]);
  });

  it.each([
    ['Inferences completed per second', 'B', 1],
    ['inferences completed per second.', 'B', 1],
    ['INFERENCES COMPLETED PER SECOND', 'B', 1],
    ['I think B', 'B', 1],
    ['The time of one inference', 'A', 0],
    ['option a', 'A', 0],
  ])('reads the English answer %j as %s', (answer, key, score) => {
    expect(graded(gradeAnswer(englishChoice, answer))).toMatchObject({ normalizedAnswer: key, score });
  });

  it.each([
    ['E', 'no-valid-option', 'E is not one of the options'],
    ['(F)', 'no-valid-option', 'F is not one of the options'],
    ['选E', 'no-valid-option', 'E is not one of the options'],
    ['xyz', 'no-valid-option', 'names no option'],
    ['NPU', 'no-valid-option', 'names no option'],
    ['处理器', 'no-valid-option', 'names no option'],
    ['不知道', 'no-valid-option', 'names no option'],
    ['AB', 'too-many-options', 'A, B'],
    ['A or C', 'too-many-options', 'A, C'],
    ['C. GPU', 'too-many-options', 'both C and B'],
    ['我觉得是B或者C', 'too-many-options', 'B, C'],
  ] as const)('refuses %j as invalid (%s), never as wrong', (answer, code, text) => {
    const result = gradeAnswer(tpuChoice, answer);
    expectInvalid(result, code);
    if (result.status === 'invalid') expect(result.reason.message).toContain(text);
  });
});

describe('invalid answers of any type', () => {
  const everyQuestion: Question[] = [tpuChoice, examMulti, chineseTrueFalse, absoluteNumeric, pruningBlanks, shortQuestion];

  it.each([
    ['an empty string', ''],
    ['only spaces', '    '],
    ['only tabs and new lines', '\t\n \r\n'],
    ['an ideographic space', '\u3000'],
    ['only zero-width characters', '\u200B\u200C\u200D\u2060\uFEFF'],
    ['zero-width characters and spaces', ' \u200B \u00AD '],
    ['an empty list', [] as string[]],
    ['a list of empty strings', ['', ' ', '\u200B']],
  ])('treats %s as an empty answer for every question type', (_label, answer: RawAnswer) => {
    for (const item of everyQuestion) {
      const result = gradeAnswer(item, answer);
      expectInvalid(result, 'empty');
      expect(result.maxScore).toBe(item.points);
    }
  });

  it('refuses an answer longer than 4000 characters by default, whatever the type', () => {
    for (const item of everyQuestion) {
      const result = gradeAnswer(item, `C${' '.repeat(4000)}`);
      expectInvalid(result, 'too-long');
      if (result.status === 'invalid') expect(result.reason.message).toBe('The answer is 4001 characters long; the limit is 4000.');
    }
    expect(graded(gradeAnswer(tpuChoice, `C${' '.repeat(3999)}`)).score).toBe(2);
  });

  it('uses the configured limit, and a free-text question’s own maxLength before it', () => {
    expectInvalid(gradeAnswer(tpuChoice, 'C. 张量处理器', { maxLength: 5 }), 'too-long');
    expectInvalid(gradeAnswer(essayQuestion, 'x'.repeat(51), { maxLength: 4000 }), 'too-long');
    expect(gradeAnswer(essayQuestion, 'x'.repeat(50), { maxLength: 10 }).status).toBe('needs-feedback');
  });

  it('counts every blank of a list towards the limit', () => {
    expectInvalid(gradeAnswer(pruningBlanks, ['a'.repeat(2000), 'b'.repeat(2000), 'c']), 'too-long');
  });
});

describe('multi questions scored the exam way (少选得部分分、错选不得分)', () => {
  it.each([
    'ABD',
    'abd',
    'A,B,D',
    'A, B, D',
    'A，B，D',
    'A、B、D',
    'a d b',
    'D B A',
    'DBA',
    'ＡＢＤ',
    '(A)(B)(D)',
    'A;B;D',
    'A/B/D',
    'A和B和D',
    'A、B和D',
    'A and B and D',
    'ABDA',
    '答案是ABD',
    '选ABD',
    'A. INT8 quantization\nB. Structured pruning\nD. Distilling into a smaller student model',
    'INT8 quantization; Structured pruning; Distilling into a smaller student model',
  ])('reads %j as A, B and D and gives full points', (answer) => {
    const result = graded(gradeAnswer(examMulti, answer));
    expect(result).toMatchObject({ score: 4, maxScore: 4, correct: true, normalizedAnswer: 'ABD', expected: 'ABD' });
  });

  it.each([
    ['AB', 'AB', 2],
    ['B, D', 'BD', 2],
    ['D', 'D', 2],
    ['ABC', 'ABC', 0],
    ['ABCD', 'ABCD', 0],
    ['C', 'C', 0],
    ['A C', 'AC', 0],
  ])('gives %j (ticks %s) %d of 4 points', (answer, ticked, score) => {
    expect(graded(gradeAnswer(examMulti, answer))).toMatchObject({ normalizedAnswer: ticked, score, correct: false });
  });

  it('uses the question’s partialCredit for a strict subset', () => {
    expect(graded(gradeAnswer(examMultiThirdCredit, 'AB')).score).toBe(1.2);
    expect(graded(gradeAnswer(examMultiThirdCredit, 'ABC')).score).toBe(0);
    expect(graded(gradeAnswer(examMultiThirdCredit, 'ABD')).score).toBe(4);
  });

  it('reports a verdict for every ticked option and every key option, each key option showing its share scaled by the credit earned', () => {
    expect(graded(gradeAnswer(examMulti, 'AB')).parts).toEqual([
      { part: 'A', verdict: 'correct', given: 'A', expected: 'A', score: 0.67, maxScore: 1.33 },
      { part: 'B', verdict: 'correct', given: 'B', expected: 'B', score: 0.67, maxScore: 1.33 },
      { part: 'D', verdict: 'missed', expected: 'D', score: 0, maxScore: 1.33 },
    ]);
    expect(graded(gradeAnswer(examMulti, 'AC')).parts).toEqual([
      { part: 'A', verdict: 'correct', given: 'A', expected: 'A', score: 0, maxScore: 1.33 },
      { part: 'B', verdict: 'missed', expected: 'B', score: 0, maxScore: 1.33 },
      { part: 'C', verdict: 'wrong', given: 'C', score: 0, maxScore: 0 },
      { part: 'D', verdict: 'missed', expected: 'D', score: 0, maxScore: 1.33 },
    ]);
  });

  it.each([
    ['ABE', 'E is not one of the options'],
    ['A, F', 'F is not one of the options'],
    ['xyz', 'X is not one of the options'],
    ['都对', 'names no option'],
  ])('refuses %j as naming no valid option', (answer, text) => {
    const result = gradeAnswer(examMulti, answer);
    expectInvalid(result, 'no-valid-option');
    if (result.status === 'invalid') expect(result.reason.message).toContain(text);
  });
});

describe('multi questions scored by fraction (Moodle)', () => {
  it.each([
    ['AB', 2, true],
    ['BA', 2, true],
    ['A', 1, false],
    ['B', 1, false],
    ['ABC', 1, false],
    ['ABCD', 0, false],
    ['AC', 0, false],
    ['CD', 0, false],
    ['C', 0, false],
  ])('gives %j %d of 2 points, the ticked fractions summed and clamped to 0..1', (answer, score, correct) => {
    expect(graded(gradeAnswer(fractionMulti, answer))).toMatchObject({ score, maxScore: 2, correct });
  });

  it('shows a wrong tick as wrong with no points, and an unticked right option as missed', () => {
    expect(graded(gradeAnswer(fractionMulti, 'AC')).parts).toEqual([
      { part: 'A', verdict: 'correct', given: 'A', expected: 'A', score: 1, maxScore: 1 },
      { part: 'B', verdict: 'missed', expected: 'B', score: 0, maxScore: 1 },
      { part: 'C', verdict: 'wrong', given: 'C', score: 0, maxScore: 0 },
    ]);
  });
});

describe('true/false questions', () => {
  it.each([
    ['对', true],
    ['对的', true],
    ['正确', true],
    ['是', true],
    ['√', true],
    ['✓', true],
    ['T', true],
    ['t', true],
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['ｔｒｕｅ', true],
    ['yes', true],
    ['Yes.', true],
    ['答案是对', true],
    ['对。', true],
    ['错', false],
    ['错误', false],
    ['不对', false],
    ['否', false],
    ['×', false],
    ['✗', false],
    ['F', false],
    ['f', false],
    ['false', false],
    ['no', false],
    ['No!', false],
    ['wrong', false],
    ['✔️', true],
    ['✅', true],
    ['❌', false],
  ])('reads %j as %s', (answer, value) => {
    const zh = graded(gradeAnswer(chineseTrueFalse, answer));
    expect(zh).toMatchObject({ normalizedAnswer: String(value), score: value ? 1 : 0, expected: '对' });
    const en = graded(gradeAnswer(englishTrueFalse, answer));
    expect(en).toMatchObject({ normalizedAnswer: String(value), score: value ? 0 : 1, expected: 'false' });
  });

  it.each(['maybe', '对错', '不知道', 'C', '1'])('refuses %j as neither true nor false', (answer) => {
    expectInvalid(gradeAnswer(chineseTrueFalse, answer), 'not-true-false');
  });
});

describe('numeric questions', () => {
  it.each([
    ['40', 40],
    ['４０', 40],
    ['40.0', 40],
    ['+40', 40],
    ['40.5', 40.5],
    ['39.5', 39.5],
    ['约40', 40],
    ['≈ 40', 40],
    ['40 images/s', 40],
    ['40images/s', 40],
    ['40 Images/S', 40],
    ['4e1', 40],
    ['4.0E1', 40],
    ['4×10^1', 40],
    ['4x10^1', 40],
    ['4×10¹', 40],
    ['答案是40', 40],
    ['40。', 40],
  ])('accepts %j within an absolute tolerance of 0.5', (answer, value) => {
    const result = graded(gradeAnswer(absoluteNumeric, answer));
    expect(result).toMatchObject({ score: 2, correct: true, normalizedAnswer: `${value} images/s`, expected: '40 images/s (± 0.5 images/s)' });
  });

  it.each(['41', '39.4', '40.6', '-40', '−40', '400'])('grades %j as wrong: outside the tolerance', (answer) => {
    expect(graded(gradeAnswer(absoluteNumeric, answer))).toMatchObject({ score: 0, correct: false });
  });

  it.each([
    ['14', 2],
    ['13.3', 2],
    ['14.7', 2],
    ['14 GB', 2],
    ['14gb', 2],
    ['1.4e1', 2],
    ['13.29', 0],
    ['14.71', 0],
  ])('grades %j against 14 GB ± 5%% with %d points', (answer, score) => {
    expect(graded(gradeAnswer(relativeNumeric, answer))).toMatchObject({ score, expected: '14 GB (± 5%)' });
  });

  it.each(['1500000', '1,500,000', '1 500 000', '１，５００，０００', '1.5e6', '1.5E+6', '1.5×10^6', '1.5×10⁶', '1.5*10**6'])(
    'reads %j as one and a half million',
    (answer) => {
      expect(graded(gradeAnswer(bigNumeric, answer))).toMatchObject({ score: 1, normalizedAnswer: '1500000' });
    },
  );

  it.each([
    ['3.5', 1],
    ['3,5', 1],
    ['３．５', 1],
    ['3.50', 1],
    ['.35e1', 1],
    ['3,500', 0],
    ['-3.5', 0],
  ])('reads %j with a decimal point or a decimal comma (score %d)', (answer, score) => {
    expect(graded(gradeAnswer(exactDecimal, answer)).score).toBe(score);
  });

  it.each(['forty', '40 ms', '40%', '4O', '1,2,3', '7/2', '40 40'])('refuses %j as not a number', (answer) => {
    const result = gradeAnswer(absoluteNumeric, answer);
    expectInvalid(result, 'not-a-number');
    if (result.status === 'invalid') expect(result.reason.message).toContain('(in images/s)');
  });
});

describe('fill-in-the-blank questions', () => {
  it.each([
    ['separated by ；', '权重剪枝；结构化剪枝；延迟'],
    ['separated by ;', '权重剪枝;结构化剪枝;延迟'],
    ['separated by |', '权重剪枝 | 结构化剪枝 | 延迟'],
    ['separated by ｜', '权重剪枝｜结构化剪枝｜延迟'],
    ['on separate lines', '权重剪枝\n结构化剪枝\r\n延迟'],
    ['with separator and line break', '权重剪枝；\n结构化剪枝；\n延迟'],
    ['in the other order within the unordered group', '结构化剪枝；权重剪枝；延迟'],
    ['in English, any case', 'Weight Pruning; STRUCTURED pruning; Latency'],
    ['in full-width letters', 'ｗｅｉｇｈｔ ｐｒｕｎｉｎｇ；structured pruning；ｌａｔｅｎｃｙ'],
    ['with Chinese punctuation around', '“权重剪枝”；结构化剪枝。；延迟！'],
    ['with English punctuation around', '"weight pruning", (structured pruning); latency.'.replace(',', ';')],
    ['with spaces inside and around', '  权重 剪枝 ; 结构化剪枝 ;延迟  '],
    ['without the spaces of the English term', 'weightpruning;structuredpruning;latency'],
    ['through a wildcard accept', '非结构化剪枝；卷积通道剪枝；时延'],
    ['with zero-width characters', '权重\u200B剪枝；结构化剪枝；延\uFEFF迟'],
    ['with a trailing separator', '权重剪枝；结构化剪枝；延迟；'],
    ['as space-separated words, one per blank', '权重剪枝 结构化剪枝 延迟'],
    ['separated by 、, one per blank', '权重剪枝、结构化剪枝、延迟'],
    ['separated by commas, one per blank', 'weight pruning, structured pruning, latency'],
    ['separated by full-width commas, one per blank', '权重剪枝，结构化剪枝，延迟'],
  ])('accepts the answers %s', (_label, answer) => {
    const result = graded(gradeAnswer(pruningBlanks, answer));
    expect(result).toMatchObject({ score: 3, maxScore: 3, correct: true, expected: '权重剪枝; 结构化剪枝; 延迟' });
    expect(result.parts.map((part) => part.verdict)).toEqual(['correct', 'correct', 'correct']);
  });

  it('takes one answer per blank as a list', () => {
    const result = graded(gradeAnswer(pruningBlanks, ['结构化剪枝', '权重剪枝', 'latency']));
    expect(result).toMatchObject({ score: 3, normalizedAnswer: '结构化剪枝 | 权重剪枝 | latency' });
  });

  it('reads a single list entry like a typed answer and splits it', () => {
    expect(graded(gradeAnswer(pruningBlanks, ['权重剪枝；结构化剪枝；延迟'])).score).toBe(3);
  });

  it('scores each blank on its own and says which one is wrong', () => {
    const result = graded(gradeAnswer(pruningBlanks, '权重剪枝；量化；延迟'));
    expect(result).toMatchObject({ score: 2, correct: false, normalizedAnswer: '权重剪枝 | 量化 | 延迟' });
    expect(result.parts).toEqual([
      { part: '1', verdict: 'correct', given: '权重剪枝', expected: '权重剪枝', score: 1, maxScore: 1 },
      { part: '2', verdict: 'wrong', given: '量化', expected: '结构化剪枝', score: 0, maxScore: 1 },
      { part: '3', verdict: 'correct', given: '延迟', expected: '延迟', score: 1, maxScore: 1 },
    ]);
  });

  it('marks an empty part as a skipped (missed) blank', () => {
    const result = graded(gradeAnswer(pruningBlanks, '权重剪枝;;延迟'));
    expect(result.score).toBe(2);
    expect(result.parts[1]).toEqual({ part: '2', verdict: 'missed', expected: '结构化剪枝', score: 0, maxScore: 1 });
    expect(graded(gradeAnswer(pruningBlanks, ['', '结构化剪枝', ''])).parts.map((part) => part.verdict)).toEqual([
      'missed',
      'correct',
      'missed',
    ]);
  });

  it('gives the same answer twice in an unordered group credit only once', () => {
    expect(graded(gradeAnswer(pruningBlanks, '权重剪枝；权重剪枝；延迟')).score).toBe(2);
  });

  it('keeps blanks outside the unordered group in order', () => {
    // 延迟 is not a pruning method, and blank 3 wants latency, not 结构化剪枝.
    expect(graded(gradeAnswer(pruningBlanks, '延迟；权重剪枝；结构化剪枝')).score).toBe(1);
  });

  it('respects order when there is no unordered group, and each blank’s own points', () => {
    expect(graded(gradeAnswer(latencyBlanks, '延迟；吞吐量'))).toMatchObject({ score: 4, correct: true });
    expect(graded(gradeAnswer(latencyBlanks, '吞吐量；延迟'))).toMatchObject({ score: 0 });
    expect(graded(gradeAnswer(latencyBlanks, 'latency;'))).toMatchObject({ score: 1 });
    expect(graded(gradeAnswer(latencyBlanks, ';throughput'))).toMatchObject({ score: 3 });
    expect(graded(gradeAnswer(latencyBlanks, '延迟；吞吐量')).parts.map((part) => part.maxScore)).toEqual([1, 3]);
  });

  it.each([
    ['soft labels', 2],
    ['Soft Labels.', 2],
    ['softlabels', 2],
    ['soft targets', 2],
    ['软标签', 2],
    ['c#', 2],
    ['C', 0],
    ['the probability distribution', 2],
    ['hard labels', 0],
  ])('grades %j for a one-blank question with %d points', (answer, score) => {
    expect(graded(gradeAnswer(oneBlank, answer)).score).toBe(score);
  });

  it('rounds scores to hundredths when points do not split evenly', () => {
    const thirds = question({ ...pruningBlanks, id: 'thirds', points: 2, unordered: undefined });
    expect(graded(gradeAnswer(thirds, '权重剪枝；结构化剪枝；x')).score).toBe(1.33);
    expect(graded(gradeAnswer(thirds, '权重剪枝；x；x')).score).toBe(0.67);
    expect(graded(gradeAnswer(thirds, '权重剪枝；结构化剪枝；延迟'))).toMatchObject({ score: 2, correct: true });
  });

  it.each([
    ['one part for three blanks', '权重剪枝', 'This question has 3 blanks but the answer has 1 part'],
    ['two parts for three blanks', '权重剪枝；结构化剪枝', 'has 3 blanks but the answer has 2 parts'],
    ['four parts for three blanks', 'a;b;c;d', 'has 3 blanks but the answer has 4 parts'],
    ['a list of two for three blanks', ['a', 'b'], 'has 3 blanks but the answer has 2 parts'],
  ])('refuses %s as a blank-count problem, not a wrong answer', (_label, answer: RawAnswer, text) => {
    const result = gradeAnswer(pruningBlanks, answer);
    expectInvalid(result, 'blank-count');
    if (result.status === 'invalid') expect(result.reason.message).toContain(text);
  });

  it('refuses two parts for a one-blank question', () => {
    expectInvalid(gradeAnswer(oneBlank, 'soft labels; soft targets'), 'blank-count');
  });

  it('treats separators with nothing between them as an empty answer', () => {
    expectInvalid(gradeAnswer(pruningBlanks, '；；'), 'empty');
  });
});

describe('short and essay questions', () => {
  it('hands a short answer to the tutor as needs-feedback with the learner’s words cleaned of invisible characters', () => {
    expect(gradeAnswer(shortQuestion, '  剪枝\u200B减少参数；量化降低精度。 ')).toEqual({
      status: 'needs-feedback',
      questionType: 'short',
      score: 0,
      maxScore: 10,
      normalizedAnswer: '剪枝减少参数；量化降低精度。',
    });
  });

  it('hands an essay to the tutor too', () => {
    expect(gradeAnswer(essayQuestion, 'Quantization helps.')).toMatchObject({ status: 'needs-feedback', questionType: 'essay', maxScore: 10 });
  });
});

describe('gradeAnswer as a function', () => {
  const everyQuestion: Question[] = [
    tpuChoice,
    englishChoice,
    examMulti,
    fractionMulti,
    chineseTrueFalse,
    absoluteNumeric,
    relativeNumeric,
    bigNumeric,
    pruningBlanks,
    latencyBlanks,
    oneBlank,
    shortQuestion,
    essayQuestion,
  ];
  const alphabet = ['A', 'b', 'C', 'Ｄ', ' ', ';', '；', '|', '\n', '、', ',', '.', '(', '）', '0', '4', '５', 'e', '-', '^', '*', '×', '√', '对', '错', '剪枝', '延迟', '\u200B', '_', '"', '\\', '[', '$'];

  it('never throws and keeps every score within 0..points on thousands of random answers', () => {
    let seed = 20251127;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 3000; round += 1) {
      const length = Math.floor(random() * 12);
      const text = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      for (const item of everyQuestion) {
        const result = gradeAnswer(item, random() < 0.2 ? text.split(';') : text);
        expect(['graded', 'invalid', 'needs-feedback']).toContain(result.status);
        expect(result.maxScore).toBe(item.points);
        expect(result.score).toBeGreaterThanOrEqual(0);
        expect(result.score).toBeLessThanOrEqual(item.points);
        expect(Math.round(result.score * 100) / 100).toBe(result.score);
        if (result.status === 'graded') {
          for (const part of result.parts) expect(part.score).toBeLessThanOrEqual(part.maxScore);
        }
      }
    }
  });

  it('never gives points against a draft’s empty key', () => {
    const draftChoice = question({ ...tpuChoice, id: 'draft-choice', status: 'draft', answer: '' });
    const draftMulti = question({ ...examMulti, id: 'draft-multi', status: 'draft', answer: [] });
    const draftBlank = question({ ...latencyBlanks, id: 'draft-blank', status: 'draft', blanks: [{ accept: [] }, { accept: [] }] });
    for (const [item, answer] of [
      [draftChoice, 'C'],
      [draftMulti, 'ABD'],
      [draftMulti, 'C'],
      [draftBlank, '延迟；吞吐量'],
    ] as const) {
      const result = gradeAnswer(item, answer);
      expect(result.score).toBe(0);
      if (result.status === 'graded') for (const part of result.parts) expect(Number.isFinite(part.maxScore)).toBe(true);
    }
  });

  it('grades long adversarial answers (runs of punctuation, spaces, digits, letters) without hanging', () => {
    const wildcard = question({ ...oneBlank, id: 'wildcards', blanks: [{ accept: ['*a*b*c*', '*soft*label*'] }] });
    const long = ['.'.repeat(3999) + 'a', ' '.repeat(3998) + 'a.', 'ab'.repeat(1999) + 'd', '1'.repeat(3990) + 'x10^', '、'.repeat(3999) + 'a', '1 '.repeat(1999), 'A '.repeat(1999)];
    for (const item of [...everyQuestion, wildcard]) {
      for (const answer of long) {
        const result = gradeAnswer(item, answer);
        expect(result.score).toBeLessThanOrEqual(item.points);
      }
    }
    expect(graded(gradeAnswer(wildcard, `${'ab'.repeat(1999)}c`)).score).toBe(2);
    expect(graded(gradeAnswer(wildcard, `${'ab'.repeat(1999)}d`)).score).toBe(0);
  });

  it('gives the same result for the same question and answer every time', () => {
    for (const item of everyQuestion) {
      expect(gradeAnswer(item, 'A, B; 40 对')).toEqual(gradeAnswer(item, 'A, B; 40 对'));
    }
  });
});
