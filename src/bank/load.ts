import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import {
  BankSchema,
  BlankSchema,
  ChoiceQuestionSchema,
  EssayQuestionSchema,
  MultiQuestionSchema,
  NumericQuestionSchema,
  OptionSchema,
  QUESTION_TYPES,
  RubricPointSchema,
  SectionSchema,
  ShortQuestionSchema,
  ToleranceSchema,
  TrueFalseQuestionSchema,
  BlankQuestionSchema,
  type Bank,
  type Question,
} from './schema.ts';
import { hasErrors, validateBank, type BankProblem } from './validate.ts';

export interface BankFileResult {
  file: string;
  /** Present only when the file has no errors (warnings are fine). */
  bank?: Bank;
  problems: BankProblem[];
}

export interface BankSetResult {
  /** Every bank without errors, in file-name order. A bad file never keeps the others from loading. */
  banks: Bank[];
  /** Every problem in every file, errors and warnings, in file order. */
  problems: BankProblem[];
  /** The files read. */
  files: string[];
}

/**
 * Reads, parses and validates one bank file. Never throws: unreadable files become problems too.
 * Only regular files are read (a FIFO named `x.json` would block the read forever), and a symbolic
 * link must stay inside the folder it sits in, so a link to `/etc/passwd` is refused, never shown.
 */
export async function loadBankFile(file: string): Promise<BankFileResult> {
  let text: string;
  try {
    const refused = await refuseNonBankFile(file);
    if (refused) return { file, problems: [{ file, field: '(file)', message: refused, severity: 'error' }] };
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { file, problems: [{ file, field: '(file)', message: describeReadError(error), severity: 'error' }] };
  }
  return parseBankText(text, file);
}

/** Parses and validates bank JSON held in memory (importers check what they are about to write). */
export function parseBankText(text: string, file: string): BankFileResult {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { file, problems: [jsonSyntaxProblem(text.replace(/^\uFEFF/, ''), file, error)] };
  }
  return checkBankValue(value, file);
}

/** Validates a parsed JSON value as a bank: schema first, then the cross-field rules of validate.ts. */
export function checkBankValue(value: unknown, file: string): BankFileResult {
  const problems = findUnknownFields(value, file);
  const parsed = BankSchema.safeParse(value);
  if (!parsed.success) {
    for (const item of parsed.error.issues.map((issue) => schemaProblem(issue, value, file))) problems.push(item);
    return { file, problems };
  }
  for (const item of validateBank(parsed.data, file)) problems.push(item);
  return hasErrors(problems) ? { file, problems } : { file, bank: parsed.data, problems };
}

async function refuseNonBankFile(file: string): Promise<string | undefined> {
  const link = await lstat(file);
  if (link.isSymbolicLink()) {
    const [target, folder] = await Promise.all([realpath(file), realpath(path.dirname(file))]);
    const relative = path.relative(folder, target);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return 'a symbolic link to a file outside its folder: refused';
  }
  const info = link.isSymbolicLink() ? await stat(file) : link;
  if (info.isDirectory()) return 'is a folder, not a file';
  if (!info.isFile()) return 'not a regular file (a pipe, socket or device): refused';
  return undefined;
}

/**
 * Loads the given files, then rejects any bank whose id an earlier file already used (the earlier one
 * stays). Used by `tutor bank check a.json b.json` and by `loadBankDirectory`.
 */
export async function loadBankFiles(files: readonly string[]): Promise<BankSetResult> {
  const results = await Promise.all(files.map(loadBankFile));
  const banks: Bank[] = [];
  const problems: BankProblem[] = [];
  const fileOfBank = new Map<string, string>();
  for (const result of results) {
    for (const item of result.problems) problems.push(item);
    if (!result.bank) continue;
    const earlier = fileOfBank.get(result.bank.id);
    if (earlier !== undefined) {
      problems.push({ file: result.file, field: 'id', message: `bank id "${result.bank.id}" is already used by ${earlier}`, severity: 'error' });
      continue;
    }
    fileOfBank.set(result.bank.id, result.file);
    banks.push(result.bank);
  }
  return { banks, problems, files: [...files] };
}

/** Every `*.json` file directly in `dir`, in name order. A missing folder is an error problem, not an exception. */
export async function loadBankDirectory(dir: string): Promise<BankSetResult> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) {
      return { banks: [], files: [], problems: [{ file: dir, field: '(folder)', message: 'not a folder', severity: 'error' }] };
    }
    names = await readdir(dir);
  } catch (error) {
    return { banks: [], files: [], problems: [{ file: dir, field: '(folder)', message: describeReadError(error), severity: 'error' }] };
  }
  const files = names
    .filter((name) => name.toLowerCase().endsWith('.json'))
    .sort()
    .map((name) => path.join(dir, name));
  if (files.length === 0) {
    return { banks: [], files, problems: [{ file: dir, field: '(folder)', message: 'no bank files (*.json)', severity: 'warning' }] };
  }
  return loadBankFiles(files);
}

function describeReadError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder, not a file';
  return error instanceof Error ? error.message : String(error);
}

/** `line 3, column 5: Expected ',' or '}' after property value`, from V8's message and offset. */
function jsonSyntaxProblem(text: string, file: string, error: unknown): BankProblem {
  const message = error instanceof Error ? error.message : String(error);
  const lineColumn = /\(line (\d+) column (\d+)\)/.exec(message);
  const position = /at position (\d+)/.exec(message);
  let line: number;
  let column: number;
  if (lineColumn) {
    line = Number(lineColumn[1]);
    column = Number(lineColumn[2]);
  } else {
    const offset = position ? Number(position[1]) : text.length;
    const before = text.slice(0, offset);
    line = before.split('\n').length;
    column = offset - before.lastIndexOf('\n');
  }
  const reason = message
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/\s*in JSON at position \d+/, '')
    .replace(/^JSON\.parse: /, '');
  return { file, field: `line ${line}, column ${column}`, message: `invalid JSON: ${reason}`, severity: 'error' };
}

