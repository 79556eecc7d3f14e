/**
 * Answer normalisation shared by the deterministic graders and the tutor's keyword fallback.
 * Every function here is pure and cheap enough to run on every answer (see bench/grading.ts).
 */

/**
 * Characters that render as nothing: zero-width space/joiners, word joiner, BOM, Mongolian vowel
 * separator, soft hyphen, and the variation selectors that chat apps attach to ✔️ and ❌.
 * Learners paste them from web pages and chat apps without knowing.
 */
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u180E\u00AD]|[\uFE00-\uFE0F]/g;

/**
 * Punctuation trimmed from the ends of an answer, English and Chinese: ASCII, the Chinese marks NFKC
 * keeps (、。“”「」【】《》…), and the full-width forms (，；：！？（）) for text not yet through NFKC.
 * `#`, `+`, `%` and other symbols are kept: they carry meaning (C#, C++, 50%).
 */
const EDGE_PUNCTUATION = '\\s.,;:!?\'"`()\\[\\]{}<>、。“”‘’「」『』【】《》〈〉〔〕…—–·・~！，；：？（）［］｛｝＜＞＂＇．';
const LEADING_PUNCTUATION = new RegExp(`^[${EDGE_PUNCTUATION}]+`, 'u');
const TRAILING_PUNCTUATION = new RegExp(`[${EDGE_PUNCTUATION}]+$`, 'u');

const WHITESPACE_RUN = /\s+/gu;

/** One separator between blank answers; `a;\nb` is one separator, `a;;b` skips a blank. */
const BLANK_SEPARATOR = /\s*(?:\r\n|[;；|｜\r\n])\s*/u;

/** Plain ASCII is already NFKC and holds no zero-width characters: the common case skips both. */
const NON_ASCII = /[\u0080-\uFFFF]/;
/** Whitespace that collapsing would change: a run of two or more, or any space other than ' '. */
const COLLAPSIBLE_WHITESPACE = /\s\s|[^\S ]/;
const ONLY_INVISIBLE = /^(?:[\s\u200B-\u200D\u2060\uFEFF\u180E\u00AD]|[\uFE00-\uFE0F])*$/;

/** Removes invisible zero-width characters. */
export function removeZeroWidth(text: string): string {
  return text.replace(ZERO_WIDTH, '');
}

/** True when the text holds nothing but whitespace (any kind, including U+3000) and zero-width characters. */
export function isBlankText(text: string): boolean {
  return ONLY_INVISIBLE.test(text);
}

/**
 * NFKC (full-width letters, digits and punctuation become their ASCII forms), zero-width characters
 * removed, runs of whitespace collapsed to one space, ends trimmed. Case is kept.
 */
export function normalizeText(text: string): string {
  let out = NON_ASCII.test(text) ? removeZeroWidth(text.normalize('NFKC')) : text;
  if (COLLAPSIBLE_WHITESPACE.test(out)) out = out.replace(WHITESPACE_RUN, ' ');
  return out.trim();
}

/** Lower-cases in a locale-independent way (no Turkish dotless i surprises). */
export function foldCase(text: string): string {
  return text.toLowerCase();
}

/** Strips whitespace and punctuation (English and Chinese) from both ends. */
export function trimPunctuation(text: string): string {
  return text.replace(LEADING_PUNCTUATION, '').replace(TRAILING_PUNCTUATION, '');
}

/**
 * The key two answers are compared by: NFKC, zero-width removed, case folded, surrounding
 * punctuation trimmed and every space removed. Spaces are dropped, not collapsed, because Chinese
 * needs none (`权重 剪枝` is `权重剪枝`) and pasted English often loses them (`TensorFlowLite`).
 */
export function normalizeForMatch(text: string): string {
  return matchKeyOfNormalized(normalizeText(text));
}

/** `normalizeForMatch` for text that has been through `normalizeText` already (saves a second NFKC). */
export function matchKeyOfNormalized(normalized: string): string {
  const trimmed = trimPunctuation(foldCase(normalized));
  return trimmed.includes(' ') ? trimmed.replace(WHITESPACE_RUN, '') : trimmed;
}

/**
 * Splits one typed string into the answers for several blanks: on `;` `；` `|` `｜` and line breaks.
 * Pieces are trimmed; empty pieces are kept (an empty piece is a skipped blank).
 */
export function splitBlankAnswers(text: string): string[] {
  return removeZeroWidth(text)
    .split(BLANK_SEPARATOR)
    .map((piece) => piece.trim());
}

/**
 * A matcher for one accepted answer, where `*` stands for any run of characters (also none).
 * The accepted answer is normalised the same way as the learner's answer.
 */
export function compileAcceptPattern(accepted: string): (normalizedAnswer: string) => boolean {
  if (!accepted.includes('*')) {
    const key = normalizeForMatch(accepted);
    return (answer) => answer === key;
  }
  // Normalise each literal piece on its own so that trimming never eats a wildcard's neighbour.
  const pieces = accepted.split('*').map((piece) => foldCase(normalizeText(piece)).replace(WHITESPACE_RUN, ''));
  const first = pieces[0] ?? '';
  const last = pieces[pieces.length - 1] ?? '';
  pieces[0] = first.replace(LEADING_PUNCTUATION, '');
  pieces[pieces.length - 1] = last.replace(TRAILING_PUNCTUATION, '');
  const source = pieces.map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  const pattern = new RegExp(`^${source}$`, 'su');
  return (answer) => pattern.test(answer);
}
