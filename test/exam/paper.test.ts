import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BankSchema, PaperSchema, type Bank, type BankInput } from '../../src/bank/schema.ts';
import { validateBank } from '../../src/bank/validate.ts';
import { drawPaper, paperSummaries } from '../../src/exam/paper.ts';

const FIXTURE = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/banks/every-type.json', import.meta.url)), 'utf8')) as BankInput;
const SEED = BankSchema.parse(
  JSON.parse(readFileSync(fileURLToPath(new URL('../../data/banks/ai-inference-optimization-2025.json', import.meta.url)), 'utf8')),
);
const README = readFileSync(fileURLToPath(new URL('../../data/README.md', import.meta.url)), 'utf8');

function withPapers(papers: unknown): Bank {
  return BankSchema.parse({ ...FIXTURE, papers });
}

/** A random source replaying `values` in turn. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

describe('exam papers', () => {
  it('give the seed paper as printed: 18 questions, 100 points, 120 minutes, sections in order', () => {
    const drawn = drawPaper(SEED, undefined);
    expect(drawn.paperId).toBe('paper-2025');
    expect(drawn.timeLimitMinutes).toBe(120);
    expect(drawn.totalPoints).toBe(100);
    expect(drawn.questions.map((ref) => ref.questionId)).toEqual(SEED.questions.map((question) => question.id));
    expect(drawn.sections.map((section) => section.points)).toEqual([16, 24, 30, 30]);
    expect(validateBank(SEED, 'seed.json')).toEqual([]);
  });

  it('draw questions of a type or topic at random, in bank order, never repeating a listed one', () => {
    const bank = withPapers([
      {
        id: 'mock',
        title: 'Mock',
        timeLimitMinutes: 20,
        sections: [
          { title: 'listed', questionIds: ['fp16-weight-size'] },
          { title: 'quantization', draw: { topic: 'quantization' } },
          { title: 'one multi', draw: { count: 1, type: 'multi' }, pointsEach: 5 },
        ],
      },
    ]);
    expect(validateBank(bank, 'bank.json').filter((p) => p.severity === 'error')).toEqual([]);
    const first = drawPaper(bank, 'mock', sequence(0));
    const second = drawPaper(bank, 'mock', sequence(0.99));
    expect(first.questions.map((ref) => ref.questionId)).toEqual(['fp16-weight-size', 'int8-parameter-count', expect.any(String)]);
    const multis = new Set([first.questions[2]!.questionId, second.questions[2]!.questionId]);
    expect(multis).toEqual(new Set(['memory-savers', 'inference-engines']));
    expect(first.questions[2]!.points).toBe(5);
    expect(first.totalPoints).toBe(2 + 1 + 5);
  });

  it('use the bank sections at their points when no paper is defined, leaving drafts out', () => {
    const bank = BankSchema.parse(FIXTURE);
    const drawn = drawPaper(bank, undefined);
    expect(drawn.paperId).toBeNull();
    expect(drawn.timeLimitMinutes).toBeNull();
    expect(drawn.sections.map((section) => section.title)).toEqual(['Part 1: objective questions', 'Part 2: written answers']);
    expect(drawn.questions.some((ref) => ref.questionId === 'imported-without-key')).toBe(false);
    expect(paperSummaries(bank)).toEqual([{ bankId: bank.id, paperId: null, title: bank.title, timeLimitMinutes: null, questionCount: 9, totalPoints: 31 }]);
  });

  it('are checked: duplicate ids, both or no sources, unknown and draft questions, repeats, draws that cannot be met', () => {
    const bank = withPapers([
      { id: 'p', title: 'P', timeLimitMinutes: 10, sections: [{ title: 'a', questionIds: ['hardware-tpu', 'nope', 'imported-without-key', 'hardware-tpu'] }] },
      { id: 'p', title: 'Q', timeLimitMinutes: 10, sections: [{ title: 'b', draw: { count: 3, type: 'multi' } }, { title: 'c', draw: { topic: 'no such topic' } }] },
    ]);
    expect(validateBank(bank, 'bank.json').filter((p) => p.field.startsWith('papers')).map((problem) => `${problem.field}: ${problem.message}`)).toEqual([
      'papers[0].sections[0].questionIds[1]: no question has the id "nope"',
      'papers[0].sections[0].questionIds[2]: a draft question cannot be on a paper',
      'papers[0].sections[0].questionIds[3]: already on this paper (papers[0].sections[0].questionIds[0])',
      'papers[1].id: duplicate paper id "p" (also papers[0])',
      'papers[1].sections[0].draw.count: draws 3 questions but only 2 match',
      'papers[1].sections[1].draw: no servable question matches this topic/type',
    ]);
    const both = BankSchema.safeParse({ ...FIXTURE, papers: [{ id: 'x', title: 'X', timeLimitMinutes: 10, sections: [{ title: 'a' }] }] });
    expect(both.success).toBe(false);
    expect(both.error?.issues[0]?.path).toEqual(['papers', 0, 'sections', 0, 'questionIds']);
    expect(BankSchema.safeParse({ ...FIXTURE, papers: [{ id: 'x', title: 'X', timeLimitMinutes: 601, sections: [{ title: 'a', questionIds: ['hardware-tpu'] }] }] }).success).toBe(false);
  });

  it('match the example in data/README.md, which is valid on the example bank', () => {
    const block = [...README.matchAll(/```json\n([\s\S]*?)\n```/gu)].map((match) => JSON.parse(match[1]!) as unknown).find((value) => PaperSchema.safeParse(value).success);
    expect(block).toBeDefined();
    const bank = withPapers([block]);
    expect(validateBank(bank, 'bank.json').filter((p) => p.severity === 'error')).toEqual([]);
    const drawn = drawPaper(bank, 'mock-1', sequence(0));
    expect(drawn.sections.map((section) => section.title)).toEqual(['Part 1: objective', 'Part 2: metrics', 'Part 3: written']);
    expect(drawn.questions.filter((ref) => ref.sectionIndex === 1).map((ref) => ref.points)).toEqual([5, 5]);
  });
});
