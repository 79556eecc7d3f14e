import type { FreeTextQuestion, RubricPoint, TermPair } from '../bank/schema.ts';
import { t } from '../messages/catalog.ts';
import { FEEDBACK_LIMITS } from './limits.ts';
import type { FreeTextFeedback, RubricPointVerdict } from './types.ts';
import { containsHan, extractKeyTerms, foldForSearch, tokenize, truncateText, type FeedbackLanguage, type Token } from './text.ts';
import { synsetsOf } from './wordnet.ts';

/**
 * The deterministic evidence grader: used when the LLM is not configured, fails, or is not to be
 * trusted, and to cross-check every LLM grade. Pure and total. Content earns marks, keywords do not:
 * - a term counts only inside a clause that also says something the question's own words do not
 *   (a word of the reference, analysis or marking points other than a keyword or a word of the stem),
 *   so a list of terms, or terms padded with unrelated words, earns nothing;
 *   except where a point is one concept beyond the stem (a verdict, a value): naming it is the point;
 * - words of the stem earn nothing: a keyword the stem already names is not evidence of knowledge;
 *   nor do words most marking points repeat (the units every answer gives) on their own;
 * - a point with `pairs` earns nothing when the answer attaches one term's meaning to another term.
 * The score is provisional and always shown as such, with the reference answer and analysis.
 */

/** Words that say what a rubric point asks for rather than what the answer must contain. */
const RUBRIC_INSTRUCTION_WORDS = new Set(
  (
    'explain explains explained explaining describe describes mention mentions mentioned state states identify identifies ' +
    'give gives example examples correct correctly answer answers point points clear clearly discuss discusses note notes ' +
    'learner student reason reasons show shows name names list lists define defines definition ' +
    '说明 指出 解释 提到 描述 举例 答出 正确 回答 要点 能够 阐述 论述 分析 给出 列出 写出 包括 定义'
  ).split(' '),
);

const MAX_DERIVED_TERMS = 8;

/**
 * How the fallback turns evidence into a score; `tuneThresholds` in src/tutor/eval picks them by
 * cross-validation on training questions only. The shipped defaults are round numbers set a priori.
 */
export interface FallbackThresholds {
  /** Share of a point's terms evidenced for `met`. */
  met: number;
  /** Share for `partial` (above 0: one term of many is not half the point). */
  partial: number;
  /** The weight of rubric evidence in a point's score; the rest is similarity to the reference. */
  evidenceWeight: number;
  /** Recall of the reference at which similarity counts in full: a complete answer rarely repeats every word. */
  fullSimilarity: number;
  /** The share of the reference similarity given by its word pairs (phrases); the rest by its words. */
  phraseWeight: number;
  /** The share of the similarity given by how much of the material's vocabulary the answer uses. */
  contentWeight: number;
}

export const DEFAULT_THRESHOLDS: FallbackThresholds = { met: 0.6, partial: 0.3, evidenceWeight: 0.25, fullSimilarity: 0.75, phraseWeight: 0.3, contentWeight: 0.5 };

export interface PointTerms {
  /** Each entry is one term with its accepted alternatives (a keyword `a|b` lists synonyms). */
  terms: string[][];
  /** True when the terms come from the author's `keywords`, not derived from the text. */
  explicit: boolean;
}

const splitAlternatives = (keyword: string) =>
  keyword
    .split('|')
    .map((alternative) => alternative.trim())
    .filter(Boolean);

/** The terms a rubric point is checked against: its keywords, else terms of the point (or the reference). */
export function termsForPoint(point: RubricPoint, reference: string): PointTerms {
  if (point.keywords && point.keywords.length > 0) {
    return { explicit: true, terms: point.keywords.map(splitAlternatives) };
  }
  let derived = extractKeyTerms(point.point).filter((term) => !RUBRIC_INSTRUCTION_WORDS.has(term));
  if (derived.length === 0) derived = extractKeyTerms(reference);
  return { explicit: false, terms: derived.slice(0, MAX_DERIVED_TERMS).map((term) => [term]) };
}

/**
 * Comparison keys of a text: Porter stems of its English content words and the character bigrams of
 * its Han runs (ICU segments Chinese too finely for terms like 剪枝 to survive as one word).
 */
export function conceptKeys(text: string): Set<string> {
  const keys = new Set<string>();
  for (const token of tokenize(text)) {
    if (token.stop) continue;
    if (!containsHan(token.word)) keys.add(token.key);
  }
  // Runs are cut at punctuation, so the bigrams of a list (剪枝、量化) never join two of its items.
  for (const run of text.normalize('NFKC').match(/\p{Script=Han}+/gu) ?? []) {
    const chars = [...run];
    if (chars.length === 1) continue;
    for (let index = 0; index + 1 < chars.length; index += 1) {
      // A bigram across a particle (楼下的 → 下的) joins two words by accident: it is no concept.
      if (HAN_PARTICLES.has(chars[index]!) || HAN_PARTICLES.has(chars[index + 1]!)) continue;
      keys.add(chars[index]! + chars[index + 1]!);
    }
  }
  return keys;
}

/** Words an English negation passes through to reach its key: `not be scratched`, `isn't a gap`, `instead of recomputing`. */
const NEGATION_CARRIERS = new Set('a an the of be been being is are was were get gets got have has had do does did any'.split(' '));

