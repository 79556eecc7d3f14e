import type { Migration } from './index.ts';

/** As class-report-repository.ts's SETTLED: flagged and needs-review attempts say nothing yet about a question. */
const SETTLED = (row: 'NEW' | 'OLD') => `${row}.status NOT IN ('flagged', 'needs-review')`;
/** As response-analysis.ts's ANALYSED_TYPES: the objective types whose answers are comparable. */
const ANALYSED = (row: 'NEW' | 'OLD') => `${row}.question_type IN ('choice', 'multi', 'truefalse', 'numeric', 'blank')`;
/** As analyseResponses: the fraction of the points, clamped to 0..1; 0 for a question worth nothing. */
const FRACTION = (row: 'NEW.' | 'OLD.' | '') =>
  `(CASE WHEN ${row}max_score > 0 THEN min(1.0, max(0.0, ${row}score / ${row}max_score)) ELSE 0.0 END)`;

/**
 * One learner's first settled attempt at a question (per guild) becomes the row, or replaces the row
 * when it is earlier, or refreshes it when it is the row's own attempt (a regrade, a review).
 */
const UPSERT_FIRST = `
  INSERT INTO stats_first_attempts (bank_id, question_id, user_id, guild_id, attempt_id, created_at, score, max_score, question_type, topic)
  SELECT NEW.bank_id, NEW.question_id, NEW.user_id, coalesce(NEW.guild_id, ''), NEW.id, NEW.created_at, NEW.score, NEW.max_score,
         NEW.question_type, NEW.topic
  WHERE ${SETTLED('NEW')}
  ON CONFLICT (bank_id, question_id, user_id, guild_id) DO UPDATE SET
    attempt_id = excluded.attempt_id, created_at = excluded.created_at, score = excluded.score,
    max_score = excluded.max_score, question_type = excluded.question_type, topic = excluded.topic
  WHERE excluded.attempt_id = attempt_id OR excluded.created_at < created_at
     OR (excluded.created_at = created_at AND excluded.attempt_id < attempt_id);`;

/** An update that keeps the attempt settled and its stored answer: only the score can have moved. */
const RESCORE = `${SETTLED('OLD')} AND ${SETTLED('NEW')} AND OLD.normalized_answer = NEW.normalized_answer`;

const ADD_RESPONSE = `
  INSERT INTO stats_responses (bank_id, question_id, normalized_answer, user_id, guild_id, question_type, attempts,
    full_marks, no_marks, fraction_sum, first_attempt_id, example_raw)
  SELECT NEW.bank_id, NEW.question_id, NEW.normalized_answer, NEW.user_id, coalesce(NEW.guild_id, ''), NEW.question_type, 1,
         ${FRACTION('NEW.')} >= 1.0, ${FRACTION('NEW.')} <= 0.0, ${FRACTION('NEW.')}, NEW.id, NEW.raw_answer
  WHERE ${SETTLED('NEW')} AND ${ANALYSED('NEW')}
  ON CONFLICT (bank_id, question_id, normalized_answer, user_id, guild_id) DO UPDATE SET
    attempts = attempts + 1,
    full_marks = full_marks + excluded.full_marks,
    no_marks = no_marks + excluded.no_marks,
    fraction_sum = fraction_sum + excluded.fraction_sum,
    example_raw = CASE WHEN excluded.first_attempt_id < first_attempt_id THEN excluded.example_raw ELSE example_raw END,
    first_attempt_id = min(first_attempt_id, excluded.first_attempt_id);`;

