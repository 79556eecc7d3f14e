import type { ChoiceQuestion, MultiQuestion, Option } from '../bank/schema.ts';
import { stripAnswerLeadIn } from './answer-prefix.ts';
import { matchKeyOfNormalized, normalizeForMatch, normalizeText } from './normalize.ts';
import { gradedResult, invalidResult, roundScore, snapFraction } from './result.ts';
import type { GradeResult, PartVerdict } from './types.ts';

type OptionQuestion = ChoiceQuestion | MultiQuestion;

/** What one piece of a typed answer names: an option key, or why it names none. */
type OptionPick =
  | { kind: 'key'; key: string }
  | { kind: 'unknown-key'; letter: string }
  | { kind: 'conflict'; keys: [string, string] }
  | { kind: 'none' };

/**
 * `C`, `(C)`, `C.`, `C、`, `C. TPU`, `C TPU`: an optional bracket, one letter, an optional closing
 * bracket, then either the end, a separator and any text, or a space and more text.
 */
const KEY_FORM = /^[([]?\s*([A-Za-z])\s*[)\]]?(?:\s*[.:、)\]-]\s*(.*)|\s+(.*)|)$/su;

const optionTextKeys = new WeakMap<OptionQuestion, Map<string, string>>();

/** `张量处理器(TPU)` (after NFKC): the name and the abbreviation in brackets. */
const NAME_AND_ABBREVIATION = /^(.+?)\s*\((.+)\)$/;

/**
 * Normalised option text → key, computed once per question (the bank is immutable once loaded).
 * An option written `张量处理器（TPU）` is also named by `张量处理器` or `TPU` alone, unless another
 * option could be meant by the same words.
 */
function textKeysOf(question: OptionQuestion): Map<string, string> {
  let keys = optionTextKeys.get(question);
  if (!keys) {
    keys = new Map();
    for (const option of question.options) keys.set(normalizeForMatch(option.text), option.key);
    const aliases = new Map<string, string | null>();
    for (const option of question.options) {
      const parts = NAME_AND_ABBREVIATION.exec(normalizeText(option.text));
      if (!parts) continue;
      for (const alias of [parts[1] ?? '', parts[2] ?? ''].map(matchKeyOfNormalized)) {
        if (alias === '' || keys.has(alias)) continue;
        const earlier = aliases.get(alias);
        aliases.set(alias, earlier === undefined || earlier === option.key ? option.key : null);
      }
    }
    for (const [alias, key] of aliases) if (key !== null) keys.set(alias, key);
    optionTextKeys.set(question, keys);
  }
  return keys;
}

function findOption(question: OptionQuestion, key: string): Option | undefined {
  return question.options.find((option) => option.key === key);
}

/** Reads one piece (already through `normalizeText`) as a single option: by key form or exact option text. */
function pickOption(question: OptionQuestion, text: string): OptionPick {
  const form = KEY_FORM.exec(text);
  if (form) {
    const letter = (form[1] ?? '').toUpperCase();
    const afterSeparator = form[2];
    const afterSpace = form[3];
    const rest = matchKeyOfNormalized(afterSeparator ?? afterSpace ?? '');
    const option = findOption(question, letter);
    if (rest === '') return option ? { kind: 'key', key: letter } : { kind: 'unknown-key', letter };
    if (option) {
      const ownText = normalizeForMatch(option.text);
      if (ownText.includes(rest) || rest.includes(ownText)) return { kind: 'key', key: letter };
      // `C. GPU` when GPU is option B's text: the learner may mean either, so ask again.
      const others = new Set<string>();
      for (const [otherText, otherKey] of textKeysOf(question)) {
        if (otherKey !== letter && (otherText.includes(rest) || rest.includes(otherText))) others.add(otherKey);
      }
      if (others.size === 1) return { kind: 'conflict', keys: [letter, [...others][0] ?? ''] };
      // `C. because it is built for tensors`: a key followed by punctuation and an explanation.
      if (afterSeparator !== undefined) return { kind: 'key', key: letter };
    } else if (afterSeparator !== undefined && !textKeysOf(question).has(matchKeyOfNormalized(text))) {
      return { kind: 'unknown-key', letter };
    }
  }
  const byText = textKeysOf(question).get(matchKeyOfNormalized(text));
  return byText === undefined ? { kind: 'none' } : { kind: 'key', key: byText };
}

/** Stand-alone capital letters that are option keys: `我觉得是C吧` → C. Lower case is too often an English word. */
function scanCapitalKeys(question: OptionQuestion, text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/(?<![A-Za-z])[A-Z](?![A-Za-z])/gu)) {
    if (findOption(question, match[0])) found.add(match[0]);
  }
  return [...found];
}

