import { acceptedFraction, acceptedText, type BlankQuestion } from '../bank/schema.ts';
import {
  acceptedDisplayText,
  compileAcceptPattern,
  isBlankText,
  matchKeyOfNormalized,
  normalizeText,
  removeZeroWidth,
  splitAcceptPattern,
  splitBlankAnswers,
  untrimmedKeyOfNormalized,
} from './normalize.ts';
import { gradedResult, invalidResult, roundScore, snapFraction } from './result.ts';
import type { GradeResult, PartVerdict, RawAnswer } from './types.ts';

/** A blank in the stem: a run of two or more `_`/`＿`, or a single full-width `＿`. */
const STEM_BLANK = /[_＿]{2,}|＿/gu;

/** How many blanks the stem marks; `max_length` (one `_`) is not a blank. */
export function countStemBlanks(stem: string): number {
  return stem.match(STEM_BLANK)?.length ?? 0;
}

/**
 * Points per blank: its own `points` when given; the question's points left over, shared evenly,
 * for the blanks without. (Validation insists that given points add up to the question's.)
 */
export function blankPoints(question: BlankQuestion): number[] {
  const given = question.blanks.reduce((sum, blank) => sum + (blank.points ?? 0), 0);
  const without = question.blanks.filter((blank) => blank.points === undefined).length;
  const share = without > 0 ? Math.max(0, question.points - given) / without : 0;
  return question.blanks.map((blank) => blank.points ?? share);
}

interface CompiledBlank {
  /** The share of the blank's points the answer earns: the best of the accepted answers it matches, 0 if none. */
  credit: (answerKey: string, untrimmed?: string) => number;
  points: number;
  /** The first accepted answer without a wildcard, shown as the expected answer. */
  display: string;
}

const compiledBlanks = new WeakMap<BlankQuestion, CompiledBlank[]>();

/** Accept patterns compiled once per question: banks are immutable once loaded. */
function compile(question: BlankQuestion): CompiledBlank[] {
  let compiled = compiledBlanks.get(question);
  if (!compiled) {
    const points = blankPoints(question);
    compiled = question.blanks.map((blank, index) => {
      const matchers = blank.accept.map((entry) => ({ matches: compileAcceptPattern(acceptedText(entry)), fraction: acceptedFraction(entry) }));
      return {
        credit: (answer: string, untrimmed?: string) =>
          matchers.reduce((best, matcher) => (matcher.fraction > best && matcher.matches(answer, untrimmed) ? matcher.fraction : best), 0),
        points: points[index] ?? 0,
        display: displayAccepted(blank.accept),
      };
    });
    compiledBlanks.set(question, compiled);
  }
  return compiled;
}

/** The answer shown as expected: the first fully right entry without a wildcard, else the first entry. */
export function displayAccepted(accept: BlankQuestion['blanks'][number]['accept']): string {
  const plain = accept.find((entry) => acceptedFraction(entry) >= 1 && splitAcceptPattern(acceptedText(entry)).length === 1);
  const shown = plain ?? accept.find((entry) => acceptedFraction(entry) >= 1) ?? accept[0];
  return shown === undefined ? '' : acceptedDisplayText(acceptedText(shown));
}

/**
 * Separators learners use for a list, tried only when they give exactly one piece per blank: spaces
 * (`延迟 吞吐量`), then the enumeration comma and commas (`延迟、吞吐量`, `latency, throughput`). They are
 * not separators in general because an accepted answer may contain them (`TensorFlow Lite`).
 */
const LOOSE_SEPARATORS = [/\s+/u, /\s*[、,，]\s*/u];

/**
 * The answer for each blank, in order. One string is split on `;` `；` `|` `｜` or line breaks; a
 * list gives one entry per blank. An empty part skips that blank (`量化;` answers only the first of
 * two). Extra empty parts at the end are ignored.
 *
 * A different number of parts is `invalid` (`blank-count`), not graded: it is far more often a
 * separator problem than a learner skipping blanks, and skipping is still possible with an empty
 * part. One exception: one part that splits on spaces, or else on `、`/commas, into exactly as many
 * pieces as there are blanks (`延迟 吞吐量`, `延迟、吞吐量`) is read as one piece per blank, the way
 * learners type on a phone.
 */
