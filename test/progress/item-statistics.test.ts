import { describe, expect, it } from 'vitest';
import { computeItemStatistics, type FirstAttempt, type ItemStatistics } from '../../src/progress/item-statistics.ts';

/**
 * Ten learners, five questions; Q1–Q4 are worth 1 point, Q5 is worth 2 (1 = half right).
 *
 *          Q1 Q2 Q3 Q4 Q5 | total T
 *   L1      1  1  0  1  2 |  5
 *   L2      1  1  0  0  2 |  4
 *   L3      1  1  0  0  2 |  4
 *   L4      1  1  0  0  1 |  3
 *   L5      1  1  1  0  1 |  4
 *   L6      1  0  0  0  1 |  2
 *   L7      1  0  1  0  1 |  3
 *   L8      1  0  1  0  0 |  2
 *   L9      1  0  1  0  0 |  2
 *   L10     1  0  1  0  0 |  2
 *
 * Q3 is what a wrong key looks like: the strongest learners all "miss" it.
 */
const MATRIX = [
  [1, 1, 0, 1, 2],
  [1, 1, 0, 0, 2],
  [1, 1, 0, 0, 2],
  [1, 1, 0, 0, 1],
  [1, 1, 1, 0, 1],
  [1, 0, 0, 0, 1],
  [1, 0, 1, 0, 1],
  [1, 0, 1, 0, 0],
  [1, 0, 1, 0, 0],
  [1, 0, 1, 0, 0],
];
const MAX = [1, 1, 1, 1, 2];

function classAttempts(matrix: number[][] = MATRIX): FirstAttempt[] {
  return matrix.flatMap((row, learner) =>
    row.map((score, question) => ({ userId: `L${learner + 1}`, questionId: `Q${question + 1}`, score, maxScore: MAX[question]! })),
  );
}

