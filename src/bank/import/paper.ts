import type { Option, RubricPoint } from '../schema.ts';
import { countListItems, readGridRow, readLeadingPoints, readMarksNote, splitInlineMarks } from './paper-marks.ts';
import { excerptOf, toHalfWidth } from './text.ts';
import type { ImportWarning, ParsedBank, ParsedQuestion, SkippedRegion } from './types.ts';
import { countNoun, pluralWord } from '../../messages/format.ts';

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
  /** The section's total (`共10分`, `（20分）`, `(20 marks)`). */
  totalPoints?: number;
  pointsPerBlank?: number;
  partialPoints?: number;
  line: number;
  style?: NumberStyle;
  questions: PaperQuestion[];
}

interface RubricLine {
  text: string;
  points?: number;
  /** Points per item when the point is marked per item (每种4分) and no count says how many. */
  each?: number;
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
  /** `4.（共8分）` in the answer part: what the question is worth. */
  statedPoints?: number;
  /** A numbered list inside this answer (`(1)…(4)`, `1.…2.`): its numbers are content, not new answers. */
  subList?: { style: NumberStyle; next: number };
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

const ENGLISH_KIND_WORDS: Array<[RegExp, SectionKind]> = [
  [/^(multiple[ -]response|multiple[ -]answer|select all)/i, 'multi'],
  [/^(multiple[ -]choice|single[ -]choice)/i, 'choice'],
  [/^(true or false|true\/false|true \/ false|true-false)/i, 'truefalse'],
  [/^(fill[ -]in|completion|gap[ -]fill)/i, 'blank'],
  [/^(short[ -]answer|short questions|structured questions|problems)/i, 'short'],
  [/^(essay|long[ -]answer|extended response|discussion)/i, 'essay'],
];
/** `Section A: Multiple Choice (2 marks each)`, `Part II – True or False`. */
const ENGLISH_SECTION = /^(?:section|part) ([A-Z]|[IVX]{1,4}|\d{1,2})(?: ?[:.\-–—] ?| )(\S.*)$/i;
const ENGLISH_POINTS_EACH = /(\d{1,3}(?:\.\d{1,2})?) ?(?:marks?|points?) each|each (\d{1,3}) ?(?:marks?|points?)/i;

const NUMERAL = '[一二三四五六七八九十]+';
const SECTION_WITH_NUMERAL = new RegExp(`^(${NUMERAL})\\s*[、.]\\s*(\\S.*)$`);
const ANSWER_PART = /^(试卷答案|参考答案|标准答案|答案|答案解析|答案(及|与)解析|参考答案(及|与)(评分标准|解析|评分细则))\s*(?::\s*)?$/;
const DOT_NUMBER = /^(\d{1,6})\s*(?:\.(?!\d)|、)\s*(.*)$/s;
/** `1．8位补码…`: a full-width dot after a number is never a decimal point, so it numbers the question. */
const FULL_WIDTH_DOT_NUMBER = /^([0-9０-９]{1,6})[ \u3000]?．/;
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
const ANALYSIS_LABEL = /^(解析|分析|详解|解答|说明|explanation|rationale|feedback)\s*[:]\s*/i;
const REFERENCE_LABEL = /^(答|参考答案|答案|参考要点|答题要点|解|answer|model answer|suggested answer|sample answer)\s*[:]\s*/i;
const RUBRIC_LABEL = /^(评分要点|评分标准|评分细则|给分点|采分点|marking scheme|mark scheme|marking guide|marking criteria)\s*[:]?\s*/i;
/** 【答案】C【解析】… written right under a question, as many papers with answers do. */
/** The start of an answer rather than of an item in one: `答：`, `参考答案：`, `【答案】`, a lone choice key. */
const ANSWER_OPENING = /^(答|解|参考答案|答案|参考要点|answer|model answer)\s*:|^【|^[A-H]{1,8}$/i;
const BRACKET_LABEL = /【\s*(答案|参考答案|解析|分析|详解|解答|点评|评分要点|评分标准)\s*】/g;
const INLINE_ANSWER_START = /^(【\s*(答案|参考答案|解析|分析|详解|解答|点评|评分要点|评分标准)\s*】|(答案|解析|评分要点)\s*:|(answer|model answer|suggested answer|explanation|marking scheme|mark scheme)\s*:)/i;
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
  for (const [pattern, kind] of ENGLISH_KIND_WORDS) if (pattern.test(words)) return kind;
  return undefined;
}

