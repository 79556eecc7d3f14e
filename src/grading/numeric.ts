import type { NumericQuestion } from '../bank/schema.ts';
import { stripAnswerLeadIn } from './answer-prefix.ts';
import { foldCase, normalizeText } from './normalize.ts';
import { gradedResult, invalidResult } from './result.ts';
import type { GradeResult } from './types.ts';

/** `约 3.5`, `≈3.5`, `about 3.5`: hedges before a number. */
const HEDGE = /^(?:约|大约|大概|approximately|approx\.?|about|around|roughly|≈|~)\s*/iu;
/** Unambiguous on purpose (`\d+(?:\.\d*)?`, not `\d+\.?\d*`), so a long run of digits cannot backtrack. */
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/iu;
/** `1.5×10^6`, `1.5x10^6`, `1.5*10**-3`; `1.5×10⁶` arrives here as `1.5×10^6` (see SUPERSCRIPT). */
const TIMES_TEN = /^(.+?)[x×*]10(?:\^|\*\*)([+-]?\d+)$/iu;
/** Superscript exponents, rewritten before NFKC would flatten `10⁶` into `106`. */
const SUPERSCRIPT = /[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻]+/gu;
const SUPERSCRIPT_DIGITS = '⁰¹²³⁴⁵⁶⁷⁸⁹';

function rewriteSuperscripts(text: string): string {
  return text.replace(SUPERSCRIPT, (run) =>
    `^${[...run].map((char) => (char === '⁻' ? '-' : char === '⁺' ? '+' : String(SUPERSCRIPT_DIGITS.indexOf(char)))).join('')}`,
  );
}
const THOUSANDS = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/u;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/u;

/**
 * Reads a typed number. NFKC makes `３.５` into `3.5`; `−` (U+2212) is a minus; spaces are ignored.
 * A comma followed by groups of exactly three digits separates thousands (`1,000,000`); any other
 * single comma is a decimal comma (`3,5` = 3.5). Scientific notation: `1.5e6`, `1.5×10^6`.
 * The question's unit may follow the number (`3.5 ms`, `3.5ms`); any other trailing text is not a number.
 */
export function parseNumber(text: string, unit?: string): number | undefined {
  let compact = stripAnswerLeadIn(normalizeText(rewriteSuperscripts(text)))
    .replace(HEDGE, '')
    .replace(/[\u2212\u2012\u2013]/gu, '-')
    // `1 500 000`: spaces between groups of three digits separate thousands.
    .replace(/(?<=\d)\s+(?=\d{3}(?!\d))/gu, '');
  // Any other space between digits (`40 40`) means two numbers, not one.
  if (/\d\s+[\d.]/u.test(compact)) return undefined;
  compact = compact
    .replace(/\s+/gu, '')
    .replace(/[.。]$/u, '');
  if (unit) {
    const unitKey = foldCase(normalizeText(rewriteSuperscripts(unit))).replace(/\s+/gu, '');
    if (unitKey !== '' && foldCase(compact).endsWith(unitKey)) compact = compact.slice(0, compact.length - unitKey.length);
  }
  return readPlain(compact);
}

function readPlain(text: string): number | undefined {
  const scaled = TIMES_TEN.exec(text);
  if (scaled) {
    const mantissa = readPlain(scaled[1] ?? '');
    return mantissa === undefined ? undefined : mantissa * 10 ** Number(scaled[2]);
  }
  let plain = text;
  if (THOUSANDS.test(plain)) plain = plain.replace(/,/gu, '');
  else if (DECIMAL_COMMA.test(plain)) plain = plain.replace(',', '.');
  if (!PLAIN_NUMBER.test(plain)) return undefined;
  const value = Number(plain);
  return Number.isFinite(value) ? value : undefined;
}

/** Allowed distance from the key: absolute, or relative to the key's size; a hair of slack for binary floats. */
function allowedError(question: NumericQuestion): number {
  const { kind, value } = question.tolerance;
  const base = kind === 'relative' ? value * Math.abs(question.answer) : value;
  return base + 1e-9 * Math.max(1, Math.abs(question.answer));
}

export function displayNumericKey(question: NumericQuestion): string {
  const unit = question.unit ? ` ${question.unit}` : '';
  const { kind, value } = question.tolerance;
  const tolerance = value === 0 ? '' : kind === 'relative' ? ` (± ${Number((value * 100).toPrecision(6))}%)` : ` (± ${value}${unit})`;
  return `${question.answer}${unit}${tolerance}`;
}

export function gradeNumeric(question: NumericQuestion, raw: string): GradeResult {
  const value = parseNumber(raw, question.unit);
  if (value === undefined) {
    const inUnit = question.unit ? ` (in ${question.unit})` : '';
    return invalidResult(question, 'not-a-number', `Answer with a number${inUnit}, such as 3.5, 1,200 or 1.5e-3.`);
  }
  const right = Math.abs(value - question.answer) <= allowedError(question);
  const expected = displayNumericKey(question);
  const given = question.unit ? `${value} ${question.unit}` : String(value);
  return gradedResult(
    question,
    right ? question.points : 0,
    [{ part: 'answer', verdict: right ? 'correct' : 'wrong', given, expected, score: right ? question.points : 0, maxScore: question.points }],
    given,
    expected,
  );
}