/**
 * Roll-ups for the teacher's item report (`tutor report items`, `/class items`), which otherwise reads
 * every attempt of a bank and hands each to JavaScript (about 640 ms at p95 on the storage bench's
 * 1,000,000 attempts; `npm run bench class`):
 * - `stats_first_attempts`: per bank, question, learner and guild, the first settled attempt (the
 *   input of item statistics: facility and discrimination use each learner's first attempt);
 * - `stats_responses`: per bank, question, stored answer, learner and guild, how many settled
 *   attempts gave that answer and how they scored (the input of the response analysis). The learner
 *   is part of the key so the analysis can count distinct learners per answer.
 * Both keep '' for "no guild" like the other roll-ups, and only settled attempts (not flagged, not
 * awaiting review), as the report's queries on `attempts` do. Triggers keep them in step inside the
 * writing transaction: on insert; and on any change of score, points, status or answer (a regrade
 * after a key fix, a teacher's grade, a review), where the old contribution is taken out and the new
 * one put in. When a learner's first attempt stops being settled (an attempt later set to
 * needs-review), the next settled one is looked up through `attempts_user_time`: rare, and one
 * learner's attempts at most. `/forget-me` deletes a learner's rows with the other roll-ups
 * (src/storage/forget.ts). A report over a period still reads `attempts` (exact times).
 *
 * An attempt's learner, bank, question, guild and time never change after it is stored; the triggers
 * rely on that.
 *
 * Cost per recorded answer: one more row upserted in each, 13.4 → 15.9 pages written per one-answer
 * transaction (`npm run bench storage`). An existing database is filled from its attempts in the
 * migration, once: about 6 s of CPU for the bench's 1,000,000 attempts.
 */
