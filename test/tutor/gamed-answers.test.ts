import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BankSchema, type FreeTextQuestion, type TermPair } from '../../src/bank/schema.ts';
import { gradeByRubricCoverage } from '../../src/tutor/fallback-grader.ts';
import { extractKeyTerms } from '../../src/tutor/text.ts';

/**
 * Answers that try to buy marks from the evidence grader with words instead of content: swapped
 * definitions, keyword lists, stem echoes and keywords padded with nonsense. Each may score at most a
 * fifth of the points. The fixture bank is ours; the seed bank's answers are built from each
 * question's own stem and keywords, so the test holds whatever keywords the bank's authors choose.
 */

const bankAt = (file: string) => BankSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
const fixture = bankAt(path.resolve(import.meta.dirname, 'fixtures/trust-bank.json'));
const seed = bankAt(path.resolve(import.meta.dirname, '../../data/banks/ai-inference-optimization-2025.json'));
const freeText = (bank: typeof seed) => bank.questions.filter((question): question is FreeTextQuestion => question.type === 'short' || question.type === 'essay');
const byId = (bank: typeof seed, id: string) => freeText(bank).find((question) => question.id === id)!;

const score = (question: FreeTextQuestion, answer: string) => gradeByRubricCoverage(question, answer, { language: 'zh', note: 'x' }).score;
const fifth = (question: FreeTextQuestion) => question.points / 5;

/** Every keyword alternative and pair term of a question, in order, without repeats. */
function keywordsOf(question: FreeTextQuestion): string[] {
  const words = question.rubric.flatMap((point) => [
    ...(point.keywords ?? []).flatMap((keyword) => keyword.split('|')),
    ...(point.pairs ?? []).flatMap((pair) => [pair.term, ...pair.meaning].flatMap((entry) => entry.split('|'))),
  ]);
  return [...new Set(words.map((word) => word.trim()).filter(Boolean))];
}

function gamedAnswers(question: FreeTextQuestion): Array<[string, string]> {
  const keywords = keywordsOf(question);
  return [
    ['a keyword list', keywords.join('、')],
    ['a keyword list with commas and spaces', keywords.join(', ')],
    ['a stem echo', `${question.stem} ${question.stem.replace(/[？?。.]$/u, '')}，这是一个很重要的问题，${question.stem}`],
    ['keywords padded with nonsense', keywords.map((keyword) => `${keyword}，今天天气晴朗，小猫在窗台上晒太阳，楼下的面包店排起了长队。`).join('')],
    ['keywords padded with English nonsense', keywords.map((keyword) => `${keyword} - my cat enjoys sunny afternoons and the bakery queue was long.`).join(' ')],
  ];
}

describe('gamed answers on our fixture bank', () => {
  const pruneQuant = byId(fixture, 'prune-quant');
  const tcpUdp = byId(fixture, 'tcp-udp');

  it.each([
    ['swapped definitions of pruning and quantization', pruneQuant, '量化会移除不重要的权重和通道，减少参数量，改变模型结构。剪枝是把FP32权重变成INT8，降低数值精度，结构不变。'],
    ['swapped definitions, one sentence', pruneQuant, '量化就是删除通道减少参数量，而剪枝就是降低位宽和精度。'],
    ['swapped definitions of TCP and UDP', tcpUdp, 'UDP is reliable: it retransmits lost segments and delivers them in order. TCP is connectionless, gives no guarantee, and lost packets are dropped.'],
  ])('%s earns nothing for the paired point', (_name, question, answer) => {
    const feedback = gradeByRubricCoverage(question, answer, { language: 'zh', note: 'x' });
    expect(feedback.rubric[0]!.verdict).toBe('missed');
    expect(feedback.score).toBeLessThanOrEqual(fifth(question));
  });

  it('gives the same definitions the right way round their marks', () => {
    expect(score(pruneQuant, '剪枝会移除不重要的权重和通道，减少参数量，改变模型结构。量化是把FP32权重变成INT8，降低数值精度，结构不变。')).toBeGreaterThanOrEqual(4);
    expect(score(tcpUdp, 'TCP is reliable: it retransmits lost segments and delivers them in order. UDP is connectionless, gives no guarantee, and late packets are dropped.')).toBeGreaterThanOrEqual(3);
  });

  it.each(freeText(fixture).flatMap((question) => gamedAnswers(question).map(([name, answer]) => [question.id, name, question, answer] as const)))(
    '%s: %s scores at most a fifth',
    (_id, _name, question, answer) => {
      expect(score(question, answer)).toBeLessThanOrEqual(fifth(question));
    },
  );

  it('still gives a real answer most of the marks', () => {
    for (const question of freeText(fixture)) expect(score(question, question.reference)).toBeGreaterThanOrEqual(question.points * 0.8);
  });
});

