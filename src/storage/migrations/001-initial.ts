import type { Migration } from './index.ts';

/**
 * Users, quiz sessions, attempts, follow-up messages and FSRS review cards, plus six roll-up tables
 * that triggers keep in step with `attempts` inside the same transaction, so statistics read a few
 * thousand roll-up rows instead of every attempt. Times are milliseconds since the epoch (UTC).
 */
export const initialMigration: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        locale TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE quiz_sessions (
        id TEXT PRIMARY KEY,
        owner_id TEXT NOT NULL REFERENCES users(id),
        guild_id TEXT,
        channel_id TEXT,
        thread_id TEXT,
        bank_id TEXT,
        mode TEXT NOT NULL CHECK (mode IN ('quiz', 'review')),
        locale TEXT,
        questions TEXT NOT NULL CHECK (json_valid(questions)),
        position INTEGER NOT NULL CHECK (position >= 0),
        status TEXT NOT NULL CHECK (status IN ('active', 'finished')),
        started_at INTEGER NOT NULL,
        ended_at INTEGER
      ) STRICT;
      CREATE INDEX quiz_sessions_owner ON quiz_sessions(owner_id);
      CREATE INDEX quiz_sessions_thread ON quiz_sessions(thread_id) WHERE thread_id IS NOT NULL;

      CREATE TABLE attempts (
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
        status TEXT NOT NULL CHECK (status IN ('graded', 'pending', 'flagged')),
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
      -- Each index on attempts is one more page written per recorded answer (a WAL frame at every commit):
      -- only the ones a query uses. Per-guild figures come from the roll-ups, not from attempts.
      CREATE INDEX attempts_user_time ON attempts(user_id, created_at);
      CREATE INDEX attempts_session ON attempts(session_id) WHERE session_id IS NOT NULL;
      CREATE INDEX attempts_feedback_cache ON attempts(bank_id, question_id, normalized_answer) WHERE graded_by = 'llm';
      CREATE INDEX attempts_pending ON attempts(id) WHERE status = 'pending';

      CREATE TABLE follow_ups (
        id INTEGER PRIMARY KEY,
        session_id TEXT REFERENCES quiz_sessions(id) ON DELETE SET NULL,
        user_id TEXT NOT NULL REFERENCES users(id),
        bank_id TEXT NOT NULL,
        question_id TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
        content TEXT NOT NULL,
        tokens INTEGER,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX follow_ups_thread ON follow_ups(session_id, question_id, id);
      CREATE INDEX follow_ups_user ON follow_ups(user_id);

      CREATE TABLE review_cards (
        user_id TEXT NOT NULL REFERENCES users(id),
        bank_id TEXT NOT NULL,
        question_id TEXT NOT NULL,
        due INTEGER NOT NULL,
        stability REAL NOT NULL,
        difficulty REAL NOT NULL,
        elapsed_days INTEGER NOT NULL,
        scheduled_days INTEGER NOT NULL,
        learning_steps INTEGER NOT NULL,
        reps INTEGER NOT NULL,
        lapses INTEGER NOT NULL,
        state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 3),
        last_review INTEGER,
        PRIMARY KEY (user_id, bank_id, question_id)
      ) STRICT, WITHOUT ROWID;
      -- No (user_id, due) index: a learner's cards are already adjacent in the primary key (4,000 for a
      -- learner of every question in 20 banks, scanned in about 0.1 ms), while the index moved on every
      -- answer, one more page per recorded attempt.

      -- Roll-ups keep '' for "no guild" and "no topic" so they can be part of a primary key.

      -- Per user, bank, topic, question type and guild: the totals and the per-type, per-topic and
      -- per-bank breakdowns (a bank has a handful of topic and type combinations, not one per question).
      CREATE TABLE stats_groups (
        user_id TEXT NOT NULL,
        bank_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        question_type TEXT NOT NULL,
        guild_id TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        correct INTEGER NOT NULL,
        points REAL NOT NULL,
        points_available REAL NOT NULL,
        PRIMARY KEY (user_id, bank_id, topic, question_type, guild_id)
      ) STRICT, WITHOUT ROWID;

      -- Per user, question and guild: questions seen and mastered within one guild (last_full: the
      -- latest attempt scored full marks). The question comes before the guild in the key so "latest
      -- attempt per question" streams in key order.
      CREATE TABLE stats_questions (
        user_id TEXT NOT NULL,
        bank_id TEXT NOT NULL,
        question_id TEXT NOT NULL,
        guild_id TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        last_at INTEGER NOT NULL,
        last_full INTEGER NOT NULL,
        PRIMARY KEY (user_id, bank_id, question_id, guild_id)
      ) STRICT, WITHOUT ROWID;

      -- Per user and question over every guild: questions seen and mastered, missed questions to review.
      CREATE TABLE stats_latest (
        user_id TEXT NOT NULL,
        bank_id TEXT NOT NULL,
        question_id TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        last_at INTEGER NOT NULL,
        last_full INTEGER NOT NULL,
        PRIMARY KEY (user_id, bank_id, question_id)
      ) STRICT, WITHOUT ROWID;

      -- Answers per user, 15-minute UTC slot, guild and bank: every time zone's offset is a multiple of
      -- 15 minutes, so any zone's calendar days are unions of whole slots.
      CREATE TABLE stats_slots (
        user_id TEXT NOT NULL,
        slot INTEGER NOT NULL,
        guild_id TEXT NOT NULL,
        bank_id TEXT NOT NULL,
        answered INTEGER NOT NULL,
        correct INTEGER NOT NULL,
        PRIMARY KEY (user_id, slot, guild_id, bank_id)
      ) STRICT, WITHOUT ROWID;

      -- Points per guild, UTC hour and user: the server leaderboard (rolling week to the hour, or all time).
      CREATE TABLE stats_guild_hours (
        guild_id TEXT NOT NULL,
        hour INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        points REAL NOT NULL,
        PRIMARY KEY (guild_id, hour, user_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX stats_guild_hours_user ON stats_guild_hours(user_id);

      -- How often each rubric point of a free-text question was judged 'missed' in stored feedback.
      CREATE TABLE stats_rubric_misses (
        user_id TEXT NOT NULL,
        bank_id TEXT NOT NULL,
        question_id TEXT NOT NULL,
        point_index INTEGER NOT NULL,
        guild_id TEXT NOT NULL,
        point TEXT NOT NULL,
        missed INTEGER NOT NULL,
        PRIMARY KEY (user_id, bank_id, question_id, point_index, guild_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TRIGGER attempts_stats_insert AFTER INSERT ON attempts BEGIN
        INSERT INTO stats_groups (user_id, bank_id, topic, question_type, guild_id, attempts, correct, points, points_available)
        VALUES (NEW.user_id, NEW.bank_id, coalesce(NEW.topic, ''), NEW.question_type, coalesce(NEW.guild_id, ''),
                1, NEW.score >= NEW.max_score, NEW.score, NEW.max_score)
        ON CONFLICT (user_id, bank_id, topic, question_type, guild_id) DO UPDATE SET
          attempts = attempts + 1,
          correct = correct + excluded.correct,
          points = points + excluded.points,
          points_available = points_available + excluded.points_available;

        INSERT INTO stats_questions (user_id, bank_id, question_id, guild_id, attempts, last_at, last_full)
        VALUES (NEW.user_id, NEW.bank_id, NEW.question_id, coalesce(NEW.guild_id, ''), 1, NEW.created_at, NEW.score >= NEW.max_score)
        ON CONFLICT (user_id, bank_id, question_id, guild_id) DO UPDATE SET
          attempts = attempts + 1,
          last_full = CASE WHEN excluded.last_at >= last_at THEN excluded.last_full ELSE last_full END,
          last_at = max(last_at, excluded.last_at);

        INSERT INTO stats_latest (user_id, bank_id, question_id, attempts, last_at, last_full)
        VALUES (NEW.user_id, NEW.bank_id, NEW.question_id, 1, NEW.created_at, NEW.score >= NEW.max_score)
        ON CONFLICT (user_id, bank_id, question_id) DO UPDATE SET
          attempts = attempts + 1,
          last_full = CASE WHEN excluded.last_at >= last_at THEN excluded.last_full ELSE last_full END,
          last_at = max(last_at, excluded.last_at);

        INSERT INTO stats_slots (user_id, slot, guild_id, bank_id, answered, correct)
        VALUES (NEW.user_id, NEW.created_at / 900000, coalesce(NEW.guild_id, ''), NEW.bank_id, 1, NEW.score >= NEW.max_score)
        ON CONFLICT (user_id, slot, guild_id, bank_id) DO UPDATE SET
          answered = answered + 1,
          correct = correct + excluded.correct;

        INSERT INTO stats_guild_hours (guild_id, hour, user_id, attempts, points)
        SELECT NEW.guild_id, NEW.created_at / 3600000, NEW.user_id, 1, NEW.score
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

      -- A regrade (pending → graded) replaces score, status and feedback: move the roll-ups by the difference.
      CREATE TRIGGER attempts_stats_regrade AFTER UPDATE OF score, max_score, feedback ON attempts BEGIN
        UPDATE stats_groups SET
          correct = correct - (OLD.score >= OLD.max_score) + (NEW.score >= NEW.max_score),
          points = points - OLD.score + NEW.score,
          points_available = points_available - OLD.max_score + NEW.max_score
        WHERE user_id = NEW.user_id AND bank_id = NEW.bank_id AND topic = coalesce(NEW.topic, '')
          AND question_type = NEW.question_type AND guild_id = coalesce(NEW.guild_id, '');

        UPDATE stats_questions SET
          last_full = CASE WHEN last_at = NEW.created_at THEN NEW.score >= NEW.max_score ELSE last_full END
        WHERE user_id = NEW.user_id AND bank_id = NEW.bank_id AND question_id = NEW.question_id
          AND guild_id = coalesce(NEW.guild_id, '');

        UPDATE stats_latest SET
          last_full = CASE WHEN last_at = NEW.created_at THEN NEW.score >= NEW.max_score ELSE last_full END
        WHERE user_id = NEW.user_id AND bank_id = NEW.bank_id AND question_id = NEW.question_id;

        UPDATE stats_slots SET correct = correct - (OLD.score >= OLD.max_score) + (NEW.score >= NEW.max_score)
        WHERE user_id = NEW.user_id AND slot = NEW.created_at / 900000
          AND guild_id = coalesce(NEW.guild_id, '') AND bank_id = NEW.bank_id;

        UPDATE stats_guild_hours SET points = points - OLD.score + NEW.score
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
