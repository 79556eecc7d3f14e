import type { Option, RubricPoint } from '../schema.ts';
import { excerptOf, toHalfWidth } from './text.ts';
import type { ImportWarning, ParsedBank, ParsedQuestion, SkippedRegion } from './types.ts';

/**
 * Chinese exam papers as plain text (试卷): a tolerant line-based state machine. Structure is matched on
 * a half-width copy of each line (full-width letters, digits, dots and parentheses folded), while the
 * text kept in the bank is the paper's own. Sections (一、选择题 …) and numbered questions come first,
 * then an answer part (试卷答案 / 参考答案 / 答案) that repeats the sections; answers are joined back to
 * questions by section and number. Nothing is invented: a question without an answer becomes a draft.
 */

type SectionKind = 'choice' | 'multi' | 'truefalse' | 'blank' | 'short' | 'essay' | 'unknown';
type NumberStyle = 'dot' | 'paren';

interface PaperQuestion {
  number: number;
  line: number;
  endLine: number;
  stem: string[];
  options: Option[];
  implicit: boolean;
}

interface PaperSection {
  kind: SectionKind;
  title: string;
  numeral?: string;
  pointsEach?: number;
  pointsPerBlank?: number;
  partialPoints?: number;
  line: number;
  style?: NumberStyle;
  questions: PaperQuestion[];
}

interface RubricLine {
  text: string;
  points?: number;
  line: number;
}

interface PaperAnswer {
  number: number;
  line: number;
  key: string[];
  analysis: string[];
  reference: string[];
  rubric: RubricLine[];
  mode: 'key' | 'analysis' | 'reference' | 'rubric';
}

interface AnswerSection {
  title: string;
  line: number;
  target?: PaperSection;
  entries: PaperAnswer[];
}

const KIND_WORDS: Array<[RegExp, SectionKind]> = [
  [/^(单项选择题|单选题)/, 'choice'],
  [/^(多项选择题|多选题|不定项选择题)/, 'multi'],
  [/^选择题/, 'choice'],
  [/^(判断题|是非题|判断正误)/, 'truefalse'],
  [/^填空题/, 'blank'],
  [/^(简答题|问答题|计算题|应用题|分析题|编程题|程序设计题|程序题|名词解释|解答题)/, 'short'],
  [/^(论述题|综合题|材料题|设计题)/, 'essay'],
];

const NUMERAL = '[一二三四五六七八九十]+';
const SECTION_WITH_NUMERAL = new RegExp(`^(${NUMERAL})\\s*[、.]\\s*(\\S.*)$`);
const ANSWER_PART = /^(试卷答案|参考答案|标准答案|答案|答案解析|答案(及|与)解析|参考答案(及|与)(评分标准|解析|评分细则))\s*(?::\s*)?$/;
const DOT_NUMBER = /^(\d{1,6})\s*[.、](?!\d)\s*(.*)$/s;
const PAREN_NUMBER = /^\((\d{1,6})\)\s*(.*)$/s;
const OPTION_START = /^\(?([A-H])\s*[.、:)]/;
/** One `12.B,` of a key line `1.B 2.C … 30.A`; read in a loop by readCompactKeys, never as a repeated group. */
const COMPACT_KEY = /(\d{1,6})\s*[.、:]\s*([A-H]+)\s*(?:[,;，；]\s*)?/y;

/**
 * The keys of a line made only of `1.B 2.C 3.AD` entries (two or more), else undefined. A single
 * `^(?:…){2,}$` pattern backtracks exponentially on such a line followed by anything else.
 */
function readCompactKeys(h: string): Array<[number, string]> | undefined {
  const keys: Array<[number, string]> = [];
  COMPACT_KEY.lastIndex = 0;
  while (COMPACT_KEY.lastIndex < h.length) {
    const match = COMPACT_KEY.exec(h);
    if (!match) return undefined;
    keys.push([Number(match[1]), match[2]!]);
  }
  return keys.length >= 2 ? keys : undefined;
}
const RANGE_KEYS = /^(\d{1,6})\s*[-~～—]+\s*(\d{1,6})\s*(?:[.、:]\s*)?([A-H](?:\s*[A-H])+)$/;
const ANALYSIS_LABEL = /^(解析|分析|详解|解答|说明)\s*[:]\s*/;
const REFERENCE_LABEL = /^(答|参考答案|答案|参考要点|答题要点|解)\s*[:]\s*/;
const RUBRIC_LABEL = /^(评分要点|评分标准|评分细则|给分点|采分点)\s*[:]?\s*/;
/** 【答案】C【解析】… written right under a question, as many papers with answers do. */
const BRACKET_LABEL = /【\s*(答案|参考答案|解析|分析|详解|解答|点评|评分要点|评分标准)\s*】/g;
const INLINE_ANSWER_START = /^(【\s*(答案|参考答案|解析|分析|详解|解答|点评|评分要点|评分标准)\s*】|(答案|解析|评分要点)\s*:)/;
const POINTS_MARK = /[(]\s*(\d+(?:\.\d+)?)\s*分\s*[)]\s*(?:[。.;,]\s*)?$/;
const POINTS_EACH = /每(?:小)?题\s*(\d+(?:\.\d+)?)\s*分/;
const POINTS_PER_BLANK = /每(?:个)?空\s*(\d+(?:\.\d+)?)\s*分/;
const PARTIAL_POINTS = /少选(?:得|给)?\s*(\d+(?:\.\d+)?)\s*分/;
const SENTENCE_END = /[。.!?！？)）”"…;；:：\]】>》]$/;
/** The same runs the grader counts as blanks (src/grading/blank.ts). */
const BLANK_RUN = /[_＿]{2,}|＿/g;

