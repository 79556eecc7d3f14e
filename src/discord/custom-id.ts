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

export type ComponentId = QuizComponentId | ForgetComponentId | ClassComponentId | QueueComponentId | ExamComponentId;

function isExamComponentId(id: ComponentId): id is ExamComponentId {
  return id.kind.startsWith('exam-');
}

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
    // --- h12-queue-appeals ---
    case 'appeal-open':
    case 'appeal-modal':
    case 'queue-pick':
    case 'queue-accept':
    case 'queue-scores':
    case 'queue-scoresmodal':
    case 'queue-reject':
    case 'queue-rejectmodal':
      return encodeQueueComponentId(id);
    default:
      if (isExamComponentId(id)) return encodeExamComponentId(id);
      return encodeClassComponentId(id, questionIndex);
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
  if (scope === 'class') return parseClassComponentId(parts);
  if (scope === 'appeal' || scope === 'queue') return parseQueueComponentId(parts); // --- h12-queue-appeals ---
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

// --- h12-class-discord ---
/**
 * The teacher's components under `/class items`. The question is by id (or its position in the bank
 * when the id does not fit); an answer of the response analysis is named by `candidate`,
 * `<blank>.<hash>` (blank 0 for a whole answer, the hash of its text: see components/class.ts), which
 * the handler finds again among the stored answers, so a button keeps working after a restart.
 */
export type ClassComponentId =
  /** The question picker; the picked question id is the menu's value. */
  | { kind: 'class-question'; bankId: string }
  /** Back to one question's response analysis (Cancel on a confirmation). */
  | { kind: 'class-show'; bankId: string; question: QuestionPointer }
  /** The answer picker of a question's response analysis; the picked candidate is the menu's value. */
  | { kind: 'class-pick'; bankId: string; question: QuestionPointer }
  /** Confirms accepting a candidate answer for `percent` % of the points. */
  | { kind: 'class-accept'; bankId: string; question: QuestionPointer; candidate: string; percent: number }
  /** Runs the regrade whose dry run the message shows. */
  | { kind: 'class-regrade'; bankId: string; question: QuestionPointer };

const CANDIDATE = /^\d{1,2}\.[0-9a-f]{1,16}$/;

function encodeClassComponentId(id: ClassComponentId, questionIndex: number | undefined): string {
  switch (id.kind) {
    case 'class-question':
      return join(['class', 'q', id.bankId]);
    case 'class-show':
      return withQuestion(['class', 'show', id.bankId], id.question, [], questionIndex);
    case 'class-pick':
      return withQuestion(['class', 'pick', id.bankId], id.question, [], questionIndex);
    case 'class-accept':
      return withQuestion(['class', 'accept', id.bankId], id.question, [id.candidate, id.percent], questionIndex);
    case 'class-regrade':
      return withQuestion(['class', 'regrade', id.bankId], id.question, [], questionIndex);
  }
}

function parseClassComponentId(parts: readonly string[]): ClassComponentId | null {
  const [, action, bankId, questionSegment, candidate, percentSegment] = parts;
  if (!bankId) return null;
  if (action === 'q') return parts.length === 3 ? { kind: 'class-question', bankId } : null;
  const question = parseQuestion(questionSegment);
  if (!question) return null;
  switch (action) {
    case 'show':
    case 'pick':
    case 'regrade':
      return parts.length === 4 ? { kind: `class-${action}`, bankId, question } : null;
    case 'accept': {
      const percent = Number(percentSegment);
      if (parts.length !== 6 || !candidate || !CANDIDATE.test(candidate) || !Number.isInteger(percent) || percent < 1 || percent > 100) return null;
      return { kind: 'class-accept', bankId, question, candidate, percent };
    }
    default:
      return null;
  }
}

// --- h12-queue-appeals ---
/**
 * The Appeal button under a verdict and its modal (the learner's), and the review queue's components
 * (the teacher's). Attempts are named by their stored id; `provisional` (0/1) says whether the list
 * shown after a resolution includes provisional scores, as the `/class queue` that opened it did.
 */
export type QueueComponentId =
  | { kind: 'appeal-open'; attemptId: number }
  | { kind: 'appeal-modal'; attemptId: number }
  /** The queue's answer picker; the picked attempt id is the menu's value. */
  | { kind: 'queue-pick'; provisional: boolean }
  | { kind: 'queue-accept'; attemptId: number; provisional: boolean }
  /** Opens the per-point score modal from marking point `from` (0-based; five points to a modal). */
  | { kind: 'queue-scores'; attemptId: number; provisional: boolean; from: number }
  | { kind: 'queue-scoresmodal'; attemptId: number; provisional: boolean; from: number }
  | { kind: 'queue-reject'; attemptId: number; provisional: boolean }
  | { kind: 'queue-rejectmodal'; attemptId: number; provisional: boolean };

const QUEUE_ACTIONS = { 'queue-accept': 'accept', 'queue-scores': 'scores', 'queue-scoresmodal': 'smodal', 'queue-reject': 'reject', 'queue-rejectmodal': 'rmodal' } as const;

function encodeQueueComponentId(id: QueueComponentId): string {
  switch (id.kind) {
    case 'appeal-open':
      return join(['appeal', 'open', id.attemptId]);
    case 'appeal-modal':
      return join(['appeal', 'modal', id.attemptId]);
    case 'queue-pick':
      return join(['queue', 'pick', id.provisional ? 1 : 0]);
    case 'queue-scores':
    case 'queue-scoresmodal':
      return join(['queue', QUEUE_ACTIONS[id.kind], id.attemptId, id.provisional ? 1 : 0, id.from]);
    default:
      return join(['queue', QUEUE_ACTIONS[id.kind], id.attemptId, id.provisional ? 1 : 0]);
  }
}

function parseQueueComponentId(parts: readonly string[]): QueueComponentId | null {
  const [scope, action, first, second, third] = parts;
  const attemptId = Number(first);
  const validId = first !== undefined && /^\d{1,15}$/.test(first);
  if (scope === 'appeal') {
    if (!validId || parts.length !== 3) return null;
    if (action === 'open') return { kind: 'appeal-open', attemptId };
    if (action === 'modal') return { kind: 'appeal-modal', attemptId };
    return null;
  }
  if (action === 'pick') return parts.length === 3 && (first === '0' || first === '1') ? { kind: 'queue-pick', provisional: first === '1' } : null;
  if (!validId || (second !== '0' && second !== '1')) return null;
  const provisional = second === '1';
  switch (action) {
    case 'accept':
      return parts.length === 4 ? { kind: 'queue-accept', attemptId, provisional } : null;
    case 'reject':
      return parts.length === 4 ? { kind: 'queue-reject', attemptId, provisional } : null;
    case 'rmodal':
      return parts.length === 4 ? { kind: 'queue-rejectmodal', attemptId, provisional } : null;
    case 'scores':
    case 'smodal': {
      const from = Number(third);
      if (parts.length !== 5 || third === undefined || !/^\d{1,3}$/.test(third)) return null;
      return { kind: action === 'scores' ? 'queue-scores' : 'queue-scoresmodal', attemptId, provisional, from };
    }
    default:
      return null;
  }
}