describe('gamed answers on the seed bank', () => {
  it.each(freeText(seed).flatMap((question) => gamedAnswers(question).map(([name, answer]) => [question.id, name, question, answer] as const)))(
    '%s: %s scores at most a fifth',
    (_id, _name, question, answer) => {
      expect(score(question, answer)).toBeLessThanOrEqual(fifth(question));
    },
  );

  /** Pairs as a rubric author would add them: the seed bank states none, so the test supplies them. */
  function withPairs(question: FreeTextQuestion, pointIndexes: number[], pairs: TermPair[]): FreeTextQuestion {
    return { ...question, rubric: question.rubric.map((point, index) => (pointIndexes.includes(index) ? { ...point, pairs } : point)) };
  }

  it('catches swapped definitions on short-1 once its first point pairs each term with its meaning', () => {
    const question = withPairs(byId(seed, 'short-1'), [0], [
      { term: '剪枝', meaning: ['移除|删除|去掉|剪掉|减少参数|参数量|通道'] },
      { term: '量化', meaning: ['精度|位宽|比特|INT8|FP32'] },
    ]);
    const swapped = '量化会移除不重要的权重和通道，减少参数量和计算量，改变模型结构。剪枝不改变结构，而是把FP32映射到INT8，降低数值精度。';
    expect(score(question, swapped)).toBeLessThanOrEqual(fifth(question));
  });

  it('catches swapped definitions on short-3 once its points pair each kind of parallelism with what it splits', () => {
    const pairs = [
      { term: '数据并行', meaning: ['副本|完整模型|请求|吞吐'] },
      { term: '模型并行', meaning: ['切分模型|张量并行|流水线|放不下|通信'] },
    ];
    const question = withPairs(byId(seed, 'short-3'), [1, 2], pairs);
    const swapped =
      '数据并行把模型本身切开，用张量并行和流水线并行放到多张卡上，解决单卡放不下的大模型，需要通信。模型并行是每张卡保存一份完整模型副本，把不同请求分给不同的卡，提高吞吐。';
    expect(score(question, swapped)).toBeLessThanOrEqual(fifth(question));
  });
});

describe('gamed answers on questions whose rubric names no keywords', () => {
  // An imported essay often brings only its reference answer: the rubric is one point, its terms derived
  // from the text. Lists and padding must earn as little there as where an author chose keywords.
  const withoutKeywords = (question: FreeTextQuestion): FreeTextQuestion => ({ ...question, rubric: [{ point: question.reference, points: question.points }] });
  const questions = [...freeText(fixture), ...freeText(seed)].map(withoutKeywords);

  function gamedFromReference(question: FreeTextQuestion): Array<[string, string]> {
    const terms = extractKeyTerms(question.reference).slice(0, 12);
    return [
      ['a list of the reference terms', terms.join(', ')],
      ['a list of the reference terms with 、', terms.join('、')],
      ['reference terms padded with nonsense', terms.map((term) => `${term}，今天天气晴朗，小猫在窗台上晒太阳，楼下的面包店排起了长队。`).join('')],
      ['reference terms padded with English nonsense', terms.map((term) => `${term} - my cat enjoys sunny afternoons and the bakery queue was long.`).join(' ')],
      ['reference terms padded with varied nonsense', terms.map((term, index) => `${term}: ${['the bakery queue was long and slow', 'a red kite drifted over the quiet harbour', 'grandma knits warm scarves for every winter market'][index % 3]}.`).join(' ')],
    ];
  }

  it.each(questions.flatMap((question) => gamedFromReference(question).map(([name, answer]) => [question.id, name, question, answer] as const)))(
    '%s: %s scores at most a fifth',
    (_id, _name, question, answer) => {
      expect(score(question, answer)).toBeLessThanOrEqual(fifth(question));
    },
  );

  it('still gives the reference itself most of the marks', () => {
    for (const question of questions) expect(score(question, question.reference)).toBeGreaterThanOrEqual(question.points * 0.8);
  });
});