/** Download-site chrome around papers copied from document sites (book118, 道客巴巴 …). */
const BOILERPLATE =
  /原创力文档|book118|文档评论|实名认证|文档贡献者|相关文档|VIP文档|成为VIP|VIP会员|VIP精品|下载本文档|版权申诉|侵权必究|查看更多|\+\s*关注|本文档由|上传文档|举报电话|如何避免下载|二次下载|下载权益|阅读免打扰|付费下载|用户上传|文档分享|\.(docx?|pdf|pptx?|wps)(VIP)?$/i;
const EXAM_HEADER = /考试时间|总分\s*[:：]|姓名\s*[:：_]|班级\s*[:：_]|学号\s*[:：_]|准考证号|座位号|得分\s*[:：_]|密封线/;
/** `题号 … 总分` by index, not `题号.*总分`, which rescans the rest of the line from every `题号`. */
function isExamHeader(text: string): boolean {
  const scoreTable = text.indexOf('题号');
  return EXAM_HEADER.test(text) || (scoreTable !== -1 && text.includes('总分', scoreTable + 2));
}
const PAGE_MARK = /^(第\s*\d+\s*页(\s*(?:[,，/]\s*)?共\s*\d+\s*页)?|[-—]\s*\d+\s*[-—]|\d+\s*\/\s*\d+)$/;
const TITLE_HINT = /试卷|试题|考试|测验|测试|练习|习题|期中|期末|真题|模拟|答案|exam|quiz|test/i;

function sectionKindOf(words: string): SectionKind | undefined {
  for (const [pattern, kind] of KIND_WORDS) if (pattern.test(words)) return kind;
  return undefined;
}

/** A section heading: `一、选择题（每题3分）`, `二. 多项选择题`, or a bare `判断题：`. */
interface SectionMatch {
  numeral?: string;
  kind: SectionKind;
  pointsEach?: number;
}

function matchSection(h: string): SectionMatch | undefined {
  const numbered = SECTION_WITH_NUMERAL.exec(h);
  const pointsEach = POINTS_EACH.exec(h)?.[1];
  const points = pointsEach ? Number(pointsEach) : undefined;
  if (numbered) {
    const words = numbered[2]!;
    const kind = sectionKindOf(words);
    if (kind) return { numeral: numbered[1], kind, pointsEach: points };
    // A numbered heading without a question-type word (五、综合应用): kind decided per question by its shape.
    if (words.length <= 24 && !/[?？。]$/.test(words)) return { numeral: numbered[1], kind: 'unknown', pointsEach: points };
    return undefined;
  }
  const kind = sectionKindOf(h);
  if (!kind) return undefined;
  const rest = h.replace(/^\S*?题/, '');
  // Trimmed first: leading, optional and trailing blanks side by side in one pattern backtrack quadratically.
  const tail = rest.trim().replace(/[:：]$/, '').trimEnd();
  if (tail === '' || /^[(（].*[)）]$/.test(tail)) return { kind, pointsEach: points };
  return undefined;
}

/**
 * Splits option text that may hold several options on one line (`A.外键  B.主键  C.索引  D.视图`).
 * Only a run of consecutive letters counts, so `A.` inside an option's text is left alone.
 */
export function splitOptions(original: string, firstKey: string): Option[] | undefined {
  const h = toHalfWidth(original);
  const marker = /(^|\s)\(?([A-H])\s*[.、:)]/g;
  const starts: Array<{ key: string; at: number; textAt: number }> = [];
  let expected = firstKey.charCodeAt(0);
  for (let match = marker.exec(h); match; match = marker.exec(h)) {
    const key = match[2]!;
    if (key.charCodeAt(0) !== expected) continue;
    starts.push({ key, at: match.index + match[1]!.length, textAt: match.index + match[0].length });
    expected += 1;
  }
  if (starts.length === 0 || starts[0]!.at !== 0) return undefined;
  return starts.map((start, index) => ({
    key: start.key,
    text: original.slice(start.textAt, index + 1 < starts.length ? starts[index + 1]!.at : undefined).trim(),
  }));
}

