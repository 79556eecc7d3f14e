import type { Option } from '../schema.ts';
import { excerptOf, htmlToText, trimLineBlanks } from './text.ts';
import type { ImportWarning, ParsedBank, ParsedQuestion, SkippedRegion } from './types.ts';
import { pluralWord } from '../../messages/format.ts';

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
  /** `[tag:…]` and `[id:…]` found in the `//` comments just before the question (Moodle reads them). */
  tags: string[];
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

/** Splits at every unescaped `separator` (one character). */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let from = 0;
  for (let at = findUnescaped(text, separator); at !== -1; at = findUnescaped(text, separator, at + 1)) {
    parts.push(text.slice(from, at));
    from = at + 1;
  }
  parts.push(text.slice(from));
  return parts;
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

/** `[tag:name]` / `[id:name]` in a comment line; `]` inside is escaped as `\]`. Bounded, no nested quantifiers. */
const COMMENT_META = /\[(tag|id):((?:\\.|[^\]\\]){0,200})\]/g;

/** Questions are separated by blank lines, as in Moodle's reader; `//` comment lines are dropped. */
function splitBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let current: { line: number; endLine: number; lines: string[]; tags: string[] } | undefined;
  let pendingTags: string[] = [];
  const flush = () => {
    if (current) blocks.push({ line: current.line, endLine: current.endLine, text: current.lines.join('\n'), tags: current.tags });
    current = undefined;
  };
  text.split('\n').forEach((raw, index) => {
    const lineNo = index + 1;
    if (/^\s*\/\//.test(raw)) {
      for (const match of raw.matchAll(COMMENT_META)) pendingTags.push(`${match[1]}:${match[2]!.trim()}`);
      return;
    }
    if (raw.trim() === '') {
      flush();
      return;
    }
    if (!current) {
      current = { line: lineNo, endLine: lineNo, lines: [], tags: pendingTags };
      pendingTags = [];
    }
    current.lines.push(raw);
    current.endLine = lineNo;
  });
  flush();
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
    if (block.tags.length > 0) {
      warnings.push({ line: block.line, questionId: id, message: `Moodle tags and id number not kept (our banks have none): ${block.tags.join(', ')}`, omitted: { tag: block.tags.length } });
    }
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
    const note = (message: string, omitted: ImportWarning['omitted']) => warnings.push({ line: block.line, questionId: id, message, ...(omitted ? { omitted } : {}) });
    /** Answers that earn nothing are not kept (a wrong answer needs no entry), but what they held is reported. */
    const noteWrongAnswers = (wrong: Answer[], why: string) => {
      if (wrong.length === 0) return;
      const feedbacks = wrong.filter((answer) => answer.feedback).length;
      const shown = wrong.map((answer) => `"${answer.text || '*'}"${answer.feedback ? ` (feedback "${excerptOf(answer.feedback, 40)}")` : ''}`).join(', ');
      note(`${pluralWord(wrong.length, 'answer')} worth 0% not kept: ${shown}: ${why}`, { answer: wrong.length, ...(feedbacks > 0 ? { feedback: feedbacks } : {}) });
    };
    const withGeneral = (lines: string[]) => [general, ...lines].filter((line): line is string => Boolean(line)).join('\n');

    if (answerText.startsWith('#')) {
      const answers = splitAnswers(answerText.slice(1)).map((answer, index) => (index === 0 && answer.marker === '' ? { ...answer, marker: '=' as const } : answer));
      if (answers.some((answer) => answer.marker === '')) {
        region('unparsed', `answers in numerical question ${label} must start with = or ~`);
        continue;
      }
      const credited = answers.filter((answer) => answer.marker === '=' && fractionOf(answer) > 0);
      const first = credited.find((answer) => fractionOf(answer) >= 100);
      const value = first ? parseNumeric(first.text) : undefined;
      if (!first || !value) {
        region('invalid', `numerical question ${label} has no readable 100% answer ("${excerptOf(answerText, 30)}")`);
        continue;
      }
      const alternatives: Array<{ answer: number; tolerance: { kind: 'absolute'; value: number }; fraction: number }> = [];
      for (const answer of credited) {
        if (answer === first) continue;
        const parsed = parseNumeric(answer.text);
        if (!parsed) {
          note(`answer "${answer.text}" (${fractionOf(answer)}%) is not a number and was not kept`, { answer: 1, ...(answer.feedback ? { feedback: 1 } : {}) });
          continue;
        }
        alternatives.push({ answer: parsed.answer, tolerance: { kind: 'absolute', value: parsed.tolerance }, fraction: roundNumber(Math.min(100, fractionOf(answer)) / 100) });
      }
      noteWrongAnswers(answers.filter((answer) => !credited.includes(answer)), 'a number outside every credited answer scores 0 anyway');
      const feedbackLines = credited.flatMap((answer) => (answer.feedback ? [`${answer.text}: ${answer.feedback}`] : []));
      questions.push({
        ...base,
        analysis: withGeneral(feedbackLines),
        stem: stemWithoutGap(),
        type: 'numeric',
        answer: value.answer,
        tolerance: { kind: 'absolute', value: value.tolerance },
        ...(alternatives.length > 0 ? { alternatives } : {}),
      });
      continue;
    }
    const trueFalse = /^(T|F|TRUE|FALSE)\s*(#|$)/i.exec(answerText);
    if (trueFalse) {
      // `{FALSE#shown to who says true#shown to who says false}`: the first feedback is for the wrong choice.
      const feedbacks = splitUnescaped(answerText.slice(trueFalse[1]!.length), '#').slice(1).map(cleanText);
      const answer = /^T/i.test(trueFalse[1]!);
      const [forWrong, forRight] = [feedbacks[0] ?? '', feedbacks[1] ?? ''];
      const lines = [forRight, forWrong ? `${answer ? 'False' : 'True'}: ${forWrong}` : ''].filter(Boolean);
      questions.push({ ...base, analysis: withGeneral(lines), stem: stemWithoutGap(), type: 'truefalse', answer });
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
      if (answers.length > 26) {
        region('unsupported', `${label} has more than 26 options`);
        continue;
      }
      const options: Option[] = answers.map((answer, index) => ({ key: String.fromCharCode(65 + index), text: answer.text || '(empty)' }));
      const fractions = answers.map((answer) => roundNumber(Math.max(-100, Math.min(100, fractionOf(answer))) / 100));
      const feedbackLines = answers.flatMap((answer, index) => (answer.feedback ? [`${options[index]!.key}. ${answer.text}: ${answer.feedback}`] : []));
      const analysis = withGeneral(feedbackLines);
      const stem = stemWithGap;
      // Moodle's rule: any `=` answer makes a single-answer question, even with several `=` (each fully right).
      if (answers.some((answer) => answer.marker === '=')) {
        const full = fractions.flatMap((fraction, index) => (fraction >= 1 ? [options[index]!.key] : []));
        if (full.length === 0) {
          region('invalid', `${label} has no answer worth 100%: a single-answer question needs one`);
          continue;
        }
        const plain = full.length === 1 && fractions.every((fraction) => fraction === 0 || fraction === 1);
        questions.push({
          ...base,
          analysis,
          stem,
          type: 'choice',
          options: plain ? options : options.map((option, index) => ({ ...option, fraction: fractions[index]! })),
          answer: full[0]!,
        });
        continue;
      }
      const sum = fractions.reduce((total, fraction) => total + Math.max(0, fraction), 0);
      if (sum === 0) {
        region('invalid', `${label} has no right answer (no = and no positive %weight%)`);
        continue;
      }
      if (Math.abs(sum - 1) > 0.001) {
        region('invalid', `the positive weights of ${label} add up to ${roundNumber(sum * 100)}%, not 100%`);
        continue;
      }
      questions.push({
        ...base,
        analysis,
        stem,
        type: 'multi',
        options: options.map((option, index) => ({ ...option, fraction: fractions[index]! })),
        answer: options.flatMap((option, index) => (fractions[index]! > 0 ? [option.key] : [])),
        scoring: 'fraction',
      });
      continue;
    }
    // Only `=` answers: short answer → one blank, each credited answer with its share.
    const credited = answers.filter((answer) => fractionOf(answer) > 0 && answer.text);
    if (!credited.some((answer) => fractionOf(answer) >= 100)) {
      region('invalid', `short-answer question ${label} has no answer worth 100%`);
      continue;
    }
    noteWrongAnswers(answers.filter((answer) => !credited.includes(answer)), 'an answer that matches no credited one scores 0 anyway');
    const stem = after ? stemWithGap : /_{2,}/.test(stemBefore) ? stemBefore : `${stemBefore} _____`;
    const accept = credited.map((answer) => {
      const fraction = roundNumber(Math.min(100, fractionOf(answer)) / 100);
      return fraction >= 1 ? answer.text : { text: answer.text, fraction };
    });
    const analysis = withGeneral(credited.flatMap((answer) => (answer.feedback ? [`${answer.text}: ${answer.feedback}`] : [])));
    questions.push({ ...base, analysis, stem, type: 'blank', blanks: [{ accept }] });
  }
  return { questions, skipped, warnings, errors: [] };
}
