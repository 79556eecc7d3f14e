import type { Statement } from 'better-sqlite3';
import { QUESTION_TYPES, type QuestionType } from '../bank/schema.ts';
import { dayNumberToDate, localDayNumber } from '../progress/calendar.ts';
import type { ClassFilter, ClassReport, ClassReportSource, FirstAttemptRow, ItemReportInput, LearnerRow } from '../progress/class-report.ts';
import type { ExportRow } from '../progress/csv-export.ts';
import { itemReportInputOf } from '../progress/item-report.ts';
import { ANALYSED_TYPES, type ResponseTally, type StoredResponse } from '../progress/response-analysis.ts';
import { DAILY_WINDOW_DAYS, WEAK_TOPIC_MIN_ATTEMPTS, WEAKEST_TOPICS_LIMIT, type GroupStats } from '../progress/types.ts';
import type { Db } from './database.ts';

/**
 * The score an attempt counts for in sums, as the roll-up triggers count it: an attempt awaiting a
 * person's review (`needs-review`, migration 003) is answered but earns nothing until confirmed.
 */
const COUNTED_SCORE = `(CASE WHEN status = 'needs-review' THEN 0 ELSE score END)`;
/** Leaves out attempts whose score says nothing yet about the question: the injection tripwire and those awaiting review. */
const SETTLED = `status NOT IN ('flagged', 'needs-review')`;

const DAY_MS = 86_400_000;
const SLOT_MS = 900_000;

export interface ClassReportRepositoryOptions {
  clock?: () => Date;
  timeZone?: string;
}

/**
 * The teacher's views read straight from `attempts` (not the per-user roll-ups): they need a period,
 * first attempts and the answers themselves, which the roll-ups do not keep. Every figure of one
 * report is read in one transaction, so a report is one snapshot even while answers arrive.
 */
export class ClassReportRepository implements ClassReportSource {
  readonly #db: Db;
  readonly #clock: () => Date;
  readonly #timeZone: string;
  readonly #statements = new Map<string, Statement>();

  constructor(db: Db, options: ClassReportRepositoryOptions = {}) {
    this.#db = db;
    this.#clock = options.clock ?? (() => new Date());
    this.#timeZone = options.timeZone ?? 'UTC';
  }

  classReport(filter: ClassFilter): ClassReport {
    const read = () => this.#classReport(filter);
    return this.#db.inTransaction ? read() : this.#db.transaction(read).deferred();
  }

  exportRows(filter: ClassFilter): ExportRow[] {
    const { params } = whereClause(filter);
    const rows = this.#cached(summarySql(filter).exportGroups).raw().all(params) as Array<
      [string, string, string, string | null, number, number, number, number]
    >;
    const out: ExportRow[] = [];
    let current: ExportRow | undefined;
    for (const [userId, displayName, bankId, topic, attempts, correct, points, available] of rows) {
      if (!current || current.userId !== userId || current.bankId !== bankId) {
        current = { userId, displayName, bankId, attempts: 0, correct: 0, pointsEarned: 0, pointsAvailable: 0, topics: [] };
        out.push(current);
      }
      current.attempts += attempts;
      current.correct += correct;
      current.pointsEarned += points;
      current.pointsAvailable += available;
      current.topics.push({ topic, attempts, correct });
    }
    return out;
  }

  /**
   * The first attempt of each learner at each question of the bank within the filter, by time.
   * Without a period, from the roll-up `stats_first_attempts` (migration 008: one row per learner,
   * question and guild); with one, from `attempts`. Either way SQLite takes the bare columns from the
   * row holding min(created_at) (one learner cannot answer one question twice in the same
   * millisecond). Flagged and needs-review attempts are skipped (SETTLED).
   */
  firstAttempts(bankId: string, filter: Omit<ClassFilter, 'bankId'> = {}): FirstAttemptRow[] {
    const { where, params } = whereClause({ ...filter, bankId });
    const sql = hasPeriod(filter)
      ? `SELECT user_id, question_id, question_type, topic, score, max_score, min(created_at)
         FROM attempts WHERE ${where} AND ${SETTLED}
         GROUP BY question_id, user_id ORDER BY question_id, user_id`
      : `SELECT user_id, question_id, question_type, topic, score, max_score, min(created_at)
         FROM stats_first_attempts WHERE ${where}
         GROUP BY question_id, user_id ORDER BY question_id, user_id`;
    const rows = this.#cached(sql).raw().all(params) as Array<[string, string, QuestionType, string | null, number, number, number]>;
    return rows.map(([userId, questionId, questionType, topic, score, maxScore, createdAt]) => ({
      userId,
      questionId,
      questionType,
      topic,
      score,
      maxScore,
      createdAt: new Date(createdAt),
    }));
  }

