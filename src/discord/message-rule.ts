import type { QuestionType } from '../bank/schema.ts';

/**
 * What a message from the quiz owner in the quiz thread means. While a short or essay question is
 * open and unanswered, a typed message is the answer unless it is clearly a question: it starts with
 * `?`/`？`, or (for a short answer) it is a single line ending with `?` or `？`. An essay is never taken
 * for a question by its ending: rhetorical questions are common in essays, Chinese ones especially.
 * Everything else goes to the tutor as a follow-up. `tutor practice` applies the same rule; the README
 * states it; the Answer and Ask buttons make either choice explicit.
 */
export type ThreadMessageIntent = 'answer' | 'follow-up';

export function classifyThreadMessage(input: { text: string; questionType: QuestionType | null; answered: boolean }): ThreadMessageIntent {
  const open = (input.questionType === 'short' || input.questionType === 'essay') && !input.answered;
  if (!open) return 'follow-up';
  const trimmed = input.text.trim();
  if (/^[?？]/.test(trimmed)) return 'follow-up';
  const lonelyQuestionLine = input.questionType === 'short' && !trimmed.includes('\n') && /[?？]$/.test(trimmed);
  return lonelyQuestionLine ? 'follow-up' : 'answer';
}

/** A leading `?` only marks the message as a question; the tutor gets the rest. */
export function stripQuestionMarker(text: string): string {
  return text.trim().replace(/^[?？]\s*/, '') || text.trim();
}
