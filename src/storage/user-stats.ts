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
  type UserStats,
} from '../progress/types.ts';
import type { Db } from './database.ts';

const SLOT_MS = 900_000;
const WEEK_MS = 7 * MS_PER_DAY;

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

interface QuestionRow {
  bank_id: string;
  question_id: string;
  question_type: QuestionType;
  topic: string | null;
  attempts: number;
  correct: number;
  points: number;
  points_available: number;
  last_at: number;
  last_full: number;
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

class Tally implements GroupStats {
  attempts = 0;
  correct = 0;
  pointsEarned = 0;
  pointsAvailable = 0;
  get accuracy(): number {
    return this.attempts === 0 ? 0 : this.correct / this.attempts;
  }
  add(row: QuestionRow): void {
    this.attempts += row.attempts;
    this.correct += row.correct;
    this.pointsEarned += row.points;
    this.pointsAvailable += row.points_available;
  }
  toJSON(): GroupStats {
    return {
      attempts: this.attempts,
      correct: this.correct,
      accuracy: this.accuracy,
      pointsEarned: roundPoints(this.pointsEarned),
      pointsAvailable: roundPoints(this.pointsAvailable),
    };
  }
}

/** Sums of fractional marks drift (0.1 + 0.2); statistics show points to 1/1000. */
function roundPoints(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function tallyBy<K>(rows: QuestionRow[], keyOf: (row: QuestionRow) => K): Map<K, Tally> {
  const tallies = new Map<K, Tally>();
  for (const row of rows) {
    const key = keyOf(row);
    let tally = tallies.get(key);
    if (!tally) {
      tally = new Tally();
      tallies.set(key, tally);
    }
    tally.add(row);
  }
  return tallies;
}

function byMostAttempts<T extends { attempts: number }>(a: T, b: T, keyA: string, keyB: string): number {
  return b.attempts - a.attempts || keyA.localeCompare(keyB);
}

/** Statistics for one user from the roll-up tables (see migration 001); an unknown user gets zeros. */
export function queryUserStats(db: Db, userId: string, filter: StatsFilter & { now: Date; timeZone: string }): UserStats {
  const now = filter.now;
  const timeZone = filter.timeZone;
  const { where, params } = rollupFilter(userId, filter);

  const questionRows = cached(
    db,
    `SELECT bank_id, question_id, question_type, topic, attempts, correct, points, points_available, last_at, last_full
     FROM stats_questions WHERE ${where}`,
  ).all(params) as QuestionRow[];

  const total = new Tally();
  for (const row of questionRows) total.add(row);

  // A question answered in several guilds has a row per guild: its latest attempt decides "mastered".
  const latestByQuestion = new Map<string, QuestionRow>();
  for (const row of questionRows) {
    const key = `${row.bank_id}\u0000${row.question_id}`;
    const seen = latestByQuestion.get(key);
    if (!seen || row.last_at > seen.last_at) latestByQuestion.set(key, row);
  }
  let questionsMastered = 0;
  for (const row of latestByQuestion.values()) if (row.last_full) questionsMastered += 1;

  const typeTallies = tallyBy(questionRows, (row) => row.question_type);
  const byType = [...typeTallies.entries()]
    .sort(([a], [b]) => QUESTION_TYPES.indexOf(a) - QUESTION_TYPES.indexOf(b))
    .map(([type, tally]) => ({ type, ...tally.toJSON() }));

  const topicTallies = tallyBy(questionRows, (row) => row.topic);
  const byTopic = [...topicTallies.entries()]
    .map(([topic, tally]) => ({ topic, ...tally.toJSON() }))
    .sort((a, b) => byMostAttempts(a, b, a.topic ?? '\uffff', b.topic ?? '\uffff'));

  const byBank = [...tallyBy(questionRows, (row) => row.bank_id).entries()]
    .map(([bankId, tally]) => ({ bankId, ...tally.toJSON() }))
    .sort((a, b) => byMostAttempts(a, b, a.bankId, b.bankId));

  const weakestTopics = byTopic
    .filter((row): row is typeof row & { topic: string } => row.topic !== null && row.attempts >= WEAK_TOPIC_MIN_ATTEMPTS)
    .sort((a, b) => a.accuracy - b.accuracy || a.pointsEarned / (a.pointsAvailable || 1) - b.pointsEarned / (b.pointsAvailable || 1) || b.attempts - a.attempts || a.topic.localeCompare(b.topic))
    .slice(0, WEAKEST_TOPICS_LIMIT);

  const { daily, currentStreakDays, longestStreakDays } = queryDays(db, where, params, userId, now, timeZone);

  const cardParams: Record<string, string | number> = { userId, now: now.getTime() };
  if (filter.bankId !== undefined) cardParams.bankId = filter.bankId;
  const reviewsDue = cached(
    db,
    `SELECT count(*) FROM review_cards WHERE user_id = @userId AND due <= @now${filter.bankId !== undefined ? ' AND bank_id = @bankId' : ''}`,
  )
    .pluck()
    .get(cardParams) as number;

  const attemptsByQuestion = tallyBy(questionRows, (row) => `${row.bank_id}\u0000${row.question_id}`);
  const missedRows = cached(
    db,
    `SELECT bank_id, question_id, point_index, point, sum(missed) AS missed FROM stats_rubric_misses
     WHERE ${where} GROUP BY bank_id, question_id, point_index
     ORDER BY missed DESC, bank_id, question_id, point_index LIMIT ${MISSED_RUBRIC_LIMIT}`,
  ).all(params) as Array<{ bank_id: string; question_id: string; point_index: number; point: string; missed: number }>;
  const missedRubricPoints = missedRows
    .filter((row) => row.missed > 0)
    .map((row) => ({
      bankId: row.bank_id,
      questionId: row.question_id,
      index: row.point_index,
      point: row.point,
      missed: row.missed,
      attempts: attemptsByQuestion.get(`${row.bank_id}\u0000${row.question_id}`)?.attempts ?? row.missed,
    }));

  return {
    userId,
    guildId: filter.guildId ?? null,
    bankId: filter.bankId ?? null,
    timeZone,
    generatedAt: now.toISOString(),
    ...total.toJSON(),
    questionsSeen: latestByQuestion.size,
    questionsMastered,
    byType,
    byTopic,
    byBank,
    currentStreakDays,
    longestStreakDays,
    daily,
    reviewsDue,
    weakestTopics,
    missedRubricPoints,
  };
}

/**
 * Answers per local calendar day, from 15-minute slots: SQLite knows no IANA zones, so the zone's
 * offsets over the user's date range become a CASE expression on the slot number.
 */
function queryDays(db: Db, where: string, params: Record<string, string>, userId: string, now: Date, timeZone: string) {
  const today = localDayNumber(now.getTime(), timeZone);
  const range = cached(db, 'SELECT min(slot) AS first, max(slot) AS last FROM stats_slots WHERE user_id = ?').get(userId) as {
    first: number | null;
    last: number | null;
  };
  const perDay = new Map<number, { answered: number; correct: number }>();
  if (range.first !== null && range.last !== null) {
    const segments = zoneOffsetSegments(timeZone, range.first * SLOT_MS, range.last * SLOT_MS);
    let offset = String(segments.at(-1)!.offsetMs);
    if (segments.length > 1) {
      const branches = segments
        .slice(0, -1)
        .map((segment, index) => `WHEN slot < ${Math.ceil(segments[index + 1]!.startMs / SLOT_MS)} THEN ${segment.offsetMs}`);
      offset = `CASE ${branches.join(' ')} ELSE ${segments.at(-1)!.offsetMs} END`;
    }
    const rows = cached(
      db,
      `SELECT (slot * ${SLOT_MS} + ${offset}) / ${MS_PER_DAY} AS day, sum(answered) AS answered, sum(correct) AS correct
       FROM stats_slots WHERE ${where} GROUP BY day`,
    )
      .raw()
      .all(params) as Array<[number, number, number]>;
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

/** Points earned in one guild, from attempts made there only; rolling 7 days for `week`. */
export function queryLeaderboard(db: Db, guildId: string, period: LeaderboardPeriod, now: Date): Leaderboard {
  const since = period === 'week' ? now.getTime() - WEEK_MS : Number.MIN_SAFE_INTEGER;
  const rows = cached(
    db,
    `SELECT a.user_id AS userId, coalesce(u.display_name, a.user_id) AS displayName, sum(a.score) AS points, count(*) AS attempts
     FROM attempts AS a LEFT JOIN users AS u ON u.id = a.user_id
     WHERE a.guild_id = @guildId AND a.created_at >= @since AND a.created_at <= @now
     GROUP BY a.user_id ORDER BY points DESC, attempts ASC, a.user_id LIMIT ${LEADERBOARD_LIMIT}`,
  ).all({ guildId, since, now: now.getTime() }) as Leaderboard['rows'];
  return { guildId, period, rows: rows.map((row) => ({ ...row, points: roundPoints(row.points) })) };
}
