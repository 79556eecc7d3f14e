import type { QuestionType } from '../bank/schema.ts';
import type { FirstAttemptRow, ItemReportInput } from './class-report.ts';
import { firstAttemptsByQuestion, itemStatisticsOf, marksOf, type ItemStatistics, type ItemStatisticsOptions } from './item-statistics.ts';
import { analyseResponseTallies, tallyResponses, type ResponseRow, type StoredResponse } from './response-analysis.ts';

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
export function buildItemReport(input: ItemReportInput, options: ItemStatisticsOptions = {}): ItemReportRow[] {
  const analysed = new Map(analyseResponseTallies(input.responses).map((question) => [question.questionId, question.responses]));
  const marks = marksOf(input.questions);
  const rows = input.questions.map((question, index): ItemReportRow => ({
    ...itemStatisticsOf(marks[index]!, options),
    questionType: question.questionType,
    topic: question.topic,
    responses: analysed.get(question.questionId) ?? null,
  }));
  return [...rows.filter((row) => row.flags.length > 0), ...rows.filter((row) => row.flags.length === 0)];
}

/** The item report's input from attempt rows (each learner's first attempt, every settled answer). */
export function itemReportInputOf(firstAttempts: readonly FirstAttemptRow[], responses: readonly StoredResponse[]): ItemReportInput {
  const info = new Map<string, FirstAttemptRow>();
  for (const attempt of firstAttempts) if (!info.has(attempt.questionId)) info.set(attempt.questionId, attempt);
  return {
    questions: firstAttemptsByQuestion(firstAttempts).map((columns) => {
      const { questionType, topic } = info.get(columns.questionId)!;
      return { ...columns, questionType, topic };
    }),
    responses: tallyResponses(responses),
  };
}
