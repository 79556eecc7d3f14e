import { parse } from 'csv-parse/sync';
import type { Option } from '../schema.ts';
import { excerptOf, foldCompatibilityIdeographs } from './text.ts';
import type { ParsedBank, ParsedQuestion, SkippedRegion } from './types.ts';

/**
 * Multiple-choice CSV in the C-Eval / CMMLU shape: `question, A, B, C, D, answer[, explanation]`, with
 * or without an index column (`id`, or CMMLU's unnamed first column). A file without an answer column
 * (C-Eval's test split) imports as drafts.
 */

interface Columns {
  index?: number;
  question: number;
  options: Array<{ key: string; column: number }>;
  answer?: number;
  explanation?: number;
}

function findColumns(header: string[]): Columns | undefined {
  const names = header.map((name) => name.trim().toLowerCase());
  const question = names.findIndex((name) => name === 'question' || name === '题目' || name === '问题');
  if (question === -1) return undefined;
  const options = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].flatMap((key) => {
    const column = names.indexOf(key.toLowerCase());
    return column === -1 ? [] : [{ key, column }];
  });
  const answer = names.findIndex((name) => name === 'answer' || name === '答案');
  const explanation = names.findIndex((name) => name === 'explanation' || name === 'analysis' || name === '解析');
  const index = names.findIndex((name, column) => (name === '' || name === 'id' || name === 'index') && column < question);
  return {
    question,
    options,
    ...(index !== -1 ? { index } : {}),
    ...(answer !== -1 ? { answer } : {}),
    ...(explanation !== -1 ? { explanation } : {}),
  };
}

export function parseCsv(text: string, options: { sourceName: string }): ParsedBank {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, info: true, bom: true }) as unknown as typeof records;
  } catch (error) {
    const lines = error && typeof error === 'object' && 'lines' in error && typeof error.lines === 'number' ? error.lines : undefined;
    const message = error instanceof Error ? error.message : String(error);
    return { questions: [], skipped: [], warnings: [], errors: [{ ...(lines ? { line: lines } : {}), message: `not valid CSV: ${message}` }] };
  }
  if (records.length === 0) return { questions: [], skipped: [], warnings: [], errors: [{ message: 'the CSV file has no rows' }] };
  const columns = findColumns(records[0]!.record);
  if (!columns || columns.options.length < 2) {
    return {
      questions: [],
      skipped: [],
      warnings: [],
      errors: [{ line: 1, message: 'the first row must name the columns: question, A, B, C, D, answer (optional: id, explanation)' }],
    };
  }
  const subject = options.sourceName.replace(/_(dev|val|test|train)$/i, '');
  const questions: ParsedQuestion[] = [];
  const skipped: SkippedRegion[] = [];
  let previousEnd = records[0]!.info.lines;
  records.slice(1).forEach(({ record, info }, row) => {
    const fromLine = previousEnd + 1;
    previousEnd = info.lines;
    const cell = (column: number | undefined) => (column === undefined ? '' : foldCompatibilityIdeographs(record[column] ?? '').trim());
    const stem = cell(columns.question);
    const choices: Option[] = columns.options.flatMap(({ key, column }) => {
      const value = cell(column);
      return value ? [{ key, text: value }] : [];
    });
    if (!stem || choices.length < 2) {
      skipped.push({ fromLine, toLine: info.lines, reason: 'invalid', detail: !stem ? 'row without a question' : 'row with fewer than two options', excerpt: excerptOf(record.join(',')) });
      return;
    }
    const answer = cell(columns.answer).toUpperCase();
    const id = columns.index !== undefined && /^\d+$/.test(cell(columns.index)) ? `q-${cell(columns.index)}` : `q-${row + 1}`;
    const base = { id, stem, points: 1, analysis: cell(columns.explanation), topic: subject, line: fromLine };
    if (answer && !choices.some((choice) => choice.key === answer) && !/^[A-H]{2,}$/.test(answer)) {
      skipped.push({ fromLine, toLine: info.lines, reason: 'invalid', detail: `answer "${answer}" is not one of the options`, excerpt: excerptOf(stem) });
      return;
    }
    if (/^[A-H]{2,}$/.test(answer)) {
      questions.push({ ...base, type: 'multi', options: choices, answer: [...answer].sort(), scoring: 'exam' });
      return;
    }
    questions.push({ ...base, type: 'choice', options: choices, answer, ...(answer ? {} : { status: 'draft' as const }) });
  });
  return { title: options.sourceName, questions, skipped, warnings: [], errors: [] };
}
