import type { QuestionType } from '../bank/schema.ts';

/**
 * What a message from the quiz owner in the quiz thread means. While a short or essay question is
 * open and unanswered, a typed message is the answer unless it is clearly a question: it ends with
 * `?` or `？`, or starts with `?`/`？`. Everything else goes to the tutor as a follow-up.
 * The README states this rule; the Answer and Ask buttons make either choice explicit.
 */
export type ThreadMessageIntent = 'answer' | 'follow-up';

export function isClearlyAQuestion(text: string): boolean {
  const trimmed = text.trim();
  return /^[?？]/.test(trimmed) || /[?？]$/.test(trimmed);
}

export function classifyThreadMessage(input: { text: string; questionType: QuestionType | null; answered: boolean }): ThreadMessageIntent {
  const open = (input.questionType === 'short' || input.questionType === 'essay') && !input.answered;
  if (open && !isClearlyAQuestion(input.text)) return 'answer';
  return 'follow-up';
}

/** A leading `?` only marks the message as a question; the tutor gets the rest. */
export function stripQuestionMarker(text: string): string {
  return text.trim().replace(/^[?？]\s*/, '') || text.trim();
}
