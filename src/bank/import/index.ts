import { basename, extname } from 'node:path';
import { checkBankValue } from '../load.ts';
import { acceptedDisplayText } from '../../grading/normalize.ts';
import { acceptedText, findMissingAnswers, QuestionIdSchema, type Bank, type Question, type QuestionType } from '../schema.ts';
import { formatProblem } from '../validate.ts';
import { parseAgievalJsonl } from './agieval.ts';
import { parseAiken } from './aiken.ts';
import { parseCsBenchJson } from './cs-bench.ts';
import { parseCsv } from './csv.ts';
import { detectFormat, type Detection } from './detect.ts';
import { extractDocxText } from './docx.ts';
import { parseGaokaoJson } from './gaokao.ts';
import { parseGift } from './gift.ts';
import { parseMoodleXml } from './moodle-xml.ts';
import { parsePaper } from './paper.ts';
import { decodeText, guessLanguage, isZip, slugifyBankId } from './text.ts';
import {
  IMPORT_FORMATS,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_QUESTIONS,
  tooManyQuestions,
  type ImportError,
  type ImportFormat,
  type ImportOutcome,
  type ImportReport,
  type ImportRequest,
  type ParsedBank,
} from './types.ts';
import { countNoun, formatBytes, pluralWord } from '../../messages/format.ts';

export { formatImportError, formatImportReport } from './report.ts';
export { IMPORT_FORMATS, MAX_IMPORT_BYTES } from './types.ts';
export type { ImportFormat, ImportOutcome, ImportReport, ImportRequest, SkippedRegion, ImportWarning, ImportError } from './types.ts';

const FORMAT_NAMES: Record<ImportFormat, string> = {
  paper: 'an exam paper (plain text)',
  docx: 'a Word document (.docx)',
  gift: 'GIFT',
  aiken: 'Aiken',
  'moodle-xml': 'Moodle XML',
  csv: 'CSV (C-Eval / CMMLU)',
  'gaokao-json': 'GAOKAO-Bench JSON',
  'cs-bench-json': 'CS-Bench JSON',
  'agieval-jsonl': 'AGIEval JSON Lines',
};

export function isImportFormat(value: string): value is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(value);
}

function fail(errors: ImportError[], format?: ImportFormat): ImportOutcome {
  return { ok: false, errors, ...(format ? { format } : {}) };
}

function parseText(format: Exclude<ImportFormat, 'docx'>, text: string, filename: string): ParsedBank {
  const sourceName = basename(filename, extname(filename));
  switch (format) {
    case 'paper':
      return parsePaper(text, { sourceName });
    case 'gift':
      return parseGift(text);
    case 'aiken':
      return parseAiken(text);
    case 'moodle-xml':
      return parseMoodleXml(text);
    case 'csv':
      return parseCsv(text, { sourceName });
    case 'gaokao-json':
      return parseGaokaoJson(text);
    case 'cs-bench-json':
      return parseCsBenchJson(text);
    case 'agieval-jsonl':
      return parseAgievalJsonl(text);
  }
}

/**
 * Converts a file's bytes into a validated bank and a report. Works on bytes so the Discord bot can
 * pass an attachment; `tutor bank import` reads the file and writes the result. Never throws for bad
 * input: every problem is an error in the outcome, with a line number where there is one.
 */
export async function importBank(request: ImportRequest): Promise<ImportOutcome> {
  try {
    return await readBank(request);
  } catch (error) {
    // A parser bug or a library's own exception is still the file's problem, told in plain words.
    const reason = error instanceof RangeError && /call stack/i.test(error.message) ? 'it is nested or repeated too deeply to read' : error instanceof Error ? error.message : String(error);
    return fail([{ message: `${basename(request.filename)} could not be imported: ${reason}` }]);
  }
}

