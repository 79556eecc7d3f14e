import type { Option } from '../schema.ts';
import { splitOptions } from './paper.ts';
import { excerptOf, foldCompatibilityIdeographs, lineAt, toHalfWidth } from './text.ts';
import type { ImportWarning, ParsedBank, ParsedQuestion, SkippedRegion } from './types.ts';
import { countNoun, pluralWord } from '../../messages/format.ts';

/**
 * GAOKAO-Bench JSON: `{"keywords": "...", "example": [{question, answer, analysis, score, index, …}]}`.
 * Objective items carry options inside the question text and answers as a list (one per
 * sub-question, "AC" for multi-select); subjective items carry a reference answer string.
 */

interface GaokaoItem {
  question?: unknown;
  answer?: unknown;
  analysis?: unknown;
  score?: unknown;
  index?: unknown;
  year?: unknown;
  category?: unknown;
}

const ROOT_KEYS = new Set(['keywords', 'example']);
const ITEM_KEYS = new Set(['question', 'answer', 'analysis', 'score', 'index', 'year', 'category']);

/** A value that holds something: not missing, null or blank text. */
function present(value: unknown): boolean {
  return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

const OPTION_MARK = /(^|[\s)）])A\s*[.、:]/g;

/** The options at the end of a question's text, and the text before them. */
export function extractOptions(text: string): { stem: string; options: Option[] } | undefined {
  const h = toHalfWidth(text);
  const starts = [...h.matchAll(OPTION_MARK)].map((match) => match.index + match[1]!.length);
  for (const start of starts.reverse()) {
    const options = splitOptions(text.slice(start).replace(/\s+/g, ' '), 'A');
    if (options && options.length >= 2) {
      return { stem: text.slice(0, start).trim(), options: options.map((option) => ({ ...option, text: option.text.trim() || '(empty)' })) };
    }
  }
  return undefined;
}

/**
 * Splits a passage with `count` numbered sub-questions (`56. …` at line starts, or `（1）…` anywhere)
 * into the passage and each part; the numbers must run consecutively.
 */
function splitSubQuestions(text: string, count: number): { passage: string; parts: string[] } | undefined {
  const h = toHalfWidth(text);
  const patterns = [/(^|\n)[^\S\n]*(\d{1,3})\s*[.、](?!\d)/g, /(^|[\s。.；;:：】])\((\d{1,2})\)/g];
  for (const pattern of patterns) {
    const markers = [...h.matchAll(pattern)].map((match) => ({ number: Number(match[2]), at: match.index + match[1]!.length }));
    for (let first = markers.length - count; first >= 0; first -= 1) {
      const run = markers.slice(first, first + count);
      if (run.every((marker, offset) => marker.number === run[0]!.number + offset)) {
        return {
          passage: text.slice(0, run[0]!.at).trim(),
          parts: run.map((marker, offset) => text.slice(marker.at, offset + 1 < run.length ? run[offset + 1]!.at : undefined).trim()),
        };
      }
    }
  }
  return undefined;
}

/** The analysis of sub-question k when the analysis is written per sub-question; else the whole. */
function splitAnalysis(analysis: string, count: number): string[] {
  const byNumber = splitSubQuestions(analysis, count);
  if (byNumber && byNumber.passage.length <= 10) return byNumber.parts;
  const bySolution = analysis.split(/(?=解\s*[:：])/).map((part) => part.trim()).filter(Boolean);
  if (bySolution.length === count) return bySolution;
  return Array.from({ length: count }, () => analysis);
}

