import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Blank, Option } from '../schema.ts';
import { excerptOf, htmlToText } from './text.ts';
import type { ImportWarning, ParsedBank, ParsedQuestion, SkippedRegion } from './types.ts';

/**
 * Moodle XML (`<quiz>` of `<question type="…">`). Mapped types: multichoice (single → choice, multiple
 * → multi scored by fraction), truefalse, shortanswer → blank, numerical → numeric, essay, and
 * cloze/multianswer → blank with one blank per embedded answer. `category` entries set the topic.
 * Like Moodle, a fraction that is not one of Moodle's grades rejects the question.
 */

type XmlNode = Record<string, unknown>;

const ARRAY_TAGS = new Set(['question', 'answer', 'subquestion', 'file', 'hint', 'tag', 'unit']);

/** Moodle's grade options (question_bank::fraction_options_full), as fractions of 1. */
const MOODLE_GRADES = [
  1, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0,
];
const GRADE_TOLERANCE = 1e-6;

function nearestGrade(fraction: number): { grade: number; exact: boolean } {
  let best = 0;
  for (const grade of MOODLE_GRADES) {
    for (const signed of [grade, -grade]) if (Math.abs(signed - fraction) < Math.abs(best - fraction)) best = signed;
  }
  return { grade: best, exact: Math.abs(best - fraction) <= GRADE_TOLERANCE };
}

function asNode(value: unknown): XmlNode | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as XmlNode) : undefined;
}

function asArray(value: unknown): XmlNode[] {
  if (Array.isArray(value)) return value.map(asNode).filter((node): node is XmlNode => node !== undefined);
  const node = asNode(value);
  return node ? [node] : [];
}

function scalar(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const node = asNode(value);
  if (node && typeof node['#text'] === 'string') return node['#text'];
  return '';
}

/** The text of a `<x format="…"><text>…</text></x>` element, as plain text. */
function textOf(node: unknown): string {
  const element = asNode(node);
  if (!element) return scalar(node).trim();
  const raw = scalar(element['text']);
  const format = scalar(element['@_format']);
  return (format === 'html' || format === '' || /<\/?[a-z][^<>]*>/i.test(raw) ? htmlToText(raw) : raw).trim();
}

function rawTextOf(node: unknown): string {
  const element = asNode(node);
  return element ? scalar(element['text']) : scalar(node);
}

function roundNumber(value: number): number {
  return Number(value.toPrecision(12));
}

/** Splits one cloze sub-question body (`=California#OK~Arizona#Wrong`) into answers. */
function splitClozeAnswers(body: string): Array<{ fraction: number; text: string; feedback?: string }> {
  const parts: string[] = [];
  let current = '';
  for (let index = 0; index < body.length; index += 1) {
    const ch = body[index]!;
    if (ch === '\\' && index + 1 < body.length) {
      current += body[index + 1];
      index += 1;
    } else if (ch === '~') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts
    .map((part) => {
      let text = part;
      let fraction = 0;
      if (text.startsWith('=')) {
        fraction = 100;
        text = text.slice(1);
      } else {
        const weight = /^%(-?\d+(?:\.\d+)?)%/.exec(text);
        if (weight) {
          fraction = Number(weight[1]);
          text = text.slice(weight[0].length);
        }
      }
      const hash = text.indexOf('#');
      const feedback = hash === -1 ? undefined : htmlToText(text.slice(hash + 1));
      if (hash !== -1) text = text.slice(0, hash);
      return { fraction, text: htmlToText(text), ...(feedback ? { feedback } : {}) };
    })
    .filter((answer) => answer.text !== '' || answer.fraction !== 0);
}

// `{` ends a body too: an unclosed `{1:MC:` must not make every later `{` rescan to the end of the text.
const CLOZE = /\{(\d*):([A-Z_]+):((?:\\.|[^{}\\])*)\}/g;

/** Line (1-based) of a character offset, counted without building an array of lines. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) line += 1;
  return line;
}

/**
 * Refusals before the XML parser sees the text: entity declarations (external files, parameter
 * entities and exponential expansion all start there; Moodle exports never declare any) and numeric
 * character references that name no Unicode character (the parser throws on `&#x110000;`).
 */
function refuseUnsafeXml(text: string): ParsedBank['errors'] {
  // A DOCTYPE can only come before the root element; `<!ENTITY` later is text (CDATA) about XML.
  const root = text.search(/<quiz[\s>]/);
  const declaration = /<!ENTITY\b/i.exec(root === -1 ? text : text.slice(0, root));
  if (declaration) {
    return [{ line: lineAt(text, declaration.index), message: 'entity declarations (<!ENTITY …>) are refused: Moodle exports never declare entities, and they can read other files or expand without bound' }];
  }
  const reference = /&#(?:x([0-9a-f]+)|([0-9]+));/gi;
  for (let match = reference.exec(text); match; match = reference.exec(text)) {
    const code = match[1] !== undefined ? parseInt(match[1], 16) : Number(match[2]);
    if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) {
      return [{ line: lineAt(text, match.index), message: `the character reference ${match[0].length > 20 ? `${match[0].slice(0, 20)}…` : match[0]} names no Unicode character` }];
    }
  }
  return [];
}