async function readBank(request: ImportRequest): Promise<ImportOutcome> {
  const { filename, content } = request;
  if (content.length > MAX_IMPORT_BYTES) {
    return fail([{ message: `${basename(filename)} is ${formatBytes(content.length)}: files over ${formatBytes(MAX_IMPORT_BYTES)} are refused` }]);
  }
  if (content.length === 0) return fail([{ message: `${basename(filename)} is empty` }]);
  if (request.bankId !== undefined) {
    const id = QuestionIdSchema.safeParse(request.bankId);
    if (!id.success) return fail([{ message: `bank id "${request.bankId}": ${id.error.issues[0]?.message ?? 'invalid'}` }]);
  }
  const explicit = request.format && request.format !== 'auto' ? request.format : undefined;

  let text: string | undefined;
  let textProblem: string | undefined;
  if (!isZip(content)) {
    const decoded = decodeText(content);
    if (decoded.ok) text = decoded.text;
    else textProblem = decoded.reason;
  }
  const detected = detectFormat(filename, content, text);

  let format: ImportFormat;
  let formatReason: string;
  if (explicit) {
    format = explicit;
    formatReason = 'given with --format';
    if (explicit === 'docx' && !isZip(content)) {
      const hint = detected ? `: it looks like ${FORMAT_NAMES[detected.format]} (${detected.reason}); use --format ${detected.format}` : '';
      return fail([{ message: `${basename(filename)} is not a Word .docx file (no ZIP container)${hint}` }], explicit);
    }
    if (explicit !== 'docx' && isZip(content)) {
      return fail([{ message: `${basename(filename)} is a ZIP/Office file, not ${FORMAT_NAMES[explicit]}: use --format docx for Word documents` }], explicit);
    }
  } else {
    if (!detected) {
      if (textProblem) return fail([{ message: `${basename(filename)} refused: ${textProblem}` }]);
      return fail([{ message: `could not tell the format of ${basename(filename)}: give it with --format ${IMPORT_FORMATS.join('|')}` }]);
    }
    format = detected.format;
    formatReason = `auto: ${detected.reason}`;
  }

  let parsed: ParsedBank;
  if (format === 'docx') {
    let docText: string;
    try {
      docText = await extractDocxText(content);
    } catch (error) {
      return fail([{ message: `${basename(filename)} could not be read as a .docx: ${error instanceof Error ? error.message : String(error)}` }], format);
    }
    parsed = parsePaper(docText, { sourceName: basename(filename, extname(filename)) });
  } else {
    if (text === undefined) return fail([{ message: `${basename(filename)} refused: ${textProblem ?? 'not text'}` }], format);
    parsed = parseText(format, text, filename);
  }

  if (explicit && parsed.questions.length === 0 && detected && detected.format !== explicit) {
    return fail(
      [{ message: `${basename(filename)} does not read as ${FORMAT_NAMES[explicit]}: it looks like ${FORMAT_NAMES[detected.format]} (${detected.reason}); import it with --format ${detected.format}` }],
      explicit,
    );
  }
  return finishImport(request, parsed, format, formatReason, detected);
}

function uniqueIds(questions: ParsedBank['questions']): void {
  const seen = new Set<string>();
  questions.forEach((question, index) => {
    let id = question.id || `q-${index + 1}`;
    for (let n = 2; seen.has(id); n += 1) id = `${question.id || `q-${index + 1}`}-${n}`;
    question.id = id;
    seen.add(id);
  });
}

