import type { Bank, PaperDraw, Question } from './schema.ts';

/** The servable questions a paper section's `draw` may pick from, in bank order (validation and drawing share it). */
export function drawCandidates(bank: Bank, draw: PaperDraw): Question[] {
  return bank.questions.filter(
    (question) =>
      question.status !== 'draft' && (draw.topic === undefined || question.topic === draw.topic) && (draw.type === undefined || question.type === draw.type),
  );
}

/**
 * `count` of `items` picked uniformly at random, kept in their original order, as a paper prints them:
 * a quiz's questions and a paper section's draw both come out in the bank's order.
 */
export function sampleInOrder<T>(items: readonly T[], count: number, random: () => number): T[] {
  if (count >= items.length) return [...items];
  const indexes = items.map((_, index) => index);
  for (let i = indexes.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [indexes[i], indexes[j]] = [indexes[j]!, indexes[i]!];
  }
  return indexes
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((index) => items[index]!);
}