/** Negators that deny the next content word (Chinese ones as ICU segments them: `不会|减少`, `没有|改变`). */
const NEGATORS = new Set(
  (
    'not no never without cannot ' +
    '不 没 没有 未 未能 无法 不会 不能 不是 不要 不用 不必 不再 不可 无需 无须 并非 别 勿 从未 从不 绝不 决不 毫无 避免 防止 消除 免去 省去'
  ).split(' '),
);
/** Verbs that deny their object, by Porter stem: `avoids recomputation` says what `no recomputation` says. */
const PRIVATIVE_STEMS = new Set('avoid prevent elimin lack instead'.split(' '));
const isNegator = (token: Token) => NEGATORS.has(token.word) || PRIVATIVE_STEMS.has(token.key) || /^[a-z]+n['’]t$/u.test(token.word);

const COORDINATORS = new Set('and or nor'.split(' '));

/**
 * How many content words a Chinese negator denies: a verb and its object (`不会|带来|精度`, `没有|改变|模型`).
 * Reaching to the end of the clause read descriptive phrases (`不利于增删结点`) as denials of every term.
 */
const CHINESE_NEGATION_REACH = 2;

/** Words a Chinese negation passes through: `不需要|校准` denies 校准. */
const CHINESE_NEGATION_CARRIERS = new Set('需要 应该 可以 可能 能够 一定 必要'.split(' '));

/**
 * The rest of a Han word that starts with a negator (`不需要` → `需要`, `不方便` → `方便`), when at
 * least two characters remain: `不同`, `不断` and `不变` are words of their own, not negations.
 */
function fusedChineseNegation(word: string): string | undefined {
  for (const negator of ['没有', '不', '没', '未', '无需', '无须', '无法']) {
    if (word.startsWith(negator) && [...word].length - [...negator].length >= 2) return word.slice(negator.length);
  }
  return undefined;
}

/** Words that end a Chinese negation's scope: `不是降低精度，而是减少参数`. */
const CONTRASTS = new Set('而是 但是 但 而 却 只是 反而'.split(' '));

/** Negators whose scope a word-level reading cannot place (`none of the tools could scratch it`). */
const NO_KEYS: ReadonlySet<string> = new Set();

const VAGUE_NEGATORS = new Set('none nothing nobody neither nor nowhere hardly barely'.split(' '));

export interface KeySenses {
  /** Keys a negator denies (`not connected`, `no gap`, `isn't closed`, `不会减少`). */
  denied: Set<string>;
  /** Keys of clauses without any negator. */
  affirmed: Set<string>;
  /** Keys of clauses whose negation does not bind to one word (`not in the same path`, `none of them`). */
  unsure: Set<string>;
}

/** The keys a word stands for: its Porter stem, or the character bigrams of a Han word (none for one character). */
function keysOfWord(token: Token): string[] {
  if (!containsHan(token.word)) return [token.key];
  const chars = [...token.word];
  return chars.slice(1).map((char, index) => chars[index]! + char);
}

/**
 * The sense in which a text says each content key, clause by clause. A negator denies the first
 * content word after it, passing only articles and auxiliaries; a clause holding a negation that
 * binds to no single word leaves its other keys unsure rather than affirmed. Keys a word-level reading
 * does not produce (Han bigrams across ICU's word boundaries) are in no set: they are never contradicted.
 */
export function keySenses(text: string): KeySenses {
  const senses: KeySenses = { denied: new Set(), affirmed: new Set(), unsure: new Set() };
  // Clauses end at punctuation only: a negation spans a coordination (`no delivery or ordering guarantee`).
  for (const clause of assertionTexts(text)) {
    const tokens = tokenize(clause);
    const vague = tokens.some((token) => VAGUE_NEGATORS.has(token.word));
    let pending = false;
    let unbound = false;
    let denials = 0;
    // A Chinese negator denies the next content words of its clause, up to a contrast (`而是`).
    let chineseScope = 0;
    const plain: string[] = [];
    for (const token of tokens) {
      if (isNegator(token)) {
        if (containsHan(token.word)) chineseScope = CHINESE_NEGATION_REACH;
        else pending = true;
        continue;
      }
      const fused = fusedChineseNegation(token.word);
      if (fused !== undefined) {
        // `不需要校准`, `不方便`: ICU keeps a negator and its verb as one word.
        chineseScope = CHINESE_NEGATION_REACH;
        if (!CHINESE_NEGATION_CARRIERS.has(fused)) {
          for (const key of keysOfWord({ ...token, word: fused })) senses.denied.add(key);
          chineseScope -= 1;
        }
        continue;
      }
      if (VAGUE_NEGATORS.has(token.word)) continue;
      if (chineseScope > 0 && containsHan(token.word)) {
        if (CONTRASTS.has(token.word)) chineseScope = 0;
        else if (!token.stop) {
          const keys = keysOfWord(token);
          for (const key of keys) senses.denied.add(key);
          if (keys.length > 0) chineseScope -= 1;
        }
        continue;
      }
      if (token.stop) {
        // `not in the same path`: the negation is of a phrase, not of one key;
        // `no delivery or ordering guarantee`: it may reach past a coordination.
        if ((pending && !NEGATION_CARRIERS.has(token.word)) || (denials > 0 && COORDINATORS.has(token.word))) {
          pending = false;
          unbound = true;
        }
        continue;
      }
      const keys = keysOfWord(token);
      // A negated number is a comparison (`not >= 0`).
      if (pending && (/^\d/.test(token.word) || keys.length === 0)) unbound = true;
      else if (pending) {
        for (const key of keys) senses.denied.add(key);
        denials += 1;
      } else plain.push(...keys);
      pending = false;
    }
    for (const key of plain) (vague || unbound ? senses.unsure : senses.affirmed).add(key);
  }
  return senses;
}

/** The keys a text only denies. */
function deniedOnly(text: string): Set<string> {
  return new Set([...polarityOf(text)].filter(([, denied]) => denied).map(([key]) => key));
}

/** A text cut where a negation's scope ends: at punctuation only (`no delivery or ordering guarantee` stays whole). */
function assertionTexts(text: string): string[] {
  return text.normalize('NFKC').split(/[.,;:!?()，。；：！？、\n]/u);
}

/** The keys a text says in one sense only: true when only denied, false when only affirmed. */
function polarityOf(text: string): Map<string, boolean> {
  const { denied, affirmed, unsure } = keySenses(text);
  const polarity = new Map<string, boolean>();
  for (const key of denied) if (!affirmed.has(key) && !unsure.has(key)) polarity.set(key, true);
  for (const key of affirmed) if (!denied.has(key) && !unsure.has(key)) polarity.set(key, false);
  return polarity;
}

/** Han characters that are particles or function words far more often than parts of a term. */
const HAN_PARTICLES = new Set('的了是在和与及或也都就而且并对把被让给从向以于为之其这那个着过吗呢吧啊我你他她它们'.split(''));

interface Clause {
  folded: string;
  keys: Set<string>;
  /** The keys of the whole sentence the clause belongs to. */
  sentenceKeys: Set<string>;
  sentenceHasHan: boolean;
  /** Which sentence of the answer the clause is in. */
  sentence: number;
  /** Keys the clause only denies (`not reliable`): naming them there is no evidence for them. */
  denied: Set<string>;
  /** Whether its sentence says something rather than lists terms (`isStatement`). */
  statement: boolean;
  /** The first WordNet senses of the clause's English words it does not deny, looked up on first use. */
  senses?: Set<number>;
}

/** An answer's non-empty sentences, NFKC-folded: cut at sentence punctuation, line breaks and a full stop before a space. */
function splitSentences(answer: string): string[] {
  return answer
    .normalize('NFKC')
    .split(/[。！？；;!?\n\r]|\.(?=\s|$)/u)
    .filter((sentence) => sentence.trim());
}

/**
 * Clauses (sentences cut at commas and colons too, for pairing a term with its meaning), each folded
 * for matching and carrying its sentence's keys (for judging whether a term is explained). Linear.
 */
export function splitClauses(answer: string, skip: ReadonlySet<string> = new Set()): Clause[] {
  const clauses: Clause[] = [];
  let position = 0;
  for (const sentence of splitSentences(answer)) {
    position += 1;
    if (skip.has(sentence)) continue;
    const sentenceKeys = conceptKeys(sentence);
    const sentenceHasHan = containsHan(sentence);
    const statement = isStatement(sentence);
    for (const text of sentence.split(/[，,：:]/u)) {
      if (text.trim()) clauses.push({ folded: foldForSearch(text), keys: conceptKeys(text), sentenceKeys, sentenceHasHan, sentence: position, denied: deniedOnly(text), statement });
    }
  }
  return clauses;
}

/**
 * Whether the clause names the alternative (a keyword or pair entry). A key the clause denies (`no
 * recomputation`) names nothing unless the material too denies that key somewhere (`avoids recomputation`).
 */
function alternativeIn(alternative: string, clause: Clause, materialDenied: ReadonlySet<string> = NO_KEYS): boolean {
  const folded = foldForSearch(alternative);
  if (!folded) return false;
  const keys = [...conceptKeys(alternative)];
  if (keys.some((key) => clause.denied.has(key) && !materialDenied.has(key))) return false;
  if (containsHan(folded)) return clause.folded.includes(folded);
  if (/^\d+$/.test(folded)) return new RegExp(`(^|\\D)${folded}(\\D|$)`).test(clause.folded);
  // Each word of the term is in the clause as itself (by stem) or as a word of the same meaning.
  const words = tokenize(alternative).filter((token) => !token.stop);
  if (words.length > 0 && words.every((token) => clause.keys.has(token.key) || sharesSense(token.word, clause))) return true;
  return folded.includes(' ') && clause.folded.includes(folded);
}

/** Whether an English word shares one of its first WordNet senses (`synsetsOf`) with a word of the clause. */
function sharesSense(word: string, clause: Clause): boolean {
  const senses = synsetsOf(word);
  if (senses.length === 0) return false;
  if (!clause.senses) {
    clause.senses = new Set();
    for (const token of tokenize(clause.folded)) if (!token.stop && !clause.denied.has(token.key)) for (const id of synsetsOf(token.word)) clause.senses.add(id);
  }
  return senses.some((id) => clause.senses!.has(id));
}

/** The question's own words: what copying the stem or the keywords gives for free. */
interface QuestionVocabulary {
  stemFolded: string;
  stemKeys: Set<string>;
  /** Keys of every keyword of every point: naming them is not explaining. */
  keywordKeys: Set<string>;
  /** Keys of the reference, analysis and points: what an explanation is made of. */
  contextKeys: Set<string>;
  contextHasHan: boolean;
  /** The reference only names a few things (see `NAMING_REFERENCE_KEYS`): naming them is the answer. */
  namingReference: boolean;
  /** Keys the material (reference, analysis, points, keywords, pairs) denies somewhere: an answer may deny them too. */
  deniedKeys: Set<string>;
  /** Answer stems already looked up by `spellingOf`, with the vocabulary key each misspells. */
  spellings: Map<string, string>;
  /** WordNet synset id → the vocabulary key (material or stem) of a word with that sense; built on first use. */
  senses?: Map<number, string>;
  /** Answer words already looked up by `synonymOf`, with the vocabulary key each means (or none). */
  synonyms: Map<string, string | null>;
  /** Keys that most marking points repeat (see `frameKeysOf`). */
  frameKeys: Set<string>;
}

const vocabularies = new WeakMap<FreeTextQuestion, QuestionVocabulary>();

/** Computed once per question object (the evaluation grades hundreds of answers to one question). */
function vocabularyOf(question: FreeTextQuestion): QuestionVocabulary {
  let vocabulary = vocabularies.get(question);
  if (!vocabulary) {
    vocabulary = buildVocabulary(question);
    vocabularies.set(question, vocabulary);
  }
  return vocabulary;
}

function buildVocabulary(question: FreeTextQuestion): QuestionVocabulary {
  const material = [question.reference, question.analysis, ...question.rubric.map((point) => point.point)].join('\n');
  const keywordKeys = new Set<string>();
  for (const point of question.rubric) {
    for (const keyword of point.keywords ?? []) for (const alternative of splitAlternatives(keyword)) for (const key of conceptKeys(alternative)) keywordKeys.add(key);
    for (const pair of point.pairs ?? []) for (const alternative of [pair.term, ...pair.meaning].flatMap(splitAlternatives)) for (const key of conceptKeys(alternative)) keywordKeys.add(key);
  }
  const stemKeys = conceptKeys(question.stem);
  return {
    stemFolded: foldForSearch(question.stem),
    stemKeys,
    keywordKeys,
    contextKeys: conceptKeys(material),
    contextHasHan: containsHan(material),
    deniedKeys: keySenses(
      [material, ...question.rubric.flatMap((point) => [...(point.keywords ?? []), ...(point.pairs ?? []).flatMap((pair) => pair.meaning)].flatMap(splitAlternatives))].join('\n'),
    ).denied,
    namingReference: [...conceptKeys(question.reference)].filter((key) => !stemKeys.has(key)).length <= NAMING_REFERENCE_KEYS,
    spellings: new Map(),
    synonyms: new Map(),
    frameKeys: frameKeysOf(question.rubric),
  };
}

/** A rubric needs at least this many points before the words most of them share are its frame. */
const MIN_FRAME_POINTS = 3;

/**
 * The keys more than half of the marking points hold: the frame the points are said in (`time units`
 * in `9 time units`, `4 time units`, `5 time units`), not what tells them apart. Every answer, wrong
 * ones too, repeats the frame, so like the stem's words it is no evidence on its own.
 */
function frameKeysOf(rubric: readonly RubricPoint[]): Set<string> {
  const frame = new Set<string>();
  if (rubric.length < MIN_FRAME_POINTS) return frame;
  const counts = new Map<string, number>();
  for (const point of rubric) for (const key of conceptKeys(point.point)) counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const [key, count] of counts) if (count * 2 > rubric.length) frame.add(key);
  return frame;
}