export function parseGaokaoJson(text: string): ParsedBank {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const line = position ? lineAt(text, Number(position[1])) : undefined;
    return { questions: [], skipped: [], warnings: [], errors: [{ ...(line ? { line } : {}), message: `not valid JSON: ${message}` }] };
  }
  const root = data !== null && typeof data === 'object' ? (data as { keywords?: unknown; example?: unknown }) : undefined;
  if (!root || !Array.isArray(root.example)) {
    return { questions: [], skipped: [], warnings: [], errors: [{ line: 1, message: 'not GAOKAO-Bench JSON: expected {"keywords": "…", "example": [ … ]}' }] };
  }
  const keywords = typeof root.keywords === 'string' ? root.keywords : undefined;
  const warnings: ImportWarning[] = [];
  const otherKeys = Object.keys(root).filter((key) => !ROOT_KEYS.has(key) && present((root as Record<string, unknown>)[key]));
  if (otherKeys.length > 0) warnings.push({ line: 1, message: `${pluralWord(otherKeys.length, 'field')} ${otherKeys.map((key) => `"${excerptOf(key, 30)}"`).join(', ')} of the file not imported`, omitted: { field: otherKeys.length } });
  if (present(root.keywords) && keywords === undefined) warnings.push({ line: 1, message: `"keywords" is not text: not used as the title`, omitted: { field: 1 } });
  const fillIn = /fill[-_ ]in[-_ ]the[-_ ]blank/i.test(keywords ?? '');
  const questions: ParsedQuestion[] = [];
  const skipped: SkippedRegion[] = [];
  let derivedRubrics = 0;
  let searchFrom = 0;

  (root.example as GaokaoItem[]).forEach((item, position) => {
    const index = typeof item.index === 'number' ? item.index : position;
    const written = JSON.stringify(present(item.index) ? item.index : index);
    let found = text.indexOf(`"index": ${written}`, searchFrom);
    if (found === -1) found = text.indexOf(`"index":${written}`, searchFrom);
    const line = found === -1 ? 1 : lineAt(text, found);
    if (found !== -1) searchFrom = found;
    const region = (reason: SkippedRegion['reason'], detail: string) =>
      skipped.push({ fromLine: line, toLine: line, reason, detail: `item ${index}: ${detail}`, excerpt: excerptOf(String(item.question ?? '')) });
    const question = typeof item.question === 'string' ? foldCompatibilityIdeographs(item.question).trim() : '';
    const analysis = typeof item.analysis === 'string' ? foldCompatibilityIdeographs(item.analysis).trim() : '';
    const score = typeof item.score === 'number' && item.score > 0 ? item.score : 1;
    const id = `q-${index}`;
    const source = [item.year, item.category].filter((part) => typeof part === 'string' && part).join(' ');
    const base = { points: score, line, ...(source ? { topic: source } : {}) };
    // What the item holds that its questions do not keep, reported once the item has become questions.
    const noteDropped = (questionId: string) => {
      const note = (message: string, omitted: ImportWarning['omitted']) => warnings.push({ line, questionId, message: `item ${index}: ${message}`, omitted });
      const fields = item as Record<string, unknown>;
      const others = Object.keys(fields).filter((key) => !ITEM_KEYS.has(key) && present(fields[key]));
      if (others.length > 0) note(`${pluralWord(others.length, 'field')} ${others.map((key) => `"${excerptOf(key, 30)}"`).join(', ')} not imported`, { field: others.length });
      const notText = (['year', 'category'] as const).filter((key) => present(item[key]) && typeof item[key] !== 'string');
      if (notText.length > 0) note(`${notText.map((key) => `"${key}"`).join(' and ')} not text: not kept in the topic`, { field: notText.length });
      if (present(item.score) && score !== item.score) note(`score ${excerptOf(JSON.stringify(item.score), 20)} is not a positive number: worth 1 point instead`, { weight: 1 });
      if (present(item.analysis) && typeof item.analysis !== 'string') note(`analysis that is not text not imported`, { feedback: 1 });
      if (present(item.index) && typeof item.index !== 'number') note(`index ${excerptOf(JSON.stringify(item.index), 20)} is not a number: the item is numbered by its position instead`, { tag: 1 });
    };
    if (!question) {
      region('invalid', 'no question text');
      return;
    }

    if (Array.isArray(item.answer)) {
      const keys = item.answer.map((answer) => (typeof answer === 'string' ? toHalfWidth(answer).toUpperCase().replace(/[^A-Z]/g, '') : ''));
      if (keys.length === 0 || keys.some((key) => key === '')) {
        region('invalid', `answer ${JSON.stringify(item.answer)} is not a list of option letters`);
        return;
      }
      const parts: Array<{ stem: string; text: string }> = [];
      if (keys.length === 1) parts.push({ stem: '', text: question });
      else {
        const split = splitSubQuestions(question, keys.length);
        if (!split) {
          region('unsupported', `${keys.length} answers share one passage and option list (cloze / 七选五): not supported`);
          return;
        }
        for (const part of split.parts) parts.push({ stem: split.passage, text: part });
      }
      const analyses = keys.length === 1 ? [analysis] : splitAnalysis(analysis, keys.length);
      const built: ParsedQuestion[] = [];
      for (const [offset, part] of parts.entries()) {
        const extracted = extractOptions(part.text);
        const key = keys[offset]!;
        if (!extracted || [...key].some((letter) => !extracted.options.some((option) => option.key === letter))) {
          region('unsupported', keys.length === 1 ? 'options A, B, C… not found in the question text' : `sub-question ${offset + 1} has no options of its own (shared option list): not supported`);
          return;
        }
        const stem = [part.stem, extracted.stem].filter(Boolean).join('\n\n');
        const subId = keys.length === 1 ? id : `${id}-${offset + 1}`;
        const common = { ...base, id: subId, stem, analysis: analyses[offset] ?? analysis, options: extracted.options };
        built.push(key.length > 1 ? { ...common, type: 'multi', answer: [...key].sort(), scoring: 'exam' } : { ...common, type: 'choice', answer: key });
      }
      for (const item of built) questions.push(item);
      noteDropped(built[0]!.id);
      return;
    }

    if (typeof item.answer === 'string') {
      const reference = foldCompatibilityIdeographs(item.answer).trim();
      if (fillIn) {
        const stem = /_{2,}/.test(question) ? question : `${question} ____`;
        if ((stem.match(/_{2,}/g)?.length ?? 0) !== 1) {
          region('unsupported', 'a fill-in item with several gaps in its text');
          return;
        }
        questions.push({ ...base, id, stem, analysis, type: 'blank', blanks: [{ accept: reference ? [reference] : [] }], ...(reference ? {} : { status: 'draft' as const }) });
        noteDropped(id);
        return;
      }
      if (reference) derivedRubrics += 1;
      questions.push({
        ...base,
        id,
        stem: question,
        analysis,
        type: 'short',
        reference,
        rubric: reference ? [{ point: '与参考答案的要点一致', points: score }] : [],
        ...(reference ? {} : { status: 'draft' as const }),
      });
      noteDropped(id);
      return;
    }
    region('invalid', 'no answer (neither a list of letters nor a reference string)');
  });
  if (derivedRubrics > 0) {
    warnings.push({ message: `${countNoun(derivedRubrics, 'open-ended question')} ${pluralWord(derivedRubrics, 'has', 'have')} no marking points: one point "与参考答案的要点一致" worth the full score covers each` });
  }
  return { title: keywords, language: 'zh-CN', questions, skipped, warnings, errors: [] };
}
