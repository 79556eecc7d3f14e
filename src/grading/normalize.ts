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
const EDGE_PUNCTUATION = new Set('.,;:!?\'"`()[]{}<>、。“”‘’「」『』【】《》〈〉〔〕…—–·・~！，；：？（）［］｛｝＜＞＂＇．');
const SPACE = /\s/;

function isEdgeCharacter(char: string): boolean {
  return EDGE_PUNCTUATION.has(char) || SPACE.test(char);
}

const WHITESPACE_RUN = /\s+/gu;

/**
 * One separator between blank answers; `a;;b` skips a blank. `a;\nb` is one separator: the line
 * break after a `;` is dropped first. (No `\s*` around the separator: on a long run of spaces that
 * would backtrack quadratically; pieces are trimmed instead.)
 */
const BLANK_SEPARATOR = /\r?\n|[;；|｜\r]/u;
const SEPARATOR_THEN_LINE_BREAK = /([;；|｜])[ \t\u3000]*\r?\n/gu;

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

/**
 * Strips whitespace and punctuation (English and Chinese) from both ends. A scan, not a `[…]+$`
 * regex: that one retries from every position and goes quadratic on a long run of punctuation.
 */
export function trimPunctuation(text: string): string {
  return trimEnd(trimStart(text));
}

function trimStart(text: string): string {
  let start = 0;
  while (start < text.length && isEdgeCharacter(text.charAt(start))) start += 1;
  return start === 0 ? text : text.slice(start);
}

function trimEnd(text: string): string {
  let end = text.length;
  while (end > 0 && isEdgeCharacter(text.charAt(end - 1))) end -= 1;
  return end === text.length ? text : text.slice(0, end);
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
    .replace(SEPARATOR_THEN_LINE_BREAK, '$1')
    .split(BLANK_SEPARATOR)
    .map((piece) => piece.trim());
}

/**
 * An accepted answer split at its wildcards: `*` stands for any run of characters, `\*` is a literal
 * asterisk (Moodle's escape, e.g. `x\*y` accepts only `x*y`). One piece means no wildcard.
 */
export function splitAcceptPattern(accepted: string): string[] {
  const pieces: string[] = [];
  let current = '';
  for (let index = 0; index < accepted.length; index += 1) {
    const char = accepted.charAt(index);
    if (char === '\\' && accepted.charAt(index + 1) === '*') {
      current += '*';
      index += 1;
    } else if (char === '*') {
      pieces.push(current);
      current = '';
    } else current += char;
  }
  pieces.push(current);
  return pieces;
}

/** The accepted answer as a learner would type it: `\*` shown as `*`. */
export function acceptedDisplayText(accepted: string): string {
  return accepted.split('\\*').join('*');
}

/**
 * A matcher for one accepted answer, where `*` stands for any run of characters (also none) and `\*`
 * for an asterisk. The accepted answer is normalised the same way as the learner's answer.
 */
export function compileAcceptPattern(accepted: string): (normalizedAnswer: string, untrimmed?: string) => boolean {
  const split = splitAcceptPattern(accepted);
  if (split.length === 1) {
    const key = normalizeForMatch(split[0] ?? '');
    return (answer) => answer === key;
  }
  // Normalise each literal piece on its own so that trimming never eats a wildcard's neighbour.
  const raw = split.map((piece) => foldCase(normalizeText(piece)).replace(WHITESPACE_RUN, ''));
  const pieces = raw.slice();
  pieces[0] = trimStart(pieces[0] ?? '');
  pieces[pieces.length - 1] = trimEnd(pieces[pieces.length - 1] ?? '');
  // `untrimmed` keeps the answer's edge punctuation, which literal pieces such as `<em>` and `</em>` may need.
  return (answer, untrimmed) => matchesGlob(pieces, answer) || (untrimmed !== undefined && untrimmed !== answer && matchesGlob(raw, untrimmed));
}

/** The answer as `compileAcceptPattern` takes it second: case folded, spaces removed, edge punctuation kept. */
export function untrimmedKeyOfNormalized(normalized: string): string {
  const folded = foldCase(normalized);
  return folded.includes(' ') ? folded.replace(WHITESPACE_RUN, '') : folded;
}

/**
 * `first*middle*…*last` without a regular expression: a regex of several `.*` backtracks
 * catastrophically on a long answer (`*a*b*c*` against 4000 characters took seconds). The first
 * piece must start the answer, the last must end it, and the middle ones appear in order between:
 * taking each middle piece at its leftmost place is always safe, so one pass decides.
 */
function matchesGlob(pieces: readonly string[], answer: string): boolean {
  const first = pieces[0] ?? '';
  const last = pieces.length > 1 ? (pieces[pieces.length - 1] ?? '') : '';
  if (answer.length < first.length + last.length || !answer.startsWith(first) || !answer.endsWith(last)) return false;
  const end = answer.length - last.length;
  let position = first.length;
  for (let index = 1; index < pieces.length - 1; index += 1) {
    const piece = pieces[index] ?? '';
    const found = answer.indexOf(piece, position);
    if (found < 0 || found + piece.length > end) return false;
    position = found + piece.length;
  }
  return true;
}
