import type { ForgetResult } from '../progress/ports.ts';
import type { Db } from './database.ts';

/**
 * Tables this module deletes from by name. Any other table with a `user_id` column (the tutor's
 * `llm_calls`, and whatever later migrations add) is swept too and counted as `llmCalls`.
 */
const KNOWN_TABLES = new Set(['users', 'quiz_sessions', 'attempts', 'follow_ups', 'review_cards', 'stats_groups', 'stats_questions', 'stats_latest', 'stats_slots', 'stats_guild_hours', 'stats_rubric_misses', 'stats_first_attempts', 'stats_responses']);

/**
 * Where a member is named as the author of a change to other people's records (a teacher's grade, a
 * resolved appeal, a key fix): the change and its time stay, for the learners it concerns and the audit,
 * but the name is replaced.
 */
const AUTHOR_COLUMNS = [
  ['attempts', 'reviewed_by'],
  ['attempt_history', 'changed_by'],
  ['appeals', 'resolved_by'],
  ['bank_changes', 'changed_by'],
] as const;
const FORGOTTEN_AUTHOR = 'forgotten';

/**
 * Deletes every row about one user in one transaction: attempts, follow-ups, review cards, the sessions
 * they own, their statistics roll-ups, the user row, and rows of any other table with a `user_id`
 * column (the tutor's LLM call log, added by a later migration: found through sqlite_master so this works
 * before and after it). Other users' rows are untouched; their attempts in a forgotten session keep
 * their data with the session link cleared, and changes the user made to others' records keep no name
 * (AUTHOR_COLUMNS). `/forget-me` and `tutor db forget` both call this.
 */
export function forgetUser(db: Db, userId: string): ForgetResult {
  const run = db.transaction((): ForgetResult => {
    const remove = (sql: string): number => db.prepare(sql).run(userId).changes;
    remove('DELETE FROM stats_groups WHERE user_id = ?');
    remove('DELETE FROM stats_questions WHERE user_id = ?');
    remove('DELETE FROM stats_latest WHERE user_id = ?');
    remove('DELETE FROM stats_slots WHERE user_id = ?');
    remove('DELETE FROM stats_guild_hours WHERE user_id = ?');
    remove('DELETE FROM stats_rubric_misses WHERE user_id = ?');
    remove('DELETE FROM stats_first_attempts WHERE user_id = ?');
    remove('DELETE FROM stats_responses WHERE user_id = ?');
    const reviewCards = remove('DELETE FROM review_cards WHERE user_id = ?');
    const followUps = remove('DELETE FROM follow_ups WHERE user_id = ?');
    const attempts = remove('DELETE FROM attempts WHERE user_id = ?');
    const sessions = remove('DELETE FROM quiz_sessions WHERE owner_id = ?');
    let llmCalls = 0;
    for (const table of otherTablesWithUserId(db)) {
      llmCalls += remove(`DELETE FROM "${table.replaceAll('"', '""')}" WHERE user_id = ?`);
    }
    for (const [table, column] of AUTHOR_COLUMNS) {
      if (hasColumn(db, table, column)) db.prepare(`UPDATE ${table} SET ${column} = '${FORGOTTEN_AUTHOR}' WHERE ${column} = ?`).run(userId);
    }
    const users = remove('DELETE FROM users WHERE id = ?');
    return { users, sessions, attempts, followUps, reviewCards, llmCalls };
  });
  return run.immediate();
}

function hasColumn(db: Db, table: string, column: string): boolean {
  return db.prepare('SELECT 1 FROM pragma_table_info(?) WHERE name = ?').get(table, column) !== undefined;
}

function otherTablesWithUserId(db: Db): string[] {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  return tables.filter(
    (name) => !KNOWN_TABLES.has(name) && hasColumn(db, name, 'user_id'),
  );
}