/** How many concept keys a text holds beyond the stem's and the words that only instruct (`explain`). */
function ownKeyCount(text: string, vocabulary: QuestionVocabulary): number {
  let count = 0;
  for (const key of conceptKeys(text)) if (!vocabulary.stemKeys.has(key) && !INSTRUCTION_KEYS.has(key)) count += 1;
  return count;
}

const INSTRUCTION_KEYS = conceptKeys([...RUBRIC_INSTRUCTION_WORDS].join(' '));

/** True when the stem already names this alternative. */
function inStem(alternative: string, vocabulary: QuestionVocabulary): boolean {
  const folded = foldForSearch(alternative);
  if (!folded) return false;
  if (containsHan(folded)) return vocabulary.stemFolded.includes(folded);
  const keys = [...conceptKeys(alternative)];
  return keys.length > 0 && keys.every((key) => vocabulary.stemKeys.has(key));
}

/** A clause explains a term when its sentence also holds a word of the material that is neither a keyword nor a stem word. */
function explains(clause: Clause, termKeys: Set<string>, vocabulary: QuestionVocabulary): boolean {
  let ownWords = 0;
  let otherKeywords = 0;
  for (const key of clause.sentenceKeys) {
    if (termKeys.has(key) || vocabulary.stemKeys.has(key)) continue;
    if (vocabulary.keywordKeys.has(key)) {
      otherKeywords += 1;
      continue;
    }
    if (vocabulary.contextKeys.has(key)) return true;
    ownWords += 1;
  }
  // A sentence in another script than the material (a Chinese answer to an English question with
  // Chinese keywords) cannot share its words: there it explains when it relates the term to another
  // keyword in a sentence of three or more words of its own. One keyword padded with filler does not.
  return clause.sentenceHasHan !== vocabulary.contextHasHan && otherKeywords >= 1 && ownWords >= 3;
}

