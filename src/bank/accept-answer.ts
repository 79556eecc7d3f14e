import { UserError } from '../errors.ts';
import { choiceCredit } from '../grading/choice.ts';
import { gradeAnswer } from '../grading/grade.ts';
import {
  compileAcceptPattern,
  isBlankText,
  matchKeyOfNormalized,
  normalizeText,
  removeZeroWidth,
  splitBlankAnswers,
  untrimmedKeyOfNormalized,
} from '../grading/normalize.ts';
import { readNumberWithUnit } from '../grading/numeric.ts';
import { snapFraction } from '../grading/result.ts';
import { acceptedFraction, acceptedText, type BlankQuestion, type Question } from './schema.ts';

/**
 * Adding a learner's answer to a question's key (issue 12 item 3), as a pure edit of the bank file's
 * JSON: only the one field that changes is touched, so the file keeps its author's layout of defaults
 * and the diff against the backup is one entry. What "accept" means per type:
 * - blank: an accepted answer of blank N (`"text"`, or `{ "text", "fraction" }` below 1); an existing
 *   entry that matches the answer exactly gets the higher fraction instead of a duplicate;
 * - choice: the picked option's `fraction` (Moodle's several right options);
 * - numeric: an alternative value (tolerance 0, in the key's unit) before the others, since the first
 *   matching answer counts.
 * Multi and true/false keys are replaced, not extended, and short/essay questions have a rubric, not
 * accepted answers: those are edited in the bank file (then `tutor regrade` applies the change).
 */

export const ACCEPT_ANSWER_MAX_LENGTH = 200;
export const ACCEPTABLE_TYPES = ['blank', 'choice', 'numeric'] as const;

export interface AcceptEditRequest {
  questionId: string;
  /** 1-based. Omitted for a question of several blanks: `answer` is a whole answer (`a | b`), one part per blank. */
  blank?: number;
  answer: string;
  fraction: number;
}

export interface AcceptEdit {
  /** False when the key already gives the answer at least `fraction` (the bank is returned unchanged). */
  changed: boolean;
  /** The blank the answer went to (1-based), for blank questions. */
  blank?: number;
  /** The blanks that took a new or raised entry (a whole answer to several blanks may change some). */
  blanks?: number[];
  /** The answer as written into the key (a blank's entry text, an option key, a number). */
  entry: string | number;
  /** The share of the points the answer earned before the edit. */
  fractionBefore: number;
  fraction: number;
  /** The bank file's JSON with the edit applied (a copy; the input is not changed). */
  bankValue: unknown;
}

type RawQuestion = Record<string, unknown>;

/** Applies the edit to `bankValue` (the file's JSON, already validated into `question`). Throws UserErrors for bad requests. */
export function acceptAnswerInBank(bankValue: unknown, question: Question, request: AcceptEditRequest): AcceptEdit {
  const fraction = checkFraction(request.fraction);
  const answer = checkAnswer(request.answer);
  const copy = structuredClone(bankValue) as { questions: RawQuestion[] };
  const raw = copy.questions.find((candidate) => candidate.id === question.id);
  if (!raw) throw new UserError('unknown-question', { bankId: '', questionId: question.id, questions: '' });
  switch (question.type) {
    case 'blank':
      return { ...acceptInBlank(raw, question, answer, fraction, request.blank), bankValue: copy };
    case 'choice': {
      refuseBlankNumber(question, request.blank);
      const grade = gradeAnswer(question, answer);
      if (grade.status !== 'graded') throw unreadable(question, answer, grade.status === 'invalid' ? grade.reason.message : 'not gradable');
      const key = grade.normalizedAnswer;
      const before = choiceCredit(question, key);
      if (before >= fraction) return { changed: false, entry: key, fractionBefore: before, fraction, bankValue };
      const options = raw.options as RawQuestion[];
      const option = options.find((candidate) => candidate.key === key);
      if (!option) throw unreadable(question, answer, `no option ${key}`);
      option.fraction = fraction;
      return { changed: true, entry: key, fractionBefore: before, fraction, bankValue: copy };
    }
    case 'numeric': {
      refuseBlankNumber(question, request.blank);
      const grade = gradeAnswer(question, answer);
      if (grade.status !== 'graded') throw unreadable(question, answer, grade.status === 'invalid' ? grade.reason.message : 'not gradable');
      const before = snapFraction(grade.score / question.points);
      const units = [...(question.unit ? [{ unit: question.unit, multiplier: 1 }] : []), ...(question.units ?? [])];
      const read = readNumberWithUnit(answer, units.map((entry) => entry.unit));
      if (!read) throw unreadable(question, answer, 'not a number');
      const multiplier = read.known ? units.find((entry) => entry.unit === read.unit)?.multiplier : undefined;
      const value = multiplier === undefined ? read.value : read.value / multiplier;
      if (before >= fraction) return { changed: false, entry: value, fractionBefore: before, fraction, bankValue };
      const alternatives = Array.isArray(raw.alternatives) ? (raw.alternatives as unknown[]) : [];
      raw.alternatives = [{ answer: value, tolerance: { kind: 'absolute', value: 0 }, fraction }, ...alternatives];
      return { changed: true, entry: value, fractionBefore: before, fraction, bankValue: copy };
    }
    default:
      throw new UserError('key-fix-type', { questionId: question.id, type: question.type, types: ACCEPTABLE_TYPES.join(', ') });
  }
}

