import type { ModalSubmitInteraction } from 'discord.js';
import type { Question } from '../../bank/schema.ts';
import type { RawAnswer } from '../../grading/types.ts';
import { BLANKS_PER_MODAL } from '../render.ts';

/**
 * Reading an answer out of the Answer modal, shared by `/quiz` and `/exam` (the same form for both).
 * A question with more than five blanks takes several modals (one holds five inputs): the blanks typed
 * so far are kept in memory only, so after a restart the learner starts that question's modals again
 * and nothing stored is lost.
 */

export type ModalAnswer =
  /** The whole answer: the text, or one entry per blank; `shown` is how to quote it back. */
  | { status: 'complete'; answer: RawAnswer; shown: string }
  /** More blanks to ask for: offer a Continue button opening the modal at blank `from` (0 when earlier ones were lost). */
  | { status: 'continue'; from: number; total: number };

const partialBlanks = new Map<string, string[]>();

/** `key` names the question within its session or exam (e.g. `<session>:<question>`). */
export function readAnswerModal(interaction: ModalSubmitInteraction, question: Question, from: number, key: string): ModalAnswer {
  if (question.type !== 'blank') {
    const text = interaction.fields.getTextInputValue('answer');
    return { status: 'complete', answer: text, shown: text };
  }
  const total = question.blanks.length;
  const answers = from === 0 ? [] : (partialBlanks.get(key) ?? []);
  // The earlier blanks were lost (a restart): ask for them again from the first.
  if (answers.length < from) return { status: 'continue', from: 0, total };
  const to = Math.min(total, from + BLANKS_PER_MODAL);
  for (let blank = from; blank < to; blank++) answers[blank] = interaction.fields.getTextInputValue(`blank-${blank}`);
  if (to < total) {
    partialBlanks.set(key, answers);
    return { status: 'continue', from: to, total };
  }
  partialBlanks.delete(key);
  return { status: 'complete', answer: answers, shown: answers.map((answer, index) => `${index + 1}. ${answer}`).join('\n') };
}
