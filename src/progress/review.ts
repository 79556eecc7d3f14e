import { createEmptyCard, fsrs, Rating, State, type Card, type FSRS, type Grade } from 'ts-fsrs';

/**
 * Spaced review with FSRS (ts-fsrs, default parameters, no fuzz so schedules are reproducible).
 *
 * How a graded answer becomes an FSRS rating, from the fraction f = score / maxScore:
 *   f = 1 (full marks)   → Good
 *   0.6 ≤ f < 1          → Hard   (partly right: the card stays but comes back sooner)
 *   f < 0.6              → Again  (a lapse: relearn soon)
 * Easy is never produced: a quiz cannot tell effortless recall from a careful or lucky answer, and
 * Easy's long intervals would hide a guessed choice question for weeks.
 * Scheduling is day-scale (`enable_short_term: false`): a quiz is not a flashcard drill, so a first
 * answer at full marks comes back in about 3 days, a partly right one in about 2 and a missed one the
 * next day, rather than after FSRS's minute-long learning steps.
 * Pending attempts (provisional fallback score) update the card with that score; flagged attempts
 * (injection tripwire) do not touch the card, and a later regrade does not reschedule it.
 */

export const HARD_THRESHOLD = 0.6;

export type ReviewRating = 'again' | 'hard' | 'good';

/** A card as stored: one per user and question. Dates are real Dates; `state` is FSRS's New/Learning/Review/Relearning (0–3). */
export interface ReviewCard {
  due: Date;
  stability: number;
  difficulty: number;
  elapsedDays: number;
  scheduledDays: number;
  learningSteps: number;
  reps: number;
  lapses: number;
  state: 0 | 1 | 2 | 3;
  lastReview: Date | null;
}

export function rateAnswer(score: number, maxScore: number): ReviewRating {
  const fraction = maxScore > 0 ? score / maxScore : 0;
  if (fraction >= 1) return 'good';
  if (fraction >= HARD_THRESHOLD) return 'hard';
  return 'again';
}

const FSRS_GRADES: Record<ReviewRating, Grade> = { again: Rating.Again, hard: Rating.Hard, good: Rating.Good };

let scheduler: FSRS | undefined;
function getScheduler(): FSRS {
  scheduler ??= fsrs({ enable_fuzz: false, enable_short_term: false });
  return scheduler;
}

/**
 * The card after one graded answer at `now`, by ts-fsrs's long-term scheduler (no fuzz, no
 * short-term steps, so intervals are whole days and tests are repeatable). `card` null means the
 * learner's first answer to the question. An answer stamped before the card's last review (clock skew,
 * a late regrade) is applied at the last review time so intervals never go negative.
 */
export function scheduleReview(card: ReviewCard | null, score: number, maxScore: number, now: Date): ReviewCard {
  const at = card?.lastReview && card.lastReview.getTime() > now.getTime() ? card.lastReview : now;
  const current: Card = card ? toFsrsCard(card) : createEmptyCard(at);
  const { card: next } = getScheduler().next(current, at, FSRS_GRADES[rateAnswer(score, maxScore)]);
  return fromFsrsCard(next);
}

function toFsrsCard(card: ReviewCard): Card {
  return {
    due: card.due,
    stability: card.stability,
    difficulty: card.difficulty,
    elapsed_days: card.elapsedDays,
    scheduled_days: card.scheduledDays,
    learning_steps: card.learningSteps,
    reps: card.reps,
    lapses: card.lapses,
    state: card.state as State,
    ...(card.lastReview ? { last_review: card.lastReview } : {}),
  };
}

function fromFsrsCard(card: Card): ReviewCard {
  return {
    due: new Date(card.due),
    stability: card.stability,
    difficulty: card.difficulty,
    elapsedDays: card.elapsed_days,
    scheduledDays: card.scheduled_days,
    learningSteps: card.learning_steps,
    reps: card.reps,
    lapses: card.lapses,
    state: card.state as ReviewCard['state'],
    lastReview: card.last_review ? new Date(card.last_review) : null,
  };
}
