import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseCsvIndependently } from 'csv-parse/sync';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { importBank, type ImportReport } from '../../src/bank/import/index.ts';
import { acceptedText, type Bank, type Question } from '../../src/bank/schema.ts';

/**
 * Nothing dropped silently: every fixture goes through its importer, and what the source holds
 * (answers, feedback, tolerances, units, files, images, hints, tags), counted here by a reading of
 * the source independent of the importer, must equal what the bank keeps plus what the report says
 * it did not keep (`omitted`, with the question's line), or lie in a region the report skipped.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURE_ROOTS = ['test/conformance', 'test/fixtures'].map((relative) => path.join(repoRoot, relative));

function listFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

const allFixtures = FIXTURE_ROOTS.flatMap(listFiles);
const giftFixtures = allFixtures.filter((file) => file.endsWith('.gift') || file.endsWith('.gift.txt'));
const xmlFixtures = allFixtures.filter((file) => file.endsWith('.xml'));
const aikenFixtures = allFixtures.filter((file) => file.endsWith('.txt') && (file.includes(`${path.sep}aiken${path.sep}`) || file.endsWith('.aiken.txt')));
const agievalFixtures = allFixtures.filter((file) => file.endsWith('.jsonl'));
const csBenchFixtures = allFixtures.filter((file) => file.endsWith('.json') && file.includes(`${path.sep}cs-bench-json${path.sep}`));
const csvFixtures = allFixtures.filter((file) => file.endsWith('.csv') && file.includes(`${path.sep}import${path.sep}csv${path.sep}`));
const gaokaoFixtures = allFixtures.filter((file) => file.endsWith('.json') && file.includes(`${path.sep}gaokao-json${path.sep}`));
const paperFixtures = allFixtures.filter((file) => file.endsWith('.txt') && file.includes(`${path.sep}papers${path.sep}`) && !giftFixtures.includes(file) && !aikenFixtures.includes(file));

type Facts = Record<'answer' | 'feedback' | 'tolerance' | 'unit' | 'file' | 'image' | 'hint' | 'tag', number>;
const NO_FACTS: Facts = { answer: 0, feedback: 0, tolerance: 0, unit: 0, file: 0, image: 0, hint: 0, tag: 0 };

interface SourceQuestion {
  line: number;
  facts: Facts;
  /** Feedback texts, each of which must be in the analysis or counted as omitted. */
  feedbackTexts: string[];
}

async function importOutcome(file: string) {
  const outcome = await importBank({ filename: path.basename(file), content: fs.readFileSync(file) });
  return outcome;
}

function inSkipped(report: ImportReport | undefined, errors: Array<{ line?: number; toLine?: number }>, line: number): boolean {
  const regions = report ? report.skipped.map((region) => [region.fromLine, region.toLine]) : errors.map((error) => [error.line ?? -1, error.toLine ?? error.line ?? -1]);
  return regions.some(([from, to]) => from !== undefined && to !== undefined && from <= line && line <= to);
}

function omittedFor(report: ImportReport, questionId: string): Facts {
  const totals: Facts = { ...NO_FACTS };
  for (const warning of report.warnings) {
    if (warning.questionId !== questionId || !warning.omitted) continue;
    expect(warning.line, `a warning about ${questionId} names its line`).toBeTypeOf('number');
    for (const [kind, count] of Object.entries(warning.omitted)) if (kind in totals) totals[kind as keyof Facts] += count ?? 0;
  }
  return totals;
}

/** What the bank keeps of a question, counted the same way as the source. */
function keptFacts(question: Question, source: SourceQuestion): Facts {
  const kept: Facts = { ...NO_FACTS };
  switch (question.type) {
    case 'choice':
    case 'multi':
      kept.answer = question.options.length;
      break;
    case 'truefalse':
      kept.answer = 2;
      break;
    case 'numeric':
      kept.answer = 1 + (question.alternatives?.length ?? 0);
      kept.tolerance = [question.tolerance, ...(question.alternatives ?? []).map((alternative) => alternative.tolerance)].filter((tolerance) => tolerance.value !== 0).length;
      kept.unit = (question.unit ? 1 : 0) + (question.units?.length ?? 0);
      break;
    case 'blank':
      kept.answer = question.blanks.reduce((total, blank) => total + blank.accept.length, 0);
      break;
    default:
      break;
  }
  kept.feedback = source.feedbackTexts.filter((text) => question.analysis.includes(text)).length;
  return kept;
}

