import { describe, expect, it } from 'vitest';
import {
  compileAcceptPattern,
  foldCase,
  isBlankText,
  normalizeForMatch,
  normalizeText,
  removeZeroWidth,
  splitBlankAnswers,
  trimPunctuation,
} from '../../src/grading/normalize.ts';
import { countStemBlanks } from '../../src/grading/blank.ts';

describe('answer normalisation', () => {
  it.each([
    ['ＴＰＵ', 'TPU'],
    ['（C）', '(C)'],
    ['３．５', '3.5'],
    ['a\u200Bb\u200C\u200Dc\u2060d\uFEFFe\u00ADf', 'abcdef'],
    ['  two   words \n here ', 'two words here'],
    ['\u3000全角空格\u3000', '全角空格'],
  ])('normalizeText turns %j into %j', (input, output) => {
    expect(normalizeText(input)).toBe(output);
  });

  it.each([
    ['“权重剪枝”', '权重剪枝'],
    ['《延迟》。', '延迟'],
    ['【吞吐量】！', '吞吐量'],
    ['"latency."', 'latency'],
    ['(structured pruning)', 'structured pruning'],
    ['C#', 'C#'],
    ['C++', 'C++'],
    ['50%', '50%'],
  ])('trimPunctuation turns %j into %j', (input, output) => {
    expect(trimPunctuation(input)).toBe(output);
  });

  it.each([
    ['Weight Pruning.', 'weightpruning'],
    ['  ＬＡＴＥＮＣＹ  ', 'latency'],
    ['“权重 剪枝”；', '权重剪枝'],
    ['TensorFlow Lite', 'tensorflowlite'],
  ])('normalizeForMatch turns %j into %j', (input, output) => {
    expect(normalizeForMatch(input)).toBe(output);
  });

  it('folds case without locale surprises and removes zero-width characters only', () => {
    expect(foldCase('İI')).toBe('i̇i');
    expect(removeZeroWidth('a\u200B b')).toBe('a b');
  });

  it.each([
    ['', true],
    [' \t\n', true],
    ['\u200B\uFEFF', true],
    ['\u3000', true],
    ['。', false],
    ['a', false],
  ])('isBlankText(%j) is %s', (input, blank) => {
    expect(isBlankText(input)).toBe(blank);
  });

  it.each([
    ['a;b', ['a', 'b']],
    ['a；b', ['a', 'b']],
    ['a | b', ['a', 'b']],
    ['a｜b', ['a', 'b']],
    ['a\nb\r\nc', ['a', 'b', 'c']],
    ['a；\nb', ['a', 'b']],
    ['a;;b', ['a', '', 'b']],
    ['a;', ['a', '']],
    ['one, two', ['one, two']],
  ])('splitBlankAnswers(%j) gives %j', (input, parts) => {
    expect(splitBlankAnswers(input)).toEqual(parts);
  });

  it.each([
    ['*剪枝', '通道剪枝', true],
    ['*剪枝', '剪枝', true],
    ['*剪枝', '剪枝方法', false],
    ['结构化*', '结构化剪枝', true],
    ['结构化*', '非结构化剪枝', false],
    ['*probabilit*', 'improbable', false],
    ['*probabilit*', normalizeForMatch('the probability distribution'), true],
    ['a.b', 'axb', false],
    ['*a*b*c*', 'xaybzc', true],
    ['*a*b*c*', 'cba', false],
    ['a*a', 'a', false],
    ['a*a', 'aa', true],
    ['a*b*a', 'aba', true],
    ['a*b*a', 'aab', false],
    ['*', 'anything', true],
    ['(FP16)', 'fp16', true],
  ])('the accept pattern %j matches %j: %s', (accept, answer, matches) => {
    expect(compileAcceptPattern(accept)(answer)).toBe(matches);
  });

  it.each([
    ['降低______和/或提高______。', 2],
    ['降低＿＿＿和＿＿', 2],
    ['单个全角＿也算一个空', 1],
    ['max_length is not a blank, __ is', 1],
    ['no blanks here', 0],
    ['mixed _＿ run', 1],
  ])('counts the blanks in %j as %d', (stem, count) => {
    expect(countStemBlanks(stem)).toBe(count);
  });
});
