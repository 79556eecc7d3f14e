import type { UsageLedger } from './ports.ts';

/**
 * Cost control, computed from the stored llm_calls rows so it survives restarts.
 *
 * Per user: a bucket of `capacity` calls refilling continuously at `capacity` per hour. The level is
 * replayed from the calls of the last hour, taking the bucket as full an hour ago (any deficit older
 * than that has refilled by now): level = min(capacity, min over each recent call i of
 * capacity − (calls at or after i) + rate × (now − t_i)). A call needs a level of at least 1.
 *
 * Per guild: input + output tokens since midnight UTC must stay below the daily budget.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export type BudgetVerdict =
  | { allowed: true }
  | { allowed: false; reason: 'user-budget'; retryAfterMs: number }
  | { allowed: false; reason: 'guild-budget'; retryAfterMs: number };

export interface BudgetLimits {
  userCallsPerHour: number;
  guildDailyTokens: number;
}

export function startOfUtcDay(now: Date): Date {
  return new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
}

/** Milliseconds until the user's bucket holds one whole call again (0 when it already does). */
export function userBucketWaitMs(callTimes: readonly Date[], capacity: number, now: Date): number {
  const rate = capacity / HOUR_MS;
  const recent = callTimes.filter((time) => now.getTime() - time.getTime() < HOUR_MS).sort((a, b) => a.getTime() - b.getTime());
  let wait = 0;
  recent.forEach((time, position) => {
    const callsSince = recent.length - position;
    const deficitAtNow = 1 - capacity + callsSince - rate * (now.getTime() - time.getTime());
    if (deficitAtNow > 0) wait = Math.max(wait, deficitAtNow / rate);
  });
  // Rounded to the microsecond first so float noise does not add a millisecond.
  return Math.ceil(Math.round(wait * 1000) / 1000);
}

export function checkBudget(
  ledger: UsageLedger,
  limits: BudgetLimits,
  who: { userId: string; guildId?: string | null },
  now: Date,
): BudgetVerdict {
  if (who.guildId) {
    const used = ledger.guildTokensSince(who.guildId, startOfUtcDay(now));
    if (used >= limits.guildDailyTokens) {
      return { allowed: false, reason: 'guild-budget', retryAfterMs: startOfUtcDay(now).getTime() + DAY_MS - now.getTime() };
    }
  }
  const times = ledger.userCallTimes(who.userId, new Date(now.getTime() - HOUR_MS));
  const wait = userBucketWaitMs(times, limits.userCallsPerHour, now);
  if (wait > 0) return { allowed: false, reason: 'user-budget', retryAfterMs: wait };
  return { allowed: true };
}