  /**
   * Without a period, from migration 008's roll-ups, a question at a time: one row per question (its
   * learners' first attempts as JSON arrays) and one per question and answer (a tally), instead of
   * one per attempt, in primary-key order so SQLite sorts nothing; with a period, from `attempts`
   * through firstAttempts and responses. Both give the same input
   * (test/storage/item-rollups.test.ts checks it).
   */
  itemReportInput(bankId: string, filter: Omit<ClassFilter, 'bankId'> = {}): ItemReportInput {
    if (hasPeriod(filter)) return itemReportInputOf(this.firstAttempts(bankId, filter), this.responses(bankId, filter));
    const read = (): ItemReportInput => {
      const { where, params } = rollupWhere({ bankId, guildId: filter.guildId });
      const questions = this.#cached(
        `SELECT question_id, question_type, topic, json_group_array(user_id), json_group_array(score), json_group_array(max_score),
                json_group_array(created_at)
         FROM stats_first_attempts WHERE ${where} GROUP BY question_id ORDER BY question_id`,
      )
        .raw()
        .all(params) as Array<[string, QuestionType, string | null, string, string, string, string]>;
      const tallies = this.#cached(
        `SELECT question_id, question_type, normalized_answer, example_raw, min(first_attempt_id), sum(attempts),
                count(DISTINCT user_id), json_group_array(user_id) FILTER (WHERE question_type = 'blank'),
                sum(full_marks), sum(no_marks), sum(fraction_sum)
         FROM stats_responses WHERE ${where} GROUP BY question_id, normalized_answer ORDER BY question_id, normalized_answer`,
      )
        .raw()
        .all(params) as Array<[string, QuestionType, string, string, number, number, number, string, number, number, number]>;
      return {
        questions: questions.map(([questionId, questionType, topic, userIds, scores, maxScores, times]) => ({
          questionId,
          questionType,
          topic,
          ...earliestPerLearner(JSON.parse(userIds) as string[], JSON.parse(scores) as number[], JSON.parse(maxScores) as number[], JSON.parse(times) as number[]),
        })),
        responses: tallies.map(
          ([questionId, questionType, normalizedAnswer, exampleRaw, firstSeen, attempts, learners, userIds, fullMarks, noMarks, fractionSum]): ResponseTally => ({
            questionId,
            questionType,
            normalizedAnswer,
            exampleRaw,
            firstSeen,
            attempts,
            learners,
            ...(questionType === 'blank' ? { userIds: JSON.parse(userIds) as string[] } : {}),
            fullMarks,
            noMarks,
            fractionSum,
          }),
        ),
      };
    };
    // Both reads in one snapshot, so statistics and answers agree while answers arrive.
    return this.#db.inTransaction ? read() : this.#db.transaction(read).deferred();
  }

  responses(bankId: string, filter: Omit<ClassFilter, 'bankId'> & { questionId?: string } = {}): StoredResponse[] {
    const { where, params } = whereClause({ ...filter, bankId });
    const types = ANALYSED_TYPES.map((type) => `'${type}'`).join(', ');
    const byQuestion = filter.questionId !== undefined ? ' AND question_id = @questionId' : '';
    if (filter.questionId !== undefined) params.questionId = filter.questionId;
    const rows = this.#cached(
      `SELECT question_id, question_type, user_id, raw_answer, normalized_answer, score, max_score
       FROM attempts WHERE ${where}${byQuestion} AND question_type IN (${types}) AND ${SETTLED}
       ORDER BY question_id, id`,
    )
      .raw()
      .all(params) as Array<[string, QuestionType, string, string, string, number, number]>;
    return rows.map(([questionId, questionType, userId, rawAnswer, normalizedAnswer, score, maxScore]) => ({
      questionId,
      questionType,
      userId,
      rawAnswer,
      normalizedAnswer,
      score,
      maxScore,
    }));
  }

  #classReport(filter: ClassFilter): ClassReport {
    const now = filter.now ?? this.#clock();
    const timeZone = filter.timeZone ?? this.#timeZone;
    const { params } = whereClause(filter);
    const sql = summarySql(filter);
    const learnerRows = this.#cached(sql.learners).raw().all(params) as Array<[string, string, number, number, number, number, number]>;
    const totals = new Tally();
    const learners: LearnerRow[] = learnerRows
      .map(([userId, displayName, attempts, correct, points, available, last]) => {
        const tally = new Tally();
        tally.add(attempts, correct, points, available);
        totals.add(attempts, correct, points, available);
        return { userId, displayName, ...tally.toJSON(), lastActiveAt: new Date(last).toISOString() };
      })
      .sort((a, b) => b.attempts - a.attempts || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));

    const groupRows = this.#cached(sql.groups).raw().all(params) as Array<[string | null, QuestionType, number, number, number, number]>;
    const topics = new Map<string | null, Tally>();
    const types = new Map<QuestionType, Tally>();
    for (const [topic, type, attempts, correct, points, available] of groupRows) {
      tallyFor(topics, topic).add(attempts, correct, points, available);
      tallyFor(types, type).add(attempts, correct, points, available);
    }
    const byTopic = [...topics]
      .map(([topic, tally]) => ({ topic, ...tally.toJSON() }))
      .sort((a, b) => b.attempts - a.attempts || compareText(a.topic ?? '\uffff', b.topic ?? '\uffff'));
    const byType = [...types]
      .sort(([a], [b]) => QUESTION_TYPES.indexOf(a) - QUESTION_TYPES.indexOf(b))
      .map(([type, tally]) => ({ type, ...tally.toJSON() }));
    const weakestTopics = byTopic
      .filter((row): row is typeof row & { topic: string } => row.topic !== null && row.attempts >= WEAK_TOPIC_MIN_ATTEMPTS)
      .sort((a, b) => a.accuracy - b.accuracy || b.attempts - a.attempts || compareText(a.topic, b.topic))
      .slice(0, WEAKEST_TOPICS_LIMIT);

    return {
      bankId: filter.bankId ?? null,
      guildId: filter.guildId ?? null,
      since: filter.since?.toISOString() ?? null,
      until: filter.until?.toISOString() ?? null,
      generatedAt: now.toISOString(),
      timeZone,
      activeLearners: learners.length,
      totals: totals.toJSON(),
      byTopic,
      byType,
      weakestTopics,
      reviewsDue: this.#reviewsDue(filter, learners.map((row) => row.userId), now),
      daily: this.#daily(filter, now, timeZone),
      learners,
    };
  }

  /**
   * Due cards of the learners active within the filter. Cards belong to a learner and question, not
   * to a guild, so the guild narrows only who counts.
   */
  #reviewsDue(filter: ClassFilter, activeUsers: readonly string[], now: Date): number {
    // The learners are already known: handing their ids in saves another pass over the roll-up or attempts.
    const bank = filter.bankId !== undefined ? ' AND c.bank_id = @bankId' : '';
    const params = filter.bankId !== undefined ? { bankId: filter.bankId } : {};
    return this.#cached(`SELECT count(*) FROM review_cards AS c WHERE c.due <= @now${bank} AND c.user_id IN (SELECT value FROM json_each(@users))`)
      .pluck()
      .get({ ...params, now: now.getTime(), users: JSON.stringify(activeUsers) }) as number;
  }

  /**
   * Answers per local day over the last 30, from the 15-minute roll-up `stats_slots` (every zone's
   * offset is a whole number of slots): SQL sums per slot, then each slot is placed on its local day here.
   */
  #daily(filter: ClassFilter, now: Date, timeZone: string): ClassReport['daily'] {
    const today = localDayNumber(now.getTime(), timeZone);
    // A day and a half of margin either side covers every zone offset (−12 h … +14 h).
    const from = (today - DAILY_WINDOW_DAYS) * DAY_MS - DAY_MS / 2;
    const to = (today + 2) * DAY_MS;
    const { where, params } = rollupWhere(filter);
    const rows = this.#cached(
      `SELECT slot, sum(answered), sum(correct), group_concat(DISTINCT user_id)
       FROM stats_slots WHERE ${where} AND slot >= @fromSlot AND slot < @toSlot GROUP BY slot`,
    )
      .raw()
      .all({ ...params, fromSlot: Math.floor(from / SLOT_MS), toSlot: Math.ceil(to / SLOT_MS) }) as Array<[number, number, number, string]>;
    const perDay = new Map<number, { answered: number; correct: number; learners: Set<string> }>();
    for (const [slot, answered, correct, users] of rows) {
      const day = localDayNumber(slot * SLOT_MS, timeZone);
      let entry = perDay.get(day);
      if (!entry) {
        entry = { answered: 0, correct: 0, learners: new Set() };
        perDay.set(day, entry);
      }
      entry.answered += answered;
      entry.correct += correct;
      // User ids are Discord snowflakes or CLI names: no commas in either.
      for (const user of users.split(',')) entry.learners.add(user);
    }
    const daily: ClassReport['daily'] = [];
    for (let day = today - DAILY_WINDOW_DAYS + 1; day <= today; day += 1) {
      const entry = perDay.get(day);
      daily.push({ date: dayNumberToDate(day), answered: entry?.answered ?? 0, correct: entry?.correct ?? 0, learners: entry?.learners.size ?? 0 });
    }
    return daily;
  }

  #cached(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