/** What a heading says the whole section is worth: `共10分`, a bare `（20分）`, `(20 marks)`. */
function sectionTotalOf(h: string): number | undefined {
  const total = /共\s?(\d{1,3}(?:\.\d{1,2})?)\s?分/.exec(h);
  if (total) return Number(total[1]);
  const open = h.lastIndexOf('(');
  if (open < 0) return undefined;
  const note = readMarksNote(h.slice(open));
  return note?.each === undefined ? note?.points : undefined;
}

/** A section heading: `一、选择题（每题3分）`, `二. 多项选择题`, or a bare `判断题：`. */
interface SectionMatch {
  numeral?: string;
  kind: SectionKind;
  pointsEach?: number;
}

function matchSection(h: string): SectionMatch | undefined {
  const numbered = SECTION_WITH_NUMERAL.exec(h);
  const english = ENGLISH_POINTS_EACH.exec(h);
  const pointsEach = POINTS_EACH.exec(h)?.[1] ?? english?.[1] ?? english?.[2];
  const points = pointsEach ? Number(pointsEach) : undefined;
  const lettered = ENGLISH_SECTION.exec(h);
  if (lettered) {
    const kind = sectionKindOf(lettered[2]!);
    return kind ? { numeral: lettered[1]!.toUpperCase(), kind, pointsEach: points } : undefined;
  }
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
    const alternatives = inner.replace(/^\s*(或者|或|也可以是|也可|亦可|又称|即|or|also|accept)\s/i, '').replace(/^\s*(或者|或|也可以是|也可|亦可|又称|即)/, '');
    for (const alternative of alternatives.split(/[、,，/]|或者|或|\bor\b/)) if (alternative.trim()) accepted.push(alternative.trim());
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

/**
 * Papers handed out with their answers filled in (答案版): `…是（ C ）`, `…元素。（√）`. The key is
 * the last bracket of the stem when nothing but punctuation follows it and it holds only option
 * letters (choice) or a true/false mark; the stem keeps an empty bracket.
 */
function readBracketKey(stem: string, kind: 'choice' | 'multi' | 'truefalse'): { stem: string; key: string } | undefined {
  const h = toHalfWidth(stem);
  let end = h.length;
  while (end > 0 && '。.?？!！ \t'.includes(h.charAt(end - 1))) end -= 1;
  if (end === 0 || h.charAt(end - 1) !== ')') return undefined;
  const open = h.lastIndexOf('(', end - 1);
  if (open < 0 || end - open > 12) return undefined;
  // `f(A)` is a function call, not a key.
  if (open > 0 && /[A-Za-z0-9_]/.test(h.charAt(open - 1))) return undefined;
  const inner = h.slice(open + 1, end - 1).replace(/\s+/g, '');
  const isKey = kind === 'truefalse' ? parseTrueFalse(inner) !== undefined : /^[A-H]{1,8}$/.test(inner);
  if (!isKey) return undefined;
  return { stem: `${stem.slice(0, open)}（ ）${stem.slice(end)}`.trim(), key: inner };
}

function parseRubricSegments(text: string, line: number): RubricLine[] {
  const segments = text
    .split(/[;；]|(?=[①-⑳])/)
    .map((segment) => segment.trim())
    .filter(Boolean);
  return segments.map((segment) => {
    const note = readMarksNote(segment);
    // A note that only states the points is dropped from the point; one that says how to count (每种4分，至少三种) stays.
    const kept = note ? (note.each !== undefined ? `${note.body}${/[\w.]$/.test(note.body) ? ' ' : ''}${note.note}` : note.body) : segment;
    const body = kept.replace(/^([①-⑳]|[(（]\s*\d+\s*[)）]|\d+\s*[.)、．]|[-·•*])\s*/, '').trim();
    return { text: body || segment, points: note?.points, ...(note?.each !== undefined && note.points === undefined ? { each: note.each } : {}), line };
  });
}

