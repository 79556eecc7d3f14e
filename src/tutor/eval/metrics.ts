/** Agreement between the bot's scores and human scores. Pure; tested against hand-computed values. */

export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return null;
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let covariance = 0;
  let varianceX = 0;
  let varianceY = 0;
  for (let index = 0; index < n; index += 1) {
    const dx = xs[index]! - meanX;
    const dy = ys[index]! - meanY;
    covariance += dx * dy;
    varianceX += dx * dx;
    varianceY += dy * dy;
  }
  if (varianceX === 0 || varianceY === 0) return null;
  return covariance / Math.sqrt(varianceX * varianceY);
}

/**
 * Quadratic-weighted kappa on integer ratings from `min` to `max`: 1 is perfect agreement, 0 what
 * chance gives. Ratings are rounded to integers and clamped to the range first.
 */
export function quadraticWeightedKappa(raters: readonly number[], others: readonly number[], min: number, max: number): number | null {
  const n = Math.min(raters.length, others.length);
  const size = max - min + 1;
  if (n === 0 || size < 2) return null;
  const clamp = (value: number) => Math.min(max, Math.max(min, Math.round(value))) - min;
  const observed = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  const histA = new Array<number>(size).fill(0);
  const histB = new Array<number>(size).fill(0);
  for (let index = 0; index < n; index += 1) {
    const a = clamp(raters[index]!);
    const b = clamp(others[index]!);
    observed[a]![b]! += 1;
    histA[a]! += 1;
    histB[b]! += 1;
  }
  let numerator = 0;
  let denominator = 0;
  for (let i = 0; i < size; i += 1) {
    for (let j = 0; j < size; j += 1) {
      const weight = ((i - j) * (i - j)) / ((size - 1) * (size - 1));
      numerator += weight * observed[i]![j]!;
      denominator += (weight * histA[i]! * histB[j]!) / n;
    }
  }
  if (denominator === 0) return null;
  return 1 - numerator / denominator;
}

/** Share of pairs equal after rounding to integers. */
export function exactAgreement(xs: readonly number[], ys: readonly number[]): number | null {
  const n = Math.min(xs.length, ys.length);
  if (n === 0) return null;
  let same = 0;
  for (let index = 0; index < n; index += 1) if (Math.round(xs[index]!) === Math.round(ys[index]!)) same += 1;
  return same / n;
}

/** Share of pairs within one point after rounding to integers. */
export function adjacentAgreement(xs: readonly number[], ys: readonly number[]): number | null {
  const n = Math.min(xs.length, ys.length);
  if (n === 0) return null;
  let close = 0;
  for (let index = 0; index < n; index += 1) if (Math.abs(Math.round(xs[index]!) - Math.round(ys[index]!)) <= 1) close += 1;
  return close / n;
}
