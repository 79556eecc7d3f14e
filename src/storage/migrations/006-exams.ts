import type { Migration } from './index.ts';

/**
 * Exam mode (issue 13):
 * - `exams`: one paper sat by one learner. The drawn questions (with section and points on the paper)
 *   are stored at creation, and the deadline once at the start and never moved, so a restart continues
 *   the same exam against the same clock. `ready` → `running` → `grading` → `graded`.
 *   At most one exam per learner is `ready` or `running` (a partial unique index, so even two
 *   processes cannot open a second one).
 * - `exam_answers`: every answer as the learner gave it (JSON: a text, or one string per blank), written
 *   the moment it is given, and each question's flag. At submission each answer is graded into an
 *   ordinary row of `attempts` (so statistics, spaced review and the teacher's reports count it) and
 *   linked here by `attempt_id`; the attempt's `session_id` stays NULL (exams are not quiz sessions).
 * Both tables carry `user_id`, so `/forget-me` sweeps them with the learner's other rows.
 */
export const examsMigration: Migration = {
  version: 6,
  name: 'exams',
  up(db) {
    db.exec(`
      CREATE TABLE exams (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        guild_id TEXT,
        channel_id TEXT,
        thread_id TEXT,
        bank_id TEXT NOT NULL,
        paper_id TEXT,
        title TEXT NOT NULL,
        locale TEXT,
        sections TEXT NOT NULL CHECK (json_valid(sections)),
        questions TEXT NOT NULL CHECK (json_valid(questions)),
        total_points REAL NOT NULL CHECK (total_points > 0),
        time_limit_minutes INTEGER NOT NULL CHECK (time_limit_minutes BETWEEN 1 AND 600),
        status TEXT NOT NULL CHECK (status IN ('ready', 'running', 'grading', 'graded')),
        position INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        deadline INTEGER,
        submitted_at INTEGER,
        submitted_by TEXT CHECK (submitted_by IN ('learner', 'deadline')),
        score REAL CHECK (score IS NULL OR (score >= 0 AND score <= total_points + 1e-9)),
        CHECK ((status = 'ready') = (started_at IS NULL) AND (started_at IS NULL) = (deadline IS NULL)),
        CHECK ((status IN ('grading', 'graded')) = (submitted_at IS NOT NULL))
      ) STRICT;
      CREATE UNIQUE INDEX exams_one_open ON exams(user_id) WHERE status IN ('ready', 'running');
      CREATE INDEX exams_deadline ON exams(deadline) WHERE status = 'running';
      CREATE INDEX exams_grading ON exams(submitted_at) WHERE status = 'grading';
      CREATE INDEX exams_thread ON exams(thread_id) WHERE thread_id IS NOT NULL;
      CREATE INDEX exams_user ON exams(user_id, submitted_at);

      CREATE TABLE exam_answers (
        exam_id TEXT NOT NULL REFERENCES exams(id) ON DELETE CASCADE,
        position INTEGER NOT NULL CHECK (position >= 0),
        user_id TEXT NOT NULL,
        answer TEXT CHECK (answer IS NULL OR json_valid(answer)),
        flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
        updated_at INTEGER NOT NULL,
        attempt_id INTEGER REFERENCES attempts(id) ON DELETE SET NULL,
        PRIMARY KEY (exam_id, position)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX exam_answers_attempt ON exam_answers(attempt_id) WHERE attempt_id IS NOT NULL;
    `);
  },
};
