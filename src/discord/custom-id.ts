/**
 * Custom ids carry everything a click needs (session, question, choice), so a button keeps working
 * after a restart: the session itself lives in SQLite. Discord caps a custom id at 100 characters; a
 * question id too long to fit is replaced by its position in the session (`#3`), which the handler
 * resolves against the stored question order.
 */

import type { QuestionPointer } from '../quiz/types.ts';

/** Which question a component refers to: by id, or by 0-based position when the id would not fit. */
export type { QuestionPointer };

export const CUSTOM_ID_MAX_LENGTH = 100;

export type QuizComponentId =
  /** A choice or true/false button; `choice` is an option key, or `T`/`F`. */
  | { kind: 'answer'; sessionId: string; question: QuestionPointer; choice: string }
  /** The multi-select menu of a `multi` question. */
  | { kind: 'select'; sessionId: string; question: QuestionPointer }
  /** Submit of a `multi` question, carrying the keys picked so far (empty: nothing picked yet). */
  | { kind: 'submit'; sessionId: string; question: QuestionPointer; keys: string }
  /** The Answer button opening a modal; `from` is the first blank (0-based) the modal asks for. */
  | { kind: 'open'; sessionId: string; question: QuestionPointer; from: number }
  /** A submitted answer modal, same `from`. */
  | { kind: 'modal'; sessionId: string; question: QuestionPointer; from: number }
  | { kind: 'next'; sessionId: string }
  | { kind: 'ask'; sessionId: string }
  | { kind: 'askmodal'; sessionId: string }
  | { kind: 'end'; sessionId: string };

export type ForgetComponentId = { kind: 'forget-confirm'; userId: string } | { kind: 'forget-cancel'; userId: string };

// --- h13-exam-discord ---
/**
 * `/exam`'s components: `exam:<action>:<exam>[:<index>[:<more>]]`. Questions are addressed by their
 * 0-based index in the paper; Previous/Next carry the index shown, so a double click moves once.
 */
export type ExamComponentId =
  | { kind: 'exam-start'; examId: string }
  /** A choice or true/false button of question `index`; `choice` is an option key, or `T`/`F`. */
  | { kind: 'exam-answer'; examId: string; index: number; choice: string }
  /** The option menu of question `index`: picking is the answer. */
  | { kind: 'exam-select'; examId: string; index: number }
  /** The Answer button (a modal from blank `from`), and that modal submitted. */
  | { kind: 'exam-open'; examId: string; index: number; from: number }
  | { kind: 'exam-modal'; examId: string; index: number; from: number }
  | { kind: 'exam-prev'; examId: string; index: number }
  | { kind: 'exam-next'; examId: string; index: number }
  /** The jump menu; the value picked is the index. */
  | { kind: 'exam-jump'; examId: string }
  /** Sets question `index`'s flag to `flagged` (a state, not a toggle: a repeated click changes nothing). */
  | { kind: 'exam-flag'; examId: string; index: number; flagged: boolean }
  /** Submit (asks for confirmation), the confirmation, and Keep working (back to the current question). */
  | { kind: 'exam-submit'; examId: string }
  | { kind: 'exam-confirm'; examId: string }
  | { kind: 'exam-back'; examId: string }
  /** Review from the score report (a new message), a Review page, and Ask about that question (a modal). */
  | { kind: 'exam-reviewstart'; examId: string }
  | { kind: 'exam-review'; examId: string; index: number }
  | { kind: 'exam-ask'; examId: string; index: number }
  | { kind: 'exam-askmodal'; examId: string; index: number };

function encodeExamComponentId(id: ExamComponentId): string {
  const action = id.kind.slice('exam-'.length);
  switch (id.kind) {
    case 'exam-start':
    case 'exam-jump':
    case 'exam-submit':
    case 'exam-confirm':
    case 'exam-back':
    case 'exam-reviewstart':
      return join(['exam', action, id.examId]);
    case 'exam-answer':
      return join(['exam', action, id.examId, id.index, id.choice]);
    case 'exam-open':
    case 'exam-modal':
      return join(['exam', action, id.examId, id.index, id.from]);
    case 'exam-flag':
      return join(['exam', action, id.examId, id.index, id.flagged ? 1 : 0]);
    default:
      return join(['exam', action, id.examId, id.index]);
  }
}

function parseExamComponentId(parts: string[]): ExamComponentId | null {
  const [, action, examId, second, third] = parts;
  if (!examId) return null;
  const kind = `exam-${action}`;
  switch (kind) {
    case 'exam-start':
    case 'exam-jump':
    case 'exam-submit':
    case 'exam-confirm':
    case 'exam-back':
    case 'exam-reviewstart':
      return parts.length === 3 ? { kind, examId } : null;
  }
  const index = Number(second);
  if (second === undefined || !/^\d+$/.test(second) || !Number.isSafeInteger(index)) return null;
  switch (kind) {
    case 'exam-answer':
      return parts.length === 5 && third ? { kind, examId, index, choice: third } : null;
    case 'exam-open':
    case 'exam-modal': {
      const from = parts.length === 5 ? parseFrom(third) : null;
      return from === null ? null : { kind, examId, index, from };
    }
    case 'exam-flag':
      return parts.length === 5 && (third === '0' || third === '1') ? { kind, examId, index, flagged: third === '1' } : null;
    case 'exam-select':
    case 'exam-prev':
    case 'exam-next':
    case 'exam-review':
    case 'exam-ask':
    case 'exam-askmodal':
      return parts.length === 4 ? { kind, examId, index } : null;
    default:
      return null;
  }
}

