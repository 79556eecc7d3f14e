import { describe, expect, it } from 'vitest';
import { importBank, type ImportFormat, type ImportOutcome } from '../../src/bank/import/index.ts';
import { detectFormat } from '../../src/bank/import/detect.ts';
import { htmlToText } from '../../src/bank/import/text.ts';

/**
 * One adversarial input of 100k+ characters per pattern the importers and detectors run on untrusted
 * text. Each used to backtrack (quadratically or exponentially); a linear pattern reads it in a few
 * milliseconds, so a second is a generous guard that still catches any regression to O(n²).
 */
const LIMIT_MS = 1_000;
const N = 100_000;
const spaces = ' '.repeat(N);

function timed<T>(run: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = run();
  return { value, ms: performance.now() - started };
}

async function importTimed(filename: string, text: string, format?: ImportFormat): Promise<{ outcome: ImportOutcome; ms: number }> {
  const started = performance.now();
  const outcome = await importBank({ filename, content: Buffer.from(text), ...(format ? { format } : {}) });
  return { outcome, ms: performance.now() - started };
}

const PAPER_HEAD = '一、选择题\n1. 哪个是主键？\nA. 外键 B. 主键\n2. 哪个是索引？\nA. 索引 B. 视图\n';

describe('patterns of the exam-paper parser stay linear on hostile lines', () => {
  it('reads a key line of 20,000 entries followed by a points note without exponential backtracking', async () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `${i + 1}.${'ABCD'[i % 4]}`).join(' ');
    expect(keys.length).toBeGreaterThan(N);
    const { outcome, ms } = await importTimed('keys.txt', `${PAPER_HEAD}参考答案\n${keys} （每题2分）\n`, 'paper');
    expect(ms).toBeLessThan(LIMIT_MS);
    expect(outcome.ok).toBe(true);
  });

  it('still reads the ordinary 30-key line that used to take two minutes', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `${i + 1}.${'ABCD'[i % 4]}`).join(' ');
    const { outcome, ms } = await importTimed('keys.txt', `${PAPER_HEAD}参考答案\n${keys}\n`, 'paper');
    expect(ms).toBeLessThan(LIMIT_MS);
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    expect(outcome.bank.questions.map((question) => (question.type === 'choice' ? question.answer : undefined))).toEqual(['A', 'B']);
  });

  const hostileLines: Array<[string, string]> = [
    ['an answer-part heading followed by 100k blanks and a letter', `参考答案${spaces}x`],
    ['a question number followed by 100k blanks and a line separator', `3.${spaces}x\u2028y`],
    ['a parenthesised number followed by 100k blanks and a line separator', `(3)${spaces}x\u2028y`],
    ['a key range followed by 100k blanks', `1-2${spaces}!`],
    ['a points mark followed by 100k blanks and a letter', `3. 题目（2分）${spaces}x`],
    ['a score table header repeated 60,000 times', '题号'.repeat(60_000)],
    ['a page mark followed by 100k blanks', `第1页${spaces}x`],
    ['a section word followed by 100k blanks and a letter', `判断题${spaces}x`],
    ['a key with 100k blanks before an analysis label that never comes', `1.C${spaces}x`],
  ];
  for (const [name, line] of hostileLines) {
    it(`reads ${name} in well under a second`, async () => {
      expect(line.length).toBeGreaterThan(N);
      const { outcome, ms } = await importTimed('hostile.txt', `${PAPER_HEAD}${line}\n参考答案\n1.A 2.B\n${line}\n`, 'paper');
      expect(ms).toBeLessThan(LIMIT_MS);
      expect(outcome.format).toBe('paper');
    });
  }

  it('keeps question 10000 of a 10,000-question paper', async () => {
    const questions = Array.from({ length: 10_000 }, (_, i) => `${i + 1}. 第${i + 1}题？\nA. 是 B. 否\n`).join('');
    const keys = Array.from({ length: 10_000 }, (_, i) => `${i + 1}.${i % 2 === 0 ? 'A' : 'B'}`).join(' ');
    const { outcome } = await importTimed('big.txt', `一、选择题\n${questions}参考答案\n${keys}\n`, 'paper');
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors.slice(0, 3)));
    expect(outcome.bank.questions).toHaveLength(10_000);
    expect(outcome.bank.questions.at(-1)).toMatchObject({ stem: '第10000题？', answer: 'B' });
  });
});