/** At least this share of a sentence's keys are the question's or the material's when it is on topic. */
const MIN_ON_TOPIC_SHARE = 0.5;

/**
 * Whether the clause's sentence is about the question rather than padding around a term: it holds a
 * word of the stem beside the term, or mostly words of the question or the material.
 */
function onTopic(clause: Clause, termKeys: Set<string>, vocabulary: QuestionVocabulary): boolean {
  let known = 0;
  for (const key of clause.sentenceKeys) {
    if (termKeys.has(key)) known += 1;
    else if (vocabulary.stemKeys.has(key)) return true;
    else if (vocabulary.contextKeys.has(key)) known += 1;
  }
  return known >= clause.sentenceKeys.size * MIN_ON_TOPIC_SHARE;
}

/** Which pairs each clause talks about: the pairs whose term it names, else those of the clause before in its sentence. */
function attributeClauses(clauses: Clause[], pairs: TermPair[]): Array<Set<number>> {
  let current = new Set<number>();
  let sentence = -1;
  return clauses.map((clause) => {
    if (clause.sentence !== sentence) {
      sentence = clause.sentence;
      current = new Set<number>();
    }
    const named = new Set<number>();
    pairs.forEach((pair, index) => {
      if (splitAlternatives(pair.term).some((alternative) => alternativeIn(alternative, clause))) named.add(index);
    });
    if (named.size > 0) current = named;
    return current;
  });
}

/** A quote shorter than this many concept keys (stems or Han bigrams) is a fragment, not evidence. */
const MIN_QUOTE_KEYS = 2;

/**
 * Whether a quote the model gave is evidence for a marking point: substantive (at least two concept
 * keys, so not a fragment of a few characters) and sharing a concept with the point (its text,
 * keywords or pairs) other than the stem's words, which every answer may echo.
 */
export function quoteIsEvidence(quote: string, point: RubricPoint, question: FreeTextQuestion): boolean {
  const keys = conceptKeys(quote);
  if (keys.size < MIN_QUOTE_KEYS) return false;
  const vocabulary = vocabularyOf(question);
  const pointKeys = conceptKeys(
    [point.point, ...(point.keywords ?? []).flatMap(splitAlternatives), ...(point.pairs ?? []).flatMap((pair) => [pair.term, ...pair.meaning].flatMap(splitAlternatives))].join('\n'),
  );
  for (const key of keys) if (pointKeys.has(key) && !vocabulary.stemKeys.has(key)) return true;
  return false;
}

export interface PairCheck {
  /** Pairs whose meaning the answer attaches to their own term. */
  matched: number;
  /** Pairs whose meaning the answer attaches to another pair's term only. */
  swapped: number;
}

/** Checks a point's term/meaning pairs against the answer's clauses. */
export function checkPairs(pairs: TermPair[], clauses: Clause[], vocabulary?: QuestionVocabulary): PairCheck {
  const attribution = attributeClauses(clauses, pairs);
  let matched = 0;
  let swapped = 0;
  pairs.forEach((pair, index) => {
    const meanings = pair.meaning.flatMap(splitAlternatives);
    let own = false;
    let other = false;
    clauses.forEach((clause, position) => {
      if (!meanings.some((meaning) => alternativeIn(meaning, clause, vocabulary?.deniedKeys))) return;
      const about = attribution[position]!;
      // A clause naming several terms at once (a list) pairs nothing; an own pairing must be explained.
      if (about.size === 1 && about.has(index)) {
        if (!vocabulary || explains(clause, conceptKeys(pair.term), vocabulary)) own = true;
      } else if (about.size > 0 && !about.has(index)) other = true;
    });
    if (own) matched += 1;
    else if (other) swapped += 1;
  });
  return { matched, swapped };
}

export interface PointCoverage {
  verdict: RubricPointVerdict['verdict'];
  matched: string[];
  /** Terms that could earn credit (those the stem already names cannot). */
  total: number;
  /** Set when a pair's meaning was attached to the wrong term. */
  swapped?: boolean;
  /** The share of the point's marks earned: 1 for met, evidenced/total ÷ the met threshold for partial, 0 for missed. */
  share: number;
}

