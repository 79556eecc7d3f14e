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
}

export interface StatisticsServiceDeps {
  store: Pick<ProgressStore, 'statsForUser' | 'leaderboard' | 'getUser'>;
  timeZone: string;
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
  };
}