/**
 * The report's sums as SQL. Without a period they come from the roll-up `stats_groups` (one row per
 * learner, bank, topic, type and guild, kept by the attempt triggers): a whole guild costs a few
 * thousand rows instead of every attempt, and last activity from `stats_slots` is exact to the
 * quarter hour (the start of the learner's last 15-minute slot). With a period they are summed from
 * `attempts` (exact times), which migration 004's indexes keep to the bank's or guild's rows.
 * Both shapes return the same columns; `params` are the same names as whereClause's.
 */
function summarySql(filter: ClassFilter): { learners: string; groups: string; exportGroups: string } {
  const named = (inner: string, columns: string) =>
    `SELECT a.user_id, coalesce(u.display_name, a.user_id), ${columns} FROM (${inner}) AS a LEFT JOIN users AS u ON u.id = a.user_id`;
  const learnerColumns = 'a.attempts, a.correct, a.points, a.available, a.last';
  const exportColumns = 'a.bank_id, a.topic, a.attempts, a.correct, a.points, a.available';
  const byLearnerBankTopic = ' ORDER BY a.user_id, a.bank_id, a.topic';
  if (filter.since === undefined && filter.until === undefined) {
    const { where } = rollupWhere(filter);
    const slotWhere = where.replaceAll('bank_id', 's.bank_id').replaceAll('guild_id', 's.guild_id');
    const sums = 'sum(attempts) AS attempts, sum(correct) AS correct, sum(points) AS points, sum(points_available) AS available';
    return {
      learners: named(
        `SELECT g.user_id, ${sums},
                (SELECT max(s.slot) FROM stats_slots AS s WHERE s.user_id = g.user_id AND ${slotWhere}) * ${SLOT_MS} AS last
         FROM stats_groups AS g WHERE ${where} GROUP BY g.user_id`,
        learnerColumns,
      ),
      groups: `SELECT nullif(topic, ''), question_type, ${sums} FROM stats_groups WHERE ${where} GROUP BY topic, question_type`,
      exportGroups:
        named(`SELECT user_id, bank_id, nullif(topic, '') AS topic, ${sums} FROM stats_groups WHERE ${where} GROUP BY user_id, bank_id, topic`, exportColumns) +
        byLearnerBankTopic,
    };
  }
  const { where } = whereClause(filter);
  const sums = `count(*) AS attempts, sum(${COUNTED_SCORE} >= max_score) AS correct, sum(${COUNTED_SCORE}) AS points, sum(max_score) AS available`;
  return {
    learners: named(`SELECT user_id, ${sums}, max(created_at) AS last FROM attempts WHERE ${where} GROUP BY user_id`, learnerColumns),
    groups: `SELECT topic, question_type, ${sums} FROM attempts WHERE ${where} GROUP BY topic, question_type`,
    exportGroups: named(`SELECT user_id, bank_id, topic, ${sums} FROM attempts WHERE ${where} GROUP BY user_id, bank_id, topic`, exportColumns) + byLearnerBankTopic,
  };
}

