import { toHalfWidth } from './text.ts';

/**
 * How exam papers state marks, read from untrusted text. Every pattern here is linear: no nested or
 * adjacent quantifiers over the same characters, and the text they see is bounded (one parenthetical,
 * one marking point) before any of them runs.
 */

/** Longest parenthetical read as a marks note: `（每种4分，至少三种）` is short; anything longer is prose. */
const MAX_NOTE = 40;

const CHINESE_DIGITS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };
const ENGLISH_NUMBERS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };

/** `3`, `三`, `十二`, `two` → the number; anything else → undefined. */
export function readCount(word: string): number | undefined {
  if (/^\d{1,3}$/.test(word)) return Number(word);
  const english = ENGLISH_NUMBERS[word.toLowerCase()];
  if (english !== undefined) return english;
  if (!/^[一二两三四五六七八九十]{1,3}$/.test(word)) return undefined;
  if (word.length === 1) return CHINESE_DIGITS[word];
  // 十二 = 12, 二十 = 20, 二十三 = 23.
  const tenAt = word.indexOf('十');
  if (tenAt < 0) return undefined;
  const tens = tenAt === 0 ? 1 : (CHINESE_DIGITS[word.charAt(0)] ?? 0);
  const ones = tenAt === word.length - 1 ? 0 : (CHINESE_DIGITS[word.charAt(word.length - 1)] ?? 0);
  return tens * 10 + ones;
}

