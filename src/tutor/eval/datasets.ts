import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { readCsvRecords } from '../../bank/import/csv.ts';
import type { ShortQuestion } from '../../bank/schema.ts';
import { UserError } from '../../errors.ts';
import { containsHan, extractKeyTerms } from '../text.ts';

/**
 * Loaders for human-scored short-answer sets in the formats they are published in (see each
 * folder's SOURCE.md in the public dataset folder): the Mohler CSV, SemEval-2013 Task 7 XML, the
 * SAS-ADS Chinese JSON Lines and the OS "grade like a human" JSON. Each dataset question becomes a
 * FreeText question whose rubric is derived from the reference answer, worth the human score range.
 */

export type DatasetFormat = 'mohler-csv' | 'semeval-xml' | 'sas-jsonl' | 'os-grader-json';

export interface EvalItem {
  /** Where the answer came from, e.g. `mohler_dataset_edited.csv:12`. */
  source: string;
  question: ShortQuestion;
  answer: string;
  /** The human score on the dataset's scale (for labels: 1 correct, 0 not). */
  human: number;
}

export interface EvalDataset {
  name: string;
  format: DatasetFormat;
  language: 'en-US' | 'zh-CN';
  /** `label`: a correct / not-correct label (SemEval); `score`: a number from 0 to each question's points. */
  kind: 'score' | 'label';
  items: EvalItem[];
}

const MAX_DERIVED_POINTS = 6;

/** Splits a reference into clauses: sentences, numbered items, and long comma-separated runs. */
export function splitReference(reference: string): string[] {
  const sentences = reference
    .replace(/\r\n/g, '\n')
    // A full stop after a digit is an item number or a decimal (`1.使得…`, `3.5`), not a sentence's end.
    .split(/(?<=[!?。！？；;]|(?<!\d)\.)\s*|\n+|(?=[①②③④⑤⑥⑦⑧⑨])/u)
    .map((part) => part.trim())
    .filter((part) => extractKeyTerms(part).length > 0);
  const clauses = sentences.flatMap((sentence) =>
    extractKeyTerms(sentence).length > 10 ? sentence.split(/[,，、:：]\s*/u).filter((part) => extractKeyTerms(part).length > 0) : [sentence],
  );
  if (clauses.length <= MAX_DERIVED_POINTS) return clauses.length > 0 ? clauses : [reference];
  // Too many clauses: merge neighbours so each point still carries a share of the reference.
  const merged: string[] = [];
  const size = Math.ceil(clauses.length / MAX_DERIVED_POINTS);
  for (let index = 0; index < clauses.length; index += size) merged.push(clauses.slice(index, index + size).join(containsHan(reference) ? '' : ' '));
  return merged;
}

/** A short-answer question built from a dataset's question and reference: one rubric point per clause. */
export function questionFromReference(id: string, stem: string, reference: string, points: number, analysis = ''): ShortQuestion {
  const clauses = splitReference(reference);
  return {
    id,
    type: 'short',
    stem: stem.trim() || '(no question text)',
    points,
    analysis,
    reference: reference.trim(),
    rubric: clauses.map((clause) => ({ point: clause, points: points / clauses.length })),
  };
}

function safeId(raw: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return (cleaned || 'q').slice(0, 64);
}

function datasetError(file: string, problem: string): UserError {
  return new UserError('eval-dataset', { file, problem });
}

export function loadMohlerCsv(file: string): EvalItem[] {
  // The importer's CSV reader: one reader in src, and each row's own line even when a quoted answer spans several.
  const read = readCsvRecords(readFileSync(file, 'utf8'));
  if ('error' in read) throw datasetError(file, `line ${read.error.line}: ${read.error.message}`);
  const [header, ...body] = read.records;
  const names = header?.record.map((name) => name.trim()) ?? [];
  return body.map(({ record, fromLine: line }) => {
    const row: Record<string, string | undefined> = Object.fromEntries(names.map((name, column) => [name, record[column]]));
    for (const column of ['id', 'question', 'desired_answer', 'student_answer', 'score_avg']) {
      if (row[column] === undefined) throw datasetError(file, `row ${line} has no "${column}" column`);
    }
    const human = Number(row.score_avg);
    if (!Number.isFinite(human)) throw datasetError(file, `row ${line}: score_avg "${row.score_avg}" is not a number`);
    return {
      source: `${path.basename(file)}:${line}`,
      question: questionFromReference(`mohler-${safeId(row.id ?? '')}`, row.question ?? '', row.desired_answer ?? '', 5),
      answer: row.student_answer ?? '',
      human,
    };
  });
}

export function loadSasJsonl(file: string): EvalItem[] {
  const questions = new Map<string, ShortQuestion>();
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, number }) => {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw datasetError(file, `line ${number} is not JSON`);
      }
      const human = Number(record.score);
      if (!Number.isFinite(human)) throw datasetError(file, `line ${number}: score "${String(record.score)}" is not a number`);
      const id = String(record.q_id ?? '');
      let question = questions.get(id);
      if (!question) {
        const references = ['reference1', 'reference2', 'reference3'].map((key) => String(record[key] ?? '').trim()).filter(Boolean);
        if (references.length === 0) throw datasetError(file, `line ${number}: no reference answer`);
        question = questionFromReference(`sas-${safeId(id)}`, String(record.question ?? ''), references[0]!, 10, references.slice(1).join('\n'));
        questions.set(id, question);
      }
      return { source: `${path.basename(file)}:${number}`, question, answer: String(record.answer ?? ''), human };
    });
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', textNodeName: '#text', isArray: (name) => ['referenceAnswer', 'studentAnswer'].includes(name) });

