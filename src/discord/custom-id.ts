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

export type ComponentId = QuizComponentId | ForgetComponentId;

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
