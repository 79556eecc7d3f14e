import type { Option } from '../schema.ts';
import { excerptOf, htmlToText, trimLineBlanks } from './text.ts';
import type { ImportWarning, ParsedBank, ParsedQuestion, SkippedRegion } from './types.ts';

/**
 * Moodle's GIFT format (https://docs.moodle.org/en/GIFT_format), following Moodle's own importer:
 * questions separated by blank lines, `//` comment lines, `::name::`, `[html]`-style text formats,
 * answers in `{…}` with `=` right, `~` wrong, `%n%` weights, `#` feedback, `####` general feedback,
 * `\` escaping `~ = # { } :`, and `$CATEGORY:` lines setting the topic.
 */

interface Block {
  line: number;
  endLine: number;
  text: string;
}

interface Answer {
  marker: '=' | '~' | '';
  weight?: number;
  text: string;
  feedback?: string;
}

const ESCAPABLE = '~=#{}:\\';

/** Index of `needle` in `text` that is not escaped by a backslash, from `from`. */
function findUnescaped(text: string, needle: string, from = 0): number {
  for (let index = from; index <= text.length - needle.length; index += 1) {
    if (text[index] === '\\') {
      index += 1;
      continue;
    }
    if (text.startsWith(needle, index)) return index;
  }
  return -1;
}