export function parseMoodleXml(text: string): ParsedBank {
  const refused = refuseUnsafeXml(text);
  if (refused.length > 0) return { questions: [], skipped: [], warnings: [], errors: refused };
  try {
    return parseCheckedMoodleXml(text);
  } catch (error) {
    // fast-xml-parser throws on what its validator lets through (entity limits, bad references).
    return { questions: [], skipped: [], warnings: [], errors: [{ message: `not readable as XML: ${error instanceof Error ? error.message : String(error)}` }] };
  }
}

function parseCheckedMoodleXml(text: string): ParsedBank {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    return { questions: [], skipped: [], warnings: [], errors: [{ line: valid.err.line, message: `not well-formed XML (column ${valid.err.col}): ${valid.err.msg}` }] };
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => ARRAY_TAGS.has(name),
  });
  const document = asNode(parser.parse(text));
  const quiz = asNode(document?.['quiz']);
  if (!quiz) return { questions: [], skipped: [], warnings: [], errors: [{ line: 1, message: 'no <quiz> root element: this is not a Moodle XML question export' }] };

  // Line numbers: the parser gives none, so find each <question …> tag in the source, in order.
  const starts: Array<{ line: number; endLine: number }> = [];
  const tag = /<question\b[^<>]*>/g;
  let lineNo = 1;
  let scanned = 0;
  for (let match = tag.exec(text); match; match = tag.exec(text)) {
    for (let index = text.indexOf('\n', scanned); index !== -1 && index < match.index; index = text.indexOf('\n', index + 1)) lineNo += 1;
    scanned = match.index;
    const close = text.indexOf('</question>', match.index);
    const endLine = lineNo + (text.slice(match.index, close === -1 ? match.index : close).match(/\n/g)?.length ?? 0);
    starts.push({ line: lineNo, endLine });
  }

  const questions: ParsedQuestion[] = [];
  const skipped: SkippedRegion[] = [];
  const warnings: ImportWarning[] = [];
  let topic: string | undefined;
  let position = 0;

  asArray(quiz['question']).forEach((question, index) => {
    const where = starts[index] ?? { line: 1, endLine: 1 };
    const type = scalar(question['@_type']);
    if (type === 'category') {
      const path = textOf(question['category']);
      topic = path.replace(/^\$(course|system|module|cat\d*)\$\/?/, '').trim() || undefined;
      return;
    }
    position += 1;
    const id = `q-${position}`;
    const name = textOf(question['name']);
    const label = name ? `"${name}"` : `#${position}`;
    const region = (reason: SkippedRegion['reason'], detail: string) =>
      skipped.push({ fromLine: where.line, toLine: where.endLine, reason, detail, excerpt: excerptOf(name || type) });
    const stemSource = asNode(question['questiontext']);
    let stem = textOf(stemSource);
    const grade = Number(scalar(question['defaultgrade']) || '1');
    const general = textOf(question['generalfeedback']);
    const base = { id, points: grade > 0 ? grade : 1, analysis: general, line: where.line, ...(topic ? { topic } : {}) };
    const files = [stemSource, asNode(question['generalfeedback'])]
      .flatMap((node) => asArray(node?.['file']))
      .concat(asArray(question['answer']).flatMap((answer) => asArray(asNode(answer['text'])?.['file'] ?? answer['file'])));
    if (files.length > 0) {
      warnings.push({ line: where.line, questionId: id, message: `embedded file(s) not imported: ${files.map((file) => scalar(file['@_name'])).join(', ')}` });
    }
    const answers = asArray(question['answer']).map((answer) => ({
      fraction: Number(scalar(answer['@_fraction']) || '0'),
      text: textOf(answer),
      feedback: textOf(answer['feedback']),
      tolerance: scalar(answer['tolerance']),
    }));
    const badGrades = answers.flatMap((answer, answerIndex) => {
      const nearest = nearestGrade(answer.fraction / 100);
      return nearest.exact ? [] : [`answer ${answerIndex + 1} ("${excerptOf(answer.text, 20)}") has fraction ${answer.fraction}, not a Moodle grade (nearest: ${roundNumber(nearest.grade * 100)})`];
    });

    switch (type) {
      case 'multichoice': {
        if (badGrades.length > 0) {
          region('invalid', `${label}: ${badGrades.join('; ')}`);
          return;
        }
        if (answers.length < 2) {
          region('invalid', `${label} has fewer than two answers`);
          return;
        }
        const options: Option[] = answers.map((answer, answerIndex) => ({ key: String.fromCharCode(65 + answerIndex), text: answer.text || '(empty)' }));
        const feedbackLines = answers.flatMap((answer, answerIndex) => (answer.feedback ? [`${options[answerIndex]!.key}. ${answer.text}: ${answer.feedback}`] : []));
        const analysis = general || feedbackLines.join('\n');
        const single = scalar(question['single']).trim() !== 'false';
        if (single) {
          const right = answers.findIndex((answer) => answer.fraction >= 100);
          if (right === -1) {
            region('invalid', `${label} has no answer worth 100%`);
            return;
          }
          const partial = answers.flatMap((answer, answerIndex) => (answer.fraction > 0 && answer.fraction < 100 ? [`${options[answerIndex]!.key} (${answer.fraction}%)`] : []));
          if (partial.length > 0) warnings.push({ line: where.line, questionId: id, message: `partial credit for ${partial.join(', ')} dropped: a single-answer choice is all or nothing` });
          questions.push({ ...base, analysis, stem, type: 'choice', options, answer: options[right]!.key });
          return;
        }
        const sum = answers.reduce((total, answer) => total + Math.max(0, answer.fraction), 0);
        if (Math.abs(sum - 100) > 0.01) {
          region('invalid', `${label}: the positive fractions add up to ${roundNumber(sum)}%, not 100%`);
          return;
        }
        questions.push({
          ...base,
          analysis,
          stem,
          type: 'multi',
          options: options.map((option, answerIndex) => ({ ...option, fraction: roundNumber(answers[answerIndex]!.fraction / 100) })),
          answer: answers.flatMap((answer, answerIndex) => (answer.fraction > 0 ? [options[answerIndex]!.key] : [])),
          scoring: 'fraction',
        });
        return;
      }
      case 'truefalse': {
        const right = answers.find((answer) => answer.fraction >= 100);
        const value = right?.text.toLowerCase();
        if (value !== 'true' && value !== 'false') {
          region('invalid', `${label}: no "true" or "false" answer worth 100%`);
          return;
        }
        questions.push({ ...base, analysis: general || right?.feedback || '', stem, type: 'truefalse', answer: value === 'true' });
        return;
      }
      case 'shortanswer': {
        const accepted = answers.filter((answer) => answer.fraction >= 100 && answer.text);
        if (accepted.length === 0) {
          region('invalid', `${label} has no answer worth 100%`);
          return;
        }
        const partial = answers.filter((answer) => answer.fraction > 0 && answer.fraction < 100);
        if (partial.length > 0) warnings.push({ line: where.line, questionId: id, message: `partial-credit answers dropped (${partial.map((answer) => `${answer.text} ${answer.fraction}%`).join(', ')}): a blank is right or wrong` });
        const runs = stem.match(/_{2,}/g)?.length ?? 0;
        if (runs > 1) {
          region('unsupported', `${label}: a short-answer question with ${runs} gaps (____) in its text`);
          return;
        }
        if (runs === 0) stem = `${stem} _____`;
        if (scalar(question['usecase']).trim() === '1') warnings.push({ line: where.line, questionId: id, message: 'case-sensitive matching (usecase) is not supported: answers are matched ignoring case' });
        questions.push({ ...base, stem, type: 'blank', blanks: [{ accept: accepted.map((answer) => answer.text) }] });
        return;
      }
      case 'numerical': {
        const right = answers.find((answer) => answer.fraction >= 100);
        const value = right ? Number(right.text) : Number.NaN;
        if (!right || !Number.isFinite(value)) {
          region('invalid', `${label} has no numeric answer worth 100%`);
          return;
        }
        const units = asArray(asNode(question['units'])?.['unit']);
        const unit = units.find((candidate) => Number(scalar(candidate['multiplier']) || '1') === 1);
        const unitName = unit ? scalar(unit['unit_name']).trim() : '';
        questions.push({
          ...base,
          stem,
          type: 'numeric',
          answer: value,
          tolerance: { kind: 'absolute', value: Math.abs(Number(right.tolerance || '0')) || 0 },
          ...(unitName ? { unit: unitName } : {}),
        });
        return;
      }
      case 'essay': {
        const reference = textOf(question['graderinfo']);
        if (!reference) {
          questions.push({ ...base, stem, type: 'essay', reference: '', rubric: [], status: 'draft' });
          return;
        }
        warnings.push({ line: where.line, questionId: id, message: 'no marking points: one point "Agrees with the reference answer" covers the whole question' });
        questions.push({ ...base, stem, type: 'essay', reference, rubric: [{ point: 'Agrees with the reference answer', points: base.points }] });
        return;
      }
      case 'cloze':
      case 'multianswer': {
        const raw = rawTextOf(stemSource);
        const blanks: Blank[] = [];
        const problems: string[] = [];
        let lossy = false;
        const replaced = raw.replace(CLOZE, (_match, weight: string, kind: string, body: string) => {
          const sub = splitClozeAnswers(body);
          const accepted = sub.filter((answer) => answer.fraction >= 100).map((answer) => answer.text);
          if (/^(MULTIRESPONSE|MR|MRS|MRH|MRSH)$/.test(kind)) problems.push(`embedded ${kind} (several right options) cannot be a blank`);
          if (accepted.length === 0) problems.push(`embedded ${kind} answer "${excerptOf(body, 30)}" has no 100% answer`);
          if (/^(MULTICHOICE|MC|MCV|MCH|MCS|MCVS|MCHS|NUMERICAL|NM)$/.test(kind) || sub.some((answer) => answer.fraction > 0 && answer.fraction < 100)) lossy = true;
          blanks.push({ accept: accepted, points: weight ? Number(weight) : 1 });
          return ' _____ ';
        });
        if (blanks.length === 0 || problems.length > 0) {
          region('unsupported', `${label}: ${problems[0] ?? 'cloze text without embedded answers'}`);
          return;
        }
        if (lossy) {
          warnings.push({ line: where.line, questionId: id, message: 'cloze gaps become typed blanks: drop-down choices are typed as text, partial credit and numeric tolerance are dropped' });
        }
        const points = blanks.reduce((total, blank) => total + (blank.points ?? 0), 0);
        questions.push({ ...base, points, stem: htmlToText(replaced).replace(/ {2,}/g, ' ').replace(/_____ (?=[.,;:!?。，；：！？])/g, '_____'), type: 'blank', blanks });
        return;
      }
      case 'description':
        region('unsupported', `${label} is a description (text only, no question)`);
        return;
      default:
        region('unsupported', `${label}: Moodle question type "${type}" has no equivalent in our banks`);
    }
  });
  return { questions, skipped, warnings, errors: [] };
}