describe('format detection stays linear on hostile text', () => {
  const cases: Array<[string, string]> = [
    ['200,000 blank lines before a numbered line', `${'\n'.repeat(200_000)}1. 题目`],
    ['200,000 blank lines after a section word', `选择题${'\n'.repeat(200_000)}x`],
    ['a GIFT block opened by { and 100,000 = never closed', `{${'='.repeat(N)}`],
    ['100,000 { each opening a block', '{='.repeat(N)],
    ['a first line of 100k blanks (CSV header check)', `${spaces}x\n`],
    ['a section word with 100k blanks before a letter', `单选题${spaces}x`],
  ];
  for (const [name, text] of cases) {
    it(`detects ${name} in well under a second`, () => {
      const { ms } = timed(() => detectFormat('upload', Buffer.from(text), text));
      expect(ms).toBeLessThan(LIMIT_MS);
    });
  }

  it('still counts GIFT answer blocks and ignores escaped braces', () => {
    const text = 'Q1 {=a ~b}\n\nQ2 \\{=not a block}\n\nQ3 {T}\n';
    expect(detectFormat('upload', Buffer.from(text), text)).toEqual({ format: 'gift', reason: '2 GIFT answer blocks such as {=right ~wrong}' });
  });
});

describe('GIFT, Aiken, Moodle XML and HTML text stay linear on hostile input', () => {
  it('reads a GIFT question whose answer block is { and 100,000 = in well under a second', async () => {
    const { outcome, ms } = await importTimed('hostile.gift', `::q:: Pick {${'='.repeat(N)}}\n`, 'gift');
    expect(ms).toBeLessThan(LIMIT_MS);
    expect(outcome.ok).toBe(false);
  });

  it('reads a GIFT stem with 100k blanks around its lines in well under a second', async () => {
    const { outcome, ms } = await importTimed('hostile.gift', `::q:: Pick${spaces}\n${spaces}one {=a ~b}\n`, 'gift');
    expect(ms).toBeLessThan(LIMIT_MS);
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    expect(outcome.bank.questions[0]).toMatchObject({ stem: 'Pick\none' });
  });

  it('reads an Aiken option with 100k blanks and a line separator in well under a second', async () => {
    const { ms } = await importTimed('hostile.aiken', `Question?\nA)${spaces}x\u2028y\nB) z\nANSWER: A\n`, 'aiken');
    expect(ms).toBeLessThan(LIMIT_MS);
  });

  it('reads a Moodle cloze text with 20,000 unclosed {1:MC: in well under a second', async () => {
    const text = `<?xml version="1.0"?><quiz><question type="cloze"><name><text>c</text></name><questiontext format="plain_text"><text>${'{1:MC:'.repeat(20_000)}</text></questiontext></question></quiz>`;
    const { outcome, ms } = await importTimed('hostile.xml', text, 'moodle-xml');
    expect(ms).toBeLessThan(LIMIT_MS);
    expect(outcome.ok).toBe(false);
  });

  const html: Array<[string, string]> = [
    ['25,000 unclosed <img tags', '<img alt="x'.repeat(10_000)],
    ['100,001 unclosed <', '<'.repeat(N + 1)],
    ['100k blanks that no newline ends', `a${spaces}b`],
    ['100,000 unterminated entities', '&amp'.repeat(30_000)],
  ];
  for (const [name, text] of html) {
    it(`turns HTML with ${name} into text in well under a second`, () => {
      expect(text.length).toBeGreaterThan(N);
      expect(timed(() => htmlToText(text)).ms).toBeLessThan(LIMIT_MS);
    });
  }

  it('keeps a character reference beyond U+10FFFF as written instead of throwing', () => {
    expect(htmlToText('<p>a &#x110000; b &#1114112; c &#x41;</p>')).toBe('a &#x110000; b &#1114112; c A');
  });
});

describe('big banks', () => {
  it('validates a bank of 20,000 questions without overflowing the stack', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `${i + 1},第${i + 1}题：哪个选项正确？,甲,乙,丙,丁,${'ABCD'[i % 4]}`).join('\n');
    const { outcome } = await importTimed('rows.csv', `id,question,A,B,C,D,answer\n${rows}\n`);
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors.slice(0, 3)));
    expect(outcome.bank.questions).toHaveLength(20_000);
  }, 60_000);
});