/** One question's rows of stats_first_attempts, a row per learner and guild, down to each learner's earliest. */
function earliestPerLearner(
  userIds: readonly string[],
  scores: readonly number[],
  maxScores: readonly number[],
  times: readonly number[],
): { userIds: string[]; scores: number[]; maxScores: number[] } {
  const out = { userIds: [] as string[], scores: [] as number[], maxScores: [] as number[] };
  const keptTimes: number[] = [];
  const kept = new Map<string, number>();
  for (let index = 0; index < userIds.length; index += 1) {
    const userId = userIds[index]!;
    const previous = kept.get(userId);
    if (previous === undefined) {
      kept.set(userId, out.userIds.length);
      out.userIds.push(userId);
      out.scores.push(scores[index]!);
      out.maxScores.push(maxScores[index]!);
      keptTimes.push(times[index]!);
    } else if (times[index]! < keptTimes[previous]!) {
      keptTimes[previous] = times[index]!;
      out.scores[previous] = scores[index]!;
      out.maxScores[previous] = maxScores[index]!;
    }
  }
  return out;
}

function hasPeriod(filter: Pick<ClassFilter, 'since' | 'until'>): boolean {
  return filter.since !== undefined || filter.until !== undefined;
}

/** The bank and guild filter over the roll-ups (which keep '' for "no guild"). */
function rollupWhere(filter: Pick<ClassFilter, 'bankId' | 'guildId'>): ReturnType<typeof whereClause> {
  return whereClause({ bankId: filter.bankId, guildId: filter.guildId });
}