/** Evidence for one rubric point in the answer's clauses. */
export function coverPoint(
  point: RubricPoint,
  question: FreeTextQuestion,
  clauses: Clause[],
  vocabulary: QuestionVocabulary = vocabularyOf(question),
  thresholds: FallbackThresholds = DEFAULT_THRESHOLDS,
): PointCoverage {
  const { terms: all, explicit } = termsForPoint(point, question.reference);
  const inFrame = (alternative: string) => {
    const keys = [...conceptKeys(alternative)];
    return keys.length > 0 && keys.every((key) => vocabulary.frameKeys.has(key));
  };
  const named = (alternatives: string[]) => alternatives.some((alternative) => inStem(alternative, vocabulary) || inFrame(alternative));
  let groups = all.filter((alternatives) => !named(alternatives));
  // Terms the stem names, or the rubric's frame, are kept aside: alone they earn nothing (a stem echo
  // scores 0); once the answer evidences a term of its own, they count as part of an explanation in
  // the question's words.
  const stemGroups = all.filter(named);
  if (groups.length === 0) {
    groups = extractKeyTerms(point.point)
      .filter((term) => !RUBRIC_INSTRUCTION_WORDS.has(term) && !inStem(term, vocabulary))
      .slice(0, MAX_DERIVED_TERMS)
      .map((term) => [term]);
  }
  // A point that is one concept beyond the stem's words (a verdict like `错误`, a value) holds nothing
  // to explain it with: naming it is the point. Keywords an author chose still need explaining.
  const onePoint = !explicit && ownKeyCount(point.point, vocabulary) <= 1;
  const evidencedIn = (alternatives: string[]) =>
    alternatives.find((alternative) => {
      const termKeys = conceptKeys(alternative);
      // A number is a value the question asks for (a register's content, a time): stating it is the
      // evidence, and no word explains a value.
      const value = /^\d+$/.test(alternative.trim());
      return clauses.some(
        (clause) =>
          alternativeIn(alternative, clause, vocabulary.deniedKeys) &&
          (vocabulary.namingReference ||
            (value && onTopic(clause, termKeys, vocabulary)) ||
            // A list of terms explains none of them, however many of the material's words it holds.
            (clause.statement && ((onePoint && onTopic(clause, termKeys, vocabulary)) || explains(clause, termKeys, vocabulary)))),
      );
    });
  const matched: string[] = [];
  for (const alternatives of groups) {
    const hit = evidencedIn(alternatives);
    if (hit !== undefined) matched.push(hit);
  }
  const supportingStemTerms = matched.length === 0 ? 0 : stemGroups.filter((alternatives) => evidencedIn(alternatives) !== undefined).length;
  let evidenced = matched.length + supportingStemTerms;
  let total = groups.length + stemGroups.length;
  if (point.pairs && point.pairs.length >= 2) {
    const pairs = checkPairs(point.pairs, clauses, vocabulary);
    if (pairs.swapped > 0) return { verdict: 'missed', matched: [], total: total + point.pairs.length, swapped: true, share: 0 };
    evidenced += pairs.matched;
    total += point.pairs.length;
  }
  if (total === 0 || evidenced === 0) return { verdict: 'missed', matched, total, share: 0 };
  const ratio = evidenced / total;
  if (ratio >= thresholds.met) return { verdict: 'met', matched, total, share: 1 };
  if (ratio >= thresholds.partial) return { verdict: 'partial', matched, total, share: ratio / thresholds.met };
  return { verdict: 'missed', matched, total, share: 0 };
}

/**
 * Whether a sentence says something rather than lists terms: it has at most two stretches between
 * list separators (、 , ; /), or some stretch holds at least three words, stop words included.
 * `剪枝、量化、蒸馏` and `pruning, quantization, distillation` are lists; `pruning removes weights`
 * and the note `逻辑相邻，物理相邻` are not.
 */
export function isStatement(sentence: string): boolean {
  const stretches = sentence.split(/[、,，;；/|]/u).filter((stretch) => stretch.trim());
  // One or two items are a note (`逻辑相邻，物理相邻`), not a list.
  if (stretches.length <= 2) return true;
  for (const stretch of stretches) if (tokenize(stretch).length >= 3) return true;
  return false;
}

/** A sentence with at least this many words foreign to the question and the material… */
const PADDING_MIN_FOREIGN = 4;
/** …and at most this many of theirs is one term padded with filler. */
const PADDING_MAX_KNOWN = 1;
/** An answer with this many such sentences pads its terms: those sentences count for nothing. */
const PADDED_SENTENCES = 2;

/**
 * Whether a sentence's keys (spelt and mapped to the vocabulary) are a term among filler: `quantization -
 * my cat enjoys sunny afternoons and the bakery queue was long`. The whole answer's share of relevant words
 * (`MIN_RELEVANT_SHARE`) cannot see it, because repeated filler adds no new words.
 */
function isPadding(keys: readonly string[], vocabulary: QuestionVocabulary): boolean {
  let known = 0;
  for (const key of keys) if (vocabulary.stemKeys.has(key) || vocabulary.contextKeys.has(key)) known += 1;
  return keys.length - known >= PADDING_MIN_FOREIGN && known <= PADDING_MAX_KNOWN;
}

/** Below this share of the answer's words being words of the question or the material, it is padding: no similarity. */
export const MIN_RELEVANT_SHARE = 0.1;

/** The share of the reference's own keys (beyond the stem's) an answer must share before similarity counts. */
const MIN_SHARED_SHARE = 0.1;

/**
 * A reference of at most this many content keys beyond the stem's names a few things (`Data members and
 * member functions`): there a list of the right names is the answer, so lists count. A longer reference
 * explains, and a list of its terms explains nothing.
 */
export const NAMING_REFERENCE_KEYS = 6;

/**
 * Edit distance (insertions, deletions, substitutions, adjacent transpositions) between two short
 * words, or `limit + 1` once it is known to exceed `limit`. Quadratic in word length, which the callers
 * bound (stems of single words).
 */
export function boundedEditDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before = Array.from({ length: b.length + 1 }, (_, index) => index);
  let previous: number[] = [];
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(before[j]! + 1, row[j - 1]! + 1, before[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, previous[j - 2]! + 1);
      row.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    previous = before;
    before = row;
  }
  return before[b.length]!;
}

/** Misspellings are matched only in stems this long: shorter words are too close to other words. */
const MIN_SPELLING_KEY = 5;

/** At most this many looked-up answer stems are remembered per question. */
const MAX_SPELLINGS = 10_000;

/**
 * The key of the question's vocabulary (material or stem) that an answer's English stem misspells
 * (`seper` for `separ`, `funtion` for `function`): one edit away, or two in stems of eight letters or
 * more; the key itself otherwise. A misspelt term is still the term; a different word is not made one.
 */
function spellingOf(key: string, vocabulary: QuestionVocabulary): string {
  if (key.length < MIN_SPELLING_KEY || vocabulary.contextKeys.has(key) || vocabulary.stemKeys.has(key) || !/^[a-z]+$/.test(key)) return key;
  let known = vocabulary.spellings.get(key);
  if (known === undefined) {
    known = key;
    const limit = key.length >= 8 ? 2 : 1;
    for (const candidate of [...vocabulary.contextKeys, ...vocabulary.stemKeys]) {
      if (candidate.length < MIN_SPELLING_KEY || !/^[a-z]+$/.test(candidate)) continue;
      if (boundedEditDistance(key, candidate, limit) <= limit) {
        known = candidate;
        break;
      }
    }
    // Bounded: a long-running bot sees ever new words; forgetting one only costs a look-up again.
    if (vocabulary.spellings.size >= MAX_SPELLINGS) vocabulary.spellings.clear();
    vocabulary.spellings.set(key, known);
  }
  return known;
}