describe('computeItemStatistics', () => {
  const rows = computeItemStatistics(classAttempts());
  const byId = new Map(rows.map((row) => [row.questionId, row]));

  it('counts every learner once per question and keeps the questions in order', () => {
    expect(rows.map((row) => [row.questionId, row.attempts])).toEqual([
      ['Q1', 10],
      ['Q2', 10],
      ['Q3', 10],
      ['Q4', 10],
      ['Q5', 10],
    ]);
  });

  it('gives a question everyone got right facility 1 and no discrimination index, as Moodle does', () => {
    // x is 1 for all ten: var(x) = 0, so Moodle's `markvariance * othermarkvariance` is 0 and D stays empty.
    expect(byId.get('Q1')).toEqual({
      questionId: 'Q1',
      attempts: 10,
      facility: 1,
      discriminationIndex: null,
      discriminativeEfficiency: null,
      flags: [],
    });
  });

  it('matches the hand-computed figures of a question that separates strong and weak learners (Q2)', () => {
    // x = 1,1,1,1,1,0,0,0,0,0        mean 0.5 → facility 0.5
    // y = T − x = 4,3,3,2,3,2,3,2,2,2 mean 26/10 = 2.6
    // dx = ±0.5; dy = 1.4,0.4,0.4,−0.6,0.4 | −0.6,0.4,−0.6,−0.6,−0.6
    // Sxy = 0.5·(1.4+0.4+0.4−0.6+0.4) − 0.5·(−0.6+0.4−0.6−0.6−0.6) = 0.5·2 + 0.5·2 = 2
    // Sxx = 10·0.25 = 2.5; Syy = 1.96 + 4·0.16 + 5·0.36 = 4.4
    // D = 100·2 / √(2.5·4.4) = 200/√11 = 60.302
    // covmax: sorted dx −0.5×5, 0.5×5 against sorted dy −0.6×5, 0.4×4, 1.4:
    //   0.5·0.6·5 + 0.5·(0.4·4 + 1.4) = 1.5 + 1.5 = 3 → E = 100·2/3 = 66.667
    const q2 = byId.get('Q2')!;
    expect(q2.facility).toBeCloseTo(0.5, 10);
    expect(q2.discriminationIndex).toBeCloseTo(60.302, 3);
    expect(q2.discriminativeEfficiency).toBeCloseTo(66.667, 3);
    expect(q2.flags).toEqual([]);
  });

  it('flags a question the strongest learners miss with a negative discrimination index (Q3)', () => {
    // x = 0,0,0,0,1,0,1,1,1,1        mean 0.5
    // y = 5,4,4,3,3,2,2,1,1,1        mean 2.6
    // dy = 2.4,1.4,1.4,0.4,0.4,−0.6,−0.6,−1.6,−1.6,−1.6
    // Sxy = −0.5·(2.4+1.4+1.4+0.4−0.6) + 0.5·(0.4−0.6−1.6−1.6−1.6) = −2.5 − 2.5 = −5
    // Syy = 5.76 + 2·1.96 + 2·0.16 + 2·0.36 + 3·2.56 = 18.4; Sxx = 2.5
    // D = −500/√46 = −73.721
    // covmax: sorted dy −1.6×3, −0.6×2 | 0.4×2, 1.4×2, 2.4 → 0.5·6 + 0.5·6 = 6 → E = −500/6 = −83.333
    const q3 = byId.get('Q3')!;
    expect(q3.facility).toBeCloseTo(0.5, 10);
    expect(q3.discriminationIndex).toBeCloseTo(-73.721, 3);
    expect(q3.discriminativeEfficiency).toBeCloseTo(-83.333, 3);
    expect(q3.flags).toEqual(['negative-discrimination']);
  });

  it('flags a question almost nobody gets right for its facility, even when it discriminates (Q4)', () => {
    // x = 1,0×9                      mean 0.1 → facility 0.1 < 0.2
    // y = 4,4,4,3,4,2,3,2,2,2        mean 3
    // dx = 0.9, −0.1×9; dy = 1,1,1,0,1,−1,0,−1,−1,−1
    // Sxy = 0.9·1 − 0.1·(1+1+0+1−1+0−1−1−1) = 0.9 + 0.1 = 1
    // Sxx = 0.81 + 9·0.01 = 0.9; Syy = 8 → D = 100/√7.2 = 37.268
    // covmax: sorted dy −1×4, 0×2, 1×4 → −0.1·(−4+0+3) + 0.9·1 = 1 → E = 100
    const q4 = byId.get('Q4')!;
    expect(q4.facility).toBeCloseTo(0.1, 10);
    expect(q4.discriminationIndex).toBeCloseTo(37.268, 3);
    expect(q4.discriminativeEfficiency).toBeCloseTo(100, 6);
    expect(q4.flags).toEqual(['low-facility']);
  });

  it('uses points, not fractions, for the marks of a 2-point question with partial credit (Q5)', () => {
    // x = 2,2,2,1,1,1,1,0,0,0        mean 1 → facility 1/2 = 0.5
    // y = 3,2,2,2,3,1,2,2,2,2        mean 2.1
    // dx = 1,1,1,0,0,0,0,−1,−1,−1; dy = 0.9,−0.1,−0.1,−0.1,0.9,−1.1,−0.1,−0.1,−0.1,−0.1
    // Sxy = (0.9−0.1−0.1) − (−0.1−0.1−0.1) = 1
    // Sxx = 6; Syy = 2·0.81 + 1.21 + 7·0.01 = 2.9 → D = 100/√17.4 = 23.973
    // covmax: sorted dx −1×3, 0×4, 1×3 against sorted dy −1.1, −0.1×7, 0.9×2
    //   (1.1 + 0.1 + 0.1) + (−0.1 + 0.9 + 0.9) = 3 → E = 33.333
    const q5 = byId.get('Q5')!;
    expect(q5.facility).toBeCloseTo(0.5, 10);
    expect(q5.discriminationIndex).toBeCloseTo(23.973, 3);
    expect(q5.discriminativeEfficiency).toBeCloseTo(33.333, 3);
    expect(q5.flags).toEqual([]);
  });

  it('gives a question everyone got wrong facility 0, no discrimination index, and a flag', () => {
    const matrix = MATRIX.map((row) => [...row.slice(0, 3), 0, row[4]!]);
    const q4 = computeItemStatistics(classAttempts(matrix)).find((row) => row.questionId === 'Q4')!;
    expect(q4.facility).toBe(0);
    expect(q4.discriminationIndex).toBeNull();
    expect(q4.flags).toEqual(['low-facility']);
  });

  it('flags a near-zero discrimination index (below 10 on the ×100 scale) but not a moderate one', () => {
    // Six learners; on Q the marks are 1,0,1,0,1,0 and the rest 3,3,2,2,1,1 (from R1..R3, 1 point each):
    // mean x 0.5, mean y 2; dx ±0.5; dy 1,1,0,0,−1,−1 → Sxy = 0.5·(1−1+0−0−1+1) = 0 → D = 0.
    const rest = [3, 3, 2, 2, 1, 1];
    const attempts: FirstAttempt[] = rest.flatMap((points, learner) => [
      { userId: `u${learner}`, questionId: 'Q', score: learner % 2 === 0 ? 1 : 0, maxScore: 1 },
      ...[0, 1, 2].map((r) => ({ userId: `u${learner}`, questionId: `R${r + 1}`, score: r < points ? 1 : 0, maxScore: 1 })),
    ]);
    const q = computeItemStatistics(attempts).find((row) => row.questionId === 'Q')!;
    expect(q.discriminationIndex).toBeCloseTo(0, 10);
    expect(q.flags).toEqual(['low-discrimination']);
  });

  it('raises no flag on a question fewer than minAttempts learners answered', () => {
    const few = classAttempts().filter((attempt) => ['L1', 'L2', 'L3', 'L4'].includes(attempt.userId));
    expect(computeItemStatistics(few).every((row) => row.flags.length === 0)).toBe(true);
    expect(computeItemStatistics(few, { minAttempts: 4 }).find((row) => row.questionId === 'Q3')!.flags).toEqual(['low-facility']);
  });

  it('leaves discrimination empty for a question only one learner answered', () => {
    const [row] = computeItemStatistics([{ userId: 'a', questionId: 'Q', score: 1, maxScore: 1 }]);
    expect(row).toMatchObject({ attempts: 1, facility: 1, discriminationIndex: null, discriminativeEfficiency: null, flags: [] });
  });

  it('refuses a learner counted twice on one question rather than skewing the figures', () => {
    const twice = [...classAttempts(), { userId: 'L1', questionId: 'Q2', score: 0, maxScore: 1 }];
    expect(() => computeItemStatistics(twice)).toThrow(/L1.*Q2/);
  });
});

