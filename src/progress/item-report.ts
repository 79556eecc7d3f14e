import type { QuestionType } from '../bank/schema.ts';
import type { FirstAttemptRow } from './class-report.ts';
import { computeItemStatistics, type ItemStatistics, type ItemStatisticsOptions } from './item-statistics.ts';
import { analyseResponses, type ResponseRow, type StoredResponse } from './response-analysis.ts';

/** One question of `tutor report items` / `/class items`: its statistics and, for objective types, its answers. */
export interface ItemReportRow extends ItemStatistics {
  questionType: QuestionType;
  topic: string | null;
  /** Null for short and essay questions, which have no response analysis. */
  responses: ResponseRow[] | null;
}

/**
 * Joins item statistics (from first attempts) with the response analysis (from every settled answer)
 * per question. Questions flagged "check the key" come first, then the rest, each in question order,
 * so a teacher reads the suspicious ones without scrolling.
 */
export function buildItemReport(
  firstAttempts: readonly FirstAttemptRow[],
  responses: readonly StoredResponse[],
  options: ItemStatisticsOptions = {},
): ItemReportRow[] {
  const info = new Map<string, { questionType: QuestionType; topic: string | null }>();
  for (const attempt of firstAttempts) if (!info.has(attempt.questionId)) info.set(attempt.questionId, attempt);
  const analysed = new Map(analyseResponses(responses).map((question) => [question.questionId, question.responses]));
  const rows = computeItemStatistics(firstAttempts, options).map((stats): ItemReportRow => {
    const question = info.get(stats.questionId)!;
    return { ...stats, questionType: question.questionType, topic: question.topic, responses: analysed.get(stats.questionId) ?? null };
  });
  return [...rows.filter((row) => row.flags.length > 0), ...rows.filter((row) => row.flags.length === 0)];
}