function expectAccounted(file: string, bank: Bank, report: ImportReport, sources: SourceQuestion[]): void {
  const imported = sources.filter((source) => !inSkipped(report, [], source.line));
  expect(imported.length, `${path.basename(file)}: questions imported`).toBe(bank.questions.length);
  imported.forEach((source, index) => {
    const question = bank.questions[index]!;
    const kept = keptFacts(question, source);
    const omitted = omittedFor(report, question.id);
    const accounted = Object.fromEntries(Object.keys(NO_FACTS).map((kind) => [kind, kept[kind as keyof Facts] + omitted[kind as keyof Facts]]));
    expect(accounted, `${path.basename(file)} line ${source.line} (${question.id}): kept + reported = source`).toEqual(source.facts);
  });
}

// ---- Moodle XML, read with the XML parser but counted here --------------------------------------

const xmlParser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, trimValues: false, isArray: () => true });

function textIn(node: unknown): string {
  const element = Array.isArray(node) ? node[0] : node;
  if (element === undefined || element === null) return '';
  if (typeof element === 'string') return element;
  const text = (element as Record<string, unknown>)['text'];
  const first = Array.isArray(text) ? text[0] : text;
  if (typeof first === 'string') return first;
  if (first && typeof first === 'object' && '#text' in first) return String((first as Record<string, unknown>)['#text']);
  return '';
}

function plain(html: string): string {
  return html.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/[ \t]*\n[ \t]*/g, '\n').trim();
}

function xmlSources(text: string): SourceQuestion[] {
  const lines: number[] = [];
  text.split('\n').forEach((line, index) => {
    if (/<question\b/.test(line)) lines.push(index + 1);
  });
  const quiz = (xmlParser.parse(text) as Record<string, Array<Record<string, unknown[]>>>)['quiz']?.[0] ?? {};
  const questions = (quiz['question'] ?? []) as Array<Record<string, unknown[]>>;
  const sources: SourceQuestion[] = [];
  questions.forEach((question, index) => {
    const type = String(question['@_type'] ?? '');
    if (type === 'category') return;
    const facts: Facts = { ...NO_FACTS };
    const feedbackTexts: string[] = [];
    const answers = (question['answer'] ?? []) as Array<Record<string, unknown>>;
    const questionText = textIn(question['questiontext']);
    if (type === 'cloze' || type === 'multianswer') {
      for (const gap of questionText.matchAll(/\{\d*:[A-Z_]+:((?:\\.|[^}\\])*)\}/g)) {
        for (const part of gap[1]!.split(/(?<!\\)~/)) {
          facts.answer += 1;
          const hash = part.indexOf('#');
          if (hash !== -1 && plain(part.slice(hash + 1))) feedbackTexts.push(plain(part.slice(hash + 1)).split('\n')[0]!);
          const tolerance = /^(?:=|%\d+%)?[^:#]*:([\d.]+)/.exec(part);
          if (tolerance && Number(tolerance[1]) !== 0) facts.tolerance += 1;
        }
      }
    } else if (type !== 'essay' && type !== 'description') {
      facts.answer = answers.length;
      for (const answer of answers) {
        const feedback = plain(textIn(answer['feedback']));
        if (feedback) feedbackTexts.push(feedback);
        const tolerance = textIn(answer['tolerance']) || String((answer['tolerance'] as unknown[] | undefined)?.[0] ?? '');
        if (Number(tolerance.trim() || '0') !== 0) facts.tolerance += 1;
      }
    }
    for (const field of ['correctfeedback', 'partiallycorrectfeedback', 'incorrectfeedback']) if (plain(textIn(question[field]))) facts.feedback += 1;
    facts.feedback += feedbackTexts.length;
    const files = (node: unknown) => ((Array.isArray(node) ? (node[0] as Record<string, unknown[]> | undefined) : undefined)?.['file'] ?? []).length;
    facts.file = files(question['questiontext']) + files(question['generalfeedback']) + answers.reduce((total, answer) => total + files(answer['text'] ? [answer] : []), 0);
    facts.image = (questionText.match(/<img\b/gi) ?? []).length;
    facts.hint = ((question['hint'] ?? []) as unknown[]).filter((hint) => plain(textIn(hint)) !== '').length;
    const tags = ((question['tags'] as Array<Record<string, unknown[]>> | undefined)?.[0]?.['tag'] ?? []) as unknown[];
    facts.tag = tags.length + (textIn(question['idnumber']).trim() || String((question['idnumber'] as unknown[] | undefined)?.[0] ?? '').trim() ? 1 : 0);
    facts.unit = (((question['units'] as Array<Record<string, unknown[]>> | undefined)?.[0]?.['unit'] ?? []) as unknown[]).length;
    sources.push({ line: lines[index] ?? 1, facts, feedbackTexts });
  });
  return sources;
}