/** Vocabulary words whose senses are looked up: English content words of the material and the stem. */
function vocabularySenses(question: FreeTextQuestion): Map<number, string> {
  const senses = new Map<number, string>();
  const material = [question.reference, question.analysis, ...question.rubric.map((point) => point.point), question.stem].join('\n');
  for (const token of tokenize(material)) {
    if (token.stop || containsHan(token.word) || !/^[a-z]+$/.test(token.word)) continue;
    for (const id of synsetsOf(token.word)) if (!senses.has(id)) senses.set(id, token.key);
  }
  return senses;
}

/**
 * The vocabulary key an answer word means though it is not that word (`spot` for `place`): a word of
 * the material or stem sharing one of its first WordNet senses, in the same part of speech. Its own key
 * when it is a vocabulary word, a misspelling of one (`spellingOf`), or no sense is shared.
 */
function synonymOf(token: Token, question: FreeTextQuestion, vocabulary: QuestionVocabulary): string {
  const spelled = spellingOf(token.key, vocabulary);
  if (spelled !== token.key || vocabulary.contextKeys.has(token.key) || vocabulary.stemKeys.has(token.key) || !/^[a-z]+$/.test(token.word)) return spelled;
  let known = vocabulary.synonyms.get(token.word);
  if (known === undefined) {
    vocabulary.senses ??= vocabularySenses(question);
    known = null;
    for (const id of synsetsOf(token.word)) {
      const key = vocabulary.senses.get(id);
      if (key !== undefined) {
        known = key;
        break;
      }
    }
    if (vocabulary.synonyms.size >= MAX_SPELLINGS) vocabulary.synonyms.clear();
    vocabulary.synonyms.set(token.word, known);
  }
  return known ?? token.key;
}

/** Separators inside a sentence that end a phrase: word pairs never join two items of a list. */
const PHRASE_BREAK = /[,，、:：()（）]|\b(?:and|or|but|nor)\b/iu;

/**
 * Ordered pairs of neighbouring English content stems (`data member`, `member function`), the phrases of
 * a text: `function members` and `member functions` share their words but not their phrases. Han text
 * has none (its keys are bigrams already).
 */
export function phraseKeys(text: string, spell: (key: string) => string = (key) => key): Set<string> {
  const keys = new Set<string>();
  for (const part of text.normalize('NFKC').split(PHRASE_BREAK)) {
    const stems = tokenize(part)
      .filter((token) => !token.stop && !containsHan(token.word))
      .map((token) => spell(token.key));
    for (let index = 0; index + 1 < stems.length; index += 1) keys.add(`${stems[index]} ${stems[index + 1]}`);
  }
  return keys;
}

interface ReadSentence {
  sentence: string;
  /** An answer word's vocabulary key: itself, the key it misspells, or the key of a word of its meaning. */
  spell: (key: string) => string;
  keys: string[];
  /** The sentence is one term (or none) among foreign words (`isPadding`). */
  padding: boolean;
}

/** The sentences of a padded answer that are padding: they are evidence of nothing. */
function paddingOf({ sentences, padded }: ReadAnswer): Set<string> {
  return new Set(padded ? sentences.filter((entry) => entry.padding).map((entry) => entry.sentence) : []);
}

interface ReadAnswer {
  sentences: ReadSentence[];
  /** Two or more sentences are padding (`PADDED_SENTENCES`). */
  padded: boolean;
}

/** An answer's sentences with their vocabulary keys, and whether the answer pads terms with foreign words. */
function readSentences(question: FreeTextQuestion, answer: string, vocabulary: QuestionVocabulary): ReadAnswer {
  const sentences = splitSentences(answer).map((sentence) => {
    const meanings = new Map<string, string>();
    for (const token of tokenize(sentence)) if (!token.stop && !containsHan(token.word)) meanings.set(token.key, synonymOf(token, question, vocabulary));
    const spell = (key: string) => meanings.get(key) ?? spellingOf(key, vocabulary);
    const keys = [...conceptKeys(sentence)].map(spell);
    return { sentence, spell, keys, padding: isPadding(keys, vocabulary) };
  });
  // One loose sentence is a learner's own words; several, each one term among foreign words, are padding.
  return { sentences, padded: sentences.filter((entry) => entry.padding).length >= PADDED_SENTENCES };
}

/**
 * What an answer shares with the reference, each part 0..1 and 0 when a guard fails, before they are
 * weighed (`FallbackThresholds.phraseWeight`, `contentWeight`):
 * - `recall`: of the reference's content keys (Porter stems, Han bigrams), the best of the reference and
 *   each line of the analysis (which may hold other accepted answers);
 * - `phrase`: of the same reference's word pairs (its recall where it has none);
 * - `content`: how much of the material's vocabulary beyond the stem the answer uses, on a log scale
 *   (log(1 + used) / log(1 + all)), so a fuller answer earns more than one that names a single idea.
 */
export interface SimilarityParts {
  recall: number;
  phrase: number;
  content: number;
}

const NO_SIMILARITY: SimilarityParts = { recall: 0, phrase: 0, content: 0 };

interface SimilarityVocabulary {
  /** The material's content keys beyond the stem's. */
  materialKeys: number;
  /**
   * `negated`: the keys the reference only denies (true) or only affirms (false); a key it does both with
   * is free. `assertions`: the keys of each of its clauses, for taking back a contradicted clause whole.
   */
  references: Array<{ keys: Set<string>; negated: Map<string, boolean>; assertions: Array<Set<string>>; phrases: Set<string> }>;
}

const similarityVocabularies = new WeakMap<FreeTextQuestion, SimilarityVocabulary>();

function similarityVocabularyOf(question: FreeTextQuestion, vocabulary: QuestionVocabulary): SimilarityVocabulary {
  let built = similarityVocabularies.get(question);
  if (!built) {
    const ownKeys = (keys: Set<string>) => [...keys].filter((key) => !vocabulary.stemKeys.has(key)).length;
    built = {
      materialKeys: ownKeys(vocabulary.contextKeys),
      references: [question.reference, ...question.analysis.split('\n')]
        .filter((reference) => reference.trim())
        .map((reference) => ({
          keys: conceptKeys(reference),
          negated: polarityOf(reference),
          assertions: assertionTexts(reference).map(conceptKeys).filter((keys) => keys.size > 0),
          phrases: phraseKeys(reference),
        })),
    };
    similarityVocabularies.set(question, built);
  }
  return built;
}

