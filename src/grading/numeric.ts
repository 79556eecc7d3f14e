import type { NumericQuestion, Tolerance } from '../bank/schema.ts';
import { stripAnswerLeadIn } from './answer-prefix.ts';
import { foldCase, normalizeText } from './normalize.ts';
import { gradedResult, invalidResult, roundScore, snapFraction } from './result.ts';
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
  const read = readNumberWithUnit(text, unit ? [unit] : []);
  return read && read.unit === undefined ? read.value : read && read.known ? read.value : undefined;
}

/** A typed number and the unit written with it: one of `units` (`known`), some other text, or none. */
export interface NumberWithUnit {
  value: number;
  /** The unit as listed in the question when known, else as typed; undefined when none was typed. */
  unit?: string;
  known: boolean;
}

function compactNumberText(text: string): string | undefined {
  const compact = stripAnswerLeadIn(normalizeText(rewriteSuperscripts(text)))
    .replace(HEDGE, '')
    .replace(/[\u2212\u2012\u2013]/gu, '-')
    // `1 500 000`: spaces between groups of three digits separate thousands.
    .replace(/(?<=\d)\s+(?=\d{3}(?!\d))/gu, '');
  // Any other space between digits (`40 40`) means two numbers, not one.
  if (/\d\s+[\d.]/u.test(compact)) return undefined;
  return compact.replace(/\s+/gu, '').replace(/[.。]$/u, '');
}

function unitKeyOf(unit: string): string {
  return foldCase(normalizeText(rewriteSuperscripts(unit))).replace(/\s+/gu, '');
}

/**
 * Reads a number with an optional unit before or after it (`314cm`, `3.14 m`, `$1332`). A unit of
 * `units` is matched ignoring case and spaces, the longest first; other text next to a number is
 * returned as an unknown unit (`3.14 frogs`), and anything else is not a number.
 */