/** A numbered line under an answer written below its question: an item of the answer's own list? */
function isInlineListItem(entry: PaperAnswer, style: NumberStyle, number: number, questionNumber: number): boolean {
  if (number === questionNumber + 1) return false;
  if (number === 1) return true;
  return entry.subList?.style === style && entry.subList.next === number;
}

/**
 * `参考要点：(1)… (2)…` on one line: the list goes on with `(3)` on the next line. Counts the `(n)`
 * markers from (1) upwards with `includes`, so a long line costs one scan per marker.
 */
function noteInlineList(entry: PaperAnswer, text: string): void {
  if (entry.mode === 'key' && !/^(答|参考答案|答案|参考要点|答题要点|解)\s*[:：]/.test(text)) return;
  const h = toHalfWidth(text);
  if (!h.includes('(1)')) return;
  let last = 1;
  while (last < 50 && h.includes(`(${last + 1})`)) last += 1;
  if (last > 1 || !h.startsWith('(1)')) entry.subList = { style: 'paren', next: last + 1 };
}

/** True when a line ends in a marks note: `场景分析（4分）`, `(2 marks each, all four)`. */
function hasMarksNote(text: string): boolean {
  return readMarksNote(text) !== undefined;
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
    const h = toHalfWidth(t);
    const fullWidthDot = FULL_WIDTH_DOT_NUMBER.exec(t);
    return { index: index + 1, raw, t, h: fullWidthDot ? `${h.slice(0, fullWidthDot[0].length - 1)}、${h.slice(fullWidthDot[0].length)}` : h };
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
      totalPoints: sectionTotalOf(line.h),
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
    const answered = answeredNumbers.get(answerSection) ?? new Set<number>();
    answered.add(number);
    answeredNumbers.set(answerSection, answered);
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
    const isFirstText = entry.key.length + entry.analysis.length + entry.reference.length + entry.rubric.length === 0;
    const leading = isFirstText && entry.statedPoints === undefined ? readLeadingPoints(rest) : undefined;
    if (leading) {
      // `4.（共8分）答：…`: what the question is worth, as the answer part states it.
      entry.statedPoints = leading.points;
      rest = leading.rest;
      if (!rest) return;
    }
    noteInlineList(entry, rest);
    const h = toHalfWidth(rest);
    if (entry.mode === 'rubric') {
      if (hasMarksNote(rest) || /^([①-⑳]|[-·•*])/.test(h)) {
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

  let pendingGrid: { numbers: number[]; line: LineInfo } | undefined;
  /**
   * `(2)` after `(1)` inside an answer continues the answer's own list. When the list is numbered like
   * the questions themselves, a number that is still an unanswered question of this part starts that
   * question's answer instead.
   */
  // The last line numbered `n.` (or `(n)`) that opens an answer (`n. 答：`), per style and number.
  const lastOpening = new Map<string, number>();
  for (const line of lines) {
    const dot = DOT_NUMBER.exec(line.h);
    const numbered = dot ?? PAREN_NUMBER.exec(line.h);
    if (numbered && ANSWER_OPENING.test(numbered[2]!)) lastOpening.set(`${dot ? 'dot' : 'paren'}:${numbered[1]}`, line.index);
  }
  const continuesSubList = (entry: PaperAnswer, style: NumberStyle, number: number, targetStyle: NumberStyle | undefined, rest: string, at: number): boolean => {
    if (entry.mode === 'key' || entry.subList?.style !== style || entry.subList.next !== number) return false;
    // `4. 答：…` opens an answer whatever list came before it.
    if (ANSWER_OPENING.test(rest)) return false;
    if (style !== targetStyle || !answerSection?.target) return true;
    // `2. 丁` inside answer 1 when `2. 答：…` comes further down: an item of the list.
    if ((lastOpening.get(`${style}:${number}`) ?? 0) > at) return true;
    // Looked up in sets kept per section: a paper of thousands of answers must not rescan them per line.
    const numbers = questionNumbersOf(answerSection.target);
    const answered = answeredNumbers.get(answerSection) ?? new Set<number>();
    return !numbers.has(number) || answered.has(number);
  };
  const questionNumberSets = new Map<PaperSection, Set<number>>();
  const questionNumbersOf = (target: PaperSection): Set<number> => {
    let numbers = questionNumberSets.get(target);
    if (!numbers) {
      numbers = new Set(target.questions.map((candidate) => candidate.number));
      questionNumberSets.set(target, numbers);
    }
    return numbers;
  };
  const answeredNumbers = new Map<AnswerSection, Set<number>>();
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
      const numbered = DOT_NUMBER.test(line.h) ? 'dot' : PAREN_NUMBER.test(line.h) && section?.style === 'paren' ? 'paren' : undefined;
      // `1. Atomicity…` under `Model answer:`: a list in the answer, unless the number is the next question's.
      const listItem =
        question !== undefined &&
        inlineAnswer !== undefined &&
        inlineAnswer.mode !== 'key' &&
        numbered !== undefined &&
        numberMatch !== null &&
        isInlineListItem(inlineAnswer, numbered, Number(numberMatch[1]), question.number);
      if (listItem) {
        const number = Number(numberMatch[1]);
        inlineAnswer!.subList = { style: numbered, next: number + 1 };
      }
      if (question && (inlineAnswer || INLINE_ANSWER_START.test(line.h)) && (numbered === undefined || listItem)) {
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
    // `一、推理速度为什么重要` inside a model answer is a heading of that answer, not a part of the paper:
    // only a heading naming a question type, or one the question part has too, starts an answer section.
    const answerHeading =
      sectionMatch && (sectionMatch.kind !== 'unknown' || sections.some((candidate) => candidate.kind === 'unknown' && candidate.numeral === sectionMatch.numeral))
        ? sectionMatch
        : undefined;
    if (answerHeading) {
      const target = findTargetSection(answerHeading.numeral, answerHeading.kind, answerSections.length);
      answerSection = { title: line.t, line: line.index, target, entries: [] };
      answerSections.push(answerSection);
      answer = undefined;
      if (!target) skip(line, 'unparsed', `answer section "${line.t}" matches no question section`);
      pendingGrid = undefined;
      continue;
    }
    const grid = !answer || answer.mode === 'key' ? readGridRow(line.t) : undefined;
    if (grid?.label === 'numbers') {
      pendingGrid = { numbers: grid.cells.map(Number), line };
      continue;
    }
    if (grid?.label === 'answers' && pendingGrid) {
      const { numbers } = pendingGrid;
      if (grid.cells.length !== numbers.length) {
        warnings.push({ line: line.index, message: `answer row has ${countNoun(grid.cells.length, 'cell')} for the ${countNoun(numbers.length, 'question number')} above it: the row was not read` });
        skip(line, 'unparsed', 'answer grid row that does not line up with its question numbers');
      } else {
        numbers.forEach((number, at) => newAnswer(number, line).key.push(grid.cells[at]!));
      }
      pendingGrid = undefined;
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
    const inRubricPoint = answer?.mode === 'rubric' && hasMarksNote(line.t);
    // `1. 首先… 2. 其次…` inside a model answer: numbers that do not move past the current answer are content.
    const itemInText = answer !== undefined && answer.mode !== 'key' && numberMatch !== null && Number(numberMatch[1]) <= answer.number;
    const inSubList = answer !== undefined && numberMatch !== null && style !== undefined && continuesSubList(answer, style, Number(numberMatch[1]), targetStyle, numberMatch[2]!, line.index);
    if (answer && numberMatch && style && (itemInText || inSubList) && answer.mode !== 'rubric') {
      const number = Number(numberMatch[1]);
      answer.subList = number === 1 || !answer.subList ? { style, next: number + 1 } : { style, next: answer.subList.next + 1 };
    }
    if (numberMatch && style && !inRubricPoint && !itemInText && !inSubList && (targetStyle === undefined || targetStyle === style || answer?.mode === 'key')) {
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
  const titleLine = pickTitle(preamble);
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
    const built = questions.slice(questions.length - ids.length);
    const sum = Math.round(built.reduce((total, candidate) => total + candidate.points, 0) * 100) / 100;
    const drafts = built.some((candidate) => candidate.status === 'draft');
    if (current.totalPoints !== undefined && current.questions.length > 1 && !drafts && Math.abs(sum - current.totalPoints) > 1e-9) {
      warnings.push({ line: current.line, message: `"${current.title}" states ${current.totalPoints} points, its questions add up to ${sum}: each question keeps its own points` });
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

/** `注意事项：本试卷…`, `Instructions: answer all questions in this test`: about the paper, not its title. */
const INSTRUCTIONS = /^(注意事项|考生须知|说明|答题要求|instructions|note|notes|directions)\s*[:：]?/i;
/** `课程代码：AI302`, `Time allowed: 60 minutes`: a label and its value. */
const FIELD_LINE = /^[^:：]{1,15}[:：]/;

/**
 * The paper's title among the lines before it starts: the last line that reads like a title (试卷,
 * 期末, exam …) and is neither a field (`考试形式：闭卷`) nor an instruction; the school and term lines
 * above it are headers, not the title.
 */
function pickTitle<T extends { t: string }>(preamble: T[]): T | undefined {
  const candidates = preamble.filter((line) => line.t.length <= 80 && !INSTRUCTIONS.test(line.t));
  const titled = candidates.filter((line) => TITLE_HINT.test(line.t));
  return (
    [...titled].reverse().find((line) => !FIELD_LINE.test(line.t) || /[试测考]/.test(line.t.slice(0, line.t.search(/[:：]/)))) ??
    titled.at(-1) ??
    candidates.find((line) => !FIELD_LINE.test(line.t)) ??
    candidates[0]
  );
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
  // `…说明理由。（12分）`, `… (10 marks)` at the end of the stem.
  const trailingNote = inlinePoints ? undefined : readMarksNote(stem);
  const trailingPoints = trailingNote && trailingNote.each === undefined && trailingNote.body ? trailingNote.points : undefined;
  if (trailingPoints !== undefined) stem = trailingNote!.body;
  let kind: Exclude<SectionKind, 'unknown'>;
  if (section.kind !== 'unknown') kind = section.kind;
  else if (q.options.length >= 2) kind = 'choice';
  else if (BLANK_RUN.test(stem)) kind = 'blank';
  else kind = 'short';
  BLANK_RUN.lastIndex = 0;
  if (!stem) return { skip: `question ${q.number} in "${section.title}" has no text` };
  if (!entry && (kind === 'choice' || kind === 'multi' || kind === 'truefalse')) {
    const filled = readBracketKey(stem, kind);
    if (filled) {
      stem = filled.stem;
      entry = { number: q.number, line: q.line, key: [filled.key], analysis: [], reference: [], rubric: [], mode: 'key' };
    }
  }

  const keyText = (entry?.key.join(' ').trim() || (kind !== 'short' && kind !== 'essay' ? entry?.reference.join(' ') : '') || '').trim();
  const analysis = (entry?.analysis ?? []).join('\n').trim();
  const blankCount = (stem.match(BLANK_RUN) ?? []).length;
  const sectionShare = section.totalPoints !== undefined && section.questions.length === 1 ? section.totalPoints : undefined;
  const statedPoints = inlinePoints
    ? Number(inlinePoints[1])
    : (trailingPoints ??
      entry?.statedPoints ??
      section.pointsEach ??
      (kind === 'blank' && section.pointsPerBlank !== undefined ? section.pointsPerBlank * Math.max(1, blankCount) : undefined) ??
      sectionShare);
  const points = statedPoints ?? DEFAULT_POINTS[kind];
  const written = kind === 'short' || kind === 'essay';
  if (statedPoints === undefined && !defaultsWarned.has(section) && (!written || !entry || entry.rubric.length === 0)) {
    defaultsWarned.add(section);
    warnings.push({
      line: section.line,
      message: written
        ? `"${section.title || '(questions)'}" states no points: a question there without marking points that state them is kept as a draft`
        : `"${section.title || '(questions)'}" states no points: ${points} per question assumed`,
    });
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
      warnings.push({ line: entry?.line ?? q.line, questionId: id, message: `key "${keyText}" names option ${unknown.join(', ')} that the question does not have: kept as a draft` });
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
    if (keyText && !usable) warnings.push({ line: entry?.line ?? q.line, questionId: id, message: `answer "${excerptOf(keyText, 40)}" has ${countNoun(parts.length, 'part')} for ${countNoun(count, 'blank')}: kept as a draft` });
    const blanks = usable ? parts.map((part) => ({ accept: parseBlankAlternatives(part) })) : Array.from({ length: count }, () => ({ accept: [] as string[] }));
    return { question: { ...base, stem: blankStem, id, type: 'blank', blanks, ...(usable ? {} : { status: 'draft' as const }) } };
  }

  // short / essay
  const id = nextId(kind);
  let reference = (entry && entry.reference.length > 0 ? entry.reference : keyText ? [keyText] : []).join('\n').trim();
  let lines: RubricLine[] = entry?.rubric ?? [];
  if (lines.length === 0 && reference) {
    // 参考答案及评分标准: the answer carries its own marks (`①…（2分）；②…（2分）`).
    const inline = splitInlineMarks(reference);
    if (inline && inline.marks.length > 0) {
      reference = inline.reference;
      lines = inline.marks.map((mark) => ({ text: mark.text, points: mark.points, line: entry?.line ?? q.line }));
    }
  }
  const noteLine = lines[0]?.line ?? entry?.line ?? q.line;
  const draft = (message: string) => {
    warnings.push({ line: noteLine, questionId: id, message });
    return { question: { ...base, points, id, type: kind, reference: '', rubric: [], status: 'draft' as const } };
  };
  if (!reference) return { question: { ...base, points, id, type: kind, reference: '', rubric: [], status: 'draft' } };
  if (lines.length === 0) {
    if (statedPoints === undefined) return draft('no 评分要点 and no points for the question: its points cannot be determined, kept as a draft');
    warnings.push({ line: noteLine, questionId: id, message: `no 评分要点: one marking point "与参考答案的要点一致" covers the question's ${statedPoints} points` });
    return { question: { ...base, points: statedPoints, id, type: kind, reference, rubric: [{ point: '与参考答案的要点一致', points: statedPoints }] } };
  }
  // Per-item marks without a count (`每个3分`) count the items the reference lists.
  const listed = countListItems(reference);
  const resolved = lines.map((line) => {
    if (line.points !== undefined || line.each === undefined) return line.points;
    if (listed === 0) return undefined;
    warnings.push({
      line: line.line,
      questionId: id,
      message: `marking point "${excerptOf(line.text, 30)}" gives ${line.each} per item without saying how many: the ${listed} items the reference answer lists make ${line.each * listed}`,
    });
    return line.each * listed;
  });
  const known = resolved.reduce<number>((sum, value) => sum + (value ?? 0), 0);
  const unknown = lines.filter((_, at) => resolved[at] === undefined);
  let rubric: RubricPoint[];
  if (unknown.length > 0) {
    const names = unknown.map((line) => `"${excerptOf(line.text, 30)}"`).join(', ');
    const left = statedPoints === undefined ? 0 : statedPoints - known;
    if (statedPoints === undefined || left <= 1e-9) {
      const why = statedPoints === undefined ? 'and the paper states no points for the question' : `and the others already take the ${statedPoints} points the paper gives the question`;
      return draft(`marking ${pluralWord(unknown.length, 'point')} ${names} ${pluralWord(unknown.length, 'states', 'state')} no points ${why}: the points cannot be determined, kept as a draft`);
    }
    const share = Math.round((left / unknown.length) * 100) / 100;
    warnings.push({ line: noteLine, questionId: id, message: `marking ${pluralWord(unknown.length, 'point')} ${names} ${pluralWord(unknown.length, 'states', 'state')} no points: ${pluralWord(unknown.length, 'it takes', 'they share')} the ${left} of the paper's ${statedPoints} points the others leave${pluralWord(unknown.length, '', ` (${share} each)`)}` });
    rubric = lines.map((line, at) => ({ point: line.text, points: resolved[at] ?? share }));
  } else {
    rubric = lines.map((line, at) => ({ point: line.text, points: resolved[at]! }));
  }
  const sum = Math.round(rubric.reduce((total, point) => total + point.points, 0) * 100) / 100;
  if (statedPoints !== undefined && Math.abs(sum - statedPoints) > 1e-9) {
    warnings.push({ line: noteLine, questionId: id, message: `marking points add up to ${sum}, the paper says ${statedPoints}: the marking points win, the question is worth ${sum}` });
  }
  return { question: { ...base, points: sum, id, type: kind, reference, rubric } };
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
