import type { Option } from '../schema.ts';
import { excerptOf } from './text.ts';
import type { ParsedBank, ParsedQuestion, SkippedRegion } from './types.ts';

/**
 * Moodle's Aiken format: question text, options `A) text` or `A. text` (Moodle also takes `A)text`
 * without the space), then `ANSWER: X`. Single-answer multiple choice only. Each malformed question is
 * reported with its lines and what is wrong; the well-formed ones are still imported.
 */

/** One quantifier only: the text after the mark is trimmed afterwards, so no two quantifiers compete for spaces. */
const OPTION = /^([A-Z])[.)](.*)$/s;
// `s`: a line separator inside the text must not make `(.*)$` retry from every blank before it.
const ANSWER = /^ANSWER:\s*(.*)$/s;

interface Pending {
  line: number;
  endLine: number;
  stem: string[];
  options: Option[];
}

export function parseAiken(text: string): ParsedBank {
  const questions: ParsedQuestion[] = [];
  const skipped: SkippedRegion[] = [];
  let pending: Pending | undefined;
  let position = 0;
  const lines = text.split('\n');

  const reject = (from: number, to: number, detail: string) => {
    const excerpt = excerptOf(lines.slice(from - 1, to).join(' '));
    skipped.push({ fromLine: from, toLine: to, reason: 'invalid', detail, excerpt });
  };
  const abandon = (why: string) => {
    if (!pending) return;
    reject(pending.line, pending.endLine, why);
    pending = undefined;
  };

  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (line === '') return;
    const answer = ANSWER.exec(line);
    if (answer) {
      if (!pending || pending.stem.length === 0) {
        reject(lineNo, lineNo, 'ANSWER line without a question before it');
        pending = undefined;
        return;
      }
      pending.endLine = lineNo;
      position += 1;
      const letter = answer[1]!.trim();
      if (pending.options.length < 2) {
        abandon(`a question needs at least two options, found ${pending.options.length}`);
        return;
      }
      if (!/^[A-Z]$/.test(letter) || !pending.options.some((option) => option.key === letter)) {
        abandon(`ANSWER "${letter}" is not one of the options ${pending.options.map((option) => option.key).join(', ')}`);
        return;
      }
      questions.push({
        id: `q-${position}`,
        type: 'choice',
        stem: pending.stem.join('\n'),
        options: pending.options,
        answer: letter,
        points: 1,
        analysis: '',
        line: pending.line,
      });
      pending = undefined;
      return;
    }
    const option = OPTION.exec(line);
    if (option) {
      if (!pending || pending.stem.length === 0) {
        reject(lineNo, lineNo, 'option without a question before it');
        return;
      }
      const key = option[1]!;
      const expected = String.fromCharCode(65 + pending.options.length);
      if (key !== expected) {
        pending.endLine = lineNo;
        abandon(`option ${key} should be ${expected}: options must run A, B, C… in order`);
        return;
      }
      pending.options.push({ key, text: option[2]!.trim() || '(empty)' });
      pending.endLine = lineNo;
      return;
    }
    if (pending && pending.options.length > 0) {
      // A new question starts before the previous one got its ANSWER line.
      position += 1;
      abandon('no ANSWER line before the next question');
    }
    pending ??= { line: lineNo, endLine: lineNo, stem: [], options: [] };
    pending.stem.push(line);
    pending.endLine = lineNo;
  });
  if (pending) {
    position += 1;
    abandon('no ANSWER line at the end of the file');
  }
  return { questions, skipped, warnings: [], errors: [] };
}
