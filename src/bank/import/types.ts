import type { Bank, BankInput, QuestionType } from '../schema.ts';

export const IMPORT_FORMATS = ['paper', 'docx', 'gift', 'aiken', 'moodle-xml', 'csv', 'gaokao-json', 'cs-bench-json', 'agieval-jsonl'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Files above this size are refused before any parsing. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

/**
 * Questions one imported bank may hold. A 10,000-question paper fits; a 130,000-row CSV would take
 * half a gigabyte to validate and then sit in the bot's memory, so it is refused with advice to split.
 */
export const MAX_IMPORT_QUESTIONS = 20_000;

export type SkipReason = 'boilerplate' | 'unparsed' | 'unsupported' | 'invalid';

/** A part of the input that did not become a question, with 1-based inclusive line numbers. */
export interface SkippedRegion {
  fromLine: number;
  toLine: number;
  reason: SkipReason;
  /** What was wrong, in plain words. */
  detail: string;
  /** The first characters of the region, so a teacher can find it. */
  excerpt: string;
}

/**
 * Kinds of content an importer can leave out of the bank; every one left out is reported. `field`: a
 * column or JSON field the bank has no place for (a CSV "subject" column, a GAOKAO "year" that is not text).
 */
export const OMISSION_KINDS = ['answer', 'weight', 'feedback', 'tolerance', 'unit', 'image', 'file', 'hint', 'tag', 'setting', 'reference', 'field'] as const;
export type OmissionKind = (typeof OMISSION_KINDS)[number];

export interface ImportWarning {
  line?: number;
  questionId?: string;
  message: string;
  /** What the source held that the bank does not, counted by kind (e.g. `{ answer: 1, feedback: 1 }`). */
  omitted?: Partial<Record<OmissionKind, number>>;
}

export interface ImportReport {
  source: string;
  format: ImportFormat;
  /** Why this format was used: "given with --format" or what auto detection saw. */
  formatReason: string;
  bankId: string;
  title: string;
  questionCount: number;
  countsByType: Partial<Record<QuestionType, number>>;
  /** Questions whose answer key (or reference answer) was found. */
  answerKeysFound: number;
  /** Questions that carry an analysis (解析 / general feedback / explanation). */
  analysesFound: number;
  /** Short and essay questions with a reference answer. */
  referencesFound: number;
  skipped: SkippedRegion[];
  /** Ids of questions written as drafts because the file gives no answer for them. */
  missingAnswers: string[];
  warnings: ImportWarning[];
}

export interface ImportError {
  /** First line the error is about (1-based), when there is one. */
  line?: number;
  /** Last line, when the error covers a region. */
  toLine?: number;
  message: string;
}

export type ImportOutcome =
  | { ok: true; bank: Bank; report: ImportReport; format: ImportFormat }
  | { ok: false; errors: ImportError[]; format?: ImportFormat; report?: ImportReport };

export interface ImportRequest {
  filename: string;
  content: Buffer | Uint8Array;
  format?: ImportFormat | 'auto';
  bankId?: string;
}

/** What every format parser returns before ids, statuses and validation are applied. */
export interface ParsedBank {
  title?: string;
  language?: string;
  description?: string;
  /** Questions as the bank format takes them; `id` may be left for the importer to assign. */
  questions: ParsedQuestion[];
  sections?: Array<{ title: string; questionIds: string[]; pointsEach?: number }>;
  skipped: SkippedRegion[];
  warnings: ImportWarning[];
  /** Problems that stop the import (e.g. XML that is not well formed). */
  errors: ImportError[];
}

export type ParsedQuestion = BankInput['questions'][number] & { line?: number };

export function tooManyQuestions(count: number, what: 'rows' | 'questions'): string {
  return `${count.toLocaleString('en-US')} ${what} is more than the ${MAX_IMPORT_QUESTIONS.toLocaleString('en-US')} questions one bank may hold: split the file into several banks`;
}