function unescapeGift(text: string): string {
  return text.replace(/\\([~=#{}:\\n])/g, (_m, ch: string) => (ch === 'n' ? '\n' : ch));
}

/** Splits the answer block into `=`/`~` answers, keeping escaped markers inside the text. */
function splitAnswers(body: string): Answer[] {
  const answers: Answer[] = [];
  let current: { marker: Answer['marker']; raw: string } = { marker: '', raw: '' };
  for (let index = 0; index < body.length; index += 1) {
    const ch = body[index]!;
    if (ch === '\\' && index + 1 < body.length && ESCAPABLE.includes(body[index + 1]!)) {
      current.raw += ch + body[index + 1]!;
      index += 1;
      continue;
    }
    if (ch === '=' || ch === '~') {
      // `->` inside a matching pair is not a marker.
      if (ch === '=' && body[index + 1] === '>') {
        current.raw += ch;
        continue;
      }
      if (current.marker !== '' || current.raw.trim() !== '') answers.push(toAnswer(current.marker, current.raw));
      current = { marker: ch, raw: '' };
      continue;
    }
    current.raw += ch;
  }
  if (current.marker !== '' || current.raw.trim() !== '') answers.push(toAnswer(current.marker, current.raw));
  return answers;
}

function toAnswer(marker: Answer['marker'], raw: string): Answer {
  let text = raw.trim();
  let weight: number | undefined;
  const weighted = /^%(-?\d+(?:\.\d+)?)%/.exec(text);
  if (weighted) {
    weight = Number(weighted[1]);
    text = text.slice(weighted[0].length);
  }
  const hash = findUnescaped(text, '#');
  let feedback: string | undefined;
  if (hash !== -1) {
    feedback = cleanText(text.slice(hash + 1));
    text = text.slice(0, hash);
  }
  return { marker, weight, text: cleanText(text), feedback: feedback || undefined };
}

/** Unescapes GIFT text and drops a `[format]` prefix; HTML becomes plain text. */
function cleanText(raw: string): string {
  let text = raw.trim();
  // `{` and 100,000 `=` is 100,000 empty answers: each must cost next to nothing.
  if (text === '') return '';
  const format = /^\[(html|moodle|plain|markdown)\]/i.exec(text);
  if (format) text = text.slice(format[0].length);
  text = unescapeGift(text).trim();
  if (format?.[1]?.toLowerCase() === 'html' || /<\/?[a-z][^<>]*>/i.test(text)) text = htmlToText(text);
  return trimLineBlanks(text).trim();
}

function fractionOf(answer: Answer): number {
  if (answer.weight !== undefined) return answer.weight;
  return answer.marker === '=' ? 100 : 0;
}

function roundNumber(value: number): number {
  return Number(value.toPrecision(12));
}

/** `3:2`, `3.141..3.142` or `1822` → answer and absolute tolerance. */
function parseNumeric(text: string): { answer: number; tolerance: number } | undefined {
  const range = /^(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)$/i.exec(text);
  if (range) {
    const low = Number(range[1]);
    const high = Number(range[2]);
    return { answer: roundNumber((low + high) / 2), tolerance: roundNumber(Math.abs(high - low) / 2) };
  }
  const withTolerance = /^(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*(?::\s*(\d+(?:\.\d+)?(?:e-?\d+)?))?$/i.exec(text);
  if (withTolerance) return { answer: Number(withTolerance[1]), tolerance: withTolerance[2] ? Number(withTolerance[2]) : 0 };
  return undefined;
}

/** Questions are separated by blank lines, as in Moodle's reader; `//` comment lines are dropped. */
function splitBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let current: { line: number; endLine: number; lines: string[] } | undefined;
  text.split('\n').forEach((raw, index) => {
    const lineNo = index + 1;
    if (/^\s*\/\//.test(raw)) return;
    if (raw.trim() === '') {
      if (current) blocks.push({ line: current.line, endLine: current.endLine, text: current.lines.join('\n') });
      current = undefined;
      return;
    }
    current ??= { line: lineNo, endLine: lineNo, lines: [] };
    current.lines.push(raw);
    current.endLine = lineNo;
  });
  if (current) blocks.push({ line: current.line, endLine: current.endLine, text: current.lines.join('\n') });
  return blocks;
}

export function parseGift(text: string): ParsedBank {
  const questions: ParsedQuestion[] = [];
  const skipped: SkippedRegion[] = [];
  const warnings: ImportWarning[] = [];
  let topic: string | undefined;
  let position = 0;

  for (const block of splitBlocks(text)) {
    let body = block.text;
    const category = /^\s*\$CATEGORY:\s*(.*)$/m.exec(body);
    if (category && body.trimStart().startsWith('$CATEGORY:')) {
      topic = category[1]!.trim().replace(/^\$(course|system|module|cat\d*)\$\/?/, '').trim() || undefined;
      body = body.slice(body.indexOf(category[0]) + category[0].length);
      if (!body.trim()) continue;
    }
    position += 1;
    const id = `q-${position}`;
    const region = (reason: SkippedRegion['reason'], detail: string) =>
      skipped.push({ fromLine: block.line, toLine: block.endLine, reason, detail, excerpt: excerptOf(body) });

    let rest = body.trim();
    let name: string | undefined;
    if (rest.startsWith('::')) {
      const end = findUnescaped(rest, '::', 2);
      if (end !== -1) {
        name = cleanText(rest.slice(2, end));
        rest = rest.slice(end + 2);
      }
    }
    const open = findUnescaped(rest, '{');
    if (open === -1) {
      region('unparsed', 'no answer block {…}: a description or text that is not a GIFT question');
      continue;
    }
    const close = findUnescaped(rest, '}', open + 1);
    if (close === -1) {
      region('unparsed', 'the answer block "{" is never closed by "}"');
      continue;
    }
    const before = rest.slice(0, open);
    const after = cleanText(rest.slice(close + 1));
    let answerText = rest.slice(open + 1, close).trim();
    let general: string | undefined;
    const generalAt = findUnescaped(answerText, '####');
    if (generalAt !== -1) {
      general = cleanText(answerText.slice(generalAt + 4)) || undefined;
      answerText = answerText.slice(0, generalAt).trim();
    }
    const stemBefore = cleanText(before);
    const label = name ? `"${name}"` : `#${position}`;
    const base = { id, analysis: general ?? '', points: 1, line: block.line, ...(topic ? { topic } : {}) };
    /** Moodle puts a blank where the answer block sat when text follows it (missing-word questions). */
    const stemWithGap = after ? `${stemBefore} _____${/^[\p{P}]/u.test(after) ? '' : ' '}${after}`.trim() : stemBefore;
    const stemWithoutGap = () => {
      if (after && /[\p{L}\p{N}]/u.test(after)) return stemWithGap;
      if (after) warnings.push({ line: block.line, questionId: id, message: `text after the answer block ("${after}") dropped` });
      return stemBefore;
    };

    if (answerText === '') {
      const stem = stemWithoutGap();
      if (!stem) {
        region('unparsed', 'question without text');
        continue;
      }
      questions.push({ ...base, stem, type: 'essay', reference: '', rubric: [], status: 'draft', points: 1 });
      continue;
    }
    if (answerText.startsWith('#')) {
      const answers = splitAnswers(answerText.slice(1));
      const right = answers.filter((answer) => answer.marker !== '~' && fractionOf({ ...answer, marker: answer.marker || '=' }) === 100);
      const first = right[0];
      const value = first ? parseNumeric(first.text) : undefined;
      if (!first || !value) {
        region('invalid', `numerical question ${label} has no readable 100% answer ("${excerptOf(answerText, 30)}")`);
        continue;
      }
      const partial = answers.filter((answer) => answer !== first && answer.marker !== '~' && answer.text);
      if (partial.length > 0) {
        warnings.push({ line: block.line, questionId: id, message: `partial-credit answers dropped (${partial.map((answer) => `${answer.text} ${fractionOf({ ...answer, marker: answer.marker || '=' })}%`).join(', ')}): only full marks are kept` });
      }
      const analysis = general ?? [first.feedback].filter(Boolean).join('\n');
      questions.push({
        ...base,
        analysis,
        stem: stemWithoutGap(),
        type: 'numeric',
        answer: value.answer,
        tolerance: { kind: 'absolute', value: value.tolerance },
      });
      continue;
    }
    const trueFalse = /^(T|F|TRUE|FALSE)\s*(#|$)/i.exec(answerText);
    if (trueFalse) {
      const feedbacks = answerText
        .slice(trueFalse[1]!.length)
        .split(/(?<!\\)#/)
        .map(cleanText)
        .filter(Boolean);
      questions.push({
        ...base,
        analysis: general ?? feedbacks.at(-1) ?? '',
        stem: stemWithoutGap(),
        type: 'truefalse',
        answer: /^T/i.test(trueFalse[1]!),
      });
      continue;
    }
    if (findUnescaped(answerText, '->') !== -1) {
      region('unsupported', `matching question ${label} (->): our banks have no matching type`);
      continue;
    }
    const answers = splitAnswers(answerText).filter((answer) => answer.marker !== '' || answer.text !== '');
    if (answers.some((answer) => answer.marker === '')) {
      region('unparsed', `answers in ${label} must start with = or ~`);
      continue;
    }
    if (answers.some((answer) => answer.marker === '~')) {
      const options: Option[] = answers.map((answer, index) => ({ key: String.fromCharCode(65 + index), text: answer.text || '(empty)' }));
      const fractions = answers.map(fractionOf);
      const full = fractions.flatMap((fraction, index) => (fraction >= 100 ? [options[index]!.key] : []));
      const partial = fractions.flatMap((fraction, index) => (fraction > 0 && fraction < 100 ? [index] : []));
      const feedbackLines = answers.flatMap((answer, index) => (answer.feedback ? [`${options[index]!.key}. ${answer.text}: ${answer.feedback}`] : []));
      const analysis = general ?? feedbackLines.join('\n');
      const stem = stemWithGap;
      if (options.length > 26) {
        region('unsupported', `${label} has more than 26 options`);
        continue;
      }
      if (full.length === 1) {
        if (partial.length > 0) {
          warnings.push({ line: block.line, questionId: id, message: `partial credit for ${partial.map((index) => `${options[index]!.key} (${fractions[index]}%)`).join(', ')} dropped: a single-answer choice is all or nothing` });
        }
        questions.push({ ...base, analysis, stem, type: 'choice', options, answer: full[0]! });
        continue;
      }
      if (full.length === 0 && partial.length > 0) {
        const sum = partial.reduce((total, index) => total + fractions[index]!, 0);
        if (Math.abs(sum - 100) > 0.1) {
          region('invalid', `the positive weights of ${label} add up to ${roundNumber(sum)}%, not 100%`);
          continue;
        }
        questions.push({
          ...base,
          analysis,
          stem,
          type: 'multi',
          options: options.map((option, index) => ({ ...option, fraction: roundNumber(Math.max(-100, Math.min(100, fractions[index]!)) / 100) })),
          answer: partial.map((index) => options[index]!.key),
          scoring: 'fraction',
        });
        continue;
      }
      if (full.length > 1) {
        warnings.push({ line: block.line, questionId: id, message: `${full.length} answers marked right (=): imported as a multi-select question` });
        questions.push({ ...base, analysis, stem, type: 'multi', options, answer: full, scoring: 'exam' });
        continue;
      }
      region('invalid', `${label} has no right answer (no = and no positive %weight%)`);
      continue;
    }
    // Only `=` answers: short answer → one blank.
    const accepted = answers.filter((answer) => fractionOf(answer) >= 100 && answer.text);
    const partial = answers.filter((answer) => fractionOf(answer) > 0 && fractionOf(answer) < 100);
    if (accepted.length === 0) {
      region('invalid', `short-answer question ${label} has no answer worth 100%`);
      continue;
    }
    if (partial.length > 0) {
      warnings.push({ line: block.line, questionId: id, message: `partial-credit answers dropped (${partial.map((answer) => `${answer.text} ${fractionOf(answer)}%`).join(', ')}): a blank is right or wrong` });
    }
    const stem = after ? stemWithGap : /_{2,}/.test(stemBefore) ? stemBefore : `${stemBefore} _____`;
    const analysis = general ?? accepted.flatMap((answer) => (answer.feedback ? [`${answer.text}: ${answer.feedback}`] : [])).join('\n');
    questions.push({ ...base, analysis, stem, type: 'blank', blanks: [{ accept: accepted.map((answer) => answer.text) }] });
  }
  return { questions, skipped, warnings, errors: [] };
}
