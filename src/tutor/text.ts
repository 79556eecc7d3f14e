import { stemmer } from 'stemmer';
import { foldCase, normalizeText } from '../grading/normalize.ts';

/**
 * Text helpers shared by the fallback grader, the evidence check and the token estimate.
 * Pure and locale-aware: Chinese is segmented with Intl.Segmenter (ICU's dictionary), not by spaces.
 */

export type FeedbackLanguage = 'zh' | 'en';

/** The language feedback is written in: the learner's locale when given, else the bank's. */
export function pickFeedbackLanguage(locale: string | undefined, bankLanguage: string): FeedbackLanguage {
  const tag = (locale && locale.trim()) || bankLanguage;
  return tag.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

let languageNames: Intl.DisplayNames | undefined;

/** A human-readable language name for the prompt, e.g. `Chinese (zh-CN)`. */
export function describeLanguage(locale: string | undefined, bankLanguage: string): string {
  const tag = (locale && locale.trim()) || bankLanguage;
  let name = tag;
  try {
    languageNames ??= new Intl.DisplayNames(['en'], { type: 'language' });
    name = languageNames.of(tag) ?? tag;
  } catch {
    // An odd tag still works as a plain label.
  }
  return name === tag ? tag : `${name} (${tag})`;
}

const PUNCTUATION_OR_SYMBOL = /[\p{P}\p{S}]+/gu;

/**
 * Text folded for searching inside an answer (a quote, a key term), where word boundaries matter:
 * grading's `normalizeText` and `foldCase` (NFKC, zero-width characters removed, lower case), then
 * punctuation and symbols become spaces, whitespace runs collapse to one space, and spaces between
 * CJK characters are dropped. Comparing two whole answers is grading's `normalizeForMatch`, which
 * drops every space and keeps inner punctuation: the one key the graders use.
 */
export function foldForSearch(text: string): string {
  return foldCase(normalizeText(text))
    .replace(PUNCTUATION_OR_SYMBOL, ' ')
    .replace(/\s+/g, ' ')
    .replace(/(?<=[\p{Script=Han}]) (?=[\p{Script=Han}])/gu, '')
    .trim();
}

/** True when `quote` appears in `answer` after both are normalised; empty quotes never match. */
export function quoteAppearsIn(quote: string, answer: string): boolean {
  const needle = foldForSearch(quote);
  if (needle.length === 0) return false;
  return foldForSearch(answer).includes(needle);
}

const HAN = /\p{Script=Han}/u;

export function containsHan(text: string): boolean {
  return HAN.test(text);
}

const ENGLISH_STOPWORDS = new Set(
  (
    'a an the and or but if then else of to in on at by for with from into onto over under about as is are was were be been being ' +
    'it its this that these those there here which who whom whose what when where why how not no nor so than too very can could ' +
    'will would shall should may might must do does did done have has had having i you he she we they me him her us them my your ' +
    'his our their also such each every any all some more most other only own same just both few many much per via e g ie etc one two ' +
    'make makes made use used uses using get gets way ways thing things like because while during before after between within without'
  ).split(' '),
);

const CHINESE_STOPWORDS = new Set(
  (
    '的 了 是 在 和 与 及 或 等 也 都 就 而 且 并 对 把 被 让 给 从 向 以 于 为 之 其 这 那 这个 那个 这些 那些 一个 一种 一些 ' +
    '可以 能够 需要 进行 通过 使用 利用 如果 但是 因为 所以 因此 然后 以及 并且 或者 而且 时候 情况 方面 问题 什么 怎么 如何 ' +
    '没有 不是 就是 还是 我们 他们 它们 自己 主要 一般 比较 非常 可能 应该 已经 一定 所有 每个 其中 之间 时 中 上 下 个 种 会 要 有 不 很'
  ).split(' '),
);

/** The Porter stem of an English word (the `stemmer` package), so `evaporated` and `evaporates` meet. */
export function stemEnglish(word: string): string {
  return stemmer(word.toLowerCase());
}

const segmenters = new Map<string, Intl.Segmenter>();
function segmenterFor(language: string): Intl.Segmenter {
  let segmenter = segmenters.get(language);
  if (!segmenter) {
    segmenter = new Intl.Segmenter(language, { granularity: 'word' });
    segmenters.set(language, segmenter);
  }
  return segmenter;
}

/** Texts segmented lately: the grader reads one answer's sentences and clauses several times over. */
const segmented = new Map<string, readonly string[]>();
const MAX_SEGMENTED = 1_024;

/** Word-like segments of `text` (Chinese split by ICU's dictionary), NFKC-folded and lower-cased. */
export function segmentWords(text: string): readonly string[] {
  const known = segmented.get(text);
  if (known) return known;
  const folded = text.normalize('NFKC').toLowerCase();
  const language = containsHan(folded) ? 'zh' : 'en';
  const words: string[] = [];
  for (const piece of segmenterFor(language).segment(folded)) {
    if (piece.isWordLike) words.push(piece.segment);
  }
  // Bounded, oldest first out: a long-running bot grades ever new answers.
  if (segmented.size >= MAX_SEGMENTED) segmented.delete(segmented.keys().next().value!);
  segmented.set(text, words);
  return words;
}

/** One word of a text: its comparison key (a Porter stem, or the Han segment as is) and whether it is a stop word. */
export interface Token {
  word: string;
  key: string;
  stop: boolean;
}

export function isStopWord(word: string): boolean {
  return ENGLISH_STOPWORDS.has(word) || CHINESE_STOPWORDS.has(word);
}

/** Every word of `text` as a token, in order (stop words included and marked). */
export function tokenize(text: string): Token[] {
  return segmentWords(text).map((word) => ({
    word,
    key: containsHan(word) ? word : stemEnglish(word),
    stop: isStopWord(word) || (!containsHan(word) && word.length < 2 && !/\d/.test(word)),
  }));
}

/**
 * Content terms of a text, in order of first appearance, without duplicates: stop words, single Latin
 * letters and single Han characters (mostly particles once segmented) are dropped.
 */
export function extractKeyTerms(text: string): string[] {
  const seen = new Set<string>();
  const terms: string[] = [];
  for (const word of segmentWords(text)) {
    if (ENGLISH_STOPWORDS.has(word) || CHINESE_STOPWORDS.has(word)) continue;
    if (containsHan(word) ? [...word].length < 2 : word.length < 2 && !/\d/.test(word)) continue;
    const key = containsHan(word) ? word : stemEnglish(word);
    if (seen.has(key)) continue;
    seen.add(key);
    terms.push(word);
  }
  return terms;
}

/** The set of English stems and the folded text of an answer, for repeated term look-ups. */
export interface AnswerIndex {
  folded: string;
  stems: Set<string>;
}

export function indexAnswer(answer: string): AnswerIndex {
  const folded = foldForSearch(answer);
  const stems = new Set<string>();
  for (const word of segmentWords(answer)) if (!containsHan(word)) stems.add(stemEnglish(word));
  return { folded, stems };
}

/**
 * Whether a term occurs in the answer. Han terms (and multi-word phrases) match as folded substrings,
 * because a learner's text may segment differently; single English words match by stem.
 */
export function termAppearsIn(term: string, index: AnswerIndex): boolean {
  const folded = foldForSearch(term);
  if (folded.length === 0) return false;
  if (containsHan(folded) || folded.includes(' ')) {
    if (index.folded.includes(folded)) return true;
    // A phrase also matches when every one of its words is present.
    const parts = folded.split(' ').filter(Boolean);
    if (parts.length > 1) return parts.every((part) => termAppearsIn(part, index));
    return false;
  }
  if (/^\d+$/.test(folded)) return new RegExp(`(^|\\D)${folded}(\\D|$)`).test(index.folded);
  return index.stems.has(stemEnglish(folded)) || index.folded.includes(folded);
}

/**
 * A token estimate for budgets and bounds when the server does not report usage: about one token per
 * Han character and one per four other characters. Labelled an estimate wherever it is shown.
 */
export function estimateTokens(text: string): number {
  let han = 0;
  let other = 0;
  for (const char of text) {
    if (HAN.test(char)) han += 1;
    else other += 1;
  }
  return Math.ceil(han + other / 4);
}

/**
 * Cuts text to at most about `maxTokens` estimated tokens (the same estimate as `estimateTokens`),
 * in one pass over the characters; says whether it cut.
 */
export function truncateToTokens(text: string, maxTokens: number): { text: string; truncated: boolean } {
  let han = 0;
  let other = 0;
  let end = 0;
  for (const char of text) {
    if (HAN.test(char)) han += 1;
    else other += 1;
    if (han + other / 4 > maxTokens) return { text: `${text.slice(0, end).trimEnd()}…`, truncated: true };
    end += char.length;
  }
  return { text, truncated: false };
}

/** Cuts text to at most `max` characters at a word boundary when possible, marking the cut with `…`. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const slice = text.slice(0, Math.max(0, max - 1));
  const lastSpace = slice.lastIndexOf(' ');
  const cut = lastSpace > max * 0.6 ? slice.slice(0, lastSpace) : slice;
  return `${cut.trimEnd()}…`;
}
