/** Blank markers other than underscores that datasets use: （）, ( ), and LaTeX (\quad). */
const MARKERS = /[（(]\s*(?:\\quad\s*)?[)）]/g;

/**
 * A stem with exactly `count` underscore blanks: the dataset's own markers when there are exactly
 * `count` of them, else the stem as it is with `count` blanks appended.
 */
export function markBlanks(stem: string, count: number): { stem: string; appended: boolean } {
  const existing = stem.match(/[_＿]{2,}|＿/g)?.length ?? 0;
  if (existing === count) return { stem, appended: false };
  if (existing === 0) {
    const markers = stem.match(MARKERS)?.length ?? 0;
    if (markers === count) return { stem: stem.replace(MARKERS, '____'), appended: false };
  }
  return { stem: `${stem}${Array.from({ length: count }, () => ' ____').join(';')}`, appended: true };
}