const NUMBER = String.raw`(\d{1,3}(?:\.\d{1,2})?)`;
const MARK_UNIT = String.raw`(?:分|marks?|points?|pts?)`;
/** `4分`, `4 marks` — the whole note. */
const PLAIN_MARKS = new RegExp(`^(?:共|计|合计|total)?\\s?${NUMBER}\\s?${MARK_UNIT}$`, 'i');
/** `每种4分`, `每个1分`, `4 marks each`, `each 4 marks`. */
const EACH_ZH = new RegExp(`每(?:种|个|点|项|条|处|空|问|小题|题)?${NUMBER}分`);
const EACH_EN = new RegExp(`${NUMBER} ?(?:marks?|points?) each|each ${NUMBER} ?(?:marks?|points?)`, 'i');
/** `至少三种`, `任答三点`, `at least three`, `any two`, `all four`. */
const COUNT_ZH = /(?:至少|最少|任答|任选|任意|答出|答对)(\d{1,2}|[一二两三四五六七八九十]{1,3})(?:种|个|点|项|条|处|方面)/;
const COUNT_EN = /\b(?:at least|any|all) (\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\b/i;
/** `共12分` inside a note that also says how each is marked. */
const TOTAL_ZH = new RegExp(`共${NUMBER}分`);
/** A count written in the point itself: `写出四个指标`, `列出3种方法`, `Name three …`. */
const BODY_COUNT_ZH = /(\d{1,2}|[一二两三四五六七八九十]{1,3})(?:个|种|点|项|条|方面)/;
const BODY_COUNT_EN = /\b(?:name|list|give|state|describe|explain) (two|three|four|five|six|\d{1,2})\b/i;

export interface MarksNote {
  /** The text before the note, trimmed. */
  body: string;
  /** The note as written, with its brackets (kept in a marking point when it says how to mark). */
  note: string;
  /** Points for the whole point, when the note states them or they follow from each × count. */
  points?: number;
  /** Points per item (每种4分). */
  each?: number;
  /** How many items earn `each`: from the note (至少三种) or the point's own words (写出四个). */
  count?: number;
}

/**
 * Reads a trailing marks note: `场景分析（4分）`, `每种方法的原理（每种4分，至少三种）`,
 * `Defines a transaction (2 marks)`, `Each property (4 marks each, all four)`. Undefined when the
 * text does not end in a bracketed note that mentions marks.
 */
export function readMarksNote(text: string): MarksNote | undefined {
  const h = toHalfWidth(text);
  let end = h.length;
  while (end > 0 && '。.;,，；、 \t'.includes(h.charAt(end - 1))) end -= 1;
  if (end === 0 || h.charAt(end - 1) !== ')') return undefined;
  const open = h.lastIndexOf('(', end - 1);
  if (open < 0 || end - open > MAX_NOTE) return undefined;
  const inner = h.slice(open + 1, end - 1).trim().replace(/\s+/g, ' ');
  const body = text.slice(0, open).trim();
  const note = text.slice(open, end);
  const plain = PLAIN_MARKS.exec(inner);
  if (plain) return { body, note, points: Number(plain[1]) };
  const eachMatch = EACH_ZH.exec(inner.replace(/ /g, '')) ?? EACH_EN.exec(inner);
  if (!eachMatch) {
    const total = TOTAL_ZH.exec(inner.replace(/ /g, ''));
    return total ? { body, note, points: Number(total[1]) } : undefined;
  }
  const each = Number(eachMatch[1] ?? eachMatch[2]);
  const countWord = COUNT_ZH.exec(inner.replace(/ /g, ''))?.[1] ?? COUNT_EN.exec(inner)?.[1];
  const bodyCount = BODY_COUNT_ZH.exec(toHalfWidth(body))?.[1] ?? BODY_COUNT_EN.exec(body)?.[1];
  const count = countWord !== undefined ? readCount(countWord) : bodyCount !== undefined ? readCount(bodyCount) : undefined;
  const total = TOTAL_ZH.exec(inner.replace(/ /g, ''));
  const points = total ? Number(total[1]) : count !== undefined ? each * count : undefined;
  return { body, note, each, ...(count !== undefined ? { count } : {}), ...(points !== undefined ? { points } : {}) };
}

/** `（共10分）` or `（10分）` opening an answer in the answer part: the points of that question. */
export function readLeadingPoints(text: string): { points: number; rest: string } | undefined {
  const h = toHalfWidth(text).trimStart();
  if (!h.startsWith('(')) return undefined;
  const close = h.indexOf(')');
  if (close < 0 || close > MAX_NOTE) return undefined;
  const inner = h.slice(1, close).trim().replace(/\s+/g, ' ');
  const plain = PLAIN_MARKS.exec(inner);
  if (!plain) return undefined;
  const offset = text.length - text.trimStart().length;
  return { points: Number(plain[1]), rest: text.slice(offset + close + 1).trim() };
}

export interface InlineMark {
  /** What earns the points: the answer text since the previous mark. */
  text: string;
  points: number;
}

/**
 * A reference answer that carries its own marks (参考答案及评分标准: `①进程是…（2分）；②…（2分）`):
 * the pieces that earn points, and the answer with the marks taken out. Undefined when the text has
 * no `（N分）` marks. A scan over the text, not one pattern over the whole answer.
 */
export function splitInlineMarks(text: string): { marks: InlineMark[]; reference: string } | undefined {
  const h = toHalfWidth(text);
  const marks: InlineMark[] = [];
  let reference = '';
  let pieceStart = 0;
  let copied = 0;
  let at = h.indexOf('(');
  while (at >= 0) {
    const close = h.indexOf(')', at);
    if (close < 0) break;
    const inner = close - at <= MAX_NOTE ? h.slice(at + 1, close).trim() : '';
    const plain = /^\d{1,3}(?:\.\d{1,2})?\s?分$/.exec(inner);
    if (plain) {
      marks.push({ text: cleanPiece(text.slice(pieceStart, at)), points: Number.parseFloat(inner) });
      reference += text.slice(copied, at);
      copied = close + 1;
      pieceStart = close + 1;
    }
    at = h.indexOf('(', close + 1);
  }
  if (marks.length === 0) return undefined;
  reference += text.slice(copied);
  return { marks: marks.filter((mark) => mark.text !== ''), reference: reference.replace(/[ \t]+([。；;，,])/g, '$1').trim() };
}

/** A piece of an answer before its mark, without list markers and joining punctuation at its ends. */
function cleanPiece(piece: string): string {
  let out = piece.trim();
  let changed = true;
  while (changed && out.length > 0) {
    changed = false;
    const first = out.charAt(0);
    if ('；;，,。.、:：'.includes(first) || /[①-⑳]/.test(first)) {
      out = out.slice(1).trim();
      changed = true;
    }
  }
  while (out.length > 0 && '；;，,。.、'.includes(out.charAt(out.length - 1))) out = out.slice(0, -1).trim();
  return out.replace(/^(答|解)\s*[:：]\s*/, '');
}

/** How many items a reference answer lists: lines or inline runs marked ①…, (1)…, 1)…, 一是…. */
export function countListItems(reference: string): number {
  const h = toHalfWidth(reference);
  let circled = 0;
  for (const char of h) if (char >= '①' && char <= '⑳') circled += 1;
  let parenthesised = 0;
  // At most 50 items: each look-up scans the text once, so the count stays linear in its length.
  for (let expected = 1; expected <= 50 && h.includes(`(${expected})`); expected += 1) parenthesised = expected;
  let lineNumbers = 0;
  for (const line of h.split('\n')) if (/^\s*\d{1,2}\s?[).、]/.test(line)) lineNumbers += 1;
  let ordinal = 0;
  for (const word of ['一是', '二是', '三是', '四是', '五是', '六是', '七是', '八是']) {
    if (!h.includes(word)) break;
    ordinal += 1;
  }
  return Math.max(circled, parenthesised, lineNumbers, ordinal);
}

/**
 * One row of an answer grid: `题号 1 2 3` / `答案 B C A`, also with `|` cells from a table pasted
 * from Word. Cells are split in a loop over separators, not by a pattern with nested repetition.
 */
export function readGridRow(line: string): { label: 'numbers' | 'answers'; cells: string[] } | undefined {
  const h = toHalfWidth(line).trim();
  const cells = h
    .split(/[|\t ]/)
    .map((cell) => cell.trim())
    .filter((cell) => cell !== '');
  if (cells.length < 2) return undefined;
  const head = cells[0]!.replace(/[:：]$/, '');
  if (/^(题号|题目|题次|小题|Question|Questions|No\.?|Q)$/i.test(head)) {
    const numbers = cells.slice(1);
    return numbers.every((cell) => /^\d{1,3}$/.test(cell)) ? { label: 'numbers', cells: numbers } : undefined;
  }
  if (/^(答案|参考答案|Answer|Answers|Key)$/i.test(head)) return { label: 'answers', cells: cells.slice(1) };
  return undefined;
}