/** The exam a component belongs to, for the dispatcher's ownership check. */
export function examIdOf(id: ComponentId): string | null {
  return 'examId' in id ? id.examId : null;
}

export type ComponentId = QuizComponentId | ForgetComponentId | ExamComponentId;

const SEGMENT = /^[^:]*$/;

function join(parts: Array<string | number>): string {
  for (const part of parts) {
    if (!SEGMENT.test(String(part))) throw new Error(`A custom id segment may not contain ':' (${String(part)})`);
  }
  return parts.join(':');
}

function withQuestion(prefix: Array<string | number>, question: QuestionPointer, suffix: Array<string | number>, index: number | undefined): string {
  const byId = 'id' in question ? join([...prefix, question.id, ...suffix]) : undefined;
  if (byId !== undefined && byId.length <= CUSTOM_ID_MAX_LENGTH) return byId;
  const position = 'index' in question ? question.index : index;
  if (position === undefined) throw new Error(`Custom id too long and no question position given: ${byId}`);
  const byIndex = join([...prefix, `#${position}`, ...suffix]);
  if (byIndex.length > CUSTOM_ID_MAX_LENGTH) throw new Error(`Custom id too long: ${byIndex}`);
  return byIndex;
}

/**
 * Encodes a component id. `questionIndex` is the question's position in the session, used only when
 * the question id makes the custom id longer than Discord allows.
 */
export function encodeComponentId(id: ComponentId, questionIndex?: number): string {
  switch (id.kind) {
    case 'answer':
      return withQuestion(['quiz', 'answer', id.sessionId], id.question, [id.choice], questionIndex);
    case 'select':
      return withQuestion(['quiz', 'select', id.sessionId], id.question, [], questionIndex);
    case 'submit':
      return withQuestion(['quiz', 'submit', id.sessionId], id.question, [id.keys], questionIndex);
    case 'open':
      return withQuestion(['quiz', 'open', id.sessionId], id.question, [id.from], questionIndex);
    case 'modal':
      return withQuestion(['quiz', 'modal', id.sessionId], id.question, [id.from], questionIndex);
    case 'next':
    case 'ask':
    case 'askmodal':
    case 'end':
      return join(['quiz', id.kind, id.sessionId]);
    case 'forget-confirm':
      return join(['forget', 'confirm', id.userId]);
    case 'forget-cancel':
      return join(['forget', 'cancel', id.userId]);
    default:
      return encodeExamComponentId(id);
  }
}

function parseQuestion(segment: string | undefined): QuestionPointer | null {
  if (!segment) return null;
  if (segment.startsWith('#')) {
    const index = Number(segment.slice(1));
    return Number.isInteger(index) && index >= 0 ? { index } : null;
  }
  return { id: segment };
}

function parseFrom(segment: string | undefined): number | null {
  const from = Number(segment ?? '0');
  return Number.isInteger(from) && from >= 0 ? from : null;
}

/** Parses a custom id this bot wrote; anything else (or a malformed id) is null. */
export function parseComponentId(customId: string): ComponentId | null {
  const parts = customId.split(':');
  const [scope, action, first, second, third] = parts;
  if (scope === 'forget' && first) {
    if (action === 'confirm') return { kind: 'forget-confirm', userId: first };
    if (action === 'cancel') return { kind: 'forget-cancel', userId: first };
    return null;
  }
  if (scope === 'exam') return parseExamComponentId(parts);
  if (scope !== 'quiz' || !first) return null;
  const sessionId = first;
  switch (action) {
    case 'next':
    case 'ask':
    case 'askmodal':
    case 'end':
      return parts.length === 3 ? { kind: action, sessionId } : null;
  }
  const question = parseQuestion(second);
  if (!question) return null;
  switch (action) {
    case 'answer':
      return third ? { kind: 'answer', sessionId, question, choice: third } : null;
    case 'select':
      return parts.length === 4 ? { kind: 'select', sessionId, question } : null;
    case 'submit':
      return parts.length === 5 ? { kind: 'submit', sessionId, question, keys: third ?? '' } : null;
    case 'open':
    case 'modal': {
      const from = parseFrom(third);
      return from === null ? null : { kind: action, sessionId, question, from };
    }
    default:
      return null;
  }
}

/** The session a quiz component belongs to, for the dispatcher's ownership check. */
export function sessionIdOf(id: ComponentId): string | null {
  return 'sessionId' in id ? id.sessionId : null;
}