type Path = ReadonlyArray<PropertyKey>;

/** `['options', 1, 'key']` → `options[1].key`. */
function formatPath(segments: Path): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** The question a path points into: its id when it has a usable one, else `questions[3]`. */
function splitQuestionPath(segments: Path, value: unknown): { questionId?: string; rest: Path } {
  if (segments[0] !== 'questions' || typeof segments[1] !== 'number') return { rest: segments };
  const index = segments[1];
  const questions = (value as { questions?: unknown } | null)?.questions;
  const raw = Array.isArray(questions) ? (questions[index] as { id?: unknown } | undefined) : undefined;
  const id = typeof raw?.id === 'string' && raw.id.trim() !== '' ? raw.id : `questions[${index}]`;
  return { questionId: id, rest: segments.slice(2) };
}

function schemaProblem(issue: z.core.$ZodIssue, value: unknown, file: string): BankProblem {
  const { questionId, rest } = splitQuestionPath(issue.path, value);
  const field = formatPath(rest) || (questionId ? '(question)' : '(bank)');
  return { file, ...(questionId ? { questionId } : {}), field, message: describeIssue(issue), severity: 'error' };
}

const TYPE_NAMES: Record<string, string> = { string: 'text', number: 'a number', boolean: 'true or false', array: 'a list', object: 'an object' };

/** zod's messages, reworded where they would puzzle a teacher editing JSON. */
function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator === 'type') {
    return `unknown question type; use one of ${QUESTION_TYPES.join(', ')}`;
  }
  if (issue.code === 'invalid_type') {
    const expected = TYPE_NAMES[String(issue.expected)] ?? String(issue.expected);
    if (/received undefined/.test(issue.message)) return `required (${expected})`;
    return `expected ${expected}`;
  }
  if (issue.code === 'too_small' && issue.origin === 'array') {
    return `needs at least ${String(issue.minimum)} item${Number(issue.minimum) === 1 ? '' : 's'}`;
  }
  if (issue.code === 'too_small' && issue.origin === 'string') return 'must not be empty';
  if ((issue.code === 'too_small' || issue.code === 'too_big') && issue.origin === 'number') {
    const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
    const comparison = issue.code === 'too_small' ? (issue.inclusive ? 'at least' : 'greater than') : issue.inclusive ? 'at most' : 'less than';
    return `must be ${comparison} ${String(bound)}`;
  }
  if (issue.code === 'invalid_value' && 'values' in issue) {
    return `must be one of ${issue.values.map((allowed) => JSON.stringify(allowed)).join(', ')}`;
  }
  return issue.message;
}

type AnyObjectSchema = z.ZodObject<z.ZodRawShape>;

const QUESTION_SCHEMAS: Record<Question['type'], AnyObjectSchema> = {
  choice: ChoiceQuestionSchema,
  multi: MultiQuestionSchema,
  truefalse: TrueFalseQuestionSchema,
  numeric: NumericQuestionSchema,
  blank: BlankQuestionSchema,
  short: ShortQuestionSchema,
  essay: EssayQuestionSchema,
};

/**
 * zod drops fields it does not know, so a misspelt optional field (`partialcredit`, `unorderd`)
 * would silently do nothing. Each one is reported as a warning.
 */
function findUnknownFields(value: unknown, file: string): BankProblem[] {
  const problems: BankProblem[] = [];
  const warn = (segments: Path, known: AnyObjectSchema, object: unknown) => {
    if (object === null || typeof object !== 'object' || Array.isArray(object)) return;
    for (const key of Object.keys(object)) {
      if (key in known.shape) continue;
      const { questionId, rest } = splitQuestionPath([...segments, key], value);
      problems.push({ file, ...(questionId ? { questionId } : {}), field: formatPath(rest), message: 'unknown field (ignored)', severity: 'warning' });
    }
  };
  const each = (list: unknown, segments: Path, known: AnyObjectSchema) => {
    if (Array.isArray(list)) list.forEach((item, index) => warn([...segments, index], known, item));
  };
  if (value === null || typeof value !== 'object') return problems;
  const bank = value as { questions?: unknown; sections?: unknown };
  warn([], BankSchema as unknown as AnyObjectSchema, bank);
  each(bank.sections, ['sections'], SectionSchema as unknown as AnyObjectSchema);
  if (!Array.isArray(bank.questions)) return problems;
  bank.questions.forEach((question: unknown, index) => {
    const type = (question as { type?: unknown } | null)?.type;
    const schema = typeof type === 'string' ? QUESTION_SCHEMAS[type as Question['type']] : undefined;
    if (!schema || typeof question !== 'object' || question === null) return;
    const at = ['questions', index];
    warn(at, schema, question);
    const fields = question as { options?: unknown; blanks?: unknown; rubric?: unknown; tolerance?: unknown };
    each(fields.options, [...at, 'options'], OptionSchema as unknown as AnyObjectSchema);
    each(fields.blanks, [...at, 'blanks'], BlankSchema as unknown as AnyObjectSchema);
    each(fields.rubric, [...at, 'rubric'], RubricPointSchema as unknown as AnyObjectSchema);
    warn([...at, 'tolerance'], ToleranceSchema as unknown as AnyObjectSchema, fields.tolerance);
  });
  return problems;
}