/**
 * Similarity of the answer to the reference, in parts (see `SimilarityParts`). Guards, so that words
 * alone earn nothing: lists of terms are no statements and count nothing (unless the reference itself
 * only names a few things); a rubric keyword counts only beside a word of the material that is neither
 * a keyword nor the stem's; stem words count only beside at least a tenth of the keys of the reference
 * the stem does not hold, so a stem echo scores 0; an answer whose words are mostly neither the
 * question's nor the material's (padding) scores 0.
 */
export function similarityParts(question: FreeTextQuestion, answer: string): SimilarityParts {
  const vocabulary = vocabularyOf(question);
  return similarityOfRead(question, vocabulary, readSentences(question, answer, vocabulary));
}

/** `similarityParts` of an answer already read (`readSentences`), which the evidence reads too. */
function similarityOfRead(question: FreeTextQuestion, vocabulary: QuestionVocabulary, { sentences, padded }: ReadAnswer): SimilarityParts {
  const material = similarityVocabularyOf(question, vocabulary);
  const found = new Set<string>();
  const foundPhrases = new Set<string>();
  const foundNegated = new Set<string>();
  const foundAffirmed = new Set<string>();
  for (const { sentence, spell, keys, padding } of sentences) {
    if ((padded && padding) || !(vocabulary.namingReference || isStatement(sentence))) continue;
    let explaining = false;
    for (const key of keys) if (!vocabulary.stemKeys.has(key) && !vocabulary.keywordKeys.has(key) && vocabulary.contextKeys.has(key)) explaining = true;
    for (const key of keys) if (explaining || !vocabulary.keywordKeys.has(key)) found.add(key);
    const senses = keySenses(sentence);
    for (const key of senses.denied) foundNegated.add(spell(key));
    for (const key of senses.affirmed) foundAffirmed.add(spell(key));
    // An unsure key agrees with either sense.
    for (const key of senses.unsure) {
      foundNegated.add(spell(key));
      foundAffirmed.add(spell(key));
    }
    for (const phrase of phraseKeys(sentence, spell)) {
      if (explaining || !phrase.split(' ').some((key) => vocabulary.keywordKeys.has(key))) foundPhrases.add(phrase);
    }
  }
  let own = 0;
  let relevant = 0;
  let stemWords = 0;
  for (const key of found) {
    if (vocabulary.stemKeys.has(key)) stemWords += 1;
    else {
      own += 1;
      if (vocabulary.contextKeys.has(key)) relevant += 1;
    }
  }
  // Stem words are on topic though they earn nothing: they keep an answer that restates the question
  // from being taken for padding.
  if (own === 0 || (relevant + stemWords) / (own + stemWords) < MIN_RELEVANT_SHARE) return NO_SIMILARITY;
  let recall = 0;
  let phrase = 0;
  let bestTakenBack: ReadonlySet<string> = NO_KEYS;
  for (const reference of material.references) {
    let wanted = 0;
    let hits = 0;
    let stemWanted = 0;
    let stemHits = 0;
    // The answer contradicts a key it only denies where the reference only affirms it, or the reverse;
    // the reference's clauses holding such a key are taken back whole (`the circuit is not closed and no
    // current flows` against `the circuit is closed`), its other clauses still count.
    const opposite = (key: string) => {
      const denied = reference.negated.get(key);
      if (denied === undefined || !found.has(key)) return false;
      return denied ? foundAffirmed.has(key) && !foundNegated.has(key) : foundNegated.has(key) && !foundAffirmed.has(key);
    };
    const contradicted = [...reference.keys].filter(opposite);
    const takenBack = new Set<string>(contradicted);
    if (contradicted.length > 0) {
      const kept = reference.assertions.filter((assertion) => !contradicted.some((key) => assertion.has(key)));
      for (const assertion of reference.assertions) {
        if (kept.includes(assertion)) continue;
        for (const key of assertion) if (!kept.some((other) => other.has(key))) takenBack.add(key);
      }
    }
    for (const key of reference.keys) {
      const hit = found.has(key) && !takenBack.has(key) ? 1 : 0;
      if (vocabulary.stemKeys.has(key)) {
        stemWanted += 1;
        stemHits += hit;
      } else {
        wanted += 1;
        hits += hit;
      }
    }
    // One shared word of a long reference is coincidence (`previous`, `whole`), not content.
    if (wanted === 0 || hits === 0 || hits / wanted < MIN_SHARED_SHARE) continue;
    const keyRecall = (hits + stemHits) / (wanted + stemWanted);
    let phraseHits = 0;
    for (const pair of reference.phrases) if (foundPhrases.has(pair) && !pair.split(' ').some((key) => takenBack.has(key))) phraseHits += 1;
    if (keyRecall > recall) bestTakenBack = takenBack;
    recall = Math.max(recall, keyRecall);
    phrase = Math.max(phrase, reference.phrases.size > 0 ? phraseHits / reference.phrases.size : keyRecall);
  }
  // The amount of material used counts only for an answer that says something of a reference: terms
  // gathered from all over the material say nothing in particular.
  // Material the answer says the opposite of is material it misuses, not material it knows.
  const used = relevant - [...bestTakenBack].filter((key) => found.has(key) && !vocabulary.stemKeys.has(key) && vocabulary.contextKeys.has(key)).length;
  const content = recall > 0 && material.materialKeys > 0 ? Math.min(1, Math.log1p(used) / Math.log1p(material.materialKeys)) : 0;
  return { recall, phrase, content };
}

/** The parts of `similarityParts` weighed into one similarity, 0..1. */
export function weighSimilarity(parts: SimilarityParts, weights: Pick<FallbackThresholds, 'phraseWeight' | 'contentWeight'> = DEFAULT_THRESHOLDS): number {
  const reference = (1 - weights.phraseWeight) * parts.recall + weights.phraseWeight * parts.phrase;
  return (1 - weights.contentWeight) * reference + weights.contentWeight * parts.content;
}

/** Similarity of the answer to the reference, 0..1: `similarityParts` weighed with the shipped weights. */
export function referenceSimilarity(question: FreeTextQuestion, answer: string, weights: Pick<FallbackThresholds, 'phraseWeight' | 'contentWeight'> = DEFAULT_THRESHOLDS): number {
  return weighSimilarity(similarityParts(question, answer), weights);
}

/** What the fallback found in an answer, before it is weighed into a score. */
export interface RubricEvidence {
  coverages: PointCoverage[];
  /** `similarityParts`, or none when the answer swaps a pair. */
  similarity: SimilarityParts;
}

