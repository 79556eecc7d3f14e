import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Blank, Option } from '../schema.ts';
import { excerptOf, htmlToText } from './text.ts';
import type { ImportWarning, ParsedBank, ParsedQuestion, SkippedRegion } from './types.ts';
import { countNoun, pluralWord } from '../../messages/format.ts';

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

interface ClozeAnswer {
  fraction: number;
  text: string;
  feedback?: string;
}

/**
 * Splits one cloze sub-question body (`=California#OK~%50%Arizona#Close`) into answers. `\` escapes the
 * next character, except that `\*` stays as is: in a short-answer gap it is a literal asterisk, as in
 * our `accept` entries.
 */
function splitClozeAnswers(body: string): ClozeAnswer[] {
  const parts: string[] = [];
  let current = '';
  for (let index = 0; index < body.length; index += 1) {
    const ch = body[index]!;
    if (ch === '\\' && index + 1 < body.length) {
      current += body[index + 1] === '*' ? '\\*' : body[index + 1];
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
    .filter((answer) => answer.text !== '' || answer.fraction !== 0 || answer.feedback);
}

/**
 * `{2:NUMERICAL:=3.14:0.01}`; the body is optional so that a gap without answers is found and refused.
 * The body stops at an unescaped `{` as well as `}`, so each attempt scans at most to the next brace:
 * linear on a text full of unclosed gaps.
 */
const CLOZE = /\{(\d*):([A-Z_]+)(?::((?:\\.|[^{}\\])*))?\}/g;
const SHORT_KINDS = /^(SHORTANSWER|SA|MW|SHORTANSWER_C|SAC|MWC)$/;
const CHOICE_KINDS = /^(MULTICHOICE|MC|MULTICHOICE_V|MCV|MULTICHOICE_H|MCH|MULTICHOICE_S|MCS|MULTICHOICE_VS|MCVS|MULTICHOICE_HS|MCHS)$/;
const NUMERIC_KINDS = /^(NUMERICAL|NM)$/;
const RESPONSE_KINDS = /^(MULTIRESPONSE|MR|MULTIRESPONSE_H|MRH|MULTIRESPONSE_S|MRS|MULTIRESPONSE_HS|MRHS)$/;
/** `3.14:0.01` → value and tolerance; `*` is Moodle's catch-all. Matched on trimmed text, so no two `\s*` meet. */
const NUMERIC_ANSWER = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*(?::\s*((?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?))?$/i;

type ClozeResult =
  | { refusal: string; reason: SkippedRegion['reason'] }
  | {
      stem: string;
      blanks: Blank[];
      /** Set when the text has exactly one gap and it is numerical: it becomes a numeric question with its tolerance. */
      numeric?: { answer: number; tolerance: number; points: number; alternatives: Array<{ answer: number; tolerance: { kind: 'absolute'; value: number }; fraction: number }> };
      feedback: string[];
      notes: Array<{ text: string; omitted: ImportWarning['omitted'] }>;
    };

/**
 * A cloze (multianswer) text into blanks, refusing what Moodle refuses (a text without gaps, a gap
 * without answers, a drop-down with one choice or none fully right, a numerical answer that is not a
 * number) and reporting what a typed blank cannot carry.
 */
function readCloze(raw: string, label: string): ClozeResult {
  const gaps: Array<{ weight: number; kind: string; answers: ClozeAnswer[] }> = [];
  const problems: Array<{ text: string; reason: SkippedRegion['reason'] }> = [];
  const replaced = raw.replace(CLOZE, (_match, weight: string, kind: string, body: string | undefined) => {
    const number = gaps.length + 1;
    const answers = body === undefined ? [] : splitClozeAnswers(body);
    gaps.push({ weight: weight ? Number(weight) : 1, kind, answers });
    if (RESPONSE_KINDS.test(kind)) problems.push({ text: `gap ${number} is ${kind} (several right options), which a blank cannot be`, reason: 'unsupported' });
    else if (!SHORT_KINDS.test(kind) && !CHOICE_KINDS.test(kind) && !NUMERIC_KINDS.test(kind)) problems.push({ text: `gap ${number} has an unknown type "${kind}"`, reason: 'invalid' });
    else if (answers.length === 0) problems.push({ text: `gap ${number} (${kind}) has no answers`, reason: 'invalid' });
    else if (CHOICE_KINDS.test(kind) && answers.length < 2) problems.push({ text: `gap ${number} (${kind}) has only one choice`, reason: 'invalid' });
    else if (!answers.some((answer) => answer.fraction >= 100)) problems.push({ text: `gap ${number} (${kind}) has no answer worth 100%`, reason: 'invalid' });
    else if (NUMERIC_KINDS.test(kind)) {
      const bad = answers.find((answer) => answer.text !== '*' && !NUMERIC_ANSWER.test(answer.text.trim()));
      if (bad) problems.push({ text: `gap ${number} (${kind}): answer "${excerptOf(bad.text, 20)}" is not a number`, reason: 'invalid' });
    }
    return ' _____ ';
  });
  if (gaps.length === 0) return { refusal: `${label}: cloze text without embedded answers ({1:SHORTANSWER:=…})`, reason: 'invalid' };
  const problem = problems[0];
  if (problem) return { refusal: `${label}: ${problem.text}`, reason: problem.reason };

  const stem = htmlToText(replaced).replace(/ {2,}/g, ' ').replace(/_____ (?=[.,;:!?。，；：！？])/g, '_____');
  const blanks: Blank[] = [];
  const feedback: string[] = [];
  const notes: Array<{ text: string; omitted: ImportWarning['omitted'] }> = [];
  let numeric: Extract<ClozeResult, { stem: string }>['numeric'];
  gaps.forEach((gap, index) => {
    const number = index + 1;
    const credited = gap.answers.filter((answer) => answer.fraction > 0 && answer.text !== '' && answer.text !== '*');
    const wrong = gap.answers.filter((answer) => !credited.includes(answer));
    for (const answer of gap.answers) if (answer.feedback) feedback.push(`Gap ${number}, ${answer.text || '*'}: ${answer.feedback}`);
    if (NUMERIC_KINDS.test(gap.kind)) {
      const values = credited.map((answer) => {
        const parts = NUMERIC_ANSWER.exec(answer.text.trim())!;
        return { answer: Number(parts[1]), tolerance: Math.abs(Number(parts[2] ?? '0')), fraction: roundNumber(Math.min(100, answer.fraction) / 100), text: parts[1]! };
      });
      const first = values.find((value) => value.fraction >= 1)!;
      if (gaps.length === 1) {
        numeric = {
          answer: first.answer,
          tolerance: first.tolerance,
          points: gap.weight,
          alternatives: values.filter((value) => value !== first).map((value) => ({ answer: value.answer, tolerance: { kind: 'absolute' as const, value: value.tolerance }, fraction: value.fraction })),
        };
      } else {
        const tolerances = values.filter((value) => value.tolerance > 0);
        if (tolerances.length > 0) {
          notes.push({ text: `gap ${number}: numeric tolerance ${tolerances.map((value) => `±${value.tolerance}`).join(', ')} not kept: in a text with several gaps it is a typed blank that accepts ${values.map((value) => value.text).join(', ')} exactly`, omitted: { tolerance: tolerances.length } });
        }
      }
      blanks.push({ accept: values.map((value) => (value.fraction >= 1 ? value.text : { text: value.text, fraction: value.fraction })), points: gap.weight });
      if (wrong.length > 0) {
        const tolerances = wrong.filter((answer) => Number(NUMERIC_ANSWER.exec(answer.text.trim())?.[2] ?? '0') !== 0).length;
        notes.push({
          text: `gap ${number}: ${pluralWord(wrong.length, 'answer')} worth 0% not kept (${wrong.map((answer) => `"${excerptOf(answer.text || '*', 20)}"`).join(', ')}): a number that matches no credited answer scores 0 anyway`,
          omitted: { answer: wrong.length, ...(tolerances > 0 ? { tolerance: tolerances } : {}) },
        });
      }
    } else {
      blanks.push({ accept: credited.map((answer) => (answer.fraction >= 100 ? answer.text : { text: answer.text, fraction: roundNumber(answer.fraction / 100) })), points: gap.weight });
      if (CHOICE_KINDS.test(gap.kind)) {
        notes.push({ text: `gap ${number} (${gap.kind}) becomes a typed blank: the choices ${wrong.map((answer) => `"${excerptOf(answer.text, 20)}"`).join(', ')} are not shown`, omitted: { answer: wrong.length } });
      } else if (wrong.length > 0) {
        notes.push({ text: `gap ${number}: ${pluralWord(wrong.length, 'answer')} worth 0% not kept (${wrong.map((answer) => `"${excerptOf(answer.text || '*', 20)}"`).join(', ')}): an answer that matches no credited one scores 0 anyway`, omitted: { answer: wrong.length } });
      }
      if (/_C$|^(SAC|MWC)$/.test(gap.kind)) notes.push({ text: `gap ${number} is case-sensitive (${gap.kind}): answers are matched ignoring case`, omitted: { setting: 1 } });
    }
  });
  return { stem, blanks, ...(numeric ? { numeric } : {}), feedback, notes };
}

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
    const note = (message: string, omitted?: ImportWarning['omitted']) => warnings.push({ line: where.line, questionId: id, message, ...(omitted ? { omitted } : {}) });
    const files = [stemSource, asNode(question['generalfeedback'])]
      .flatMap((node) => asArray(node?.['file']))
      .concat(asArray(question['answer']).flatMap((answer) => asArray(asNode(answer['text'])?.['file'] ?? answer['file'])));
    if (files.length > 0) note(`embedded ${pluralWord(files.length, 'file')} not imported: ${files.map((file) => scalar(file['@_name'])).join(', ')}`, { file: files.length });
    const images = rawTextOf(stemSource).match(/<img\b/gi)?.length ?? 0;
    if (images > 0) note(`${countNoun(images, 'image')} in the question text not imported (only their alt text is kept)`, { image: images });
    const hints = asArray(question['hint']).filter((hint) => textOf(hint) !== '').length;
    if (hints > 0) note(`${countNoun(hints, 'hint')} not imported: our banks have no hints`, { hint: hints });
    const tags = asArray(asNode(question['tags'])?.['tag']).map((tag) => textOf(tag)).filter(Boolean);
    if (tags.length > 0) note(`Moodle tags not kept: ${tags.join(', ')}`, { tag: tags.length });
    const idNumber = scalar(question['idnumber']).trim();
    if (idNumber) note(`Moodle id number "${excerptOf(idNumber, 30)}" not kept`, { tag: 1 });
    const combined = ['correctfeedback', 'partiallycorrectfeedback', 'incorrectfeedback'].filter((field) => textOf(question[field]) !== '');
    if (combined.length > 0) note(`combined feedback (${combined.join(', ')}) not imported: the analysis is shown whatever the result`, { feedback: combined.length });

    const answers = asArray(question['answer']).map((answer) => ({
      fraction: Number(scalar(answer['@_fraction']) || '0'),
      text: textOf(answer),
      feedback: textOf(answer['feedback']),
      tolerance: scalar(answer['tolerance']).trim(),
    }));
    const badGrades = answers.flatMap((answer, answerIndex) => {
      const nearest = nearestGrade(answer.fraction / 100);
      return nearest.exact ? [] : [`answer ${answerIndex + 1} ("${excerptOf(answer.text, 20)}") has fraction ${answer.fraction}, not a Moodle grade (nearest: ${roundNumber(nearest.grade * 100)})`];
    });
    const withGeneral = (lines: string[]) => [general, ...lines].filter(Boolean).join('\n');
    /** Answers worth 0% are wrong answers: not needed to grade, but what they held is reported. */
    const noteWrongAnswers = (wrong: typeof answers) => {
      if (wrong.length === 0) return;
      const feedbacks = wrong.filter((answer) => answer.feedback).length;
      const tolerances = wrong.filter((answer) => Number(answer.tolerance || '0') !== 0).length;
      const shown = wrong.map((answer) => `"${excerptOf(answer.text || '*', 20)}"${answer.feedback ? ` (feedback "${excerptOf(answer.feedback, 30)}")` : ''}`).join(', ');
      note(`${pluralWord(wrong.length, 'answer')} worth 0% not kept: ${shown}: an answer that matches no credited one scores 0 anyway`, {
        answer: wrong.length,
        ...(feedbacks > 0 ? { feedback: feedbacks } : {}),
        ...(tolerances > 0 ? { tolerance: tolerances } : {}),
      });
    };

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
        if (answers.length > 26) {
          region('unsupported', `${label} has more than 26 options`);
          return;
        }
        const options: Option[] = answers.map((answer, answerIndex) => ({ key: String.fromCharCode(65 + answerIndex), text: answer.text || '(empty)' }));
        const analysis = withGeneral(answers.flatMap((answer, answerIndex) => (answer.feedback ? [`${options[answerIndex]!.key}. ${answer.text}: ${answer.feedback}`] : [])));
        const fractions = answers.map((answer) => roundNumber(answer.fraction / 100));
        // Moodle's trans_single: a missing <single> is single; "false", "0" or empty is multiple.
        const singleText = question['single'] === undefined ? 'true' : scalar(question['single']).trim();
        const single = !(singleText === 'false' || singleText === '' || singleText === '0');
        if (single) {
          const right = fractions.findIndex((fraction) => fraction >= 1);
          if (right === -1) {
            region('invalid', `${label} has no answer worth 100%`);
            return;
          }
          const plain = fractions.filter((fraction) => fraction >= 1).length === 1 && fractions.every((fraction) => fraction === 0 || fraction === 1);
          questions.push({
            ...base,
            analysis,
            stem,
            type: 'choice',
            options: plain ? options : options.map((option, answerIndex) => ({ ...option, fraction: fractions[answerIndex]! })),
            answer: options[right]!.key,
          });
          return;
        }
        const sum = fractions.reduce((total, fraction) => total + Math.max(0, fraction), 0);
        if (sum <= 0) {
          region('invalid', `${label}: no answer has a positive fraction`);
          return;
        }
        let scaled = fractions;
        if (Math.abs(sum - 1) > 0.0001) {
          // Moodle imports it but then pays full marks for a subset (the sum is capped at 100%); we scale instead.
          scaled = fractions.map((fraction) => (fraction > 0 ? roundNumber(fraction / sum) : fraction));
          note(`the positive fractions add up to ${roundNumber(sum * 100)}%, not 100%: scaled to ${scaled.filter((fraction) => fraction > 0).map((fraction) => `${roundNumber(fraction * 100)}%`).join(', ')} so that only a full answer earns full marks`, { weight: fractions.filter((fraction) => fraction > 0).length });
        }
        questions.push({
          ...base,
          analysis,
          stem,
          type: 'multi',
          options: options.map((option, answerIndex) => ({ ...option, fraction: scaled[answerIndex]! })),
          answer: options.flatMap((option, answerIndex) => (scaled[answerIndex]! > 0 ? [option.key] : [])),
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
        const wrong = answers.find((answer) => answer !== right && answer.feedback);
        questions.push({
          ...base,
          analysis: withGeneral([right?.feedback ?? '', wrong ? `${wrong.text}: ${wrong.feedback}` : ''].filter(Boolean)),
          stem,
          type: 'truefalse',
          answer: value === 'true',
        });
        return;
      }
      case 'shortanswer': {
        const credited = answers.filter((answer) => answer.fraction > 0 && answer.text);
        if (!credited.some((answer) => answer.fraction >= 100)) {
          region('invalid', `${label} has no answer worth 100%`);
          return;
        }
        const runs = stem.match(/_{2,}/g)?.length ?? 0;
        if (runs > 1) {
          region('unsupported', `${label}: a short-answer question with ${runs} gaps (____) in its text`);
          return;
        }
        if (runs === 0) stem = `${stem} _____`;
        noteWrongAnswers(answers.filter((answer) => !credited.includes(answer)));
        if (scalar(question['usecase']).trim() === '1') note('case-sensitive matching (usecase) is not supported: answers are matched ignoring case', { setting: 1 });
        const accept = credited.map((answer) => {
          const fraction = roundNumber(Math.min(100, answer.fraction) / 100);
          return fraction >= 1 ? answer.text : { text: answer.text, fraction };
        });
        const analysis = withGeneral(credited.flatMap((answer) => (answer.feedback ? [`${answer.text}: ${answer.feedback}`] : [])));
        questions.push({ ...base, analysis, stem, type: 'blank', blanks: [{ accept }] });
        return;
      }
      case 'numerical': {
        const credited = answers.filter((answer) => answer.fraction > 0 && answer.text !== '*');
        const right = credited.find((answer) => answer.fraction >= 100);
        const value = right ? Number(right.text) : Number.NaN;
        if (!right || right.text.trim() === '' || !Number.isFinite(value)) {
          region('invalid', `${label} has no numeric answer worth 100%`);
          return;
        }
        const alternatives: Array<{ answer: number; tolerance: { kind: 'absolute'; value: number }; fraction: number }> = [];
        for (const answer of credited) {
          if (answer === right) continue;
          const other = Number(answer.text);
          if (answer.text.trim() === '' || !Number.isFinite(other)) {
            note(`answer "${excerptOf(answer.text, 20)}" (${answer.fraction}%) is not a number and was not kept`, { answer: 1, ...(answer.feedback ? { feedback: 1 } : {}) });
            continue;
          }
          alternatives.push({ answer: other, tolerance: { kind: 'absolute', value: Math.abs(Number(answer.tolerance || '0')) || 0 }, fraction: roundNumber(Math.min(100, answer.fraction) / 100) });
        }
        noteWrongAnswers(answers.filter((answer) => !credited.includes(answer)));
        const units = asArray(asNode(question['units'])?.['unit']).map((unit) => ({ unit: scalar(unit['unit_name']).trim(), multiplier: Number(scalar(unit['multiplier']) || '1') }));
        const baseUnit = units.find((unit) => unit.multiplier === 1 && unit.unit !== '');
        const others = units.filter((unit) => unit !== baseUnit && unit.unit !== '');
        const badUnits = others.filter((unit) => !Number.isFinite(unit.multiplier) || unit.multiplier <= 0 || !baseUnit);
        if (badUnits.length > 0) note(`${pluralWord(badUnits.length, 'unit')} ${badUnits.map((unit) => `"${unit.unit}"`).join(', ')} not kept: no unit with multiplier 1 to convert from, or a multiplier that is not positive`, { unit: badUnits.length });
        const grading = scalar(question['unitgradingtype']).trim();
        const penalty = Number(scalar(question['unitpenalty']) || '0');
        const unitPenalty = baseUnit && (grading === '1' || grading === '2') && penalty > 0 ? { penalty: Math.min(1, penalty), of: grading === '2' ? ('max' as const) : ('mark' as const) } : undefined;
        const analysis = withGeneral(credited.flatMap((answer) => (answer.feedback ? [`${answer.text}: ${answer.feedback}`] : [])));
        questions.push({
          ...base,
          analysis,
          stem,
          type: 'numeric',
          answer: value,
          tolerance: { kind: 'absolute', value: Math.abs(Number(right.tolerance || '0')) || 0 },
          ...(baseUnit ? { unit: baseUnit.unit } : {}),
          ...(baseUnit && others.length > badUnits.length ? { units: others.filter((unit) => !badUnits.includes(unit)) } : {}),
          ...(unitPenalty ? { unitPenalty } : {}),
          ...(alternatives.length > 0 ? { alternatives } : {}),
        });
        return;
      }
      case 'essay': {
        const graderInfo = textOf(question['graderinfo']);
        const template = textOf(question['responsetemplate']);
        // Notes for the person grading ("Grade generously!") are not a model answer: the question stays a draft.
        if (graderInfo) note(`graderinfo (notes for graders) not used as the reference answer: "${excerptOf(graderInfo, 60)}"; write a reference and marking points, then mark the question ready`, { reference: 1 });
        if (template) note(`response template not imported: "${excerptOf(template, 40)}"`, { setting: 1 });
        questions.push({ ...base, stem, type: 'essay', reference: '', rubric: [], status: 'draft' });
        return;
      }
      case 'cloze':
      case 'multianswer': {
        const cloze = readCloze(rawTextOf(stemSource), label);
        if ('refusal' in cloze) {
          region(cloze.reason, cloze.refusal);
          return;
        }
        for (const message of cloze.notes) note(message.text, message.omitted);
        const analysis = withGeneral(cloze.feedback);
        const gap = cloze.numeric;
        if (gap) {
          questions.push({
            ...base,
            analysis,
            points: gap.points,
            stem: cloze.stem,
            type: 'numeric',
            answer: gap.answer,
            tolerance: { kind: 'absolute', value: gap.tolerance },
            ...(gap.alternatives.length > 0 ? { alternatives: gap.alternatives } : {}),
          });
          return;
        }
        const points = cloze.blanks.reduce((total, blank) => total + (blank.points ?? 0), 0);
        questions.push({ ...base, analysis, points, stem: cloze.stem, type: 'blank', blanks: cloze.blanks });
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