/** The filter as SQL over `attempts`: only the clauses in use, so each shape is one cached statement. */
function whereClause(filter: Pick<ClassFilter, 'bankId' | 'guildId' | 'since' | 'until'>): { where: string; params: Record<string, string | number> } {
  const clauses: string[] = [];
  const params: Record<string, string | number> = {};
  if (filter.bankId !== undefined) {
    clauses.push('bank_id = @bankId');
    params.bankId = filter.bankId;
  }
  if (filter.guildId !== undefined) {
    clauses.push('guild_id = @guildId');
    params.guildId = filter.guildId;
  }
  if (filter.since !== undefined) {
    clauses.push('created_at >= @since');
    params.since = filter.since.getTime();
  }
  if (filter.until !== undefined) {
    clauses.push('created_at < @until');
    params.until = filter.until.getTime();
  }
  return { where: clauses.length === 0 ? '1' : clauses.join(' AND '), params };
}

class Tally {
  attempts = 0;
  correct = 0;
  points = 0;
  available = 0;
  add(attempts: number, correct: number, points: number, available: number): void {
    this.attempts += attempts;
    this.correct += correct;
    this.points += points;
    this.available += available;
  }
  toJSON(): GroupStats {
    return {
      attempts: this.attempts,
      correct: this.correct,
      accuracy: this.attempts === 0 ? 0 : this.correct / this.attempts,
      pointsEarned: Math.round(this.points * 100) / 100,
      pointsAvailable: Math.round(this.available * 100) / 100,
    };
  }
}

function tallyFor<K>(tallies: Map<K, Tally>, key: K): Tally {
  let tally = tallies.get(key);
  if (!tally) {
    tally = new Tally();
    tallies.set(key, tally);
  }
  return tally;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
