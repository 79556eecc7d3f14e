import type { FreeTextFeedback } from './types.ts';

/** What the tutor needs from storage; src/storage/usage-repository.ts implements it on SQLite. */

export type LlmPurpose = 'grade' | 'repair' | 'follow-up';

/** `ok`, or why the call did not give a usable reply. */
export type LlmCallOutcome = 'ok' | 'invalid' | 'refusal' | 'truncated' | 'timeout' | 'rate-limited' | 'server-error' | 'error';
/** A call admitted by the budget and not settled yet: it counts against the budgets with its estimate. */
export type LlmCallState = LlmCallOutcome | 'reserved';

export interface LlmCallRecord {
  userId: string;
  guildId: string | null;
  bankId: string | null;
  questionId: string | null;
  purpose: LlmPurpose;
  model: string;
  promptVersion: string | null;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  outcome: LlmCallState;
  createdAt: Date;
}

export interface UsageLedger {
  recordCall(call: LlmCallRecord): void;
  /**
   * Checks the budget and reserves the call in one step (one SQLite transaction): `admit` reads the
   * ledger and says whether the call may go ahead; when it may, `reservation` (its estimated tokens,
   * outcome `reserved`) is stored before anything else can read the ledger, so concurrent callers
   * never all pass one check. Returns the reservation's id, or null when `admit` refused.
   */
  reserveCall(reservation: LlmCallRecord, admit: () => boolean): number | null;
  /** Replaces a reservation with what the call really used (zero tokens when it failed). */
  settleCall(id: number, call: LlmCallRecord): void;
  /** Times of the user's LLM calls at or after `since`, oldest first (the per-user bucket is replayed from them). */
  userCallTimes(userId: string, since: Date): Date[];
  /** Input + output tokens the guild's calls used at or after `since`. */
  guildTokensSince(guildId: string, since: Date): number;
}

/** `ProgressStore.findCachedFeedback`: the stored LLM feedback for an identical normalised answer. */
export type FindCachedFeedback = (bankId: string, questionId: string, normalizedAnswer: string) => FreeTextFeedback | null;

/** A ledger kept in memory: for the CLI without a database, the evaluation, and tests of the core. */
export function createMemoryUsageLedger(): UsageLedger & { calls: LlmCallRecord[] } {
  const calls: LlmCallRecord[] = [];
  return {
    calls,
    recordCall(call) {
      calls.push(call);
    },
    // Synchronous from check to push: nothing else runs on the event loop in between.
    reserveCall(reservation, admit) {
      if (!admit()) return null;
      calls.push(reservation);
      return calls.length - 1;
    },
    settleCall(id, call) {
      if (calls[id]) calls[id] = call;
    },
    userCallTimes(userId, since) {
      return calls
        .filter((call) => call.userId === userId && call.createdAt >= since)
        .map((call) => call.createdAt)
        .sort((a, b) => a.getTime() - b.getTime());
    },
    guildTokensSince(guildId, since) {
      return calls
        .filter((call) => call.guildId === guildId && call.createdAt >= since)
        .reduce((sum, call) => sum + call.inputTokens + call.outputTokens, 0);
    },
  };
}
