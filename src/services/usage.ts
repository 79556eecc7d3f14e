/** LLM calls and tokens as recorded by the tutor's usage ledger, for `tutor usage`. */

export type UsageGrouping = 'user' | 'guild' | 'day';

export const USAGE_GROUPINGS: readonly UsageGrouping[] = ['user', 'guild', 'day'];

/** Token totals grouped by one key. */
export interface UsageRow {
  /** The user id, guild id (`(no guild)` for DMs and the CLI) or UTC day (`YYYY-MM-DD`). */
  key: string;
  calls: number;
  failedCalls: number;
  inputTokens: number;
  outputTokens: number;
}

/** The storage side: src/storage's usage repository implements it. */
export interface UsageReportPort {
  summarize(by: UsageGrouping, since?: Date): UsageRow[];
}

export interface UsageService {
  /** Largest token use first (by day: the latest day first). */
  report(by: UsageGrouping, since?: Date): UsageRow[];
}

export function createUsageService(port: UsageReportPort): UsageService {
  return { report: (by, since) => port.summarize(by, since) };
}
