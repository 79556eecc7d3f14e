import type { QuestionType } from '../bank/schema.ts';
import type { ExportRow } from './csv-export.ts';
import type { FirstAttempt, QuestionFirstAttempts } from './item-statistics.ts';
import type { ResponseTally, StoredResponse } from './response-analysis.ts';
import type { DailyCount, GroupStats } from './types.ts';

/**
 * What a teacher sees of a class: the figures behind `/class report` and `tutor report class`.
 * Definitions match UserStats (src/progress/types.ts) so a learner's own `/stats` and the class view
 * agree: an attempt is correct when it scored full marks, accuracy = correct / attempts, points are
 * reported apart, and attempts of every status count (graded, pending with its provisional score,
 * flagged). Members who used /forget-me have no rows left to count.
 */

export interface ClassFilter {
  bankId?: string;
  guildId?: string;
  /** Attempts at or after this instant. */
  since?: Date;
  /** Attempts before this instant. */
  until?: Date;
  /** "Today" for the activity chart and due reviews; default the store's clock. */
  now?: Date;
  /** IANA zone for the activity chart's days; default UTC. */
  timeZone?: string;
}

export interface LearnerRow extends GroupStats {
  userId: string;
  displayName: string;
  /**
   * The learner's latest attempt within the filter (ISO 8601): exact with a period; without one, read
   * from the 15-minute roll-up, so the start of the quarter hour it fell in.
   */
  lastActiveAt: string;
}

export interface ClassReport {
  bankId: string | null;
  guildId: string | null;
  since: string | null;
  until: string | null;
  generatedAt: string;
  timeZone: string;
  /** Learners with at least one attempt within the filter. */
  activeLearners: number;
  totals: GroupStats;
  byTopic: Array<{ topic: string | null } & GroupStats>;
  byType: Array<{ type: QuestionType } & GroupStats>;
  /** Topics with at least WEAK_TOPIC_MIN_ATTEMPTS attempts, lowest accuracy first (at most 5). */
  weakestTopics: Array<{ topic: string } & GroupStats>;
  /** Review cards due now for the active learners (in the filter's bank when there is one). */
  reviewsDue: number;
  /**
   * The 30 days ending today, oldest first, every day present; within the bank and guild filter but
   * not the period (the chart always shows the last month).
   */
  daily: Array<DailyCount & { learners: number }>;
  /** For teachers only: most attempts first. */
  learners: LearnerRow[];
}

/** The storage side of the teacher's views; src/storage implements it on SQLite. */
export interface ClassReportSource {
  classReport(filter: ClassFilter): ClassReport;
  /** One row per learner and bank within the filter, for the CSV export; learner id then bank order. */
  exportRows(filter: ClassFilter): ExportRow[];
  /** Each learner's first attempt per question of a bank (flagged attempts skipped), for item statistics. */
  firstAttempts(bankId: string, filter?: Omit<ClassFilter, 'bankId'>): FirstAttemptRow[];
  /** Every attempt at the bank's objective questions (or one question), for response analysis. */
  responses(bankId: string, filter?: Omit<ClassFilter, 'bankId'> & { questionId?: string }): StoredResponse[];
  /**
   * What the item report needs of a bank, summed as far as the formulas allow: per question, each
   * learner's first attempt (as columns); per question and answer, a tally.
   */
  itemReportInput(bankId: string, filter?: Omit<ClassFilter, 'bankId'>): ItemReportInput;
}

export interface ItemQuestion extends QuestionFirstAttempts {
  questionType: QuestionType;
  topic: string | null;
}

export interface ItemReportInput {
  /** In question order; the input of item statistics. */
  questions: ItemQuestion[];
  /** Of the analysed (objective) questions; the input of the response analysis. */
  responses: ResponseTally[];
}

export interface FirstAttemptRow extends FirstAttempt {
  questionType: QuestionType;
  topic: string | null;
  createdAt: Date;
}