export function rubricEvidence(
  question: FreeTextQuestion,
  answer: string,
  thresholds: Pick<FallbackThresholds, 'met' | 'partial'> = DEFAULT_THRESHOLDS,
): RubricEvidence {
  const vocabulary = vocabularyOf(question);
  const read = readSentences(question, answer, vocabulary);
  const clauses = splitClauses(answer, paddingOf(read));
  const coverages = question.rubric.map((point) => coverPoint(point, question, clauses, vocabulary, { ...DEFAULT_THRESHOLDS, ...thresholds }));
  // An answer that attaches a meaning to the wrong term uses the reference's words to say something
  // false: similarity to the reference then earns nothing anywhere, only evidence of other points does.
  const swapped = coverages.some((coverage) => coverage.swapped);
  return { coverages, similarity: swapped ? NO_SIMILARITY : similarityOfRead(question, vocabulary, read) };
}

/**
 * Per-point verdicts by rubric evidence, each point's score blending its evidence share with the
 * answer's similarity to the reference (`evidenceWeight`; similarity at `fullSimilarity` recall counts
 * in full). A point whose pairs the answer swaps earns nothing, and the answer no similarity at all.
 */
export function blendRubric(question: FreeTextQuestion, evidence: RubricEvidence, thresholds: FallbackThresholds = DEFAULT_THRESHOLDS): RubricPointVerdict[] {
  const similarity = Math.min(1, weighSimilarity(evidence.similarity, thresholds) / thresholds.fullSimilarity);
  return question.rubric.map((point, position) => {
    const coverage = evidence.coverages[position]!;
    const share = coverage.swapped ? 0 : thresholds.evidenceWeight * coverage.share + (1 - thresholds.evidenceWeight) * similarity;
    return {
      index: position,
      point: point.point,
      verdict: coverage.verdict,
      evidence: coverage.matched.join(', '),
      score: roundScore(point.points * share),
      maxScore: point.points,
    };
  });
}

export function gradeRubric(question: FreeTextQuestion, answer: string, thresholds: FallbackThresholds = DEFAULT_THRESHOLDS): RubricPointVerdict[] {
  return blendRubric(question, rubricEvidence(question, answer, thresholds), thresholds);
}

/** met → the point's marks, partial → half, missed → 0; summed, clamped to 0..max and rounded to 2 decimals. */
export function scoreVerdicts(verdicts: ReadonlyArray<Pick<RubricPointVerdict, 'verdict' | 'maxScore'>>, maxScore: number): number {
  let total = 0;
  for (const verdict of verdicts) {
    if (verdict.verdict === 'met') total += verdict.maxScore;
    else if (verdict.verdict === 'partial') total += verdict.maxScore / 2;
  }
  return roundScore(Math.min(Math.max(total, 0), maxScore));
}

export function roundScore(value: number): number {
  return Math.round(value * 100) / 100;
}

export interface FallbackOptions {
  language: FeedbackLanguage;
  /** Why the fallback was used, e.g. `no-llm-configured`, `timeout`, `injection`. */
  note: string;
  status?: FreeTextFeedback['status'];
  thresholds?: FallbackThresholds;
}

/** Per-point verdicts by evidenced terms, the evidence being the matched terms. */
export function coverRubric(question: FreeTextQuestion, answer: string, thresholds: FallbackThresholds = DEFAULT_THRESHOLDS): RubricPointVerdict[] {
  const vocabulary = vocabularyOf(question);
  const clauses = splitClauses(answer, paddingOf(readSentences(question, answer, vocabulary)));
  return question.rubric.map((point, position) => {
    const coverage = coverPoint(point, question, clauses, vocabulary, thresholds);
    return {
      index: position,
      point: point.point,
      verdict: coverage.verdict,
      evidence: coverage.matched.join(', '),
      score: roundScore(point.points * coverage.share),
      maxScore: point.points,
    };
  });
}

/** The evidence grader's total: the points' earned marks summed, clamped to 0..max and rounded to 2 decimals. */
export function sumScores(verdicts: ReadonlyArray<Pick<RubricPointVerdict, 'score'>>, maxScore: number): number {
  return roundScore(Math.min(Math.max(verdicts.reduce((total, verdict) => total + verdict.score, 0), 0), maxScore));
}

/** The maximum a question is worth: its `points`, which the rubric's points share. */
export function maxScoreOf(question: FreeTextQuestion): number {
  return question.points;
}

/**
 * Scales rubric verdicts so their maxima add up to the question's points (a rubric may be written on
 * a different scale than the question), keeping each verdict's share.
 */
export function scaleToQuestion(verdicts: RubricPointVerdict[], question: FreeTextQuestion): RubricPointVerdict[] {
  const rubricTotal = verdicts.reduce((sum, verdict) => sum + verdict.maxScore, 0);
  if (rubricTotal <= 0 || Math.abs(rubricTotal - question.points) < 1e-9) return verdicts;
  const factor = question.points / rubricTotal;
  return verdicts.map((verdict) => ({
    ...verdict,
    score: roundScore(verdict.score * factor),
    maxScore: roundScore(verdict.maxScore * factor),
  }));
}

export function gradeByRubricCoverage(question: FreeTextQuestion, answer: string, options: FallbackOptions): FreeTextFeedback {
  const language = options.language;
  const rubric = scaleToQuestion(gradeRubric(question, answer, options.thresholds), question);
  const maxScore = maxScoreOf(question);
  const score = sumScores(rubric, maxScore);
  const covered = rubric.filter((verdict) => verdict.verdict === 'met');
  const missed = rubric.filter((verdict) => verdict.verdict !== 'met');
  const limits = FEEDBACK_LIMITS;
  const explanationParts = [
    t(language, 'tutor.provisionalLabel'),
    `${t(language, 'tutor.referenceHeading')}\n${truncateText(question.reference, limits.referenceChars)}`,
  ];
  if (question.analysis.trim()) explanationParts.push(`${t(language, 'tutor.analysisHeading')}\n${truncateText(question.analysis, limits.analysisChars)}`);
  return {
    gradedBy: 'fallback',
    status: options.status ?? 'graded',
    provisional: true,
    score,
    maxScore,
    rubric: rubric.map((verdict) => ({ ...verdict, point: truncateText(verdict.point, limits.pointChars), evidence: truncateText(verdict.evidence, limits.evidenceChars) })),
    strengths: covered.slice(0, limits.listItems).map((verdict) => truncateText(t(language, 'tutor.coveredPoint', { point: verdict.point }), limits.listItemChars)),
    improvements: missed.slice(0, limits.listItems).map((verdict) => truncateText(t(language, 'tutor.missedPoint', { point: verdict.point }), limits.listItemChars)),
    explanation: explanationParts.join('\n\n'),
    note: options.note,
  };
}