function keyList(question: OptionQuestion): string {
  return question.options.map((option) => option.key).join(', ');
}

function noValidOption(question: OptionQuestion, letter?: string) {
  const named = letter ? `${letter} is not one of the options` : 'The answer names no option';
  return invalidResult(question, 'no-valid-option', `${named}; answer with ${question.type === 'multi' ? 'one or more of' : 'one of'} ${keyList(question)}.`);
}

/** The one option a choice answer names, or the reason it names none (or several). */
function readChoice(question: ChoiceQuestion, raw: string): { key: string } | GradeResult {
  const text = normalizeText(raw);
  const stripped = stripAnswerLeadIn(text);
  let unknownLetter: string | undefined;
  for (const candidate of stripped === text ? [text] : [text, stripped]) {
    if (LETTERS_ONLY.test(candidate)) {
      const letters = new Set(candidate.toUpperCase().replace(/[^A-Z]/g, ''));
      if (letters.size > 1 && [...letters].every((letter) => findOption(question, letter))) {
        return invalidResult(question, 'too-many-options', `The answer names ${[...letters].join(', ')}; this question takes one option.`);
      }
    }
    const pick = pickOption(question, candidate);
    if (pick.kind === 'key') return { key: pick.key };
    if (pick.kind === 'conflict') {
      return invalidResult(question, 'too-many-options', `The answer names both ${pick.keys[0]} and ${pick.keys[1]}; give one option.`);
    }
    if (pick.kind === 'unknown-key') unknownLetter ??= pick.letter;
  }
  if (unknownLetter) return noValidOption(question, unknownLetter);
  const scanned = scanCapitalKeys(question, stripped);
  if (scanned.length === 1) return { key: scanned[0] as string };
  if (scanned.length > 1) {
    return invalidResult(question, 'too-many-options', `The answer names ${scanned.join(', ')}; this question takes one option.`);
  }
  return noValidOption(question);
}

/**
 * The share of the points an option earns: its `fraction` when the bank gives one (Moodle's single
 * choice may have several fully right options, or one worth half), clamped at 0 because a wrong pick
 * never costs more than the question (Moodle would subtract); else 1 for the key and 0 for the rest.
 */
export function choiceCredit(question: ChoiceQuestion, key: string): number {
  const option = findOption(question, key);
  if (option?.fraction !== undefined) return snapFraction(Math.max(0, Math.min(1, option.fraction)));
  return key === question.answer && question.answer !== '' ? 1 : 0;
}

export function gradeChoice(question: ChoiceQuestion, raw: string): GradeResult {
  const read = readChoice(question, raw);
  if ('status' in read) return read;
  const { key } = read;
  const credit = choiceCredit(question, key);
  const score = credit * question.points;
  const parts: PartVerdict[] = [];
  if (credit >= 1) {
    parts.push({ part: key, verdict: 'correct', given: key, expected: key, score: question.points, maxScore: question.points });
  } else {
    parts.push({ part: key, verdict: 'wrong', given: key, score: roundScore(score), maxScore: 0 });
    parts.push({ part: question.answer, verdict: 'missed', expected: question.answer, score: 0, maxScore: question.points });
  }
  return gradedResult(question, score, parts, key, question.answer);
}

/** Words joining keys: `A and C`, `A和C`, `A与C`, `A & C`, `A+C`. */
const KEY_JOINERS = /\s*(?:(?<![A-Za-z])and(?![A-Za-z])|和|与|及|以及|&|\+)\s*/giu;
const MAY_JOIN = /and|[和与及&+]/i;
/** Letters with nothing between them but spaces, separators and brackets: `ABC`, `A,B,C`, `A、B、C`, `a c b`, `(A)(C)`. */
const LETTERS_ONLY = /^[A-Za-z\s,、;|/.()[\]]+$/;

/** Distinct keys in the order of the options (`DBA` → `ABD`). */
function inOptionOrder(question: OptionQuestion, keys: readonly string[]): string[] {
  const picked: string[] = [];
  for (const option of question.options) if (keys.includes(option.key)) picked.push(option.key);
  return picked;
}

