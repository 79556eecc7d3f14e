import type { Bank, PaperDraw, Question } from './schema.ts';

/** The servable questions a paper section's `draw` may pick from, in bank order (validation and drawing share it). */
export function drawCandidates(bank: Bank, draw: PaperDraw): Question[] {
  return bank.questions.filter(
    (question) =>
      question.status !== 'draft' && (draw.topic === undefined || question.topic === draw.topic) && (draw.type === undefined || question.type === draw.type),
  );
}