/** Options written after the stem on the same line: `下列哪个是主键（ ）A.x B.y C.z D.w`. */
function splitTrailingOptions(original: string): { stem: string; options: Option[] } | undefined {
  const h = toHalfWidth(original);
  const first = /(\s|[)）])(?:A\s*[.、:]|\(A\))/.exec(h);
  if (!first) return undefined;
  const at = first.index + first[1]!.length;
  const options = splitOptions(original.slice(at), 'A');
  if (!options || options.length < 2) return undefined;
  return { stem: original.slice(0, at).trim(), options };
}

/** `模式(或概念模式、逻辑模式)` → ['模式', '概念模式', '逻辑模式']. */
export function parseBlankAlternatives(answer: string): string[] {
  const accepted: string[] = [];
  const outside = answer.replace(/[(（]([^()（）]*)[)）]/g, (_m, inner: string) => {
    const alternatives = inner.replace(/^\s*(或者|或|也可以是|也可|亦可|又称|即)\s*/, '');
    for (const alternative of alternatives.split(/[、,，/]|或者|或/)) if (alternative.trim()) accepted.push(alternative.trim());
    return '';
  });
  const main = outside.trim();
  return main ? [main, ...accepted.filter((a) => a !== main)] : accepted;
}

function parseTrueFalse(key: string): boolean | undefined {
  const k = toHalfWidth(key).trim().replace(/[。.]$/, '').toUpperCase();
  if (/^(对|正确|√|✓|✔|T|TRUE|是|Y|YES)$/.test(k)) return true;
  if (/^(错|错误|×|✗|✘|X|F|FALSE|否|N|NO)$/.test(k)) return false;
  return undefined;
}

function parseRubricSegments(text: string, line: number): RubricLine[] {
  const segments = text
    .split(/[;；]|(?=[①-⑳])/)
    .map((segment) => segment.trim())
    .filter(Boolean);
  return segments.map((segment) => {
    const h = toHalfWidth(segment);
    const points = POINTS_MARK.exec(h);
    const body = segment
      .slice(0, points ? points.index : undefined)
      .replace(/^([①-⑳]|[(（]\s*\d+\s*[)）]|\d+\s*[.)、．]|[-·•*])\s*/, '')
      .trim();
    return { text: body || segment, points: points ? Number(points[1]) : undefined, line };
  });
}

interface LineInfo {
  index: number;
  raw: string;
  t: string;
  h: string;
}

