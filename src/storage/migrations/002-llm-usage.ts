import type { Migration } from './index.ts';

/**
 * One row per LLM call the tutor made (including failed and repair calls): what `tutor usage`
 * reports and what the per-user call bucket and the per-guild daily token budget are computed from,
 * so both survive restarts. Times are milliseconds since the epoch (UTC).
 */
export const llmUsageMigration: Migration = {
  version: 2,
  name: 'llm-usage',
  up(db) {
    db.exec(`
      CREATE TABLE llm_calls (
        id INTEGER PRIMARY KEY,
        user_id TEXT NOT NULL,
        guild_id TEXT,
        bank_id TEXT,
        question_id TEXT,
        purpose TEXT NOT NULL CHECK (purpose IN ('grade', 'repair', 'follow-up')),
        model TEXT NOT NULL,
        prompt_version TEXT,
        input_tokens INTEGER NOT NULL CHECK (input_tokens >= 0),
        output_tokens INTEGER NOT NULL CHECK (output_tokens >= 0),
        latency_ms INTEGER NOT NULL CHECK (latency_ms >= 0),
        outcome TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX llm_calls_user_time ON llm_calls(user_id, created_at);
      CREATE INDEX llm_calls_guild_time ON llm_calls(guild_id, created_at) WHERE guild_id IS NOT NULL;
      CREATE INDEX llm_calls_time ON llm_calls(created_at);
    `);
  },
};