function readParts(question: BlankQuestion, raw: RawAnswer): string[] | GradeResult {
  const count = question.blanks.length;
  const list: readonly string[] = typeof raw === 'string' ? [raw] : raw;
  const parts = list.length === 1 ? splitBlankAnswers(list[0] ?? '') : list.map((part) => removeZeroWidth(part).trim());
  while (parts.length > count && parts[parts.length - 1] === '') parts.pop();
  if (parts.every((part) => isBlankText(part))) return invalidResult(question, 'empty', 'The answer is empty.');
  if (parts.length === count) return parts;
  if (parts.length === 1 && count > 1) {
    for (const separator of LOOSE_SEPARATORS) {
      const pieces = (parts[0] ?? '').split(separator);
      if (pieces.length === count) return pieces.map((piece) => piece.trim());
    }
  }
  const blanks = count === 1 ? '1 blank' : `${count} blanks`;
  const given = parts.length === 1 ? '1 part' : `${parts.length} parts`;
  return invalidResult(
    question,
    'blank-count',
    `This question has ${blanks} but the answer has ${given}; separate the answers with ";" or "|" (leave a part empty to skip a blank).`,
  );
}

/** Within an unordered group, the pairing of answers to blanks that earns the most points. */
function bestPairing(group: number[], keys: string[], untrimmed: string[], blanks: CompiledBlank[]): Map<number, number> {
  const earns = (position: number, blankIndex: number): number => {
    const key = keys[position] ?? '';
    const blank = blanks[blankIndex];
    return key !== '' && blank ? blank.credit(key, untrimmed[position]) * blank.points : 0;
  };
  let best = group.slice();
  let bestScore = group.reduce((sum, index) => sum + earns(index, index), 0);
  const most = group.reduce((sum, index) => sum + (blanks[index]?.points ?? 0), 0);
  // Answers in the key's order already earn everything: nothing to search.
  if (bestScore >= most - 1e-12) return new Map(group.map((position) => [position, position]));
  if (group.length <= 7) {
    const permute = (prefix: number[], rest: number[]): void => {
      if (rest.length === 0) {
        const score = prefix.reduce((sum, blankIndex, at) => sum + earns(group[at] ?? -1, blankIndex), 0);
        if (score > bestScore + 1e-12) {
          bestScore = score;
          best = prefix;
        }
        return;
      }
      rest.forEach((blankIndex, at) => permute([...prefix, blankIndex], [...rest.slice(0, at), ...rest.slice(at + 1)]));
    };
    permute([], group);
  } else {
    // Large groups are unusual; greedy first-fit is good enough and stays fast.
    const free = new Set(group);
    const assigned: Array<number | undefined> = group.map((position) => {
      const match = [...free].find((blankIndex) => earns(position, blankIndex) > 0);
      if (match !== undefined) free.delete(match);
      return match;
    });
    best = assigned.map((blankIndex) => {
      if (blankIndex !== undefined) return blankIndex;
      const next = [...free][0] as number;
      free.delete(next);
      return next;
    });
  }
  return new Map(group.map((position, at) => [position, best[at] ?? position]));
}

export function gradeBlank(question: BlankQuestion, raw: RawAnswer): GradeResult {
  const parts = readParts(question, raw);
  if (!Array.isArray(parts)) return parts;
  const blanks = compile(question);
  const normalized = parts.map(normalizeText);
  const keys = normalized.map(matchKeyOfNormalized);
  const untrimmed = normalized.map(untrimmedKeyOfNormalized);

  // position → the blank it is graded against: itself, unless an unordered group pairs it otherwise.
  const pairedWith = blanks.map((_, index) => index);
  const grouped = new Set<number>();
  for (const group of question.unordered ?? []) {
    const members = group.filter((index) => index < blanks.length && !grouped.has(index));
    members.forEach((index) => grouped.add(index));
    if (members.length < 2) continue;
    for (const [position, blankIndex] of bestPairing(members, keys, untrimmed, blanks)) pairedWith[position] = blankIndex;
  }

  let total = 0;
  const verdicts: PartVerdict[] = blanks.map((_, position) => {
    const blank = blanks[pairedWith[position] ?? position] as CompiledBlank;
    const key = keys[position] ?? '';
    const given = normalized[position] ?? '';
    const credit = key === '' ? 0 : snapFraction(blank.credit(key, untrimmed[position]));
    total += credit * blank.points;
    // A partly right answer (a 50% entry) is shown as wrong with its points: it is not the expected answer.
    return {
      part: String(position + 1),
      verdict: key === '' ? 'missed' : credit >= 1 ? 'correct' : 'wrong',
      ...(given === '' ? {} : { given }),
      expected: blank.display,
      score: roundScore(credit * blank.points),
      maxScore: roundScore(blank.points),
    };
  });
  return gradedResult(
    question,
    total,
    verdicts,
    normalized.join(' | '),
    blanks.map((blank) => blank.display).join('; '),
  );
}
