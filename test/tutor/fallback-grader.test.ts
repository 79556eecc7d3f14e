import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BankSchema, type EssayQuestion, type ShortQuestion } from '../../src/bank/schema.ts';
import { gradeByRubricCoverage, isStatement, referenceSimilarity, termsForPoint } from '../../src/tutor/fallback-grader.ts';
import { extractKeyTerms, foldForSearch, quoteAppearsIn } from '../../src/tutor/text.ts';
import { kvCacheQuestion, quantizationQuestionZh } from './helpers.ts';

const seedBank = BankSchema.parse(JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../data/banks/ai-inference-optimization-2025.json'), 'utf8')));

describe('the evidence fallback grader', () => {
  it.each([
    { answer: '', verdicts: ['missed', 'missed', 'missed'], score: 0 },
    { answer: 'I do not know.', verdicts: ['missed', 'missed', 'missed'], score: 0 },
    {
      answer: 'It keeps the keys and values of previous tokens so there is no recomputation of the prefix; the memory grows with the sequence length.',
      verdicts: ['met', 'met', 'met'],
      score: 3.81,
    },
    { answer: 'It stores keys and values.', verdicts: ['met', 'missed', 'missed'], score: 1.8 },
    // `memory` named with nothing said about it (cache is the stem's word) is not evidence.
    { answer: 'The cache uses more memory.', verdicts: ['missed', 'missed', 'missed'], score: 0 },
    // Telegraphic, but it is the first point's content (`tokens` buys no part of the second); two items
    // are a note, not a list, so its similarity to the reference counts too.
    { answer: 'KEYS, VALUES... of PREVIOUS tokens!!!', verdicts: ['met', 'missed', 'missed'], score: 2.2 },
    { answer: '它占用显存，并且随序列长度增长。', verdicts: ['missed', 'missed', 'met'], score: 0.5 },
  ])('gives $score for "$answer"', ({ answer, verdicts, score }) => {
    const feedback = gradeByRubricCoverage(kvCacheQuestion, answer, { language: 'en', note: 'no-llm-configured' });
    expect(feedback.rubric.map((point) => point.verdict)).toEqual(verdicts);
    expect(feedback.score).toBe(score);
    expect(feedback).toMatchObject({ gradedBy: 'fallback', provisional: true, maxScore: 4, note: 'no-llm-configured' });
  });

  it.each([
    { answer: '量化就是把FP32的权重换成INT8，体积变小、推理更快，但有精度损失。', score: 4.42 },
    { answer: '用INT8表示权重。', score: 1.5 },
    { answer: '模型体积变小了，速度加快。', score: 1 },
    // `速度加快` alone: a keyword with nothing of the material beside it.
    { answer: '模型变小了，速度加快。', score: 0 },
    { answer: '不知道', score: 0 },
  ])('matches Chinese keywords and synonyms: $score for "$answer"', ({ answer, score }) => {
    expect(gradeByRubricCoverage(quantizationQuestionZh, answer, { language: 'zh', note: 'timeout' }).score).toBe(score);
  });

  it('labels the score provisional and not AI and shows the reference and analysis, in the feedback language', () => {
    const zh = gradeByRubricCoverage(quantizationQuestionZh, '量化', { language: 'zh', note: 'timeout' });
    expect(zh.explanation).toContain('暂定分（关键词覆盖，非 AI 评分）');
    expect(zh.explanation).toContain(quantizationQuestionZh.reference);
    expect(zh.explanation).toContain(quantizationQuestionZh.analysis);
    const en = gradeByRubricCoverage(kvCacheQuestion, 'cache', { language: 'en', note: 'timeout' });
    expect(en.explanation).toContain('Provisional score (keyword coverage, not AI)');
    expect(en.explanation).toContain(kvCacheQuestion.reference);
  });

  it('scales a rubric written on another scale to the question points', () => {
    const question: ShortQuestion = { ...kvCacheQuestion, points: 10 };
    const feedback = gradeByRubricCoverage(question, 'It stores keys and values.', { language: 'en', note: 'x' });
    expect(feedback.rubric.map((point) => point.maxScore)).toEqual([5, 2.5, 2.5]);
    expect(feedback.score).toBe(4.5);
  });

  it('derives terms with Intl.Segmenter when a point has no keywords, for Chinese too', () => {
    const terms = termsForPoint({ point: '说明量化降低数值精度并减少模型体积', points: 2 }, '');
    const flat = terms.terms.flat();
    expect(terms.explicit).toBe(false);
    expect(flat).toEqual(expect.arrayContaining(['量化', '精度', '模型', '体积']));
    expect(flat).not.toContain('说明');
    expect(extractKeyTerms('The water was evaporated, leaving the salt.')).toEqual(['water', 'evaporated', 'leaving', 'salt']);
  });

  it('stays within 0..points for every seed short and essay question, whatever the answer', () => {
    const freeText = seedBank.questions.filter((q): q is ShortQuestion | EssayQuestion => q.type === 'short' || q.type === 'essay');
    expect(freeText.length).toBeGreaterThan(0);
    for (const question of freeText) {
      for (const answer of ['', question.reference, `${question.reference}\n${question.reference}`, question.rubric.map((p) => p.point).join('\n')]) {
        const feedback = gradeByRubricCoverage(question, answer, { language: 'zh', note: 'x' });
        expect(feedback.score).toBeGreaterThanOrEqual(0);
        expect(feedback.score).toBeLessThanOrEqual(question.points);
      }
      // The reference itself covers every point.
      expect(gradeByRubricCoverage(question, question.reference, { language: 'zh', note: 'x' }).score).toBeGreaterThanOrEqual(question.points * 0.8);
    }
  });
});

describe('similarity to the reference, the other half of the fallback score', () => {
  const own = 'Each new token reuses the stored attention keys and values of previous tokens instead of recomputing the whole prefix.';

  it('rises with how much of the reference a statement says, stem words aside', () => {
    const partial = referenceSimilarity(kvCacheQuestion, 'It keeps the attention keys of previous tokens.');
    const fuller = referenceSimilarity(kvCacheQuestion, own);
    expect(partial).toBeGreaterThan(0);
    expect(fuller).toBeGreaterThan(partial);
  });

  it.each([
    ['a list of the reference words', 'attention, keys, values, previous tokens, prefix, memory, sequence length'],
    ['a stem echo', 'Why does a KV cache speed up autoregressive decoding, and what does it cost? A KV cache speeds up decoding.'],
    ['reference words drowned in padding', 'Keys and my cat enjoys sunny afternoons on the warm windowsill while the bakery queue downstairs grows long and the neighbours chat about football, holidays, gardening, weather, recipes, films and music.'],
  ])('gives %s nothing', (_name, answer) => {
    expect(referenceSimilarity(kvCacheQuestion, answer)).toBe(0);
  });

  it('tells a statement from a list by what lies between its separators', () => {
    expect(isStatement('剪枝、量化、蒸馏')).toBe(false);
    expect(isStatement('pruning, quantization, distillation')).toBe(false);
    expect(isStatement('剪枝会移除不重要的权重')).toBe(true);
    expect(isStatement('pruning removes weights')).toBe(true);
    expect(isStatement('逻辑相邻，物理相邻')).toBe(true);
  });
});

describe('matching quotes after normalisation', () => {
  it.each([
    ['keys and values', 'It stores the Keys and Values.', true],
    ['keys, and values', 'It stores the keys and values.', true],
    ['ＫＶ　ｃａｃｈｅ', 'a KV cache', true],
    ['显存 随长度增长', '显存随长度增长。', true],
    ['keys \u200Band values', 'keys and\u200B values', true],
    ['', 'anything', false],
    ['...', 'anything', false],
    ['values and keys', 'keys and values', false],
  ])('"%s" in "%s" is %s', (quote, answer, expected) => {
    expect(quoteAppearsIn(quote, answer)).toBe(expected);
  });

  it('folds width, case and punctuation', () => {
    expect(foldForSearch('  Ｈｅｌｌｏ，  World！ ')).toBe('hello world');
  });
});