export const itemRollupsMigration: Migration = {
  version: 8,
  name: 'item-rollups',
  up(db) {
    db.exec(`
      CREATE TABLE stats_first_attempts (
        bank_id TEXT NOT NULL,
        question_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        guild_id TEXT NOT NULL,
        attempt_id INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        score REAL NOT NULL,
        max_score REAL NOT NULL,
        question_type TEXT NOT NULL,
        topic TEXT,
        PRIMARY KEY (bank_id, question_id, user_id, guild_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE stats_responses (
        bank_id TEXT NOT NULL,
        question_id TEXT NOT NULL,
        normalized_answer TEXT NOT NULL,
        user_id TEXT NOT NULL,
        guild_id TEXT NOT NULL,
        question_type TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        full_marks INTEGER NOT NULL,
        no_marks INTEGER NOT NULL,
        fraction_sum REAL NOT NULL,
        first_attempt_id INTEGER NOT NULL,
        example_raw TEXT NOT NULL,
        PRIMARY KEY (bank_id, question_id, normalized_answer, user_id, guild_id)
      ) STRICT, WITHOUT ROWID;

      INSERT INTO stats_first_attempts (bank_id, question_id, user_id, guild_id, attempt_id, created_at, score, max_score, question_type, topic)
      SELECT bank_id, question_id, user_id, coalesce(guild_id, ''), id, min(created_at), score, max_score, question_type, topic
      FROM attempts WHERE status NOT IN ('flagged', 'needs-review')
      GROUP BY bank_id, question_id, user_id, coalesce(guild_id, '');

      INSERT INTO stats_responses (bank_id, question_id, normalized_answer, user_id, guild_id, question_type, attempts,
        full_marks, no_marks, fraction_sum, first_attempt_id, example_raw)
      SELECT bank_id, question_id, normalized_answer, user_id, coalesce(guild_id, ''), question_type, count(*),
             sum(fraction >= 1.0), sum(fraction <= 0.0), sum(fraction), min(id), raw_answer
      FROM (SELECT *, ${FRACTION('')} AS fraction FROM attempts
            WHERE status NOT IN ('flagged', 'needs-review')
              AND question_type IN ('choice', 'multi', 'truefalse', 'numeric', 'blank'))
      GROUP BY bank_id, question_id, normalized_answer, user_id, coalesce(guild_id, '');

      CREATE TRIGGER attempts_items_insert AFTER INSERT ON attempts WHEN ${SETTLED('NEW')} BEGIN
        ${UPSERT_FIRST}
        ${ADD_RESPONSE}
      END;

      -- The common change, a new score for the same settled answer (a regrade, a teacher's grade): moved in place.
      CREATE TRIGGER attempts_items_rescore AFTER UPDATE OF score, max_score, status, normalized_answer, raw_answer ON attempts
      WHEN ${RESCORE} BEGIN
        UPDATE stats_responses SET
          full_marks = full_marks - (${FRACTION('OLD.')} >= 1.0) + (${FRACTION('NEW.')} >= 1.0),
          no_marks = no_marks - (${FRACTION('OLD.')} <= 0.0) + (${FRACTION('NEW.')} <= 0.0),
          fraction_sum = fraction_sum - ${FRACTION('OLD.')} + ${FRACTION('NEW.')}
        WHERE ${ANALYSED('NEW')}
          AND bank_id = NEW.bank_id AND question_id = NEW.question_id AND normalized_answer = NEW.normalized_answer
          AND user_id = NEW.user_id AND guild_id = coalesce(NEW.guild_id, '');
        UPDATE stats_first_attempts SET score = NEW.score, max_score = NEW.max_score
        WHERE bank_id = NEW.bank_id AND question_id = NEW.question_id AND user_id = NEW.user_id
          AND guild_id = coalesce(NEW.guild_id, '') AND attempt_id = NEW.id;
      END;

      -- Anything else (settled or not any more, another answer): the old contribution out, the new one in.
      CREATE TRIGGER attempts_items_update AFTER UPDATE OF score, max_score, status, normalized_answer, raw_answer ON attempts
      WHEN NOT (${RESCORE}) BEGIN
        UPDATE stats_responses SET
          attempts = attempts - 1,
          full_marks = full_marks - (${FRACTION('OLD.')} >= 1.0),
          no_marks = no_marks - (${FRACTION('OLD.')} <= 0.0),
          fraction_sum = fraction_sum - ${FRACTION('OLD.')}
        WHERE ${SETTLED('OLD')} AND ${ANALYSED('OLD')}
          AND bank_id = OLD.bank_id AND question_id = OLD.question_id AND normalized_answer = OLD.normalized_answer
          AND user_id = OLD.user_id AND guild_id = coalesce(OLD.guild_id, '');
        DELETE FROM stats_responses
        WHERE bank_id = OLD.bank_id AND question_id = OLD.question_id AND normalized_answer = OLD.normalized_answer
          AND user_id = OLD.user_id AND guild_id = coalesce(OLD.guild_id, '') AND attempts <= 0;
        ${ADD_RESPONSE}

        ${UPSERT_FIRST}
        -- The row's own attempt is no longer settled: the learner's next settled attempt (if any) takes its place.
        DELETE FROM stats_first_attempts
        WHERE NOT (${SETTLED('NEW')}) AND attempt_id = NEW.id
          AND bank_id = NEW.bank_id AND question_id = NEW.question_id AND user_id = NEW.user_id AND guild_id = coalesce(NEW.guild_id, '');
        INSERT INTO stats_first_attempts (bank_id, question_id, user_id, guild_id, attempt_id, created_at, score, max_score, question_type, topic)
        SELECT a.bank_id, a.question_id, a.user_id, coalesce(a.guild_id, ''), a.id, a.created_at, a.score, a.max_score, a.question_type, a.topic
        FROM attempts AS a
        WHERE NOT (${SETTLED('NEW')}) AND ${SETTLED('OLD')}
          AND NOT EXISTS (SELECT 1 FROM stats_first_attempts AS f WHERE f.bank_id = NEW.bank_id AND f.question_id = NEW.question_id
                            AND f.user_id = NEW.user_id AND f.guild_id = coalesce(NEW.guild_id, ''))
          AND a.user_id = NEW.user_id AND a.bank_id = NEW.bank_id AND a.question_id = NEW.question_id
          AND coalesce(a.guild_id, '') = coalesce(NEW.guild_id, '') AND a.status NOT IN ('flagged', 'needs-review')
        ORDER BY a.created_at, a.id LIMIT 1;
      END;
    `);
  },
};