/**
 * Moodle's calculator (question/classes/statistics/questions/calculator.php) step by step, as a
 * second, independent reading of the definitions: initial_steps_walker collects each mark and
 * "other mark" (the usage's sum of marks minus this one), initial_question_walker takes the means and
 * sorts both arrays, secondary_steps_walker accumulates the sums of squares, the covariance and the
 * sorted covariance, and secondary_question_walker divides by s − 1.
 */
function moodleReference(matrix: ReadonlyArray<ReadonlyArray<number | null>>, max: readonly number[]) {
  const summarks = matrix.map((row) => row.reduce<number>((sum, mark) => sum + (mark ?? 0), 0));
  return max.map((maxmark, slot) => {
    const steps = matrix.flatMap((row, usage) => (row[slot] === null ? [] : [{ usage, mark: row[slot]! }]));
    const s = steps.length;
    const markarray = steps.map((step) => step.mark).sort((a, b) => a - b);
    const othermarksarray = steps.map((step) => summarks[step.usage]! - step.mark).sort((a, b) => a - b);
    const markaverage = markarray.reduce((a, b) => a + b, 0) / s;
    const othermarkaverage = othermarksarray.reduce((a, b) => a + b, 0) / s;
    let markvariancesum = 0;
    let othermarkvariancesum = 0;
    let covariancesum = 0;
    let covariancemaxsum = 0;
    steps.forEach((step, index) => {
      const markdifference = step.mark - markaverage;
      const othermarkdifference = summarks[step.usage]! - step.mark - othermarkaverage;
      markvariancesum += markdifference ** 2;
      othermarkvariancesum += othermarkdifference ** 2;
      covariancesum += markdifference * othermarkdifference;
      covariancemaxsum += (markarray[index]! - markaverage) * (othermarksarray[index]! - othermarkaverage);
    });
    const markvariance = markvariancesum / (s - 1);
    const othermarkvariance = othermarkvariancesum / (s - 1);
    const covariance = covariancesum / (s - 1);
    const covariancemax = covariancemaxsum / (s - 1);
    return {
      facility: markaverage / maxmark,
      discriminationIndex: markvariance * othermarkvariance > 1e-12 ? (100 * covariance) / Math.sqrt(markvariance * othermarkvariance) : null,
      discriminativeEfficiency: Math.abs(covariancemax) > 1e-12 ? (100 * covariance) / covariancemax : null,
    };
  });
}