function textOf(node: unknown): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (node && typeof node === 'object' && '#text' in node) return String((node as Record<string, unknown>)['#text']);
  return '';
}

export function loadSemevalXml(file: string): EvalItem[] {
  const document = xml.parse(readFileSync(file, 'utf8')) as { question?: Record<string, unknown> };
  const root = document.question;
  if (!root) throw datasetError(file, 'no <question> element');
  const references = ((root.referenceAnswers as Record<string, unknown> | undefined)?.referenceAnswer ?? []) as Array<Record<string, unknown>>;
  const best = references.find((reference) => reference['@_category'] === 'BEST') ?? references[0];
  if (!best) throw datasetError(file, 'no <referenceAnswer>');
  const others = references.filter((reference) => reference !== best).map(textOf);
  const question = questionFromReference(`semeval-${safeId(String(root['@_id'] ?? path.basename(file, '.xml')))}`, textOf(root.questionText), textOf(best), 1, others.join('\n'));
  const answers = ((root.studentAnswers as Record<string, unknown> | undefined)?.studentAnswer ?? []) as Array<Record<string, unknown>>;
  return answers.map((answer, index) => {
    const label = String(answer['@_accuracy'] ?? '');
    if (!label) throw datasetError(file, `student answer ${index + 1} (${String(answer['@_id'])}) has no accuracy label`);
    return { source: `${path.basename(file)}#${String(answer['@_id'] ?? index + 1)}`, question, answer: textOf(answer), human: label === 'correct' ? 1 : 0 };
  });
}

export function loadOsGraderJson(file: string): EvalItem[] {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, Record<string, unknown>>>;
  const questions = new Map<string, ShortQuestion>();
  const items: EvalItem[] = [];
  for (const [student, byQuestion] of Object.entries(data)) {
    for (const [questionNo, record] of Object.entries(byQuestion)) {
      const full = Number(record.full_points);
      const scores = ['score_1', 'score_2', 'score_3'].map((key) => Number(record[key])).filter(Number.isFinite);
      if (!Number.isFinite(full) || full <= 0 || scores.length === 0) throw datasetError(file, `student ${student} question ${questionNo}: no full_points or scores`);
      let question = questions.get(questionNo);
      if (!question) {
        question = questionFromReference(`os-q${safeId(questionNo)}`, String(record.question ?? ''), String(record.sample_answer ?? ''), full, String(record.sample_criteria ?? ''));
        questions.set(questionNo, question);
      }
      items.push({ source: `${path.basename(file)}#${student}/${questionNo}`, question, answer: String(record.answer ?? ''), human: scores.reduce((a, b) => a + b, 0) / scores.length });
    }
  }
  return items;
}

function listFiles(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => listFiles(path.join(target, entry.name)));
}

function formatOf(file: string): DatasetFormat | null {
  const base = path.basename(file);
  if (base.endsWith('.csv')) return 'mohler-csv';
  if (base.endsWith('.xml')) return 'semeval-xml';
  if (base.endsWith('.jsonl')) return 'sas-jsonl';
  if (base === 'grading.json') return 'os-grader-json';
  return null;
}

/**
 * Loads a dataset from a file or a folder (searched recursively). A folder of SemEval XML is read
 * from its `3way` files only when both 2-way and 3-way copies of a question are present.
 */
export function loadGradingDataset(target: string): EvalDataset {
  let files: string[];
  try {
    files = listFiles(path.resolve(target));
  } catch {
    throw new UserError('eval-dataset', { file: target, problem: 'no such file or folder' });
  }
  const byFormat = new Map<DatasetFormat, string[]>();
  for (const file of files) {
    const format = formatOf(file);
    if (format) byFormat.set(format, [...(byFormat.get(format) ?? []), file]);
  }
  if (byFormat.size === 0) {
    throw new UserError('eval-dataset', { file: target, problem: 'no dataset file found (expected a Mohler .csv, SemEval .xml, SAS .jsonl or an OS grading.json)' });
  }
  if (byFormat.size > 1) {
    throw new UserError('eval-dataset', { file: target, problem: `holds several dataset formats (${[...byFormat.keys()].join(', ')}); point at one of them` });
  }
  const [format, found] = [...byFormat.entries()][0]!;
  let chosen = found;
  if (format === 'semeval-xml' && found.some((file) => file.includes(`${path.sep}3way${path.sep}`))) {
    chosen = found.filter((file) => file.includes(`${path.sep}3way${path.sep}`));
  }
  const loader = { 'mohler-csv': loadMohlerCsv, 'semeval-xml': loadSemevalXml, 'sas-jsonl': loadSasJsonl, 'os-grader-json': loadOsGraderJson }[format];
  const items = chosen.flatMap((file) => loader(file));
  const language = items.some((item) => containsHan(item.question.reference)) ? 'zh-CN' : 'en-US';
  return { name: path.basename(path.resolve(target)), format, language, kind: format === 'semeval-xml' ? 'label' : 'score', items };
}
