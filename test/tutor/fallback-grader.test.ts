import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BankSchema, type EssayQuestion, type ShortQuestion } from '../../src/bank/schema.ts';
import { boundedEditDistance, coverRubric, gradeByRubricCoverage, isStatement, keySenses, phraseKeys, referenceSimilarity, similarityParts, termsForPoint } from '../../src/tutor/fallback-grader.ts';
import { questionFromReference } from '../../src/tutor/eval/datasets.ts';
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
      score: 3.24,
    },
    { answer: 'It stores keys and values.', verdicts: ['met', 'missed', 'missed'], score: 1.62 },
    // `memory` named with nothing said about it (cache is the stem's word) is not evidence.
    { answer: 'The cache uses more memory.', verdicts: ['missed', 'missed', 'missed'], score: 0 },
    // Telegraphic, but it is the first point's content (`tokens` buys no part of the second); two items
    // are a note, not a list, so its similarity to the reference counts too.
    { answer: 'KEYS, VALUES... of PREVIOUS tokens!!!', verdicts: ['met', 'missed', 'missed'], score: 1.93 },
    // No word of the reference to share in another script: the third point's evidence alone.
    { answer: '它占用显存，并且随序列长度增长。', verdicts: ['missed', 'missed', 'met'], score: 0.25 },
  ])('gives $score for "$answer"', ({ answer, verdicts, score }) => {
    const feedback = gradeByRubricCoverage(kvCacheQuestion, answer, { language: 'en', note: 'no-llm-configured' });
    expect(feedback.rubric.map((point) => point.verdict)).toEqual(verdicts);
    expect(feedback.score).toBe(score);
    expect(feedback).toMatchObject({ gradedBy: 'fallback', provisional: true, maxScore: 4, note: 'no-llm-configured' });
  });

  it.each([
    { answer: '量化就是把FP32的权重换成INT8，体积变小、推理更快，但有精度损失。', score: 4.49 },
    { answer: '用INT8表示权重。', score: 0.75 },
    { answer: '模型体积变小了，速度加快。', score: 0.5 },
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
    expect(feedback.score).toBe(4.05);
  });

  it('derives terms with Intl.Segmenter when a point has no keywords, for Chinese too', () => {
    const terms = termsForPoint({ point: '说明量化降低数值精度并减少模型体积', points: 2 }, '');
    const flat = terms.terms.flat();
    expect(terms.explicit).toBe(false);
    expect(flat).toEqual(expect.arrayContaining(['量化', '精度', '模型', '体积']));
    expect(flat).not.toContain('说明');
    expect(extractKeyTerms('The water was evaporated, leaving the salt.')).toEqual(['water', 'evaporated', 'leaving', 'salt']);
  });

  it('gives no evidence for the words most points repeat: a wrong number in the right units earns nothing', () => {
    const question = questionFromReference(
      'frame',
      'How long do both processes take to complete?',
      '9 time units. The first process uses 4 time units on the CPU. The second issues an I/O request and waits 5 time units.',
      3,
    );
    expect(coverRubric(question, '8 time units').map((point) => point.verdict)).toEqual(['missed', 'missed', 'missed']);
    expect(coverRubric(question, '9 time units').map((point) => point.verdict)).toEqual(['met', 'missed', 'missed']);
  });

  it('takes a point that is one concept beyond the stem (a verdict) as met when the answer names it', () => {
    const question = questionFromReference('verdict', '判断正误并解释：n个元素依次进栈后，出栈顺序一定与进栈顺序相反。', '错误。例如进栈序列为123，出栈序列可以为132。', 10);
    expect(coverRubric(question, '错误，一个元素可以进栈后马上出栈。').map((point) => point.verdict)).toEqual(['met', 'missed']);
    expect(coverRubric(question, '正确，先进后出。').map((point) => point.verdict)).toEqual(['missed', 'missed']);
    // Padding around the verdict is no answer about the question.
    expect(coverRubric(question, '错误，今天天气晴朗，小猫在窗台上晒太阳，楼下的面包店排起了长队。').map((point) => point.verdict)).toEqual(['missed', 'missed']);
  });

  it('takes a number of the point, stated alone, as evidence: no word explains a value', () => {
    const question = questionFromReference(
      'value',
      'What value does the register hold once the loop ends?',
      'The register holds 42 at the end because the loop adds 6 to it seven times before the counter reaches zero and the halt instruction stops the program.',
      2,
    );
    expect(coverRubric(question, 'It ends at 42.')[0]!.evidence).toBe('42');
    expect(coverRubric(question, 'It ends at 43.')[0]!.evidence).toBe('');
    expect(coverRubric(question, '42 - my cat enjoys sunny afternoons and the bakery queue was long.')[0]!.evidence).toBe('');
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

describe('the parts of similarity', () => {
  const classDefinition = questionFromReference('class', 'What is typically included in a class definition?', 'Data members and member functions.', 5);
  const voltage = questionFromReference('voltage', 'Explain why you got a voltage reading of 1.5 for terminal 1 and the positive terminal.', 'Terminal 1 and the positive terminal are separated by the gap', 1);
  const stackOrder = questionFromReference('stack', '请判断以下叙述是否正确，并做出解释：在n个元素进栈后，它们的出栈顺序和进栈顺序一定正好相反', '错误。例如进栈序列为123，出栈序列可以为132。', 10);

  it('counts a list of the right names where the reference only names a few things', () => {
    expect(similarityParts(classDefinition, 'data members, member functions')).toEqual({ recall: 1, phrase: 1, content: 1 });
    expect(gradeByRubricCoverage(classDefinition, 'data members, member functions', { language: 'en', note: 'x' }).score).toBe(5);
    expect(gradeByRubricCoverage(classDefinition, 'a constructor, a destructor, a name', { language: 'en', note: 'x' }).score).toBe(0);
  });

  it('tells member functions from function members by their word pairs, never pairing across a list', () => {
    expect([...phraseKeys('Data members and member functions')]).toEqual(['data member', 'member function']);
    expect([...phraseKeys('pruning, quantization')]).toEqual([]);
    const swapped = similarityParts(classDefinition, 'function members and member data');
    expect(swapped.recall).toBe(1);
    expect(swapped.phrase).toBe(0);
  });

  it('gives a word of the same meaning (WordNet) what the reference word earns, and an unrelated word nothing', () => {
    const shelving: ShortQuestion = {
      ...questionFromReference('shelving', 'Where does a librarian put a returned book?', 'Back in its correct place on the shelf, so the next reader finds it.', 4),
      rubric: [
        { point: 'Its correct place', points: 2, keywords: ['correct place'] },
        { point: 'So the next reader finds it', points: 2, keywords: ['reader', 'find'] },
      ],
    };
    const grade = (answer: string) => gradeByRubricCoverage(shelving, answer, { language: 'en', note: 'x' });
    const own = 'It goes back in its correct place on the shelf, so the next reader finds it.';
    // `right` shares a first sense with `correct`, `spot` with `place`: the same words, phrases and marks.
    const synonyms = 'It goes back in its right spot on the shelf, so the next reader finds it.';
    const unrelated = 'It goes back in its green box on the shelf, so the next reader finds it.';
    expect(similarityParts(shelving, synonyms)).toEqual(similarityParts(shelving, own));
    expect(grade(synonyms).rubric.map((point) => point.verdict)).toEqual(['met', 'met']);
    expect(grade(synonyms).score).toBe(grade(own).score);
    expect(similarityParts(shelving, unrelated).recall).toBeLessThan(similarityParts(shelving, own).recall);
    expect(grade(unrelated).rubric[0]!.verdict).toBe('missed');
    expect(grade(unrelated).score).toBeLessThan(grade(own).score);
  });

  it('reads a misspelt word of the reference as that word, and a different word as a different word', () => {
    const right = similarityParts(voltage, 'Terminal 1 is separated from the positive terminal');
    expect(right.recall).toBeGreaterThan(0);
    expect(similarityParts(voltage, 'Terminal 1 is seperated from the positive terminal')).toEqual(right);
    expect(similarityParts(voltage, 'Terminal 1 is operated from the positive terminal').recall).toBe(0);
  });

  it.each([
    ['seper', 'separ', 1, 1],
    ['stimul', 'simul', 1, 1],
    ['teh', 'the', 1, 1],
    ['funtion', 'function', 1, 1],
    ['termianl', 'termin', 2, 2],
    // Beyond the limit the answer is the limit plus one, however far apart the words are.
    ['oper', 'separ', 1, 2],
    ['pointer', 'address', 2, 3],
  ])('counts the edits from %s to %s within a limit of %i: %i', (a, b, limit, expected) => {
    expect(boundedEditDistance(a, b, limit)).toBe(expected);
  });

  it('does not take an answer for padding because it restates the question in its own words', () => {
    const own = similarityParts(stackOrder, '错误，元素在进栈之后也可在所有元素全部进站之前出栈，只是元素出栈需从栈顶开始');
    expect(own.recall).toBeGreaterThan(0);
    expect(similarityParts(stackOrder, '在n个元素进栈后，它们的出栈顺序和进栈顺序一定正好相反')).toEqual({ recall: 0, phrase: 0, content: 0 });
    expect(similarityParts(stackOrder, '错误，今天天气晴朗，小猫在窗台上晒太阳，楼下的面包店排起了长队，邻居们在聊足球和假期。').recall).toBe(0);
  });

  it('gives a fuller answer more of the material than one that names a single idea', () => {
    const single = similarityParts(kvCacheQuestion, 'It keeps the attention keys of previous tokens.');
    const fuller = similarityParts(kvCacheQuestion, 'Each new token reuses the stored attention keys and values of previous tokens instead of recomputing the whole prefix, at the cost of memory growing with sequence length.');
    expect(fuller.content).toBeGreaterThan(single.content);
    expect(single.content).toBeGreaterThan(0);
  });
});

describe('what an answer denies', () => {
  const senses = (text: string) => {
    const { denied, affirmed, unsure } = keySenses(text);
    return { denied: [...denied].sort(), affirmed: [...affirmed].sort(), unsure: [...unsure].sort() };
  };

  it.each([
    ['the bulb is not connected, and there is no gap', { denied: ['connect', 'gap'], affirmed: ['bulb'], unsure: [] }],
    ["the switch isn't closed", { denied: ['close'], affirmed: ['switch'], unsure: [] }],
    ['it cannot be scratched', { denied: ['scratch'], affirmed: [], unsure: [] }],
    ['we avoid recomputing the prefix', { denied: ['recomput'], affirmed: ['prefix'], unsure: [] }],
    // The negation is of a phrase or has no one word in its scope: nothing is affirmed or denied for sure.
    ['bulb A is not in the same path', { denied: [], affirmed: [], unsure: ['bulb', 'path'] }],
    ['none of the tools could scratch it', { denied: [], affirmed: [], unsure: ['scratch', 'tool'] }],
    ['no delivery or ordering guarantee', { denied: ['deliveri'], affirmed: [], unsure: ['guarante', 'order'] }],
    ['it halts when the value is not >= 0', { denied: [], affirmed: [], unsure: ['halt', 'valu'] }],
    // A Chinese negation reaches a verb and its object, within its clause and up to a contrast.
    ['剪枝不会减少参数量', { denied: ['减少', '参数'], affirmed: [], unsure: [] }],
    ['量化没有改变模型结构，但是降低了精度', { denied: ['改变', '模型'], affirmed: ['精度', '结构', '量化', '降低'], unsure: [] }],
    ['不是降低精度而是减少参数', { denied: ['精度', '降低'], affirmed: ['而是', '减少', '参数'], unsure: [] }],
    // ICU keeps some negations as one word; `不同` (different) and `不变` (unchanged) are words of their own.
    ['不需要校准数据', { denied: ['校准', '数据'], affirmed: [], unsure: [] }],
    ['插入删除不方便', { denied: ['方便'], affirmed: ['删除', '插入'], unsure: [] }],
    ['两者不同，结构不变', { denied: [], affirmed: ['不变', '不同', '两者', '结构'], unsure: [] }],
  ])('reads "%s"', (text, expected) => {
    const sorted = (list: string[]) => [...list].sort();
    expect(senses(text)).toEqual({ denied: sorted(expected.denied), affirmed: sorted(expected.affirmed), unsure: sorted(expected.unsure) });
  });

  const circuit = questionFromReference('circuit', 'Why does the bulb stay dark?', 'The switch is open, so the circuit is not closed and no current flows through the bulb.', 4);

  it('takes back what a reference clause gives an answer that says its opposite, and only that clause', () => {
    const agreeing = referenceSimilarity(circuit, 'The switch is open, so the circuit is not closed and no current flows.');
    expect(agreeing).toBeGreaterThan(0.5);
    // `The switch is open` still agrees with the reference; the rest contradicts it.
    const halfContradicting = similarityParts(circuit, 'The switch is open, so the circuit is closed and current flows.');
    expect(halfContradicting.recall).toBeLessThanOrEqual(0.25);
    expect(referenceSimilarity(circuit, 'The switch is open, so the circuit is closed and current flows.')).toBeLessThan(agreeing / 2);
    expect(referenceSimilarity(circuit, 'The circuit is closed and current flows.')).toBe(0);
    expect(gradeByRubricCoverage(circuit, 'The circuit is closed and current flows through the bulb.', { language: 'en', note: 'x' }).score).toBeLessThan(
      gradeByRubricCoverage(circuit, 'The circuit is not closed, so no current flows through the bulb.', { language: 'en', note: 'x' }).score,
    );
  });

  it('takes no negated keyword as evidence, in Chinese as in English', () => {
    const pruneQuant = BankSchema.parse(JSON.parse(readFileSync(path.resolve(import.meta.dirname, 'fixtures/trust-bank.json'), 'utf8'))).questions.find(
      (question) => question.id === 'prune-quant',
    ) as ShortQuestion;
    const verdict = (answer: string) => gradeByRubricCoverage(pruneQuant, answer, { language: 'zh', note: 'x' }).rubric[2]!;
    expect(verdict('量化会带来精度损失，需要校准数据，而且依赖硬件支持低精度运算。').verdict).toBe('met');
    expect(verdict('量化不会带来精度损失，不需要校准数据，而且不依赖硬件支持低精度运算。').verdict).toBe('missed');
  });

  it('does not take a denied meaning for a swapped pair', () => {
    const tcpUdp = BankSchema.parse(JSON.parse(readFileSync(path.resolve(import.meta.dirname, 'fixtures/trust-bank.json'), 'utf8'))).questions.find(
      (question) => question.id === 'tcp-udp',
    ) as ShortQuestion;
    const first = gradeByRubricCoverage(tcpUdp, 'TCP is reliable and retransmits lost segments in order. UDP is not reliable: it is connectionless and late packets are dropped.', {
      language: 'en',
      note: 'x',
    }).rubric[0]!;
    expect(first.verdict).toBe('met');
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
