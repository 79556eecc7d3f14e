import { extname } from 'node:path';
import { isZip } from './text.ts';
import type { ImportFormat } from './types.ts';
import { countNoun } from '../../messages/format.ts';

export interface Detection {
  format: ImportFormat;
  reason: string;
}

const AIKEN_ANSWER = /^ANSWER:\s*[A-Z]/gm;
const AIKEN_OPTION = /^[A-Z][.)]\s/m;
const GIFT_MARK = /[=~#]|\bT\b|\bF\b|TRUE|FALSE/;
const GIFT_NAME = /^::[^:]+::/m;
// Blanks are `[^\S\n]`, never `\s`, at line starts and ends: `^\s*` under `m` spans blank lines, so
// every line of a long blank run would rescan the rest of it.
const PAPER_SECTION =
  /^[^\S\n]*(?:[一二三四五六七八九十]+\s*[、.．]\s*\S*(?:选择题|判断题|填空题|简答题|计算题|论述题|问答题|是非题)|(?:单项选择题|单选题|多项选择题|多选题|选择题|判断题|是非题|填空题|简答题|问答题|计算题|论述题)[^\S\n]*(?:[(（].*[)）][^\S\n]*)?(?:[:：][^\S\n]*)?$)/gm;
const PAPER_NUMBER = /^[^\S\n]*(\d{1,6}\s*[.．、]|[(（]\d{1,6}[)）])/gm;

/**
 * Answer blocks `{=right ~wrong}`, `{T}`, `{#3:0.1}` not preceded by a backslash, counted in one pass:
 * a pattern `\{[^{}]*(=|…)[^{}]*\}` rescans the rest from every `=` of an unclosed block.
 */
function countGiftBlocks(text: string): number {
  let count = 0;
  for (let open = text.indexOf('{'); open !== -1; ) {
    let end = open + 1;
    while (end < text.length && text[end] !== '{' && text[end] !== '}') end += 1;
    if (text[end] === '}' && (open === 0 || text[open - 1] !== '\\') && GIFT_MARK.test(text.slice(open + 1, end))) count += 1;
    open = text[end] === '{' ? end : text.indexOf('{', end + 1);
  }
  return count;
}

/** Guesses a file's format from its name and content; says what it saw, so the report can name it. */
export function detectFormat(filename: string, content: Uint8Array, text: string | undefined): Detection | undefined {
  const ext = extname(filename).toLowerCase();
  if (isZip(content)) {
    return { format: 'docx', reason: ext === '.docx' ? 'extension .docx and a ZIP (Office) container' : 'a ZIP (Office) container, as .docx files are' };
  }
  if (text === undefined) return undefined;
  const head = text.slice(0, 4096).trimStart();
  if (head.startsWith('<?xml') || /^<quiz[\s>]/.test(head) || (head.startsWith('<') && /<quiz[\s>]/.test(head))) {
    return { format: 'moodle-xml', reason: `${ext ? `extension ${ext}; ` : ''}content is XML with a <quiz> root` };
  }
  if (head.startsWith('{') || head.startsWith('[')) {
    if (/"example"\s*:\s*\[/.test(text.slice(0, 200_000)) && /"question"\s*:/.test(text.slice(0, 200_000))) {
      return { format: 'gaokao-json', reason: `${ext ? `extension ${ext}; ` : ''}JSON with an "example" list of questions (GAOKAO-Bench)` };
    }
  }
  if (head.startsWith('[') && /"Format"\s*:/.test(head) && /"Question"\s*:/.test(head)) {
    return { format: 'cs-bench-json', reason: `${ext ? `extension ${ext}; ` : ''}a JSON list of items with "Format" and "Question" (CS-Bench)` };
  }
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  if (firstLine.trimStart().startsWith('{') && /"question"\s*:/.test(firstLine) && /"(label|options)"\s*:/.test(firstLine)) {
    return { format: 'agieval-jsonl', reason: `${ext ? `extension ${ext}; ` : ''}JSON Lines with "question", "options" and "label" (AGIEval)` };
  }
  if (ext === '.csv' || /^\s*(?:,\s*)?(id\s*,\s*)?question\s*,\s*A\s*,\s*B\s*,/i.test(firstLine)) {
    return { format: 'csv', reason: ext === '.csv' ? 'extension .csv' : 'a CSV header with question,A,B,… columns' };
  }
  if (ext === '.gift') return { format: 'gift', reason: 'extension .gift' };
  if (ext === '.aiken') return { format: 'aiken', reason: 'extension .aiken' };
  const aiken = text.match(AIKEN_ANSWER)?.length ?? 0;
  const gift = countGiftBlocks(text) + (GIFT_NAME.test(text) ? 1 : 0);
  const sectionHeadings = text.match(PAPER_SECTION) ?? [];
  const paperSections = sectionHeadings.length;
  const numbered = text.match(PAPER_NUMBER)?.length ?? 0;
  if (paperSections > 0 && paperSections >= gift && paperSections >= aiken) {
    return { format: 'paper', reason: `${countNoun(paperSections, 'exam-paper section heading')}, e.g. "${sectionHeadings[0]!.trim()}"` };
  }
  if (aiken > 0 && aiken >= gift && AIKEN_OPTION.test(text)) return { format: 'aiken', reason: `${countNoun(aiken, '"ANSWER: X" line')} after A) … options (Aiken)` };
  if (gift > 0) return { format: 'gift', reason: `${countNoun(gift, 'GIFT answer block')} such as {=right ~wrong}` };
  if (numbered > 0 && /[\u4e00-\u9fff]/.test(text)) return { format: 'paper', reason: `${countNoun(numbered, 'numbered question line')} in Chinese text` };
  return undefined;
}
