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
 * The card after one graded answer at `now`. `card` null means the learner's first answer to the
 * question. An answer stamped before the card's last review (clock skew, a late regrade) is applied at
 * the last review time so intervals never go negative.
 *
 * This is ts-fsrs's long-term scheduler (`fsrs().next` with `enable_short_term: false`) computed
 * directly from its FSRS formulas (`next_state`, `next_interval`, `forgetting_curve`): `next` copies the
 * card several times, builds a seed string and four review logs per call, which cost about as much as
 * storing the attempt. `scheduleReviewWithTsFsrs` is the reference; a test holds the two equal.
 */
export function scheduleReview(card: ReviewCard | null, score: number, maxScore: number, now: Date): ReviewCard {
  const at = card?.lastReview && card.lastReview.getTime() > now.getTime() ? card.lastReview : now;
  const algorithm = getScheduler();
  const grade = FSRS_GRADES[rateAnswer(score, maxScore)];
  const isNew = !card || card.state === State.New;
  // A card that has been reviewed counts whole UTC calendar days since then (ts-fsrs's dateDiffInDays).
  const elapsed = !isNew && card.lastReview ? calendarDaysBetween(card.lastReview, at) : 0;
  const memory = { difficulty: card?.difficulty ?? 0, stability: card?.stability ?? 0 };
  const retrievability = isNew ? undefined : algorithm.forgetting_curve(elapsed, memory.stability);
  // The four ratings' intervals constrain each other (again < hard < good < easy), so all are computed.
  const states = ([Rating.Again, Rating.Hard, Rating.Good, Rating.Easy] as const).map((rating) =>
    algorithm.next_state(memory, elapsed, rating, retrievability),
  );
  const [again = 0, hard = 0, good = 0] = states.map((state): number => algorithm.next_interval(state.stability, elapsed));
  const againDays = Math.min(again, hard);
  const hardDays = Math.max(hard, againDays + 1);
  const goodDays = Math.max(good, hardDays + 1);
  const scheduledDays = grade === Rating.Again ? againDays : grade === Rating.Hard ? hardDays : goodDays;
  const next = states[grade - 1]!;
  return {
    due: new Date(at.getTime() + scheduledDays * MS_PER_DAY),
    stability: next.stability,
    difficulty: next.difficulty,
    elapsedDays: elapsed,
    scheduledDays,
    learningSteps: 0,
    reps: (card?.reps ?? 0) + 1,
    lapses: (card?.lapses ?? 0) + (!isNew && grade === Rating.Again ? 1 : 0),
    state: State.Review,
    lastReview: new Date(at.getTime()),
  };
}

const MS_PER_DAY = 86_400_000;

function calendarDaysBetween(from: Date, to: Date): number {
  const fromDay = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  const toDay = Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), to.getUTCDate());
  return Math.floor((toDay - fromDay) / MS_PER_DAY);
}

/** The same step through ts-fsrs's own scheduler: the reference `scheduleReview` is tested against. */
export function scheduleReviewWithTsFsrs(card: ReviewCard | null, score: number, maxScore: number, now: Date): ReviewCard {
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
