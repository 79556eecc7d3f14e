import type { UsageGrouping, UsageReportPort, UsageRow } from '../services/usage.ts';
import type { LlmCallRecord, LlmCallState, LlmPurpose, UsageLedger } from '../tutor/ports.ts';
import type { Db } from './database.ts';

export type { UsageGrouping, UsageRow };

interface CallRow {
  user_id: string;
  guild_id: string | null;
  bank_id: string | null;
  question_id: string | null;
  purpose: LlmPurpose;
  model: string;
  prompt_version: string | null;
  input_tokens: number;
  output_tokens: number;
  latency_ms: number;
  outcome: LlmCallState;
  created_at: number;
}

const GROUP_EXPRESSIONS: Record<UsageGrouping, string> = {
  user: 'user_id',
  guild: "coalesce(guild_id, '(no guild)')",
  day: "strftime('%Y-%m-%d', created_at / 1000, 'unixepoch')",
};

function toRow(call: LlmCallRecord): CallRow {
  return {
    user_id: call.userId,
    guild_id: call.guildId,
    bank_id: call.bankId,
    question_id: call.questionId,
    purpose: call.purpose,
    model: call.model,
    prompt_version: call.promptVersion,
    input_tokens: Math.max(0, Math.round(call.inputTokens)),
    output_tokens: Math.max(0, Math.round(call.outputTokens)),
    latency_ms: Math.max(0, Math.round(call.latencyMs)),
    outcome: call.outcome,
    created_at: call.createdAt.getTime(),
  };
}

/** The tutor's UsageLedger and `tutor usage`'s report on the llm_calls table (migration 002). */
export class SqliteUsageRepository implements UsageLedger, UsageReportPort {
  readonly #insert;
  readonly #userTimes;
  readonly #guildTokens;
  readonly #settle;
  readonly #reserve;

  constructor(private readonly db: Db) {
    this.#insert = db.prepare(`
      INSERT INTO llm_calls (user_id, guild_id, bank_id, question_id, purpose, model, prompt_version,
                             input_tokens, output_tokens, latency_ms, outcome, created_at)
      VALUES (@user_id, @guild_id, @bank_id, @question_id, @purpose, @model, @prompt_version,
              @input_tokens, @output_tokens, @latency_ms, @outcome, @created_at)`);
    this.#userTimes = db.prepare('SELECT created_at FROM llm_calls WHERE user_id = ? AND created_at >= ? ORDER BY created_at').pluck();
    this.#guildTokens = db
      .prepare('SELECT coalesce(sum(input_tokens + output_tokens), 0) FROM llm_calls WHERE guild_id = ? AND created_at >= ?')
      .pluck();
    this.#settle = db.prepare(`
      UPDATE llm_calls SET purpose = @purpose, model = @model, prompt_version = @prompt_version, input_tokens = @input_tokens,
             output_tokens = @output_tokens, latency_ms = @latency_ms, outcome = @outcome
       WHERE id = @id`);
    // IMMEDIATE takes the write lock before the check reads, so another process (a second bot or a CLI
    // grading at the same time) cannot pass the same check between our read and our insert.
    this.#reserve = db.transaction((reservation: LlmCallRecord, admit: () => boolean): number | null => {
      if (!admit()) return null;
      return Number(this.#insert.run(toRow(reservation)).lastInsertRowid);
    });
  }

  reserveCall(reservation: LlmCallRecord, admit: () => boolean): number | null {
    return this.#reserve.immediate(reservation, admit);
  }

  settleCall(id: number, call: LlmCallRecord): void {
    const { user_id: _user, guild_id: _guild, bank_id: _bank, question_id: _question, created_at: _created, ...row } = toRow(call);
    this.#settle.run({ ...row, id });
  }

  recordCall(call: LlmCallRecord): void {
    this.#insert.run(toRow(call));
  }

  userCallTimes(userId: string, since: Date): Date[] {
    return (this.#userTimes.all(userId, since.getTime()) as number[]).map((ms) => new Date(ms));
  }

  guildTokensSince(guildId: string, since: Date): number {
    return this.#guildTokens.get(guildId, since.getTime()) as number;
  }

  /** Calls and tokens grouped by user, guild or UTC day, optionally since a time; largest token use first. */
  summarize(by: UsageGrouping, since?: Date): UsageRow[] {
    const key = GROUP_EXPRESSIONS[by];
    const rows = this.db
      .prepare(
        `SELECT ${key} AS key, count(*) AS calls, sum(outcome <> 'ok') AS failedCalls,
                sum(input_tokens) AS inputTokens, sum(output_tokens) AS outputTokens
           FROM llm_calls WHERE created_at >= ?
          GROUP BY 1 ORDER BY ${by === 'day' ? 'key DESC' : 'inputTokens + outputTokens DESC, key'}`,
      )
      .all(since?.getTime() ?? 0) as UsageRow[];
    return rows;
  }

  /** Every stored call, oldest first (for tests and exports). */
  listCalls(): LlmCallRecord[] {
    return (this.db.prepare('SELECT * FROM llm_calls ORDER BY id').all() as CallRow[]).map((row) => ({
      userId: row.user_id,
      guildId: row.guild_id,
      bankId: row.bank_id,
      questionId: row.question_id,
      purpose: row.purpose,
      model: row.model,
      promptVersion: row.prompt_version,
      inputTokens: row.input_tokens,
      outputTokens: row.output_tokens,
      latencyMs: row.latency_ms,
      outcome: row.outcome,
      createdAt: new Date(row.created_at),
    }));
  }
}
