import type { ExamStats } from '../exam/types.ts';
import type { ProgressStore } from '../progress/ports.ts';
import type { Leaderboard, LeaderboardPeriod, UserStats } from '../progress/types.ts';

/** Progress figures for `/stats`, `/leaderboard` and `tutor stats`; days are counted in the configured time zone. */
export interface StatisticsService {
  forUser(userId: string, filter?: { guildId?: string; bankId?: string }): UserStats;
  leaderboard(guildId: string, period: LeaderboardPeriod): Leaderboard;
  /**
   * The stored learner a name refers to: the id itself, else `<localPrefix><name>` (how `tutor practice`
   * stores a terminal learner), with the display name stored for them.
   */
  findLearner(name: string, localPrefix: string): { userId: string; displayName: string | null };
  /** When the learner's next review falls due (null with no review scheduled). */
  nextReviewDue(userId: string): Date | null;
  /** How many of the learner's reviews are due at `now` (counted up to 1,000). */
  dueReviewCount(userId: string, now: Date): number;
  // --- h13-exam-core ---
  /** The learner's exams: papers taken, last and best score, points per section (issue 13). */
  examsForUser(userId: string): ExamStats;
}

export interface StatisticsServiceDeps {
  store: Pick<ProgressStore, 'statsForUser' | 'leaderboard' | 'getUser' | 'nextReviewDue' | 'dueReviews'>;
  timeZone: string;
  // --- h13-exam-core ---
  /** Exam figures from stored exams; without it a learner has taken none. */
  exams?: (userId: string) => ExamStats;
}

export function createStatisticsService(deps: StatisticsServiceDeps): StatisticsService {
  return {
    forUser(userId, filter = {}) {
      return deps.store.statsForUser(userId, {
        ...(filter.guildId ? { guildId: filter.guildId } : {}),
        ...(filter.bankId ? { bankId: filter.bankId } : {}),
        timeZone: deps.timeZone,
      });
    },
    leaderboard(guildId, period) {
      return deps.store.leaderboard(guildId, period);
    },
    findLearner(name, localPrefix) {
      const userId = !deps.store.getUser(name) && deps.store.getUser(`${localPrefix}${name}`) ? `${localPrefix}${name}` : name;
      return { userId, displayName: deps.store.getUser(userId)?.displayName ?? null };
    },
    nextReviewDue: (userId) => deps.store.nextReviewDue(userId),
    dueReviewCount: (userId, now) => deps.store.dueReviews(userId, now, 1000).length,
    // --- h13-exam-core ---
    examsForUser: (userId) => deps.exams?.(userId) ?? { taken: 0, last: null, best: null, sections: [] },
  };
}
