import type { Db } from '../database.ts';
import type { Migration } from './index.ts';

const GRADED_BY_BEFORE = "CHECK (graded_by IN ('rule', 'llm', 'fallback'))";
const GRADED_BY_AFTER = "CHECK (graded_by IN ('rule', 'llm', 'fallback', 'teacher'))";

/**
 * What the teacher's loop (issue 12) stores:
 * - `attempts.graded_by` may be `teacher`: a grade a person set from the review queue or an appeal.
 *   `reviewed_by` / `reviewed_at` say who and when. No automatic regrade overwrites such an attempt.
 * - `attempt_history`: the grade an attempt had before each change (a regrade after a key fix, a
 *   teacher's grade), so a score is never silently replaced. `user_id` is the learner's, so
 *   `/forget-me` sweeps it with the rest of their rows.
 * - `appeals`: one per attempt at most, with its reason and its resolution.
 * - `bank_changes`: the audit of keys changed from the bot (who, when, what).
 * - `learner_notices`: an outbox of messages owed to learners ("your answer now counts as right"),
 *   delivered once, batched and rate-limited by the front end, surviving a restart.
 *
 * SQLite cannot loosen a CHECK constraint in place, so `attempts` is rebuilt from its own stored
 * definition (rows copied as they are, ids kept), and every index and trigger it had is recreated
 * from sqlite_master: this migration does not need to repeat the roll-up triggers of migration 003.
 */
export const teacherLoopMigration: Migration = {
  version: 5,
  name: 'teacher-loop',
  up(db) {
    allowTeacherGrades(db);
    db.exec(`
      ALTER TABLE attempts ADD COLUMN reviewed_by TEXT;
      ALTER TABLE attempts ADD COLUMN reviewed_at INTEGER;

      CREATE TABLE attempt_history (
        id INTEGER PRIMARY KEY,
        attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        score REAL NOT NULL,
        max_score REAL NOT NULL,
        status TEXT NOT NULL,
        graded_by TEXT NOT NULL,
        part_verdicts TEXT NOT NULL CHECK (json_valid(part_verdicts)),
        feedback TEXT CHECK (feedback IS NULL OR json_valid(feedback)),
        reason TEXT NOT NULL CHECK (reason IN ('regrade', 'teacher', 'appeal')),
        changed_by TEXT,
        changed_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX attempt_history_attempt ON attempt_history(attempt_id, id);

      CREATE TABLE appeals (
        id INTEGER PRIMARY KEY,
        attempt_id INTEGER NOT NULL UNIQUE REFERENCES attempts(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        guild_id TEXT,
        reason TEXT NOT NULL CHECK (length(reason) <= 1000),
        status TEXT NOT NULL CHECK (status IN ('open', 'upheld', 'changed', 'rejected')),
        created_at INTEGER NOT NULL,
        resolved_by TEXT,
        resolved_at INTEGER,
        resolution_note TEXT
      ) STRICT;
      CREATE INDEX appeals_open ON appeals(created_at) WHERE status = 'open';
      CREATE INDEX appeals_user ON appeals(user_id, created_at);

      CREATE TABLE bank_changes (
        id INTEGER PRIMARY KEY,
        bank_id TEXT NOT NULL,
        question_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL CHECK (json_valid(detail)),
        changed_by TEXT NOT NULL,
        changed_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX bank_changes_question ON bank_changes(bank_id, question_id, id);

      CREATE TABLE learner_notices (
        id INTEGER PRIMARY KEY,
        user_id TEXT NOT NULL,
        guild_id TEXT,
        attempt_id INTEGER REFERENCES attempts(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        params TEXT NOT NULL CHECK (json_valid(params)),
        created_at INTEGER NOT NULL,
        delivered_at INTEGER
      ) STRICT;
      CREATE INDEX learner_notices_undelivered ON learner_notices(id) WHERE delivered_at IS NULL;
    `);
  },
};

function allowTeacherGrades(db: Db): void {
  const tableSql = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'attempts'").pluck().get() as string | undefined;
  if (tableSql === undefined || !tableSql.includes(GRADED_BY_BEFORE)) {
    throw new Error(`attempts.graded_by is not defined as expected (${GRADED_BY_BEFORE}); not rebuilding the table`);
  }
  const dependents = db
    .prepare("SELECT sql FROM sqlite_master WHERE tbl_name = 'attempts' AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name")
    .pluck()
    .all() as string[];
  const newSql = tableSql.replace(GRADED_BY_BEFORE, GRADED_BY_AFTER).replace(/^CREATE TABLE\s+"?attempts"?/u, 'CREATE TABLE attempts_new');
  db.exec(newSql);
  db.exec('INSERT INTO attempts_new SELECT * FROM attempts; DROP TABLE attempts; ALTER TABLE attempts_new RENAME TO attempts;');
  for (const sql of dependents) db.exec(sql);
}