// ---- GIFT, split into blocks and answers here ---------------------------------------------------

function unescapedIndexes(text: string, chars: string): number[] {
  const found: number[] = [];
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] === '\\') index += 1;
    else if (chars.includes(text[index]!)) found.push(index);
  }
  return found;
}

function giftSources(text: string): SourceQuestion[] {
  const sources: SourceQuestion[] = [];
  let block: { line: number; lines: string[]; tags: number } | undefined;
  let tags = 0;
  const flush = () => {
    if (!block) return;
    const body = block.lines.join('\n');
    const start = block.line;
    block = undefined;
    if (/^\s*\$CATEGORY:/.test(body) && !body.includes('{')) return;
    const facts: Facts = { ...NO_FACTS, tag: pendingTags };
    const feedbackTexts: string[] = [];
    const braces = unescapedIndexes(body, '{}');
    if (braces.length >= 2) {
      let inside = body.slice(braces[0]! + 1, braces[1]!);
      const general = inside.indexOf('####');
      if (general !== -1) inside = inside.slice(0, general);
      const trueFalse = /^\s*(T|F|TRUE|FALSE)\s*(#|$)/i.test(inside);
      if (trueFalse) {
        facts.answer = 2;
        for (const piece of inside.split(/(?<!\\)#/).slice(1)) if (piece.trim()) feedbackTexts.push(piece.trim());
      } else if (inside.trim() !== '') {
        const numeric = inside.trimStart().startsWith('#');
        const answerText = numeric ? inside.trimStart().slice(1) : inside;
        const markers = unescapedIndexes(answerText, '=~').filter((index) => answerText[index + 1] !== '>');
        const parts = markers.map((at, index) => answerText.slice(at + 1, markers[index + 1] ?? answerText.length));
        if (numeric && (markers.length === 0 || answerText.slice(0, markers[0]).trim() !== '')) parts.unshift(answerText.slice(0, markers[0] ?? answerText.length));
        facts.answer = parts.length;
        for (const part of parts) {
          const hashes = unescapedIndexes(part, '#');
          const feedback = hashes.length > 0 ? part.slice(hashes[0]! + 1).trim().replace(/^\[\w+\]/, '').trim() : '';
          if (feedback) feedbackTexts.push(plain(feedback.replace(/\\(.)/g, '$1')));
          const value = hashes.length > 0 ? part.slice(0, hashes[0]) : part;
          const range = /([\d.]+)\s*\.\.\s*([\d.]+)/.exec(value);
          if (numeric && (/:\s*[\d.]*[1-9]/.test(value) || (range && Number(range[1]) !== Number(range[2])))) facts.tolerance += 1;
        }
      }
    }
    facts.feedback = feedbackTexts.length;
    sources.push({ line: start, facts, feedbackTexts });
  };
  let pendingTags = 0;
  text.split('\n').forEach((line, index) => {
    if (/^\s*\/\//.test(line)) {
      tags += (line.match(/\[(tag|id):/g) ?? []).length;
      return;
    }
    if (line.trim() === '') {
      flush();
      return;
    }
    if (!block) {
      pendingTags = tags;
      tags = 0;
      block = { line: index + 1, lines: [], tags: pendingTags };
    }
    block.lines.push(line);
  });
  flush();
  return sources;
}

// ---- Aiken ----------------------------------------------------------------------------------------

function aikenSources(text: string): SourceQuestion[] {
  const sources: SourceQuestion[] = [];
  let current: SourceQuestion | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    if (/^ANSWER:/.test(line)) {
      if (current) sources.push(current);
      current = undefined;
      return;
    }
    if (/^[A-Z][.)]/.test(line) && current) {
      current.facts.answer += 1;
      return;
    }
    if (!current || current.facts.answer > 0) current = { line: index + 1, facts: { ...NO_FACTS }, feedbackTexts: [] };
  });
  return sources;
}

// ---- C-Eval / CMMLU CSV, read with csv-parse (not the importer's reader) ------------------------

type CsvFacts = Record<'stem' | 'answer' | 'key' | 'feedback' | 'tag' | 'field', number>;
const NO_CSV_FACTS: CsvFacts = { stem: 0, answer: 0, key: 0, feedback: 0, tag: 0, field: 0 };
const same = (a: string, b: string) => a.normalize('NFKC').trim() === b.normalize('NFKC').trim();

/** What each row holds, by the role the C-Eval / CMMLU header gives its columns; every other cell is a `field`. */
function csvRows(text: string): { headerLine: number; rows: Array<{ fromLine: number; toLine: number; cells: string[]; role: (column: number) => keyof CsvFacts | 'option' }> } {
  const parsed = parseCsvIndependently(text, { bom: true, relax_column_count: true, skip_empty_lines: true, info: true, record_delimiter: ['\r\n', '\n'] }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  const lines = parsed.map(({ record, info }) => ({ cells: record, toLine: info.lines, fromLine: info.lines - record.reduce((total, cell) => total + (cell.match(/\n/g)?.length ?? 0), 0) }));
  const [header, ...body] = lines;
  const names = header!.cells.map((name) => name.trim().toLowerCase());
  const first = (...wanted: string[]) => names.findIndex((name) => wanted.includes(name));
  const question = first('question', '题目', '问题');
  const index = names.findIndex((name, column) => ['', 'id', 'index'].includes(name) && column < question);
  const options = new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((letter) => names.indexOf(letter)).filter((column) => column !== -1));
  const answer = first('answer', '答案');
  const explanation = first('explanation', 'analysis', '解析');
  const role = (column: number): keyof CsvFacts | 'option' =>
    column === question ? 'stem' : options.has(column) ? 'option' : column === answer ? 'key' : column === explanation ? 'feedback' : column === index ? 'tag' : 'field';
  return { headerLine: header!.toLine, rows: body.map((row) => ({ ...row, role })) };
}

function expectCsvAccounted(file: string, bank: Bank, report: ImportReport): void {
  const { headerLine, rows } = csvRows(fs.readFileSync(file, 'utf8'));
  const held = rows.filter((row) => row.cells.some((cell) => cell.trim() !== ''));
  const imported = held.filter((row) => !inSkipped(report, [], row.fromLine));
  expect(imported.length, `${path.basename(file)}: rows imported`).toBe(bank.questions.length);
  const unaccounted: CsvFacts = { ...NO_CSV_FACTS };
  imported.forEach((row, position) => {
    const question = bank.questions[position]!;
    const source: CsvFacts = { ...NO_CSV_FACTS };
    const kept: CsvFacts = { ...NO_CSV_FACTS };
    row.cells.forEach((cell, column) => {
      if (cell.trim() === '') return;
      const role = row.role(column);
      if (role === 'option') {
        source.answer += 1;
        return;
      }
      source[role] += 1;
      if (role === 'stem' && same(question.stem, cell)) kept.stem += 1;
      if (role === 'key' && question.status !== 'draft') kept.key += 1;
      if (role === 'feedback' && same(question.analysis, cell)) kept.feedback += 1;
      if (role === 'tag' && question.id === `q-${cell.trim()}`) kept.tag += 1;
    });
    if (question.type === 'choice' || question.type === 'multi') kept.answer = question.options.length;
    const omitted: CsvFacts = { ...NO_CSV_FACTS };
    for (const warning of report.warnings) {
      if (warning.line === undefined || warning.line < row.fromLine || warning.line > row.toLine) continue;
      for (const [kind, count] of Object.entries(warning.omitted ?? {})) omitted[kind as keyof CsvFacts] += count ?? 0;
    }
    for (const kind of Object.keys(NO_CSV_FACTS) as Array<keyof CsvFacts>) {
      const left = source[kind] - kept[kind] - omitted[kind];
      // Whole columns the bank has no place for are reported once, on the header's line (checked below).
      if (kind === 'field' || kind === 'tag') unaccounted[kind] += left;
      else expect(left, `${path.basename(file)} line ${row.fromLine} (${question.id}): ${kind} kept + reported = source`).toBe(0);
    }
  });
  const onHeader: CsvFacts = { ...NO_CSV_FACTS };
  for (const warning of report.warnings) {
    if (warning.line !== headerLine) continue;
    for (const [kind, count] of Object.entries(warning.omitted ?? {})) onHeader[kind as keyof CsvFacts] += count ?? 0;
  }
  expect(onHeader, `${path.basename(file)}: columns reported on the header's line ${headerLine}`).toEqual(unaccounted);
  for (const warning of report.warnings) if (warning.omitted) expect(warning.line, warning.message).toBeTypeOf('number');
}

// ---- GAOKAO-Bench JSON, read with JSON.parse --------------------------------------------------------

type GaokaoFacts = Record<'answer' | 'feedback' | 'weight' | 'tag' | 'field', number>;
const NO_GAOKAO_FACTS: GaokaoFacts = { answer: 0, feedback: 0, weight: 0, tag: 0, field: 0 };
const holds = (value: unknown) => value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
const GAOKAO_ITEM_KEYS = ['question', 'answer', 'analysis', 'score', 'index', 'year', 'category'];

function expectGaokaoAccounted(file: string, bank: Bank, report: ImportReport): void {
  const root = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown> & { example: Array<Record<string, unknown>> };
  const name = path.basename(file);
  const rootFields = Object.keys(root).filter((key) => key !== 'example' && holds(root[key])).length;
  const rootKept = typeof root.keywords === 'string' && bank.title === root.keywords.trim() ? 1 : 0;
  const rootOmitted = report.warnings.filter((warning) => warning.questionId === undefined).reduce((total, warning) => total + (warning.omitted?.field ?? 0), 0);
  expect(rootKept + rootOmitted, `${name}: the file's own fields kept + reported`).toBe(rootFields);
  let accountedQuestions = 0;
  root.example.forEach((item, position) => {
    const index = typeof item.index === 'number' ? item.index : position;
    if (report.skipped.some((region) => region.detail.startsWith(`item ${index}:`))) return;
    const questions = bank.questions.filter((question) => question.id === `q-${index}` || question.id.startsWith(`q-${index}-`));
    expect(questions.length, `${name} item ${index} is questions or a reported region`).toBeGreaterThan(0);
    accountedQuestions += questions.length;
    const source: GaokaoFacts = {
      answer: Array.isArray(item.answer) ? item.answer.length : holds(item.answer) ? 1 : 0,
      feedback: holds(item.analysis) ? 1 : 0,
      weight: holds(item.score) ? 1 : 0,
      tag: holds(item.index) ? 1 : 0,
      field: ['year', 'category'].filter((key) => holds(item[key])).length + Object.keys(item).filter((key) => !GAOKAO_ITEM_KEYS.includes(key) && holds(item[key])).length,
    };
    const kept: GaokaoFacts = { ...NO_GAOKAO_FACTS };
    for (const question of questions) {
      if (question.status === 'draft') continue;
      if (question.type === 'choice' || question.type === 'multi') kept.answer += 1;
      if (question.type === 'blank') kept.answer += question.blanks.reduce((total, blank) => total + blank.accept.length, 0);
      if (question.type === 'short' && question.reference.trim()) kept.answer += 1;
    }
    const analysis = questions[0]!.analysis.normalize('NFKC').trim();
    if (typeof item.analysis === 'string' && holds(item.analysis) && analysis && item.analysis.normalize('NFKC').includes(analysis)) kept.feedback = 1;
    if (holds(item.score) && questions.every((question) => question.points === item.score)) kept.weight = 1;
    if (typeof item.index === 'number') kept.tag = 1;
    for (const key of ['year', 'category']) if (typeof item[key] === 'string' && holds(item[key]) && questions.every((question) => question.topic?.includes(item[key] as string))) kept.field += 1;
    const ids = new Set(questions.map((question) => question.id));
    const omitted: GaokaoFacts = { ...NO_GAOKAO_FACTS };
    for (const warning of report.warnings) {
      if (warning.questionId === undefined || !ids.has(warning.questionId) || !warning.omitted) continue;
      expect(warning.line, `${name}: "${warning.message}" names its line`).toBeTypeOf('number');
      for (const [kind, count] of Object.entries(warning.omitted)) omitted[kind as keyof GaokaoFacts] += count ?? 0;
    }
    const accounted = Object.fromEntries(Object.keys(NO_GAOKAO_FACTS).map((kind) => [kind, kept[kind as keyof GaokaoFacts] + omitted[kind as keyof GaokaoFacts]]));
    expect(accounted, `${name} item ${index}: kept + reported = source`).toEqual(source);
  });
  expect(accountedQuestions, `${name}: every question comes from one item`).toBe(bank.questions.length);
}

describe('round trip: every fixture’s bank differs from its source only by what the report names', () => {
  it('finds fixtures of every Moodle format to check', () => {
    expect(giftFixtures.length).toBeGreaterThan(10);
    expect(xmlFixtures.length).toBeGreaterThan(10);
    expect(aikenFixtures.length).toBeGreaterThan(0);
  });

  it.each(giftFixtures.map((file) => [path.relative(repoRoot, file), file]))('GIFT %s', async (_name, file) => {
    const outcome = await importOutcome(file);
    const sources = giftSources(fs.readFileSync(file, 'utf8'));
    if (!outcome.ok) {
      for (const source of sources) expect(inSkipped(undefined, outcome.errors, source.line), `line ${source.line} is in a refused region`).toBe(true);
      return;
    }
    expectAccounted(file, outcome.bank, outcome.report, sources);
  });

  it.each(xmlFixtures.map((file) => [path.relative(repoRoot, file), file]))('Moodle XML %s', async (_name, file) => {
    const outcome = await importOutcome(file);
    const sources = xmlSources(fs.readFileSync(file, 'utf8'));
    if (!outcome.ok) {
      for (const source of sources) expect(inSkipped(undefined, outcome.errors, source.line), `line ${source.line} is in a refused region`).toBe(true);
      return;
    }
    expectAccounted(file, outcome.bank, outcome.report, sources);
  });

  it.each(aikenFixtures.map((file) => [path.relative(repoRoot, file), file]))('Aiken %s', async (_name, file) => {
    const outcome = await importOutcome(file);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expectAccounted(file, outcome.bank, outcome.report, aikenSources(fs.readFileSync(file, 'utf8')));
  });

  it.each(agievalFixtures.map((file) => [path.relative(repoRoot, file), file]))('AGIEval %s: every item line is a question or a reported region', async (_name, file) => {
    const outcome = await importBank({ filename: path.basename(file), content: fs.readFileSync(file), format: 'agieval-jsonl' });
    const itemLines = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, index) => (line.trim() ? [index + 1] : []));
    if (!outcome.ok) {
      for (const line of itemLines) expect(inSkipped(undefined, outcome.errors, line), `line ${line}`).toBe(true);
      return;
    }
    const questionLines = new Set(outcome.bank.questions.map((question) => Number(/^q-(\d+)/.exec(question.id)?.[1])));
    for (const line of itemLines) expect(questionLines.has(line) || inSkipped(outcome.report, [], line), `line ${line} is a question or reported`).toBe(true);
  });

  it.each(csBenchFixtures.map((file) => [path.relative(repoRoot, file), file]))('CS-Bench %s: every item is a question or a reported region', async (_name, file) => {
    const outcome = await importBank({ filename: path.basename(file), content: fs.readFileSync(file), format: 'cs-bench-json' });
    const items = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<{ ID?: unknown }>;
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const skippedIds = new Set(outcome.report.skipped.map((region) => /^item (q-\S+):/.exec(region.detail)?.[1]));
    const ids = new Set(outcome.bank.questions.map((question) => question.id));
    items.forEach((item, position) => {
      const id = typeof item.ID === 'number' || typeof item.ID === 'string' ? `q-${item.ID}` : `q-${position + 1}`;
      expect(ids.has(id) || skippedIds.has(id), `${id} is a question or reported`).toBe(true);
    });
  });

  it('finds CSV and GAOKAO-Bench fixtures to check, including the ones written to drop things', () => {
    expect(csvFixtures.map((file) => path.basename(file))).toEqual(expect.arrayContaining(['computer_science.csv', 'networks_dev.csv', 'unnamed_columns.csv']));
    expect(gaokaoFixtures.map((file) => path.basename(file))).toEqual(expect.arrayContaining(['2020-2023_Computing_MCQs.json', '2021-2023_Computing_Drops_MCQs.json', '2021-2023_Computing_Drops_Open-ended_Questions.json']));
  });

  it.each(csvFixtures.map((file) => [path.relative(repoRoot, file), file]))('CSV %s: every cell is kept, in a reported row, or reported with its line', async (_name, file) => {
    const outcome = await importBank({ filename: path.basename(file), content: fs.readFileSync(file), format: 'csv' });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expectCsvAccounted(file, outcome.bank, outcome.report);
  });

  it.each(gaokaoFixtures.map((file) => [path.relative(repoRoot, file), file]))('GAOKAO-Bench %s: every field of every item is kept or reported', async (_name, file) => {
    const outcome = await importBank({ filename: path.basename(file), content: fs.readFileSync(file), format: 'gaokao-json' });
    if (!outcome.ok) {
      const items = (JSON.parse(fs.readFileSync(file, 'utf8')) as { example: Array<{ index?: unknown }> }).example;
      items.forEach((item, position) => {
        const index = typeof item.index === 'number' ? item.index : position;
        expect(outcome.errors.some((error) => error.message.startsWith(`item ${index}:`) && error.line !== undefined), `item ${index} is refused with its line`).toBe(true);
      });
      return;
    }
    expectGaokaoAccounted(file, outcome.bank, outcome.report);
  });

  it.each(paperFixtures.map((file) => [path.relative(repoRoot, file), file]))('paper %s: every answer the bank holds is in the source, and every omission names its line', async (_name, file) => {
    // English papers are not auto-detected (detect.ts reads Chinese section headings): name the format.
    const outcome = await importBank({ filename: path.basename(file), content: fs.readFileSync(file), format: 'paper' });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const source = fs.readFileSync(file, 'utf8').normalize('NFKC');
    for (const question of outcome.bank.questions) {
      // A true/false question without a usable key is kept as a draft choice between placeholder options (正确/错误).
      if (question.status === 'draft') continue;
      const keys = question.type === 'blank' ? question.blanks.flatMap((blank) => blank.accept.map(acceptedText)) : question.type === 'choice' || question.type === 'multi' ? question.options.map((option) => option.text) : [];
      for (const key of keys) expect(source.includes(key.normalize('NFKC')), `${question.id}: "${key}" is in the source`).toBe(true);
    }
    for (const warning of outcome.report.warnings) if (warning.omitted) expect(warning.line).toBeTypeOf('number');
  });
});
