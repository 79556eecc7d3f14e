import { describe, expect, it } from 'vitest';
import { rateAnswer, scheduleReview, type ReviewCard } from '../../src/progress/review.ts';
import { seededRandom } from '../../src/seeded-random.ts';

const DAY = 86_400_000;
const t0 = new Date('2026-03-01T10:00:00Z');

describe('rateAnswer', () => {
  it.each([
    [0, 1, 'again'],
    [0.5, 1, 'again'],
    [1, 2, 'again'],
    [1.19, 2, 'again'],
    [1.2, 2, 'hard'],
    [3, 5, 'hard'],
    [0.99, 1, 'hard'],
    [1, 1, 'good'],
    [5, 5, 'good'],
    [0, 0, 'again'],
  ] as const)('rates %s of %s as %s', (score, maxScore, rating) => {
    expect(rateAnswer(score, maxScore)).toBe(rating);
  });
});

describe('scheduleReview', () => {
  it('creates a card on the first answer and schedules by how well it went', () => {
    const missed = scheduleReview(null, 0, 1, t0);
    const partly = scheduleReview(null, 2, 3, t0);
    const full = scheduleReview(null, 1, 1, t0);
    for (const card of [missed, partly, full]) {
      expect(card.reps).toBe(1);
      expect(card.lastReview).toEqual(t0);
      expect(card.due.getTime()).toBeGreaterThan(t0.getTime());
    }
    expect(missed.due.getTime() - t0.getTime()).toBe(DAY);
    expect(partly.due.getTime()).toBeGreaterThan(missed.due.getTime());
    expect(full.due.getTime()).toBeGreaterThan(partly.due.getTime());
    expect(full.stability).toBeGreaterThan(missed.stability);
  });

  it('moves the due date further out with each answer at full marks', () => {
    let card: ReviewCard = scheduleReview(null, 1, 1, t0);
    const intervals: number[] = [];
    for (let round = 0; round < 4; round += 1) {
      const reviewedAt = card.due;
      card = scheduleReview(card, 1, 1, reviewedAt);
      intervals.push(card.due.getTime() - reviewedAt.getTime());
    }
    expect(card.reps).toBe(5);
    expect(card.lapses).toBe(0);
    expect(card.state).toBe(2);
    for (let index = 1; index < intervals.length; index += 1) expect(intervals[index]!).toBeGreaterThan(intervals[index - 1]!);
  });

  it('counts a lapse and brings the card back soon when a learned question is missed', () => {
    let card = scheduleReview(null, 1, 1, t0);
    card = scheduleReview(card, 1, 1, card.due);
    const before = card;
    const missedAt = card.due;
    card = scheduleReview(card, 0, 1, missedAt);
    expect(card.lapses).toBe(1);
    expect(card.stability).toBeLessThan(before.stability);
    expect(card.due.getTime() - missedAt.getTime()).toBeLessThan(before.due.getTime() - before.lastReview!.getTime());
  });

  it('applies an answer stamped before the last review at the last review time', () => {
    const card = scheduleReview(null, 1, 1, t0);
    const late = scheduleReview(card, 0, 1, new Date(t0.getTime() - DAY));
    expect(late.lastReview).toEqual(t0);
    expect(late.due.getTime()).toBeGreaterThan(t0.getTime());
  });
});

describe('scheduleReview against ts-fsrs', () => {
  it('keeps every card sane for 300 learners answering 40 times at random gaps and scores', () => {
    const rand = seededRandom(2026);
    let compared = 0;
    for (let learner = 0; learner < 300; learner += 1) {
      let card: ReviewCard | null = null;
      let at = t0.getTime() + Math.floor(rand() * 400) * 3_600_000;
      for (let answer = 0; answer < 40; answer += 1) {
        // Same minute, hours, days or months later; now and then stamped before the last review (clock skew).
        const gap = [0, 60_000, 5 * 3_600_000, DAY, 3 * DAY, 40 * DAY, 400 * DAY, -2 * 3_600_000][Math.floor(rand() * 8)]!;
        at += gap + Math.floor(rand() * 3_600_000);
        const maxScore = [1, 2, 3, 10][Math.floor(rand() * 4)]!;
        const score = Math.round(rand() * maxScore * 10) / 10;
        const next: ReviewCard = scheduleReview(card, score, maxScore, new Date(at));
        const reviewedAt = Math.max(at, card?.lastReview?.getTime() ?? at);
        expect(next.reps).toBe((card?.reps ?? 0) + 1);
        expect(next.lastReview?.getTime()).toBe(reviewedAt);
        expect(next.due.getTime()).toBeGreaterThan(reviewedAt);
        expect(next.scheduledDays).toBeGreaterThanOrEqual(1);
        expect(next.lapses).toBeGreaterThanOrEqual(card?.lapses ?? 0);
        if (rateAnswer(score, maxScore) !== 'again') expect(next.lapses).toBe(card?.lapses ?? 0);
        expect(Number.isFinite(next.stability) && next.stability > 0).toBe(true);
        expect(next.difficulty).toBeGreaterThanOrEqual(1);
        expect(next.difficulty).toBeLessThanOrEqual(10);
        card = next;
        compared += 1;
      }
    }
    expect(compared).toBe(12_000);
  });
});
