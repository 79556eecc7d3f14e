import type { QuestionType } from '../bank/schema.ts';

/**
 * Statistics for one user, optionally within one guild or one bank. Definitions:
 * - an attempt is "correct" when it scored full marks (score ≥ maxScore);
 * - `accuracy` = correct attempts / attempts (0 when there are none); points are reported apart;
 * - a question is "mastered" when its most recent attempt (within the filter) scored full marks;
 * - days are calendar days in `timeZone`; the current streak is the run of consecutive days with at
 *   least one answer that ends today or yesterday (so it is not broken before the day is over);
 * - review cards belong to the user and question, not to a guild: `reviewsDue` ignores the guild filter.
 * Attempts of every status count (graded, pending with its provisional score, flagged).
 */
export interface UserStats {
  userId: string;
  guildId: string | null;
  bankId: string | null;
  timeZone: string;
  /** The instant the statistics describe (ISO 8601). */
  generatedAt: string;
  attempts: number;
  correct: number;
  accuracy: number;
  pointsEarned: number;
  pointsAvailable: number;
  questionsSeen: number;
  questionsMastered: number;
  byType: Array<{ type: QuestionType } & GroupStats>;
  /** Questions without a topic are grouped under `topic: null`. Most attempts first. */
  byTopic: Array<{ topic: string | null } & GroupStats>;
  byBank: Array<{ bankId: string } & GroupStats>;
  currentStreakDays: number;
  longestStreakDays: number;
  /** The last 30 days ending today, oldest first, every day present. */
  daily: DailyCount[];
  reviewsDue: number;
  /** Topics with at least WEAK_TOPIC_MIN_ATTEMPTS attempts, lowest accuracy first (at most 5). */
  weakestTopics: Array<{ topic: string } & GroupStats>;
  /** Rubric points of free-text questions most often judged missed (at most 5). */
  missedRubricPoints: MissedRubricPoint[];
}

export interface GroupStats {
  attempts: number;
  correct: number;
  accuracy: number;
  pointsEarned: number;
  pointsAvailable: number;
}

export interface DailyCount {
  /** YYYY-MM-DD in the statistics' time zone. */
  date: string;
  answered: number;
  correct: number;
}

export interface MissedRubricPoint {
  bankId: string;
  questionId: string;
  /** Index into the question's rubric. */
  index: number;
  point: string;
  missed: number;
  /** Attempts at that question (within the filter), for "missed 3 of 4". */
  attempts: number;
}

export const DAILY_WINDOW_DAYS = 30;
export const WEAK_TOPIC_MIN_ATTEMPTS = 3;
export const WEAKEST_TOPICS_LIMIT = 5;
export const MISSED_RUBRIC_LIMIT = 5;
export const LEADERBOARD_LIMIT = 10;

export type LeaderboardPeriod = 'week' | 'all';

/**
 * Points earned in one guild from answers given there (top 10, most points first, fewer attempts
 * breaking ties): `week` is the last 7 days rounded out to whole UTC hours (the current hour and the
 * 168 before it), `all` is all time.
 */
export interface Leaderboard {
  guildId: string;
  period: LeaderboardPeriod;
  rows: Array<{ userId: string; displayName: string; points: number; attempts: number }>;
}
