import { describe, expect, it } from 'vitest';
import { parseAiken } from '../../../src/bank/import/aiken.ts';
import { parseGift } from '../../../src/bank/import/gift.ts';
import { parseMoodleXml } from '../../../src/bank/import/moodle-xml.ts';
import { readNumberWithUnit } from '../../../src/grading/numeric.ts';
import { compileAcceptPattern, splitAcceptPattern } from '../../../src/grading/normalize.ts';

/** The patterns added for Moodle conformance stay linear on hostile input: each case finishes well under a second. */
function timed(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

describe('hostile input to the Moodle-conformance readers', () => {
  it('reads a GIFT comment full of unclosed [tag: markers quickly', () => {
    const gift = `// ${'[tag:'.repeat(50_000)}\n::Q:: Is it? {T}\n`;
    expect(timed(() => parseGift(gift))).toBeLessThan(1000);
  });

  it('reads a cloze text full of unclosed gaps quickly and refuses it', () => {
    const xml = `<quiz><question type="cloze"><name><text>n</text></name><questiontext format="plain_text"><text>${'{1:SA:'.repeat(40_000)}</text></questiontext></question></quiz>`;
    let skipped = 0;
    expect(timed(() => (skipped = parseMoodleXml(xml).skipped.length))).toBeLessThan(1000);
    expect(skipped).toBe(1);
  });

  it('reads an Aiken option line of 100,000 spaces quickly', () => {
    const aiken = `Q\nA)${' '.repeat(100_000)}x\nB) y\nANSWER: A\n`;
    expect(timed(() => parseAiken(aiken))).toBeLessThan(1000);
  });

  it('reads a 100,000-character answer of digits and letters as a number with a unit, or none, quickly', () => {
    const answer = `${'1'.repeat(50_000)}${'m'.repeat(50_000)}`;
    expect(timed(() => readNumberWithUnit(answer, ['m', 'cm']))).toBeLessThan(1000);
  });

  it('splits and matches an accept pattern of 10,000 escaped and bare stars quickly', () => {
    const pattern = '\\*a*'.repeat(10_000);
    expect(splitAcceptPattern(pattern)).toHaveLength(10_001);
    expect(timed(() => compileAcceptPattern(pattern)('*a'.repeat(20_000)))).toBeLessThan(1000);
  });
});
