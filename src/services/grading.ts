import type { BankCatalog } from '../bank/catalog.ts';
import { isFreeText, type Bank, type Question } from '../bank/schema.ts';
import { gradeAnswer } from '../grading/grade.ts';
import type { GradeResult, RawAnswer } from '../grading/types.ts';
import type { ProgressStore } from '../progress/ports.ts';
import { attemptStatusForFeedback, llmCallOfFeedback } from '../tutor/tutor.ts';
import type { FreeTextFeedback, Tutor } from '../tutor/types.ts';

/**
 * The operator's grading: `tutor grade` (one answer, graded as the bot would, nothing stored but the
 * LLM call in usage) and `tutor regrade --pending`. Both use the app's tutor, so every LLM call they
 * make is recorded in usage like a learner's.
 */
export interface GradingService {
  gradeOne(input: GradeOneInput): Promise<GradeOneResult>;
  regradePending(limit: number): Promise<RegradeSummary>;
}

export interface GradeOneInput {
  bank: Bank;
  question: Question;
  /** One per blank, or a single string split like a typed answer. */
  answers: readonly string[];
  locale?: string;
  /** Who the usage ledger records the call for. */
  userId: string;
}

export interface GradeOneResult {
  result: GradeResult;
  /** The tutor's feedback for short and essay answers (LLM or labelled fallback); null for objective ones. */
  feedback: FreeTextFeedback | null;
}

export interface RegradeSummary {
  considered: number;
  regraded: number;
  flagged: number;
  /** Still provisional: the LLM failed again (see `notes`). */
  stillPending: number;
  /** The bank or question is gone, or the question is no longer short/essay. */
  skipped: number;
  notes: Record<string, number>;
}

export interface GradingServiceDeps {
  catalog: BankCatalog;
  store: Pick<ProgressStore, 'listPendingAttempts' | 'updateAttemptGrading'>;
  tutor: Tutor;
  maxAnswerLength: number;
}

export function createGradingService(deps: GradingServiceDeps): GradingService {
  return {
    async gradeOne(input) {
      const raw: RawAnswer = input.answers.length === 1 ? (input.answers[0] ?? '') : [...input.answers];
      const result = gradeAnswer(input.question, raw, { maxLength: deps.maxAnswerLength });
      if (result.status !== 'needs-feedback' || !isFreeText(input.question)) return { result, feedback: null };
      const feedback = await deps.tutor.gradeFreeText({
        bank: input.bank,
        question: input.question,
        answer: input.answers.join('\n'),
        normalizedAnswer: result.normalizedAnswer,
        userId: input.userId,
        ...(input.locale ? { locale: input.locale } : {}),
      });
      return { result, feedback };
    },

    /**
     * Re-grades attempts stored `pending` (a provisional fallback score) with the LLM. An attempt whose
     * regrade falls back again stays pending, untouched; one that trips the tripwire becomes flagged.
     */
    async regradePending(limit) {
      const summary: RegradeSummary = { considered: 0, regraded: 0, flagged: 0, stillPending: 0, skipped: 0, notes: {} };
      for (const attempt of deps.store.listPendingAttempts(limit)) {
        summary.considered += 1;
        const bank = deps.catalog.get(attempt.bankId);
        const question = deps.catalog.question(attempt.bankId, attempt.questionId);
        if (!bank || !question || !isFreeText(question)) {
          summary.skipped += 1;
          continue;
        }
        const feedback = await deps.tutor.gradeFreeText({
          bank,
          question,
          answer: attempt.rawAnswer,
          userId: attempt.userId,
          ...(attempt.guildId ? { guildId: attempt.guildId } : {}),
          normalizedAnswer: attempt.normalizedAnswer,
        });
        if (feedback.note) summary.notes[feedback.note] = (summary.notes[feedback.note] ?? 0) + 1;
        const status = attemptStatusForFeedback(feedback);
        if (status === 'pending') {
          summary.stillPending += 1;
          continue;
        }
        deps.store.updateAttemptGrading(attempt.id, {
          score: feedback.score,
          gradedBy: feedback.gradedBy,
          status,
          feedback,
          ...llmCallOfFeedback(feedback),
        });
        if (status === 'flagged') summary.flagged += 1;
        else summary.regraded += 1;
      }
      return summary;
    },
  };
}
