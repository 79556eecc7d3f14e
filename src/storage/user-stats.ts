import type { Statement } from 'better-sqlite3';
import { QUESTION_TYPES, type QuestionType } from '../bank/schema.ts';
import { computeStreaks, dayNumberToDate, localDayNumber, MS_PER_DAY, zoneOffsetSegments } from '../progress/calendar.ts';
import type { StatsFilter } from '../progress/ports.ts';
import {
  DAILY_WINDOW_DAYS,
  LEADERBOARD_LIMIT,
  MISSED_RUBRIC_LIMIT,
  WEAK_TOPIC_MIN_ATTEMPTS,
  WEAKEST_TOPICS_LIMIT,
  type DailyCount,
  type GroupStats,
  type Leaderboard,
  type LeaderboardPeriod,
  type MissedRubricPoint,
  type UserStats,
} from '../progress/types.ts';
import type { Db } from './database.ts';

const SLOT_MS = 900_000;
const HOUR_MS = 3_600_000;
const WEEK_HOURS = 7 * 24;

const statementCache = new WeakMap<Db, Map<string, Statement>>();

function cached(db: Db, sql: string): Statement {
  let statements = statementCache.get(db);
  if (!statements) {
    statements = new Map();
    statementCache.set(db, statements);
  }
  let statement = statements.get(sql);
  if (!statement) {
    // Day expressions differ per zone and date range; keep the cache bounded.
    if (statements.size > 200) statements.clear();
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}

interface Filter {
  where: string;
  params: Record<string, string>;
}

function rollupFilter(userId: string, filter: StatsFilter): Filter {
  const clauses = ['user_id = @userId'];
  const params: Record<string, string> = { userId };
  if (filter.guildId !== undefined) {
    clauses.push('guild_id = @guildId');
    params.guildId = filter.guildId;
  }
  if (filter.bankId !== undefined) {
    clauses.push('bank_id = @bankId');
    params.bankId = filter.bankId;
  }
  return { where: clauses.join(' AND '), params };
}

/** [attempts, correct, points, points available] */
type Sums = [number, number, number, number];

class Tally {
  attempts = 0;
  correct = 0;
  pointsEarned = 0;
  pointsAvailable = 0;
  add([attempts, correct, points, available]: Sums): void {
    this.attempts += attempts;
    this.correct += correct;
    this.pointsEarned += points;
    this.pointsAvailable += available;
  }
  toJSON(): GroupStats {
    return {
      attempts: this.attempts,
      correct: this.correct,
      accuracy: this.attempts === 0 ? 0 : this.correct / this.attempts,
      pointsEarned: roundPoints(this.pointsEarned),
      pointsAvailable: roundPoints(this.pointsAvailable),
    };
  }
}

/** Sums of fractional marks drift (0.1 + 0.2); statistics show points to 1/1000. */
function roundPoints(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function addTo<K>(tallies: Map<K, Tally>, key: K, sums: Sums): void {
  let tally = tallies.get(key);
  if (!tally) {
    tally = new Tally();
    tallies.set(key, tally);
  }
  tally.add(sums);
}

function byMostAttempts(a: GroupStats, b: GroupStats, keyA: string, keyB: string): number {
  return b.attempts - a.attempts || keyA.localeCompare(keyB);
}

/**
 * Statistics for one user from the roll-up tables (see migration 001); an unknown user gets zeros.
 * Aggregation happens in SQL so a learner with 100,000 attempts costs a few thousand roll-up rows
 * scanned and a few hundred returned.
 */
export function queryUserStats(db: Db, userId: string, filter: StatsFilter & { now: Date; timeZone: string }): UserStats {
  const now = filter.now;
  const timeZone = filter.timeZone;
  const { where, params } = rollupFilter(userId, filter);

  // One row per bank, topic, type (and guild): enough for the totals and all three breakdowns.
  const groups = cached(
    db,
    `SELECT bank_id, topic, question_type, attempts, correct, points, points_available FROM stats_groups WHERE ${where}`,
  )
    .raw()
    .all(params) as Array<[string, string, QuestionType, ...Sums]>;

  const total = new Tally();
  const types = new Map<QuestionType, Tally>();
  const topics = new Map<string | null, Tally>();
  const banks = new Map<string, Tally>();
  for (const [bankId, topic, type, ...sums] of groups) {
    total.add(sums);
    addTo(types, type, sums);
    addTo(topics, topic === '' ? null : topic, sums);
    addTo(banks, bankId, sums);
  }

  const byType = [...types.entries()]
    .sort(([a], [b]) => QUESTION_TYPES.indexOf(a) - QUESTION_TYPES.indexOf(b))
    .map(([type, tally]) => ({ type, ...tally.toJSON() }));
  const byTopic = [...topics.entries()]
    .map(([topic, tally]) => ({ topic, ...tally.toJSON() }))
    .sort((a, b) => byMostAttempts(a, b, a.topic ?? '\uffff', b.topic ?? '\uffff'));
  const byBank = [...banks.entries()]
    .map(([bankId, tally]) => ({ bankId, ...tally.toJSON() }))
    .sort((a, b) => byMostAttempts(a, b, a.bankId, b.bankId));

  const weakestTopics = byTopic
    .filter((row): row is typeof row & { topic: string } => row.topic !== null && row.attempts >= WEAK_TOPIC_MIN_ATTEMPTS)
    .sort(
      (a, b) =>
        a.accuracy - b.accuracy ||
        a.pointsEarned / (a.pointsAvailable || 1) - b.pointsEarned / (b.pointsAvailable || 1) ||
        b.attempts - a.attempts ||
        a.topic.localeCompare(b.topic),
    )
    .slice(0, WEAKEST_TOPICS_LIMIT);

  // Within one guild, a question's latest attempt there decides "mastered" (SQLite takes the bare
  // last_full from the row holding max(last_at)); across guilds, stats_latest holds it directly.
  const [questionsSeen, questionsMastered] = cached(
    db,
    filter.guildId !== undefined
      ? `SELECT count(*), coalesce(sum(last_full), 0) FROM (
           SELECT max(last_at), last_full FROM stats_questions WHERE ${where} GROUP BY bank_id, question_id)`
      : `SELECT count(*), coalesce(sum(last_full), 0) FROM stats_latest WHERE ${where}`,
  )
    .raw()
    .get(params) as [number, number];

  const { daily, currentStreakDays, longestStreakDays } = queryDays(db, where, params, userId, now, timeZone);

  const cardParams: Record<string, string | number> = { userId, now: now.getTime() };
  if (filter.bankId !== undefined) cardParams.bankId = filter.bankId;
  const reviewsDue = cached(
    db,
    `SELECT count(*) FROM review_cards WHERE user_id = @userId AND due <= @now${filter.bankId !== undefined ? ' AND bank_id = @bankId' : ''}`,
  )
    .pluck()
    .get(cardParams) as number;

  // The top points are chosen before each one's attempt count is looked up, so only those few are.
  const missedRubricPoints = cached(
    db,
    `SELECT m.bank_id AS bankId, m.question_id AS questionId, m.point_index AS "index", m.point AS point, m.missed AS missed,
       ${
         filter.guildId !== undefined
           ? `(SELECT q.attempts FROM stats_questions AS q WHERE q.user_id = @userId AND q.bank_id = m.bank_id
                AND q.question_id = m.question_id AND q.guild_id = @guildId)`
           : `(SELECT q.attempts FROM stats_latest AS q WHERE q.user_id = @userId AND q.bank_id = m.bank_id AND q.question_id = m.question_id)`
       } AS attempts
     FROM (
       SELECT bank_id, question_id, point_index, point, sum(missed) AS missed FROM stats_rubric_misses
       WHERE ${where} GROUP BY bank_id, question_id, point_index HAVING missed > 0
       ORDER BY missed DESC, bank_id, question_id, point_index LIMIT ${MISSED_RUBRIC_LIMIT}
     ) AS m
     ORDER BY m.missed DESC, m.bank_id, m.question_id, m.point_index`,
  ).all(params) as MissedRubricPoint[];

  return {
    userId,
    guildId: filter.guildId ?? null,
    bankId: filter.bankId ?? null,
    timeZone,
    generatedAt: now.toISOString(),
    ...total.toJSON(),
    questionsSeen,
    questionsMastered,
    byType,
    byTopic,
    byBank,
    currentStreakDays,
    longestStreakDays,
    daily,
    reviewsDue,
    weakestTopics,
    missedRubricPoints: missedRubricPoints.map((row) => ({ ...row, attempts: row.attempts ?? row.missed })),
  };
}

/**
 * Answers per local calendar day. SQLite knows no IANA zones, so the zone's offsets over the user's
 * range of slots become a CASE on the slot number (bound as parameters, so the statement is reused;
 * JavaScript numbers bind as REAL, hence the CAST that keeps the division an integer one), and SQL
 * returns one row per day.
 */
function queryDays(db: Db, where: string, params: Record<string, string>, userId: string, now: Date, timeZone: string) {
  const today = localDayNumber(now.getTime(), timeZone);
  // Two subqueries, because SQLite answers a lone min() or max() from the index edge but scans every
  // row of the user for `min(slot), max(slot)` together.
  const [first, last] = cached(
    db,
    'SELECT (SELECT min(slot) FROM stats_slots WHERE user_id = @userId), (SELECT max(slot) FROM stats_slots WHERE user_id = @userId)',
  )
    .raw()
    .get({ userId }) as [number | null, number | null];
  const perDay = new Map<number, { answered: number; correct: number }>();
  if (first !== null && last !== null) {
    const segments = zoneOffsetSegments(timeZone, first * SLOT_MS, last * SLOT_MS);
    const dayParams: Record<string, string | number> = { ...params };
    segments.forEach((segment, index) => {
      dayParams[`offset${index}`] = segment.offsetMs;
      if (index > 0) dayParams[`from${index}`] = Math.ceil(segment.startMs / SLOT_MS);
    });
    const offset =
      segments.length === 1
        ? '@offset0'
        : `CASE ${segments
            .slice(1)
            .map((_, index) => `WHEN slot < @from${index + 1} THEN @offset${index}`)
            .join(' ')} ELSE @offset${segments.length - 1} END`;
    const rows = cached(
      db,
      `SELECT (slot * ${SLOT_MS} + CAST(${offset} AS INTEGER)) / ${MS_PER_DAY} AS day, sum(answered), sum(correct)
       FROM stats_slots WHERE ${where} GROUP BY day`,
    )
      .raw()
      .all(dayParams) as Array<[number, number, number]>;
    for (const [day, answered, correct] of rows) if (answered > 0) perDay.set(day, { answered, correct });
  }
  const streaks = computeStreaks(perDay.keys(), today);
  const daily: DailyCount[] = [];
  for (let day = today - DAILY_WINDOW_DAYS + 1; day <= today; day += 1) {
    const counts = perDay.get(day);
    daily.push({ date: dayNumberToDate(day), answered: counts?.answered ?? 0, correct: counts?.correct ?? 0 });
  }
  return { daily, currentStreakDays: streaks.current, longestStreakDays: streaks.longest };
}

/**
 * Points earned in one guild from attempts made there only. `week` is the last 7 days rounded out to
 * whole UTC hours (the roll-up's unit): the current hour and the 168 before it.
 */
export function queryLeaderboard(db: Db, guildId: string, period: LeaderboardPeriod, now: Date): Leaderboard {
  const currentHour = Math.floor(now.getTime() / HOUR_MS);
  const since = period === 'week' ? currentHour - WEEK_HOURS : Number.MIN_SAFE_INTEGER;
  const rows = cached(
    db,
    `SELECT h.user_id AS userId, coalesce(u.display_name, h.user_id) AS displayName, h.points AS points, h.attempts AS attempts
     FROM (
       SELECT user_id, sum(points) AS points, sum(attempts) AS attempts FROM stats_guild_hours
       WHERE guild_id = @guildId AND hour >= @since AND hour <= @currentHour GROUP BY user_id
     ) AS h LEFT JOIN users AS u ON u.id = h.user_id
     ORDER BY h.points DESC, h.attempts ASC, h.user_id LIMIT ${LEADERBOARD_LIMIT}`,
  ).all({ guildId, since, currentHour }) as Leaderboard['rows'];
  return { guildId, period, rows: rows.map((row) => ({ ...row, points: roundPoints(row.points) })) };
}
