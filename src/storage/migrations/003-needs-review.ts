import type { Migration } from './index.ts';

/**
 * Adds the attempt status `needs-review`: the LLM awarded much more than the evidence in the answer
 * supports, so the attempt keeps a provisional score (the evidence grader's) until a person confirms
 * it. SQLite cannot change a CHECK constraint in place, so `attempts` is rebuilt (rows copied as they
 * are, ids kept) and its indexes and roll-up triggers recreated. The triggers now count a
 * needs-review attempt as answered but with no points: it is not mastered, not `correct`, and adds
 * nothing to the leaderboard; when its status changes to `graded`, the update trigger moves the
 * roll-ups by the difference as it does for a regrade.
 */
export const needsReviewMigration: Migration = {
  version: 3,
  name: 'needs-review',
  up(db) {
    db.exec(`
      CREATE TABLE attempts_new (
        id INTEGER PRIMARY KEY,
        session_id TEXT REFERENCES quiz_sessions(id) ON DELETE SET NULL,
        user_id TEXT NOT NULL REFERENCES users(id),
        guild_id TEXT,
        bank_id TEXT NOT NULL,
        question_id TEXT NOT NULL,
        question_type TEXT NOT NULL,
        topic TEXT,
        raw_answer TEXT NOT NULL,
        normalized_answer TEXT NOT NULL,
        score REAL NOT NULL CHECK (score >= 0 AND score <= max_score),
        max_score REAL NOT NULL CHECK (max_score >= 0),
        status TEXT NOT NULL CHECK (status IN ('graded', 'pending', 'flagged', 'needs-review')),
        graded_by TEXT NOT NULL CHECK (graded_by IN ('rule', 'llm', 'fallback')),
        part_verdicts TEXT NOT NULL CHECK (json_valid(part_verdicts)),
        grade TEXT NOT NULL CHECK (json_valid(grade)),
        feedback TEXT CHECK (feedback IS NULL OR json_valid(feedback)),
        prompt_version TEXT,
        model TEXT,
        input_tokens INTEGER,
        output_tokens INTEGER,
        latency_ms INTEGER,
        created_at INTEGER NOT NULL
      ) STRICT;
      INSERT INTO attempts_new SELECT * FROM attempts;
      DROP TABLE attempts;
      ALTER TABLE attempts_new RENAME TO attempts;

      -- Each index on attempts is one more page written per recorded answer (a WAL frame at every commit):
      -- only the ones a query uses. Per-guild figures come from the roll-ups, not from attempts.
      CREATE INDEX attempts_user_time ON attempts(user_id, created_at);
      CREATE INDEX attempts_session ON attempts(session_id) WHERE session_id IS NOT NULL;
      CREATE INDEX attempts_feedback_cache ON attempts(bank_id, question_id, normalized_answer) WHERE graded_by = 'llm';
      CREATE INDEX attempts_pending ON attempts(id) WHERE status = 'pending';
      CREATE INDEX attempts_needs_review ON attempts(id) WHERE status = 'needs-review';

      CREATE TRIGGER attempts_stats_insert AFTER INSERT ON attempts BEGIN
        INSERT INTO stats_groups (user_id, bank_id, topic, question_type, guild_id, attempts, correct, points, points_available)
        VALUES (NEW.user_id, NEW.bank_id, coalesce(NEW.topic, ''), NEW.question_type, coalesce(NEW.guild_id, ''),
                1, (CASE WHEN NEW.status = 'needs-review' THEN 0 ELSE NEW.score END) >= NEW.max_score, (CASE WHEN NEW.status = 'needs-review' THEN 0 ELSE NEW.score END), NEW.max_score)
        ON CONFLICT (user_id, bank_id, topic, question_type, guild_id) DO UPDATE SET
          attempts = attempts + 1,
          correct = correct + excluded.correct,
          points = points + excluded.points,
          points_available = points_available + excluded.points_available;

        INSERT INTO stats_questions (user_id, bank_id, question_id, guild_id, attempts, last_at, last_full)
        VALUES (NEW.user_id, NEW.bank_id, NEW.question_id, coalesce(NEW.guild_id, ''), 1, NEW.created_at, (CASE WHEN NEW.status = 'needs-review' THEN 0 ELSE NEW.score END) >= NEW.max_score)
        ON CONFLICT (user_id, bank_id, question_id, guild_id) DO UPDATE SET
          attempts = attempts + 1,
          last_full = CASE WHEN excluded.last_at >= last_at THEN excluded.last_full ELSE last_full END,
          last_at = max(last_at, excluded.last_at);

        INSERT INTO stats_latest (user_id, bank_id, question_id, attempts, last_at, last_full)
        VALUES (NEW.user_id, NEW.bank_id, NEW.question_id, 1, NEW.created_at, (CASE WHEN NEW.status = 'needs-review' THEN 0 ELSE NEW.score END) >= NEW.max_score)
        ON CONFLICT (user_id, bank_id, question_id) DO UPDATE SET
          attempts = attempts + 1,
          last_full = CASE WHEN excluded.last_at >= last_at THEN excluded.last_full ELSE last_full END,
          last_at = max(last_at, excluded.last_at);

        INSERT INTO stats_slots (user_id, slot, guild_id, bank_id, answered, correct)
        VALUES (NEW.user_id, NEW.created_at / 900000, coalesce(NEW.guild_id, ''), NEW.bank_id, 1, (CASE WHEN NEW.status = 'needs-review' THEN 0 ELSE NEW.score END) >= NEW.max_score)
        ON CONFLICT (user_id, slot, guild_id, bank_id) DO UPDATE SET
          answered = answered + 1,
          correct = correct + excluded.correct;

        INSERT INTO stats_guild_hours (guild_id, hour, user_id, attempts, points)
        SELECT NEW.guild_id, NEW.created_at / 3600000, NEW.user_id, 1, (CASE WHEN NEW.status = 'needs-review' THEN 0 ELSE NEW.score END)
        WHERE NEW.guild_id IS NOT NULL
        ON CONFLICT (guild_id, hour, user_id) DO UPDATE SET
          attempts = attempts + 1,
          points = points + excluded.points;

        INSERT INTO stats_rubric_misses (user_id, bank_id, question_id, point_index, guild_id, point, missed)
        SELECT NEW.user_id, NEW.bank_id, NEW.question_id, coalesce(json_extract(r.value, '$.index'), r.key),
               coalesce(NEW.guild_id, ''), coalesce(json_extract(r.value, '$.point'), ''), 1
        FROM json_each(NEW.feedback, '$.rubric') AS r
        WHERE NEW.feedback IS NOT NULL AND json_type(r.value) = 'object' AND json_extract(r.value, '$.verdict') = 'missed'
        ON CONFLICT (user_id, bank_id, question_id, point_index, guild_id) DO UPDATE SET
          missed = missed + 1,
          point = excluded.point;
      END;

      -- A regrade (pending → graded) or a review (needs-review → graded) replaces score, status and feedback:
      -- move the roll-ups by the difference.
      CREATE TRIGGER attempts_stats_regrade AFTER UPDATE OF score, max_score, feedback, status ON attempts BEGIN
        UPDATE stats_groups SET
          correct = correct - ((CASE WHEN OLD.status = 'needs-review' THEN 0 ELSE OLD.score END) >= OLD.max_score) + ((CASE WHEN NEW.status = 'needs-review' THEN 0 ELSE NEW.score END) >= NEW.max_score),
          points = points - (CASE WHEN OLD.status = 'needs-review' THEN 0 ELSE OLD.score END) + (CASE WHEN NEW.status = 'needs-review' THEN 0 ELSE NEW.score END),
          points_available = points_available - OLD.max_score + NEW.max_score
        WHERE user_id = NEW.user_id AND bank_id = NEW.bank_id AND topic = coalesce(NEW.topic, '')
          AND question_type = NEW.question_type AND guild_id = coalesce(NEW.guild_id, '');

        UPDATE stats_questions SET
          last_full = CASE WHEN last_at = NEW.created_at THEN (CASE WHEN NEW.status = 'needs-review' THEN 0 ELSE NEW.score END) >= NEW.max_score ELSE last_full END
        WHERE user_id = NEW.user_id AND bank_id = NEW.bank_id AND question_id = NEW.question_id
          AND guild_id = coalesce(NEW.guild_id, '');

        UPDATE stats_latest SET
          last_full = CASE WHEN last_at = NEW.created_at THEN (CASE WHEN NEW.status = 'needs-review' THEN 0 ELSE NEW.score END) >= NEW.max_score ELSE last_full END
        WHERE user_id = NEW.user_id AND bank_id = NEW.bank_id AND question_id = NEW.question_id;

        UPDATE stats_slots SET correct = correct - ((CASE WHEN OLD.status = 'needs-review' THEN 0 ELSE OLD.score END) >= OLD.max_score) + ((CASE WHEN NEW.status = 'needs-review' THEN 0 ELSE NEW.score END) >= NEW.max_score)
        WHERE user_id = NEW.user_id AND slot = NEW.created_at / 900000
          AND guild_id = coalesce(NEW.guild_id, '') AND bank_id = NEW.bank_id;

        UPDATE stats_guild_hours SET points = points - (CASE WHEN OLD.status = 'needs-review' THEN 0 ELSE OLD.score END) + (CASE WHEN NEW.status = 'needs-review' THEN 0 ELSE NEW.score END)
        WHERE guild_id = NEW.guild_id AND hour = NEW.created_at / 3600000 AND user_id = NEW.user_id;

        UPDATE stats_rubric_misses SET missed = missed - 1
        WHERE user_id = OLD.user_id AND bank_id = OLD.bank_id AND question_id = OLD.question_id
          AND guild_id = coalesce(OLD.guild_id, '')
          AND point_index IN (
            SELECT coalesce(json_extract(r.value, '$.index'), r.key) FROM json_each(OLD.feedback, '$.rubric') AS r
            WHERE OLD.feedback IS NOT NULL AND json_type(r.value) = 'object' AND json_extract(r.value, '$.verdict') = 'missed');

        INSERT INTO stats_rubric_misses (user_id, bank_id, question_id, point_index, guild_id, point, missed)
        SELECT NEW.user_id, NEW.bank_id, NEW.question_id, coalesce(json_extract(r.value, '$.index'), r.key),
               coalesce(NEW.guild_id, ''), coalesce(json_extract(r.value, '$.point'), ''), 1
        FROM json_each(NEW.feedback, '$.rubric') AS r
        WHERE NEW.feedback IS NOT NULL AND json_type(r.value) = 'object' AND json_extract(r.value, '$.verdict') = 'missed'
        ON CONFLICT (user_id, bank_id, question_id, point_index, guild_id) DO UPDATE SET
          missed = missed + 1,
          point = excluded.point;

        DELETE FROM stats_rubric_misses
        WHERE user_id = OLD.user_id AND bank_id = OLD.bank_id AND question_id = OLD.question_id
          AND guild_id = coalesce(OLD.guild_id, '') AND missed <= 0;
      END;
    `);
  },
};
