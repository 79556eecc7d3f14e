import type { Option } from '../schema.ts';
import { markBlanks } from './blanks.ts';
import { excerptOf } from './text.ts';
import type { ImportWarning, ParsedBank, ParsedQuestion, SkippedRegion } from './types.ts';
import { countNoun, pluralWord } from '../../messages/format.ts';

/**
 * AGIEval JSON Lines: `{passage, question, options: ["(A)…"], label: "C" | ["A","D"] | [], answer,
 * other: {source}}` per line. Options with a label → choice or multi (an empty label → draft);
 * no options → blank, one per `;`-separated part of `answer`.
 */

interface AgievalItem {
  passage?: unknown;
  question?: unknown;
  options?: unknown;
  label?: unknown;
  answer?: unknown;
  other?: { source?: unknown } | null;
}

export function parseAgievalJsonl(source: string): ParsedBank {
  const questions: ParsedQuestion[] = [];
  const skipped: SkippedRegion[] = [];
  const warnings: ImportWarning[] = [];
  source.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (!raw.trim()) return;
    const region = (reason: SkippedRegion['reason'], detail: string) => skipped.push({ fromLine: line, toLine: line, reason, detail, excerpt: excerptOf(raw) });
    let item: AgievalItem;
    try {
      item = JSON.parse(raw) as AgievalItem;
    } catch (error) {
      region('invalid', `not a JSON object: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const question = typeof item.question === 'string' ? item.question.trim() : '';
    if (!question) return region('invalid', 'no question text');
    const passage = typeof item.passage === 'string' ? item.passage.trim() : '';
    const stem = passage ? `${passage}\n\n${question}` : question;
    const topic = typeof item.other?.source === 'string' && item.other.source ? item.other.source : undefined;
    const base = { id: `q-${line}`, stem, points: 1, analysis: '', line, ...(topic ? { topic } : {}) };
    if (Array.isArray(item.options)) {
      const options: Option[] = item.options.flatMap((option, position) => {
        if (typeof option !== 'string') return [];
        const match = /^\s*[(（]?([A-Z])[)）.．]\s*/.exec(option);
        return [{ key: match ? match[1]! : String.fromCharCode(65 + position), text: option.slice(match ? match[0].length : 0).trim() || '(empty)' }];
      });
      if (options.length < 2) return region('invalid', 'fewer than two options');
      const dropped = item.options.length - options.length;
      if (dropped > 0) warnings.push({ line, questionId: base.id, message: `${countNoun(dropped, 'option')} that ${pluralWord(dropped, 'is', 'are')} not text not imported`, omitted: { answer: dropped } });
      const explanation = typeof item.answer === 'string' ? item.answer.trim() : '';
      if (explanation && !/^[A-Z]$/.test(explanation)) {
        warnings.push({ line, questionId: base.id, message: `the "answer" text of a question with options is not imported: "${excerptOf(explanation, 40)}"`, omitted: { feedback: 1 } });
      }
      const keys = (Array.isArray(item.label) ? item.label : typeof item.label === 'string' ? [item.label] : []).filter((key): key is string => typeof key === 'string');
      if (keys.some((key) => !options.some((option) => option.key === key))) return region('invalid', `label ${JSON.stringify(item.label)} names a missing option`);
      if (keys.length === 0) {
        questions.push({ ...base, type: 'choice', options, answer: '', status: 'draft' });
        return;
      }
      if (Array.isArray(item.label) && keys.length > 1) questions.push({ ...base, type: 'multi', options, answer: [...keys].sort(), scoring: 'exam' });
      else questions.push({ ...base, type: 'choice', options, answer: keys[0]! });
      return;
    }
    const answer = typeof item.answer === 'string' ? item.answer.trim() : '';
    const parts = answer ? answer.split(/[;；]/).map((part) => part.trim()).filter(Boolean) : [];
    const count = Math.max(1, parts.length);
    const marked = markBlanks(stem, count);
    questions.push({
      ...base,
      stem: marked.stem,
      type: 'blank',
      blanks: parts.length > 0 ? parts.map((part) => ({ accept: [part] })) : [{ accept: [] }],
      ...(parts.length > 0 ? {} : { status: 'draft' as const }),
    });
  });
  return { questions, skipped, warnings, errors: [] };
}