export function readNumberWithUnit(text: string, units: readonly string[]): NumberWithUnit | undefined {
  const compact = compactNumberText(text);
  if (compact === undefined || compact === '') return undefined;
  const folded = foldCase(compact);
  const keyed = units.map((unit) => ({ unit, key: unitKeyOf(unit) })).filter((entry) => entry.key !== '');
  keyed.sort((a, b) => b.key.length - a.key.length);
  for (const { unit, key } of keyed) {
    if (folded.length > key.length && folded.endsWith(key)) {
      const value = readPlain(compact.slice(0, compact.length - key.length).replace(/[.。]$/u, ''));
      if (value !== undefined) return { value, unit, known: true };
    }
    if (folded.length > key.length && folded.startsWith(key)) {
      const value = readPlain(compact.slice(key.length));
      if (value !== undefined) return { value, unit, known: true };
    }
  }
  const plain = readPlain(compact);
  if (plain !== undefined) return { value: plain, known: false };
  // Unknown text on one side of the number: the number part runs from the first to the last digit.
  let first = -1;
  let last = -1;
  for (let index = 0; index < compact.length; index += 1) {
    if (compact.charCodeAt(index) >= 48 && compact.charCodeAt(index) <= 57) {
      if (first === -1) first = index;
      last = index;
    }
  }
  if (first === -1) return undefined;
  let start = first;
  while (start > 0 && '+-.'.includes(compact.charAt(start - 1))) start -= 1;
  const before = compact.slice(0, start);
  const after = compact.slice(last + 1);
  if ((before === '') === (after === '') || /\d/u.test(before + after)) return undefined;
  const value = readPlain(compact.slice(start, last + 1));
  return value === undefined ? undefined : { value, unit: before || after, known: false };
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

/**
 * Whether `value` is within `tolerance` of `answer`, as Moodle decides (qtype_numerical_answer):
 * absolute (± value), relative (± value × |answer|) or geometric (answer ÷ or × (1 + value)), widened
 * by 1e-14 · max(|tolerance|, |answer|, 1e-14) so that binary rounding never rejects an exact answer
 * and the slack scales with the answer: around 1e-20 it is 1e-34, not a fixed 1e-9 that would accept 0.
 */
export function withinTolerance(answer: number, tolerance: Tolerance, value: number): boolean {
  const efactor = 1e-14;
  let min: number;
  let max: number;
  let width: number;
  if (tolerance.kind === 'geometric') {
    const quotient = 1 + Math.abs(tolerance.value);
    [min, max] = answer < 0 ? [answer * quotient, answer / quotient] : [answer / quotient, answer * quotient];
    width = Math.abs(tolerance.value);
  } else {
    width = tolerance.kind === 'relative' ? Math.abs(tolerance.value * answer) : Math.abs(tolerance.value);
    min = answer - width;
    max = answer + width;
  }
  const slack = efactor * Math.max(width, Math.abs(answer), efactor);
  return min - slack <= value && value <= max + slack;
}

function displayTolerance(tolerance: Tolerance, unit: string): string {
  const { kind, value } = tolerance;
  if (value === 0) return '';
  if (kind === 'relative') return ` (± ${Number((value * 100).toPrecision(6))}%)`;
  if (kind === 'geometric') return ` (× or ÷ ${Number((1 + value).toPrecision(6))})`;
  return ` (± ${value}${unit})`;
}

export function displayNumericKey(question: NumericQuestion): string {
  const unit = question.unit ? ` ${question.unit}` : '';
  return `${question.answer}${unit}${displayTolerance(question.tolerance, unit)}`;
}

interface NumericMatch {
  fraction: number;
  unitRight: boolean;
}

/**
 * Moodle's rule (qtype_numerical_question::get_matching_answer): the first answer, in order, that the
 * value converted from its unit matches, with the unit right; else the first the value as typed
 * matches, with the unit wrong (`3.14 cm` for 3.14 m). Without a unit penalty only the converted value
 * counts: a unit is then optional, but a wrong one is wrong.
 */
function matchAnswer(question: NumericQuestion, read: NumberWithUnit, multiplier: number | undefined): NumericMatch | undefined {
  const answers = [{ answer: question.answer, tolerance: question.tolerance, fraction: 1 }, ...(question.alternatives ?? [])];
  const converted = multiplier === undefined ? read.value : read.value / multiplier;
  for (const candidate of answers) {
    if (withinTolerance(candidate.answer, candidate.tolerance, converted)) return { fraction: candidate.fraction, unitRight: multiplier !== undefined };
    if (question.unitPenalty && multiplier !== undefined && withinTolerance(candidate.answer, candidate.tolerance, read.value)) {
      return { fraction: candidate.fraction, unitRight: false };
    }
  }
  return undefined;
}

export function gradeNumeric(question: NumericQuestion, raw: string): GradeResult {
  const units = [...(question.unit ? [{ unit: question.unit, multiplier: 1 }] : []), ...(question.units ?? [])];
  const read = readNumberWithUnit(raw, units.map((entry) => entry.unit));
  // An unknown unit is unreadable unless the question grades units (Moodle then takes the number and applies the penalty).
  if (read === undefined || (read.unit !== undefined && !read.known && !question.unitPenalty)) {
    const inUnit = question.unit ? ` (in ${[question.unit, ...(question.units ?? []).map((entry) => entry.unit)].join(', ')})` : '';
    return invalidResult(question, 'not-a-number', `Answer with a number${inUnit}, such as 3.5, 1,200 or 1.5e-3.`);
  }
  const multiplier = read.known ? units.find((entry) => entry.unit === read.unit)?.multiplier : undefined;
  const match = matchAnswer(question, read, multiplier);
  let fraction = match?.fraction ?? 0;
  if (match && question.unitPenalty && !match.unitRight) {
    const { penalty, of } = question.unitPenalty;
    fraction = of === 'max' ? fraction - penalty : fraction * (1 - penalty);
  }
  fraction = snapFraction(Math.max(0, Math.min(1, fraction)));
  const right = fraction >= 1;
  const expected = displayNumericKey(question);
  const typedUnit = read.unit ?? (question.unit && !question.unitPenalty ? question.unit : undefined);
  const given = typedUnit ? `${read.value} ${typedUnit}` : String(read.value);
  const score = fraction * question.points;
  return gradedResult(
    question,
    score,
    [{ part: 'answer', verdict: right ? 'correct' : 'wrong', given, expected, score: roundScore(score), maxScore: question.points }],
    given,
    expected,
  );
}