/** The share of blank `index`'s points an answer earns under the blank's accepted answers (what the grader computes). */
export function blankCredit(question: BlankQuestion, index: number, answer: string): number {
  const normalized = normalizeText(answer);
  const key = matchKeyOfNormalized(normalized);
  const untrimmed = untrimmedKeyOfNormalized(normalized);
  if (key === '') return 0;
  const accept = question.blanks[index]?.accept ?? [];
  return snapFraction(
    accept.reduce((best, entry) => {
      const credit = acceptedFraction(entry);
      return credit > best && compileAcceptPattern(acceptedText(entry))(key, untrimmed) ? credit : best;
    }, 0),
  );
}

/**
 * A whole answer to a question of several blanks (a response-analysis row, `a | b`): each part goes to
 * its blank, where the key gives it less than `fraction`. `fractionBefore` is then the whole answer's.
 */
function acceptWholeBlankAnswer(raw: RawQuestion, question: BlankQuestion, answer: string, fraction: number): Omit<AcceptEdit, 'bankValue'> {
  const parts = splitBlankAnswers(answer);
  while (parts.length > question.blanks.length && parts[parts.length - 1] === '') parts.pop();
  if (parts.length !== question.blanks.length) {
    throw new UserError('key-fix-blank', { questionId: question.id, blank: '—', blanks: question.blanks.length });
  }
  const grade = gradeAnswer(question, parts);
  const before = grade.status === 'graded' && grade.maxScore > 0 ? snapFraction(grade.score / grade.maxScore) : 0;
  const blanks: number[] = [];
  parts.forEach((part, index) => {
    if (isBlankText(part) || matchKeyOfNormalized(normalizeText(part)) === '') return;
    if (acceptInBlank(raw, question, part, fraction, index + 1).changed) blanks.push(index + 1);
  });
  return { changed: blanks.length > 0, blanks, entry: parts.map((part) => part.replace(/\*/gu, '\\*')).join(' | '), fractionBefore: before, fraction };
}

function acceptInBlank(raw: RawQuestion, question: BlankQuestion, answer: string, fraction: number, blank: number | undefined): Omit<AcceptEdit, 'bankValue'> {
  const count = question.blanks.length;
  if (blank === undefined && count > 1) return acceptWholeBlankAnswer(raw, question, answer, fraction);
  const number = blank ?? 1;
  if (number === undefined || !Number.isInteger(number) || number < 1 || number > count) {
    throw new UserError('key-fix-blank', { questionId: question.id, blank: number === undefined ? '—' : String(number), blanks: count });
  }
  // A learner's answer to one blank never holds a separator (it would have been split into two).
  if (/[;；|｜\r\n]/u.test(answer)) throw new UserError('key-fix-answer-separator');
  if (matchKeyOfNormalized(normalizeText(answer)) === '') throw new UserError('key-fix-answer-empty');
  const index = number - 1;
  const before = blankCredit(question, index, answer);
  // `*` is the wildcard of accepted answers: a learner's literal asterisk is escaped.
  const text = answer.replace(/\*/gu, '\\*');
  if (before >= fraction) return { changed: false, blank: number, entry: text, fractionBefore: before, fraction };
  const entry = fraction >= 1 ? text : { text, fraction };
  const blanks = raw.blanks as Array<{ accept: unknown[] }>;
  const target = blanks[index] as { accept: unknown[] };
  const sameText = target.accept.findIndex((existing) => typeof existing === 'string' ? existing === text : (existing as { text?: unknown }).text === text);
  if (sameText >= 0) target.accept[sameText] = entry;
  else target.accept.push(entry);
  return { changed: true, blank: number, blanks: [number], entry: text, fractionBefore: before, fraction };
}

function refuseBlankNumber(question: Question, blank: number | undefined): void {
  if (blank !== undefined) throw new UserError('key-fix-blank', { questionId: question.id, blank: String(blank), blanks: 0 });
}

function checkFraction(fraction: number): number {
  if (!Number.isFinite(fraction) || fraction <= 0 || fraction > 1) throw new UserError('key-fix-fraction', { value: String(fraction) });
  return fraction;
}

function checkAnswer(answer: string): string {
  const cleaned = removeZeroWidth(answer).normalize('NFC').trim();
  if (isBlankText(cleaned)) throw new UserError('key-fix-answer-empty');
  if (cleaned.length > ACCEPT_ANSWER_MAX_LENGTH) {
    throw new UserError('key-fix-answer-long', { length: cleaned.length, limit: ACCEPT_ANSWER_MAX_LENGTH });
  }
  return cleaned;
}

/** The grader's reason is English (as `tutor grade` shows it); the sentence around it is localised. */
function unreadable(question: Question, answer: string, reason: string): UserError {
  return new UserError('key-fix-answer-unreadable', { answer, questionId: question.id, reason });
}