export function parsePaper(text: string, options: { sourceName: string }): ParsedBank {
  const lines: LineInfo[] = text.split('\n').map((raw, index) => {
    const t = raw.trim();
    return { index: index + 1, raw, t, h: toHalfWidth(t) };
  });
  const skippedLines: Array<{ line: number; reason: SkippedRegion['reason']; detail: string; text: string }> = [];
  const warnings: ImportWarning[] = [];
  const skip = (line: LineInfo, reason: SkippedRegion['reason'], detail: string) =>
    skippedLines.push({ line: line.index, reason, detail, text: line.t });

  const sections: PaperSection[] = [];
  const answerSections: AnswerSection[] = [];
  let mode: 'preamble' | 'questions' | 'answers' = 'preamble';
  let section: PaperSection | undefined;
  let question: PaperQuestion | undefined;
  let answerSection: AnswerSection | undefined;
  let answer: PaperAnswer | undefined;
  const preamble: LineInfo[] = [];
  const hasSectionHeading = lines.some((line) => matchSection(line.h) !== undefined);

  const startSection = (line: LineInfo, match: SectionMatch) => {
    const perBlank = POINTS_PER_BLANK.exec(line.h)?.[1];
    const partial = PARTIAL_POINTS.exec(line.h)?.[1];
    section = {
      kind: match.kind,
      title: line.t,
      numeral: match.numeral,
      pointsEach: match.pointsEach,
      pointsPerBlank: perBlank ? Number(perBlank) : undefined,
      partialPoints: partial ? Number(partial) : undefined,
      line: line.index,
      questions: [],
    };
    sections.push(section);
    question = undefined;
  };

  const findTargetSection = (numeral: string | undefined, kind: SectionKind, order: number): PaperSection | undefined => {
    if (numeral) {
      const byNumeral = sections.find((candidate) => candidate.numeral === numeral && (candidate.kind === kind || kind === 'unknown'));
      if (byNumeral) return byNumeral;
    }
    const sameKind = sections.filter((candidate) => candidate.kind === kind);
    const taken = answerSections.filter((candidate) => candidate.target && candidate.target.kind === kind).length;
    return sameKind[taken] ?? sections[order];
  };

  const newAnswer = (number: number, line: LineInfo): PaperAnswer => {
    if (!answerSection) {
      // Answers without section headings: join by the question number across the whole paper.
      answerSection = { title: '(answers)', line: line.index, entries: [] };
      answerSections.push(answerSection);
    }
    answer = { number, line: line.index, key: [], analysis: [], reference: [], rubric: [], mode: 'key' };
    answerSection.entries.push(answer);
    return answer;
  };

  const addAnswerText = (entry: PaperAnswer, original: string, line: LineInfo): void => {
    if (/【/.test(original)) {
      // `【答案】C【解析】…` → `答案:C` then `解析:…`, one segment at a time.
      const segments = original.split(/(?=【\s*(?:答案|参考答案|解析|分析|详解|解答|点评|评分要点|评分标准)\s*】)/).filter((segment) => segment.trim());
      if (segments.length > 1 || BRACKET_LABEL.test(segments[0] ?? '')) {
        BRACKET_LABEL.lastIndex = 0;
        for (const segment of segments) {
          const labelled = segment.replace(BRACKET_LABEL, (_m, label: string) => `${label === '点评' ? '解析' : label}:`);
          BRACKET_LABEL.lastIndex = 0;
          addPlainAnswerText(entry, labelled, line);
        }
        return;
      }
      BRACKET_LABEL.lastIndex = 0;
    }
    addPlainAnswerText(entry, original, line);
  };

  const addPlainAnswerText = (entry: PaperAnswer, original: string, line: LineInfo) => {
    let rest = original.trim();
    const h = toHalfWidth(rest);
    if (entry.mode === 'rubric') {
      if (POINTS_MARK.test(h) || /^([①-⑳]|[-·•*])/.test(h)) {
        for (const item of parseRubricSegments(rest, line.index)) entry.rubric.push(item);
        return;
      }
    }
    const rubric = RUBRIC_LABEL.exec(h);
    if (rubric) {
      entry.mode = 'rubric';
      rest = rest.slice(rubric[0].length).trim();
      if (rest) for (const item of parseRubricSegments(rest, line.index)) entry.rubric.push(item);
      return;
    }
    const analysis = ANALYSIS_LABEL.exec(h);
    if (analysis) {
      entry.mode = 'analysis';
      rest = rest.slice(analysis[0].length).trim();
      if (rest) entry.analysis.push(rest);
      return;
    }
    const reference = REFERENCE_LABEL.exec(h);
    if (reference) {
      entry.mode = 'reference';
      rest = rest.slice(reference[0].length).trim();
      if (rest) entry.reference.push(rest);
      return;
    }
    if (!rest) return;
    if (entry.mode === 'key') {
      // `1.C 解析:…` on one line.
      const inline = /(解析|分析)\s*[:：]/.exec(rest);
      if (inline) {
        entry.key.push(rest.slice(0, inline.index).trim());
        entry.mode = 'analysis';
        const after = rest.slice(inline.index + inline[0].length).trim();
        if (after) entry.analysis.push(after);
        return;
      }
      entry.key.push(rest);
      return;
    }
    if (entry.mode === 'rubric') {
      for (const item of parseRubricSegments(rest, line.index)) entry.rubric.push(item);
      return;
    }
    (entry.mode === 'analysis' ? entry.analysis : entry.reference).push(rest);
  };

  let inBoilerplate = false;
  let lastText: LineInfo | undefined;
  let inlineAnswer: PaperAnswer | undefined;
  const inlineSections = new Map<PaperSection, AnswerSection>();
  const startInlineAnswer = (target: PaperSection, q: PaperQuestion, line: LineInfo): PaperAnswer => {
    let group = inlineSections.get(target);
    if (!group) {
      group = { title: `${target.title || '(questions)'} (answers under the questions)`, line: line.index, target, entries: [] };
      inlineSections.set(target, group);
      answerSections.push(group);
    }
    const entry: PaperAnswer = { number: q.number, line: line.index, key: [], analysis: [], reference: [], rubric: [], mode: 'key' };
    group.entries.push(entry);
    return entry;
  };
  for (const line of lines) {
    if (!line.t) continue;
    if (BOILERPLATE.test(line.t)) {
      skip(line, 'boilerplate', mode === 'preamble' ? 'page boilerplate before the paper' : 'page boilerplate (download notice, comments, related documents)');
      if (mode !== 'preamble' && !inBoilerplate && lastText && !SENTENCE_END.test(lastText.t) && lastText.t.length > 1) {
        warnings.push({ line: lastText.index, message: `the text stops mid-sentence ("…${lastText.t.slice(-12)}") before page boilerplate at line ${line.index}: the paper may be cut off` });
      }
      if (mode !== 'preamble') inBoilerplate = true;
      continue;
    }
    if (PAGE_MARK.test(line.h)) {
      skip(line, 'boilerplate', 'page number');
      continue;
    }
    if (mode !== 'preamble' && !inBoilerplate) lastText = line;
    const sectionMatch = matchSection(line.h);
    const isAnswerPart = ANSWER_PART.test(line.h) && mode !== 'answers' && mode !== 'preamble';
    const numberMatch = DOT_NUMBER.exec(line.h) ?? PAREN_NUMBER.exec(line.h);

    if (mode === 'preamble') {
      const startsPaper = sectionMatch !== undefined || (!hasSectionHeading && numberMatch !== null);
      if (!startsPaper) {
        if (isExamHeader(line.t)) skip(line, 'boilerplate', 'exam header (time, score, name)');
        else preamble.push(line);
        continue;
      }
      mode = 'questions';
      if (!sectionMatch) {
        section = { kind: 'unknown', title: '', line: line.index, questions: [] };
        sections.push(section);
      }
    }

    if (inBoilerplate) {
      const structural = sectionMatch !== undefined || isAnswerPart || numberMatch !== null || readCompactKeys(line.h) !== undefined || RANGE_KEYS.test(line.h);
      if (!structural) {
        skip(line, 'boilerplate', 'page boilerplate (download notice, comments, related documents)');
        continue;
      }
      inBoilerplate = false;
    }

    if (isAnswerPart) {
      mode = 'answers';
      answerSection = undefined;
      answer = undefined;
      continue;
    }

    if (mode === 'questions') {
      if (sectionMatch) {
        startSection(line, sectionMatch);
        inlineAnswer = undefined;
        continue;
      }
      if (question && (inlineAnswer || INLINE_ANSWER_START.test(line.h)) && !DOT_NUMBER.test(line.h) && !(PAREN_NUMBER.test(line.h) && section?.style === 'paren')) {
        inlineAnswer ??= startInlineAnswer(section!, question, line);
        addAnswerText(inlineAnswer, line.t, line);
        continue;
      }
      if (isExamHeader(line.t) && !question) {
        skip(line, 'boilerplate', 'exam header (time, score, name)');
        continue;
      }
      const current = section!;
      const style: NumberStyle | undefined = DOT_NUMBER.test(line.h) ? 'dot' : PAREN_NUMBER.test(line.h) ? 'paren' : undefined;
      if (numberMatch && style && (current.style === undefined || current.style === style)) {
        current.style = style;
        inlineAnswer = undefined;
        const rest = line.t.slice(line.t.length - numberMatch[2]!.length);
        question = { number: Number(numberMatch[1]), line: line.index, endLine: line.index, stem: [], options: [], implicit: false };
        current.questions.push(question);
        const trailing = splitTrailingOptions(rest);
        if (trailing) {
          question.stem.push(trailing.stem);
          question.options.push(...trailing.options);
        } else if (rest) question.stem.push(rest);
        continue;
      }
      if (OPTION_START.test(line.h) && question) {
        const nextKey = String.fromCharCode(65 + question.options.length);
        const split = splitOptions(line.t, nextKey);
        if (split) {
          question.options.push(...split);
          question.endLine = line.index;
          continue;
        }
      }
      if (!question) {
        // Text right under a heading, before any number: one unnumbered question (论述题 often has one).
        question = { number: (current.questions.at(-1)?.number ?? 0) + 1, line: line.index, endLine: line.index, stem: [], options: [], implicit: true };
        current.questions.push(question);
      }
      if (question.options.length > 0) question.options.at(-1)!.text += `\n${line.t}`;
      else question.stem.push(line.t);
      question.endLine = line.index;
      continue;
    }

    // mode === 'answers'
    if (sectionMatch) {
      const target = findTargetSection(sectionMatch.numeral, sectionMatch.kind, answerSections.length);
      answerSection = { title: line.t, line: line.index, target, entries: [] };
      answerSections.push(answerSection);
      answer = undefined;
      if (!target) skip(line, 'unparsed', `answer section "${line.t}" matches no question section`);
      continue;
    }
    const compact = readCompactKeys(line.h);
    if (compact && (!answer || answer.mode === 'key')) {
      for (const [number, key] of compact) newAnswer(number, line).key.push(key);
      continue;
    }
    const range = RANGE_KEYS.exec(line.h);
    if (range && (!answer || answer.mode === 'key')) {
      const from = Number(range[1]);
      const letters = range[3]!.replace(/\s+/g, '');
      if (Number(range[2]) - from + 1 === letters.length) {
        [...letters].forEach((letter, offset) => newAnswer(from + offset, line).key.push(letter));
        continue;
      }
    }
    const style: NumberStyle | undefined = DOT_NUMBER.test(line.h) ? 'dot' : PAREN_NUMBER.test(line.h) ? 'paren' : undefined;
    const targetStyle = answerSection?.target?.style;
    const inRubricPoint = answer?.mode === 'rubric' && POINTS_MARK.test(line.h);
    // `1. 首先… 2. 其次…` inside a model answer: numbers that do not move past the current answer are content.
    const itemInText = answer !== undefined && answer.mode !== 'key' && numberMatch !== null && Number(numberMatch[1]) <= answer.number;
    if (numberMatch && style && !inRubricPoint && !itemInText && (targetStyle === undefined || targetStyle === style || answer?.mode === 'key')) {
      const entry = newAnswer(Number(numberMatch[1]), line);
      addAnswerText(entry, line.t.slice(line.t.length - numberMatch[2]!.length), line);
      continue;
    }
    if (!answer) {
      if (!answerSection?.target) {
        skip(line, 'unparsed', 'text in the answer part outside any answer');
        continue;
      }
      answer = newAnswer((answerSection.entries.at(-1)?.number ?? 0) + 1, line);
    }
    addAnswerText(answer, line.t, line);
  }

  // Title: the preamble line that looks like a paper title; the rest of the preamble is boilerplate.
  const titleLine =
    [...preamble].reverse().find((line) => TITLE_HINT.test(line.t) && line.t.length <= 80) ?? preamble.find((line) => line.t.length <= 80);
  const title = titleLine?.t;
  const descriptionLines: string[] = [];
  for (const line of preamble) {
    if (line === titleLine) continue;
    if (titleLine && line.index > titleLine.index) descriptionLines.push(line.t);
    else skip(line, 'boilerplate', 'text before the paper');
  }

  // Join answers to questions.
  const answersBySection = new Map<PaperSection, Map<number, PaperAnswer>>();
  const numbersBySection = new Map(sections.map((candidate) => [candidate, new Set(candidate.questions.map((q) => q.number))]));
  for (const group of answerSections) {
    for (const entry of group.entries) {
      let target = group.target;
      if (!target && group.title === '(answers)') {
        const owners = sections.filter((candidate) => numbersBySection.get(candidate)!.has(entry.number));
        target = owners.length === 1 ? owners[0] : owners.find((candidate) => !answersBySection.get(candidate)?.has(entry.number));
      }
      const matched = target !== undefined && numbersBySection.get(target)!.has(entry.number);
      if (!target || !matched) {
        skippedLines.push({
          line: entry.line,
          reason: 'unparsed',
          detail: `answer ${entry.number}${group.target ? ` in "${group.title}"` : ''} matches no question`,
          text: [...entry.key, ...entry.reference, ...entry.analysis].join(' '),
        });
        continue;
      }
      const map = answersBySection.get(target) ?? new Map<number, PaperAnswer>();
      if (map.has(entry.number)) warnings.push({ line: entry.line, message: `a second answer for question ${entry.number} in "${target.title}" was ignored` });
      else map.set(entry.number, entry);
      answersBySection.set(target, map);
    }
  }

  const questions: ParsedQuestion[] = [];
  const counters = new Map<string, number>();
  const nextId = (type: string) => {
    const n = (counters.get(type) ?? 0) + 1;
    counters.set(type, n);
    return `${type}-${n}`;
  };
  const bankSections: NonNullable<ParsedBank['sections']> = [];
  const defaultsWarned = new Set<PaperSection>();

  for (const current of sections) {
    const ids: string[] = [];
    const answers = answersBySection.get(current) ?? new Map<number, PaperAnswer>();
    for (const q of current.questions) {
      const built = buildQuestion(current, q, answers.get(q.number), warnings, nextId, defaultsWarned);
      if ('skip' in built) {
        skippedLines.push({ line: q.line, reason: 'unparsed', detail: built.skip, text: q.stem.join(' ') });
        for (let line = q.line + 1; line <= q.endLine; line += 1) skippedLines.push({ line, reason: 'unparsed', detail: built.skip, text: '' });
        continue;
      }
      questions.push(built.question);
      ids.push(built.question.id);
    }
    if (ids.length > 0) {
      bankSections.push({
        title: current.title || '(questions)',
        questionIds: ids,
        ...(current.pointsEach !== undefined ? { pointsEach: current.pointsEach } : {}),
      });
    }
  }

  return {
    title: title ?? options.sourceName,
    ...(descriptionLines.length > 0 ? { description: descriptionLines.join('\n') } : {}),
    questions,
    sections: bankSections,
    skipped: mergeSkipped(skippedLines, lines),
    warnings,
    errors: questions.length === 0 && sections.length === 0 ? [{ message: 'no section headings (一、选择题 …) or numbered questions were found: is this an exam paper?' }] : [],
  };
}