function finishImport(request: ImportRequest, parsed: ParsedBank, format: ImportFormat, formatReason: string, detected: Detection | undefined): ImportOutcome {
  const filename = basename(request.filename);
  if (parsed.errors.length === 0 && parsed.questions.length > MAX_IMPORT_QUESTIONS) return fail([{ message: `${filename}: ${tooManyQuestions(parsed.questions.length, 'questions')}` }], format);
  const errors: ImportError[] = [...parsed.errors];
  if (parsed.questions.length === 0) {
    const unparsed = parsed.skipped.filter((region) => region.reason !== 'boilerplate');
    for (const region of unparsed) errors.push({ line: region.fromLine, ...(region.toLine !== region.fromLine ? { toLine: region.toLine } : {}), message: region.detail });
    if (errors.length === 0) errors.push({ message: `no questions found in ${filename}` });
    else if (unparsed.length > 0) errors.unshift({ message: `no questions could be imported from ${filename}` });
    return fail(errors, format);
  }
  if (parsed.errors.length > 0) return fail(errors, format);
  uniqueIds(parsed.questions);

  const warnings = [...parsed.warnings];
  const sourceName = basename(filename, extname(filename));
  const language = parsed.language ?? guessLanguage(parsed.questions.map((question) => question.stem).join('\n'));
  let derived = 0;
  const questions = parsed.questions.map(({ line: _line, ...question }) => {
    const missing = findMissingAnswers(question as Question);
    if (missing.length > 0) return { ...question, status: 'draft' } as typeof question;
    if (question.analysis.trim() === '') {
      derived += 1;
      return { ...question, analysis: describeAnswer(question as Question, language) };
    }
    return question;
  });
  if (derived > 0) {
    warnings.push({ message: `${countNoun(derived, 'question')} came without an analysis: ${pluralWord(derived, 'its', 'their')} analysis only states the answer; add an explanation` });
  }
  const pointsById = new Map(questions.map((question) => [question.id, question.points]));
  const sections = (parsed.sections ?? []).map((section) => {
    if (section.pointsEach === undefined) return section;
    const differs = section.questionIds.some((id) => pointsById.get(id) !== section.pointsEach);
    return differs ? { title: section.title, questionIds: section.questionIds } : section;
  });
  const title = parsed.title?.trim() || sourceName;
  const bankId = request.bankId ?? slugifyBankId(sourceName, format === 'docx' ? 'paper' : format);
  const candidate = {
    id: bankId,
    title,
    language,
    source: `Imported from ${filename} (${format}) with tutor bank import; answers, analyses and marking points are the file's own`,
    ...(parsed.description ? { description: parsed.description } : {}),
    ...(sections.length > 0 ? { sections } : {}),
    questions,
  };
  const result = checkBankValue(candidate, filename);
  const problems = result.problems.filter((problem) => problem.severity === 'error');
  if (!result.bank || problems.length > 0) {
    const lineById = new Map(parsed.questions.map((question) => [question.id, question.line]));
    return fail(
      problems.map((problem) => {
        const line = problem.questionId === undefined ? undefined : lineById.get(problem.questionId);
        return { ...(line ? { line } : {}), message: formatProblem(problem) };
      }),
      format,
    );
  }
  const bank: Bank = result.bank;
  if (request.format === undefined || request.format === 'auto' || !detected || detected.format === format) {
    // nothing to add
  } else {
    warnings.unshift({ message: `the content also looks like ${FORMAT_NAMES[detected.format]} (${detected.reason})` });
  }
  const report = buildReport(bank, parsed, format, formatReason, filename, warnings);
  return { ok: true, bank, report, format };
}

function buildReport(bank: Bank, parsed: ParsedBank, format: ImportFormat, formatReason: string, source: string, warnings: ImportReport['warnings']): ImportReport {
  const countsByType: Partial<Record<QuestionType, number>> = {};
  for (const question of bank.questions) countsByType[question.type] = (countsByType[question.type] ?? 0) + 1;
  const drafts = bank.questions.filter((question) => question.status === 'draft');
  return {
    source,
    format,
    formatReason,
    bankId: bank.id,
    title: bank.title,
    questionCount: bank.questions.length,
    countsByType,
    answerKeysFound: bank.questions.length - drafts.length,
    analysesFound: parsed.questions.filter((question) => question.analysis.trim() !== '').length,
    referencesFound: bank.questions.filter((question) => (question.type === 'short' || question.type === 'essay') && question.reference.trim() !== '').length,
    skipped: parsed.skipped,
    missingAnswers: drafts.map((question) => question.id),
    warnings: [...warnings].sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER)),
  };
}

/** A bare analysis for a question whose file gives none: it states the answer and nothing more. */
function describeAnswer(question: Question, language: string): string {
  const zh = language.startsWith('zh');
  const label = zh ? '答案：' : 'Answer: ';
  switch (question.type) {
    case 'choice': {
      const option = question.options.find((candidate) => candidate.key === question.answer);
      return `${label}${question.answer}${option ? `. ${option.text}` : ''}`;
    }
    case 'multi':
      return `${label}${question.answer.join(zh ? '、' : ', ')}`;
    case 'truefalse':
      return `${label}${question.answer ? (zh ? '正确' : 'true') : zh ? '错误' : 'false'}`;
    case 'numeric':
      return `${label}${question.answer}${question.unit ? ` ${question.unit}` : ''}${question.tolerance.value > 0 ? ` (±${question.tolerance.value})` : ''}`;
    case 'blank':
      return `${label}${question.blanks.map((blank) => blank.accept.map((entry) => acceptedDisplayText(acceptedText(entry))).join(' / ')).join(zh ? '；' : '; ')}`;
    case 'short':
    case 'essay':
      return question.reference;
  }
}
