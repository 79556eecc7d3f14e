import type { Option } from '../schema.ts';
import { markBlanks } from './blanks.ts';
import { excerptOf, lineAt } from './text.ts';
import type { ImportWarning, ParsedBank, ParsedQuestion, SkippedRegion } from './types.ts';
import { countNoun, pluralWord } from '../../messages/format.ts';

/**
 * CS-Bench JSON: an array of `{ID, Format, Question, A–D, Answer, Explanation, Domain, SubDomain,
 * Language}` with Format Multiple-choice (→ choice), Assertion (→ truefalse), Fill-in-the-blank
 * (→ blank) or Open-ended (→ short, the answer as reference).
 */

interface CsBenchItem {
  ID?: unknown;
  Format?: unknown;
  Question?: unknown;
  Answer?: unknown;
  Explanation?: unknown;
  Domain?: unknown;
  SubDomain?: unknown;
  Language?: unknown;
  [key: string]: unknown;
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '');

export function parseCsBenchJson(source: string): ParsedBank {
  let data: unknown;
  try {
    data = JSON.parse(source);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    return { questions: [], skipped: [], warnings: [], errors: [{ ...(position ? { line: lineAt(source, Number(position[1])) } : {}), message: `not valid JSON: ${message}` }] };
  }
  if (!Array.isArray(data)) return { questions: [], skipped: [], warnings: [], errors: [{ line: 1, message: 'not CS-Bench JSON: expected a list of {"Format", "Question", "Answer", …} items' }] };
  const questions: ParsedQuestion[] = [];
  const skipped: SkippedRegion[] = [];
  const warnings: ImportWarning[] = [];
  let searchFrom = 0;
  let derived = 0;
  let chinese = 0;
  (data as CsBenchItem[]).forEach((item, position) => {
    const id = typeof item.ID === 'number' || typeof item.ID === 'string' ? `q-${item.ID}` : `q-${position + 1}`;
    const found = typeof item.ID === 'number' ? source.indexOf(`"ID": ${item.ID}`, searchFrom) : -1;
    if (found !== -1) searchFrom = found;
    const line = found === -1 ? 1 : lineAt(source, found);
    const stem = text(item.Question);
    const topic = [text(item.Domain), text(item.SubDomain)].filter(Boolean).join(' / ');
    const base = { id, stem, points: 1, analysis: text(item.Explanation), line, ...(topic ? { topic } : {}) };
    const region = (detail: string) => skipped.push({ fromLine: line, toLine: line, reason: 'invalid', detail: `item ${id}: ${detail}`, excerpt: excerptOf(stem) });
    if (item.Language === 'Chinese') chinese += 1;
    if (!stem) return region('no question text');
    switch (item.Format) {
      case 'Multiple-choice': {
        const options: Option[] = ['A', 'B', 'C', 'D', 'E', 'F'].flatMap((key) => (text(item[key]) ? [{ key, text: text(item[key]) }] : []));
        const answer = text(item.Answer).toUpperCase();
        if (options.length < 2) return region('fewer than two options');
        if (!options.some((option) => option.key === answer)) return region(`answer "${answer}" is not one of the options`);
        questions.push({ ...base, type: 'choice', options, answer });
        return;
      }
      case 'Assertion':
        if (typeof item.Answer !== 'boolean') return region('an assertion needs a true or false answer');
        questions.push({ ...base, type: 'truefalse', answer: item.Answer });
        return;
      case 'Fill-in-the-blank': {
        const answer = text(item.Answer);
        if (!answer) return region('no answer');
        const marked = markBlanks(stem, 1);
        questions.push({ ...base, stem: marked.stem, type: 'blank', blanks: [{ accept: [answer] }] });
        return;
      }
      case 'Open-ended': {
        const reference = text(item.Answer);
        if (!reference) return region('no reference answer');
        derived += 1;
        const zh = item.Language === 'Chinese';
        questions.push({ ...base, type: 'short', reference, rubric: [{ point: zh ? '与参考答案的要点一致' : 'Agrees with the reference answer', points: 1 }] });
        return;
      }
      default:
        skipped.push({ fromLine: line, toLine: line, reason: 'unsupported', detail: `item ${id}: format "${String(item.Format)}" is not supported`, excerpt: excerptOf(stem) });
    }
  });
  if (derived > 0) warnings.push({ message: `${countNoun(derived, 'open-ended question')} ${pluralWord(derived, 'has', 'have')} no marking points: one point covering the reference answer each` });
  return { questions, skipped, warnings, errors: [], language: chinese * 2 >= data.length ? 'zh-CN' : 'en-US' };
}