const DEFAULT_POINTS: Record<Exclude<SectionKind, 'unknown'>, number> = { choice: 1, multi: 2, truefalse: 1, blank: 1, short: 5, essay: 10 };

function buildQuestion(
  section: PaperSection,
  q: PaperQuestion,
  entry: PaperAnswer | undefined,
  warnings: ImportWarning[],
  nextId: (type: string) => string,
  defaultsWarned: Set<PaperSection>,
): { question: ParsedQuestion } | { skip: string } {
  let stem = q.stem.join('\n').trim();
  const inlinePoints = /^[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*/.exec(stem);
  if (inlinePoints) stem = stem.slice(inlinePoints[0].length).trim();
  let kind: Exclude<SectionKind, 'unknown'>;
  if (section.kind !== 'unknown') kind = section.kind;
  else if (q.options.length >= 2) kind = 'choice';
  else if (BLANK_RUN.test(stem)) kind = 'blank';
  else kind = 'short';
  BLANK_RUN.lastIndex = 0;
  if (!stem) return { skip: `question ${q.number} in "${section.title}" has no text` };

  const keyText = (entry?.key.join(' ').trim() || (kind !== 'short' && kind !== 'essay' ? entry?.reference.join(' ') : '') || '').trim();
  const analysis = (entry?.analysis ?? []).join('\n').trim();
  const blankCount = (stem.match(BLANK_RUN) ?? []).length;
  const statedPoints = inlinePoints
    ? Number(inlinePoints[1])
    : (section.pointsEach ?? (kind === 'blank' && section.pointsPerBlank !== undefined ? section.pointsPerBlank * Math.max(1, blankCount) : undefined));
  const points = statedPoints ?? DEFAULT_POINTS[kind];
  if (statedPoints === undefined && !defaultsWarned.has(section)) {
    defaultsWarned.add(section);
    const unless = kind === 'short' || kind === 'essay' ? ' unless its marking points add up to more' : '';
    warnings.push({ line: section.line, message: `"${section.title || '(questions)'}" states no points: ${points} per question assumed${unless}` });
  }
  const base = { stem, analysis, points, line: q.line };

  if (kind === 'choice' || kind === 'multi') {
    if (q.options.length < 2) return { skip: `choice question ${q.number} in "${section.title}" has fewer than two options` };
    const keys = new Set(q.options.map((option) => option.key));
    const letters = toHalfWidth(keyText).toUpperCase().replace(/[^A-H]/g, '');
    const looksLikeKey = /^[\sA-Ha-hＡ-Ｈ,，、;；.。]*$/.test(keyText);
    const type = kind === 'multi' || letters.length > 1 ? 'multi' : 'choice';
    const id = nextId(type);
    if (kind === 'choice' && letters.length > 1) warnings.push({ line: q.line, questionId: id, message: `key "${keyText}" has several letters: imported as a multi-select question` });
    const hasKey = entry !== undefined && letters.length > 0 && looksLikeKey;
    const unknown = [...letters].filter((letter) => !keys.has(letter));
    if (entry && keyText && !looksLikeKey) {
      warnings.push({ line: entry.line, questionId: id, message: `answer "${excerptOf(keyText, 30)}" is not an option key: kept as a draft` });
    } else if (hasKey && unknown.length > 0) {
      warnings.push({ line: entry.line, questionId: id, message: `key "${keyText}" names option ${unknown.join(', ')} that the question does not have: kept as a draft` });
    }
    const usable = hasKey && unknown.length === 0;
    if (type === 'choice') {
      return { question: { ...base, id, type, options: q.options, answer: usable ? letters : '', ...(usable ? {} : { status: 'draft' as const }) } };
    }
    return {
      question: {
        ...base,
        id,
        type,
        options: q.options,
        answer: usable ? [...new Set(letters)].sort() : [],
        scoring: 'exam',
        ...(section.partialPoints !== undefined && section.partialPoints < points ? { partialCredit: section.partialPoints / points } : {}),
        ...(usable ? {} : { status: 'draft' as const }),
      },
    };
  }

  if (kind === 'truefalse') {
    const value = keyText ? parseTrueFalse(keyText) : undefined;
    if (value === undefined) {
      // A true/false answer has no empty form: keep the question as a draft choice between 正确/错误.
      const id = nextId('choice');
      warnings.push({
        line: q.line,
        questionId: id,
        message: keyText
          ? `true/false answer "${excerptOf(keyText, 20)}" is not 对/错/√/×: kept as a draft choice (正确/错误)`
          : 'true/false question without an answer: kept as a draft choice (正确/错误); set its type to truefalse when you add the answer',
      });
      return { question: { ...base, id, type: 'choice', options: [{ key: 'A', text: '正确' }, { key: 'B', text: '错误' }], answer: '', status: 'draft' } };
    }
    return { question: { ...base, id: nextId('truefalse'), type: 'truefalse', answer: value } };
  }

  if (kind === 'blank') {
    let blankStem = stem;
    let count = (blankStem.match(BLANK_RUN) ?? []).length;
    if (count === 0 && /[(（]\s*[)）]/.test(blankStem)) {
      blankStem = blankStem.replace(/[(（]\s*[)）]/g, '____');
      count = (blankStem.match(BLANK_RUN) ?? []).length;
    }
    const id = nextId('blank');
    if (count === 0) {
      blankStem = `${blankStem} ____`;
      count = 1;
      warnings.push({ line: q.line, questionId: id, message: 'fill-in question without a blank (____): one blank added at the end' });
    }
    let parts = keyText ? keyText.split(/[;；]/).map((part) => part.trim()).filter(Boolean) : [];
    if (parts.length === 1 && count > 1) {
      const spaced = keyText.split(/\s{2,}|\u3000+|[，,]/).map((part) => part.trim()).filter(Boolean);
      if (spaced.length === count) parts = spaced;
    }
    const usable = parts.length === count;
    if (keyText && !usable) warnings.push({ line: entry?.line ?? q.line, questionId: id, message: `answer "${excerptOf(keyText, 40)}" has ${parts.length} part(s) for ${count} blank(s): kept as a draft` });
    const blanks = usable ? parts.map((part) => ({ accept: parseBlankAlternatives(part) })) : Array.from({ length: count }, () => ({ accept: [] as string[] }));
    return { question: { ...base, stem: blankStem, id, type: 'blank', blanks, ...(usable ? {} : { status: 'draft' as const }) } };
  }

  // short / essay
  const id = nextId(kind);
  const reference = (entry && entry.reference.length > 0 ? entry.reference : keyText ? [keyText] : []).join('\n').trim();
  let rubric: RubricPoint[] = [];
  let questionPoints = points;
  if (entry && entry.rubric.length > 0) {
    const stated = entry.rubric.filter((point) => point.points !== undefined);
    if (stated.length === entry.rubric.length) {
      rubric = entry.rubric.map((point) => ({ point: point.text, points: point.points! }));
      const sum = rubric.reduce((total, point) => total + point.points, 0);
      if (statedPoints !== undefined && Math.abs(sum - statedPoints) > 1e-9) {
        warnings.push({ line: entry.rubric[0]!.line, questionId: id, message: `marking points add up to ${sum}, the paper says ${statedPoints}: the question is worth ${sum}` });
      }
      questionPoints = sum;
    } else {
      rubric = entry.rubric.map((point) => ({ point: point.text, points: questionPoints / entry.rubric.length }));
      warnings.push({ line: entry.rubric[0]!.line, questionId: id, message: `some marking points state no points: ${questionPoints} points shared equally` });
    }
  } else if (reference) {
    rubric = [{ point: '与参考答案的要点一致', points: questionPoints }];
    warnings.push({ line: entry?.line ?? q.line, questionId: id, message: 'no 评分要点: one marking point "与参考答案的要点一致" covers the whole question' });
  }
  const usable = reference.length > 0 && rubric.length > 0;
  return {
    question: {
      ...base,
      points: questionPoints,
      id,
      type: kind,
      reference: usable ? reference : '',
      rubric: usable ? rubric : [],
      ...(usable ? {} : { status: 'draft' as const }),
    },
  };
}

/** Joins skipped lines into regions: same reason and detail, separated only by blank lines. */
function mergeSkipped(
  skipped: Array<{ line: number; reason: SkippedRegion['reason']; detail: string; text: string }>,
  lines: LineInfo[],
): SkippedRegion[] {
  const sorted = [...skipped].sort((a, b) => a.line - b.line);
  const regions: Array<SkippedRegion & { texts: string[] }> = [];
  for (const item of sorted) {
    const last = regions.at(-1);
    const onlyBlankBetween = last !== undefined && lines.slice(last.toLine, item.line - 1).every((line) => line.t === '');
    if (last && last.reason === item.reason && last.detail === item.detail && onlyBlankBetween) {
      last.toLine = item.line;
      if (item.text) last.texts.push(item.text);
    } else {
      regions.push({ fromLine: item.line, toLine: item.line, reason: item.reason, detail: item.detail, excerpt: '', texts: item.text ? [item.text] : [] });
    }
  }
  return regions.map(({ texts, ...region }) => ({ ...region, excerpt: excerptOf(texts.join(' ')) }));
}
