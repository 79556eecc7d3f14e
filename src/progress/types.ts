// Placeholder shapes; the progress work (issue 4) fills these in with every statistic it computes.
export interface UserStats {
  userId: string;
  attempts: number;
}

export type LeaderboardPeriod = 'week' | 'all';

export interface Leaderboard {
  guildId: string;
  period: LeaderboardPeriod;
  rows: Array<{ userId: string; displayName: string; points: number; attempts: number }>;
}