/** The set of options a multi answer ticks, in key order, or the reason it ticks none. */
function readMulti(question: MultiQuestion, raw: string): { keys: string[] } | GradeResult {
  // Line breaks survive normalisation here: one option per line is a way of listing several.
  const text = raw
    .split(/\r?\n/u)
    .map(normalizeText)
    .filter((line) => line !== '')
    .join('\n');
  const stripped = stripAnswerLeadIn(text);

  let unknownLetter: string | undefined;
  for (const candidate of stripped === text ? [text] : [text, stripped]) {
    const joined = MAY_JOIN.test(candidate) ? candidate.replace(KEY_JOINERS, ',') : candidate;
    if (LETTERS_ONLY.test(joined)) {
      const letters = [...joined.toUpperCase().replace(/[^A-Z]/g, '')];
      const unknown = letters.find((letter) => !findOption(question, letter));
      // An unknown letter may still be an English option text (`Data`), tried next.
      if (unknown) unknownLetter ??= unknown;
      else if (letters.length > 0) return { keys: inOptionOrder(question, letters) };
    }
    // Option texts, or keys with their texts, one per line or separated: `A. 量化; C. 剪枝`.
    const pieces = candidate.split(/\s*[;|\n,、]\s*/u).filter((piece) => piece !== '');
    const keys: string[] = [];
    for (const piece of pieces) {
      const pick = pickOption(question, piece);
      if (pick.kind === 'unknown-key') unknownLetter ??= pick.letter;
      if (pick.kind !== 'key') break;
      keys.push(pick.key);
    }
    if (keys.length === pieces.length && keys.length > 0) return { keys: inOptionOrder(question, keys) };
    // A single option text that itself holds a comma.
    const whole = pickOption(question, candidate);
    if (whole.kind === 'key') return { keys: [whole.key] };
  }
  if (unknownLetter) return noValidOption(question, unknownLetter);
  const scanned = scanCapitalKeys(question, stripped);
  if (scanned.length > 0) return { keys: inOptionOrder(question, scanned) };
  return noValidOption(question);
}

/**
 * Parts are the options that were ticked or belong to the key, in option order; a distractor left
 * unticked is not listed (nothing happened there).
 *
 * `exam`: any wrong tick → 0; the whole key → full points; a strict subset → `partialCredit` of the
 * points. `fraction`: the ticked options' fractions summed and clamped
 * to 0..1; a part's score is its positive share (a wrong tick shows 0 and lowers the total).
 */
export function gradeMulti(question: MultiQuestion, raw: string): GradeResult {
  const read = readMulti(question, raw);
  if ('status' in read) return read;
  const ticked = new Set(read.keys);
  const key = new Set(question.answer);
  const points = question.points;
  const parts: PartVerdict[] = [];
  let rawScore: number;

  if (question.scoring === 'fraction') {
    let sum = 0;
    for (const option of question.options) {
      const fraction = option.fraction ?? (key.has(option.key) ? 1 / key.size : 0);
      const isTicked = ticked.has(option.key);
      if (isTicked) sum += fraction;
      if (!isTicked && fraction <= 0) continue;
      const share = Math.max(0, fraction) * points;
      const part: PartVerdict = { part: option.key, verdict: isTicked ? (fraction > 0 ? 'correct' : 'wrong') : 'missed', score: 0, maxScore: 0 };
      if (isTicked) part.given = option.key;
      if (fraction > 0) part.expected = option.key;
      part.score = isTicked ? roundScore(share) : 0;
      part.maxScore = roundScore(share);
      parts.push(part);
    }
    rawScore = snapFraction(Math.min(1, Math.max(0, sum))) * points;
  } else {
    const anyWrong = [...ticked].some((tickedKey) => !key.has(tickedKey));
    const rightTicks = [...ticked].filter((tickedKey) => key.has(tickedKey)).length;
    // A draft's empty key (never served, but graded by a careless caller) earns nothing.
    rawScore = anyWrong || key.size === 0 ? 0 : rightTicks === key.size ? points : points * question.partialCredit;
    // The exam rule is not additive per option, so a part shows its share of the points scaled by the
    // credit the whole answer earned (all, partialCredit or none); parts then sum to the total only
    // when the answer is complete or worth nothing.
    const credit = rawScore / points;
    for (const option of question.options) {
      const inKey = key.has(option.key);
      const isTicked = ticked.has(option.key);
      if (!inKey && !isTicked) continue;
      const part: PartVerdict = { part: option.key, verdict: isTicked ? (inKey ? 'correct' : 'wrong') : 'missed', score: 0, maxScore: 0 };
      if (isTicked) part.given = option.key;
      if (inKey) part.expected = option.key;
      part.score = isTicked && inKey ? roundScore((points / key.size) * credit) : 0;
      part.maxScore = inKey ? roundScore(points / key.size) : 0; // inKey implies key.size > 0
      parts.push(part);
    }
  }
  const expected = question.options.map((option) => option.key).filter((optionKey) => key.has(optionKey)).join('');
  return gradedResult(question, rawScore, parts, read.keys.join(''), expected);
}
