import type { Statement } from 'better-sqlite3';
import { QUESTION_TYPES, type QuestionType } from '../bank/schema.ts';
import { dayNumberToDate, localDayNumber } from '../progress/calendar.ts';
import type { ClassFilter, ClassReport, ClassReportSource, FirstAttemptRow, LearnerRow } from '../progress/class-report.ts';
import type { ExportRow } from '../progress/csv-export.ts';
import { ANALYSED_TYPES, type StoredResponse } from '../progress/response-analysis.ts';
import { DAILY_WINDOW_DAYS, WEAK_TOPIC_MIN_ATTEMPTS, WEAKEST_TOPICS_LIMIT, type GroupStats } from '../progress/types.ts';
import type { Db } from './database.ts';

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
    const { where, params } = whereClause(filter);
    const rows = this.#cached(
      `SELECT a.user_id, coalesce(u.display_name, a.user_id), a.bank_id, a.topic, a.attempts, a.correct, a.points, a.available
       FROM (SELECT user_id, bank_id, topic, count(*) AS attempts, sum(score >= max_score) AS correct, sum(score) AS points,
                    sum(max_score) AS available
             FROM attempts WHERE ${where} GROUP BY user_id, bank_id, topic) AS a
       LEFT JOIN users AS u ON u.id = a.user_id
       ORDER BY a.user_id, a.bank_id, a.topic`,
    )
      .raw()
      .all(params) as Array<[string, string, string, string | null, number, number, number, number]>;
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
   * The first attempt of each learner at each question of the bank within the filter, by time:
   * SQLite takes the bare columns from the row holding min(created_at) (one learner cannot answer one
   * question twice in the same millisecond). Flagged attempts (the injection
   * tripwire) are skipped: their score says nothing about the question.
   */
  firstAttempts(bankId: string, filter: Omit<ClassFilter, 'bankId'> = {}): FirstAttemptRow[] {
    const { where, params } = whereClause({ ...filter, bankId });
    const rows = this.#cached(
      `SELECT user_id, question_id, question_type, topic, score, max_score, min(created_at)
       FROM attempts WHERE ${where} AND status <> 'flagged'
       GROUP BY question_id, user_id ORDER BY question_id, user_id`,
    )
      .raw()
      .all(params) as Array<[string, string, QuestionType, string | null, number, number, number]>;
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

  responses(bankId: string, filter: Omit<ClassFilter, 'bankId'> & { questionId?: string } = {}): StoredResponse[] {
    const { where, params } = whereClause({ ...filter, bankId });
    const types = ANALYSED_TYPES.map((type) => `'${type}'`).join(', ');
    const byQuestion = filter.questionId !== undefined ? ' AND question_id = @questionId' : '';
    if (filter.questionId !== undefined) params.questionId = filter.questionId;
    const rows = this.#cached(
      `SELECT question_id, question_type, user_id, raw_answer, normalized_answer, score, max_score
       FROM attempts WHERE ${where}${byQuestion} AND question_type IN (${types}) AND status <> 'flagged'
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
    const { where, params } = whereClause(filter);

    const learnerRows = this.#cached(
      `SELECT a.user_id, coalesce(u.display_name, a.user_id), a.attempts, a.correct, a.points, a.available, a.last
       FROM (SELECT user_id, count(*) AS attempts, sum(score >= max_score) AS correct, sum(score) AS points,
                    sum(max_score) AS available, max(created_at) AS last
             FROM attempts WHERE ${where} GROUP BY user_id) AS a
       LEFT JOIN users AS u ON u.id = a.user_id`,
    )
      .raw()
      .all(params) as Array<[string, string, number, number, number, number, number]>;
    const totals = new Tally();
    const learners: LearnerRow[] = learnerRows
      .map(([userId, displayName, attempts, correct, points, available, last]) => {
        const tally = new Tally();
        tally.add(attempts, correct, points, available);
        totals.add(attempts, correct, points, available);
        return { userId, displayName, ...tally.toJSON(), lastActiveAt: new Date(last).toISOString() };
      })
      .sort((a, b) => b.attempts - a.attempts || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));

    const groupRows = this.#cached(
      `SELECT topic, question_type, count(*), sum(score >= max_score), sum(score), sum(max_score)
       FROM attempts WHERE ${where} GROUP BY topic, question_type`,
    )
      .raw()
      .all(params) as Array<[string | null, QuestionType, number, number, number, number]>;
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
      reviewsDue: this.#reviewsDue(filter, now),
      daily: this.#daily(filter, now, timeZone),
      learners,
    };
  }

  /**
   * Due cards of the learners active within the filter. Cards belong to a learner and question, not
   * to a guild, so the guild narrows only who counts.
   */
  #reviewsDue(filter: ClassFilter, now: Date): number {
    const { where, params } = whereClause(filter);
    const bank = filter.bankId !== undefined ? ' AND c.bank_id = @bankId' : '';
    return this.#cached(
      `SELECT count(*) FROM review_cards AS c
       WHERE c.due <= @now${bank} AND c.user_id IN (SELECT DISTINCT user_id FROM attempts WHERE ${where})`,
    )
      .pluck()
      .get({ ...params, now: now.getTime() }) as number;
  }

  /**
   * Answers per local day over the last 30: SQL counts per 15-minute slot (every zone's offset is a
   * whole number of slots), then each slot is placed on its local day here.
   */
  #daily(filter: ClassFilter, now: Date, timeZone: string): ClassReport['daily'] {
    const today = localDayNumber(now.getTime(), timeZone);
    // A day and a half of margin either side covers every zone offset (−12 h … +14 h).
    const from = (today - DAILY_WINDOW_DAYS) * DAY_MS - DAY_MS / 2;
    const to = (today + 2) * DAY_MS;
    const { where, params } = whereClause({ bankId: filter.bankId, guildId: filter.guildId, since: new Date(from), until: new Date(to) });
    const rows = this.#cached(
      `SELECT created_at / ${SLOT_MS} AS slot, count(*), sum(score >= max_score), group_concat(DISTINCT user_id)
       FROM attempts WHERE ${where} GROUP BY slot`,
    )
      .raw()
      .all(params) as Array<[number, number, number, string]>;
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