function expectMoodleFigures(row: ItemStatistics, expected: ReturnType<typeof moodleReference>[number]): void {
  expect(row.facility).toBeCloseTo(expected.facility, 10);
  if (expected.discriminationIndex === null) expect(row.discriminationIndex).toBeNull();
  else expect(row.discriminationIndex).toBeCloseTo(expected.discriminationIndex, 8);
  if (expected.discriminativeEfficiency === null) expect(row.discriminativeEfficiency).toBeNull();
  else expect(row.discriminativeEfficiency).toBeCloseTo(expected.discriminativeEfficiency, 8);
}

describe('computeItemStatistics against Moodle’s calculator', () => {
  it('agrees with a step-by-step transcription of Moodle’s walkers on the hand-computed class', () => {
    const ours = computeItemStatistics(classAttempts());
    moodleReference(MATRIX, MAX).forEach((expected, slot) => expectMoodleFigures(ours[slot]!, expected));
  });

  it('agrees with it on 12 learners who each skipped some of 6 questions with partial credit', () => {
    // Learners answer different subsets here (null = not answered): the rest of the test is over what they answered.
    const max = [1, 2, 3, 1, 4, 2];
    const matrix = Array.from({ length: 12 }, (_, learner) =>
      max.map((points, question) => ((learner * 7 + question * 5) % 11 === 0 ? null : ((learner * 3 + question * 2 + learner * question) % (points * 2 + 1)) / 2)),
    );
    const attempts: FirstAttempt[] = matrix.flatMap((row, learner) =>
      row.flatMap((score, question) => (score === null ? [] : [{ userId: `L${learner}`, questionId: `Q${question}`, score: Math.min(score, max[question]!), maxScore: max[question]! }])),
    );
    const clamped = matrix.map((row) => row.map((score, question) => (score === null ? null : Math.min(score, max[question]!))));
    const ours = new Map(computeItemStatistics(attempts).map((row) => [row.questionId, row]));
    moodleReference(clamped, max).forEach((expected, question) => {
      const row = ours.get(`Q${question}`)!;
      expect(row.attempts).toBe(clamped.filter((r) => r[question] !== null).length);
      expectMoodleFigures(row, expected);
    });
    // The comparison means something only if most questions have a defined, non-trivial index.
    expect([...ours.values()].filter((row) => row.discriminationIndex !== null && Math.abs(row.discriminationIndex) > 1).length).toBeGreaterThanOrEqual(4);
  });
});
