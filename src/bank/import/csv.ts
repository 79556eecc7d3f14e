import type { Option } from '../schema.ts';
import { excerptOf, foldCompatibilityIdeographs } from './text.ts';
import { MAX_IMPORT_QUESTIONS, tooManyQuestions, type ImportWarning, type ParsedBank, type ParsedQuestion, type SkippedRegion } from './types.ts';
import { countNoun, pluralWord } from '../../messages/format.ts';

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

/**
 * RFC 4180 records with the line each starts and ends on. Written here rather than with csv-parse,
 * which reads these files about twenty times slower (see `npm run bench`); quoted fields may hold
 * commas, doubled quotes and line breaks.
 */
export function readCsvRecords(text: string): { records: Array<{ record: string[]; fromLine: number; toLine: number }> } | { error: { line: number; message: string } } {
  const records: Array<{ record: string[]; fromLine: number; toLine: number }> = [];
  let line = 1;
  let index = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (index < text.length) {
    const fromLine = line;
    const record: string[] = [];
    for (;;) {
      let field = '';
      if (text[index] === '"') {
        const openedOn = line;
        index += 1;
        for (;;) {
          const quote = text.indexOf('"', index);
          if (quote === -1) return { error: { line: openedOn, message: 'a quoted field is never closed (missing ")' } };
          const chunk = text.slice(index, quote);
          for (let at = chunk.indexOf('\n'); at !== -1; at = chunk.indexOf('\n', at + 1)) line += 1;
          field += chunk;
          if (text[quote + 1] === '"') {
            field += '"';
            index = quote + 2;
            continue;
          }
          index = quote + 1;
          break;
        }
        // Text between the closing quote and the next separator is kept, as lenient readers do.
        while (index < text.length && text[index] !== ',' && text[index] !== '\n' && text[index] !== '\r') field += text[index++];
      } else {
        let end = index;
        while (end < text.length && text[end] !== ',' && text[end] !== '\n' && text[end] !== '\r') end += 1;
        field = text.slice(index, end);
        index = end;
      }
      record.push(field);
      if (text[index] === ',') {
        index += 1;
        continue;
      }
      break;
    }
    if (text[index] === '\r') index += 1;
    if (text[index] === '\n') index += 1;
    const toLine = line;
    line += 1;
    if (record.length === 1 && record[0]!.trim() === '') continue;
    records.push({ record, fromLine, toLine });
  }
  return { records };
}

export function parseCsv(text: string, options: { sourceName: string }): ParsedBank {
  const read = readCsvRecords(text);
  if ('error' in read) return { questions: [], skipped: [], warnings: [], errors: [{ line: read.error.line, message: `not valid CSV: ${read.error.message}` }] };
  const records = read.records;
  if (records.length === 0) return { questions: [], skipped: [], warnings: [], errors: [{ message: 'the CSV file has no rows' }] };
  if (records.length - 1 > MAX_IMPORT_QUESTIONS) return { questions: [], skipped: [], warnings: [], errors: [{ message: tooManyQuestions(records.length - 1, 'rows') }] };
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
  const warnings: ImportWarning[] = [];
  const header = records[0]!;
  const used = new Set([columns.index, columns.question, ...columns.options.map((option) => option.column), columns.answer, columns.explanation]);
  const unknown = header.record.flatMap((name, column) => (used.has(column) ? [] : [{ name: name.trim(), column, lines: [] as number[] }]));
  const idsNotKept: number[] = [];
  const taken = new Set<string>();
  // What a row held that its question does not: columns the bank has no place for are reported once per
  // column (a file of 10,000 rows with a "subject" column gets one line, not 10,000); cells past the
  // header's last column, per row.
  const noteDropped = (record: string[], fromLine: number, id: string) => {
    for (const column of unknown) if ((record[column.column] ?? '').trim()) column.lines.push(fromLine);
    // An id already taken (a repeated id, or a row numbered in its place) is renamed when ids are made unique.
    if (columns.index !== undefined && (record[columns.index] ?? '').trim() && (id !== `q-${(record[columns.index] ?? '').trim()}` || taken.has(id))) idsNotKept.push(fromLine);
    taken.add(id);
    const extra = record.slice(header.record.length).filter((value) => value.trim());
    if (extra.length > 0) {
      warnings.push({ line: fromLine, questionId: id, message: `${countNoun(extra.length, 'cell')} past the header's ${header.record.length} columns not imported: ${extra.map((value) => `"${excerptOf(value, 20)}"`).join(', ')}`, omitted: { field: extra.length } });
    }
  };
  const lineList = (lines: number[]) => `line${lines.length > 1 ? 's' : ''} ${lines.slice(0, 5).join(', ')}${lines.length > 5 ? ', …' : ''}`;
  records.slice(1).forEach(({ record, fromLine, toLine }, row) => {
    const cell = (column: number | undefined) => (column === undefined ? '' : foldCompatibilityIdeographs(record[column] ?? '').trim());
    const stem = cell(columns.question);
    const choices: Option[] = columns.options.flatMap(({ key, column }) => {
      const value = cell(column);
      return value ? [{ key, text: value }] : [];
    });
    if (!stem || choices.length < 2) {
      skipped.push({ fromLine, toLine: toLine, reason: 'invalid', detail: !stem ? 'row without a question' : 'row with fewer than two options', excerpt: excerptOf(record.join(',')) });
      return;
    }
    const answer = cell(columns.answer).toUpperCase();
    const id = columns.index !== undefined && /^\d+$/.test(cell(columns.index)) ? `q-${cell(columns.index)}` : `q-${row + 1}`;
    const base = { id, stem, points: 1, analysis: cell(columns.explanation), topic: subject, line: fromLine };
    const multi = /^[A-H]{2,}$/.test(answer);
    if (answer && (multi ? [...answer].some((letter) => !choices.some((choice) => choice.key === letter)) : !choices.some((choice) => choice.key === answer))) {
      skipped.push({ fromLine, toLine: toLine, reason: 'invalid', detail: `answer "${answer}" is not ${multi ? 'made of the options' : 'one of the options'}`, excerpt: excerptOf(stem) });
      return;
    }
    noteDropped(record, fromLine, id);
    if (multi) {
      questions.push({ ...base, type: 'multi', options: choices, answer: [...answer].sort(), scoring: 'exam' });
      return;
    }
    questions.push({ ...base, type: 'choice', options: choices, answer, ...(answer ? {} : { status: 'draft' as const }) });
  });
  for (const column of unknown) {
    if (column.lines.length === 0) continue;
    const name = column.name ? `column "${excerptOf(column.name, 30)}"` : `unnamed column ${column.column + 1}`;
    warnings.push({ line: header.fromLine, message: `${name} not imported (the bank has no place for it): ${countNoun(column.lines.length, 'value')}, on ${lineList(column.lines)}`, omitted: { field: column.lines.length } });
  }
  if (idsNotKept.length > 0) {
    warnings.push({ line: header.fromLine, message: `${countNoun(idsNotKept.length, 'id')} not kept (not a whole number, or taken by an earlier row), on ${lineList(idsNotKept)}: ${pluralWord(idsNotKept.length, 'that row is', 'those rows are')} numbered instead`, omitted: { tag: idsNotKept.length } });
  }
  return { title: options.sourceName, questions, skipped, warnings, errors: [] };
}
