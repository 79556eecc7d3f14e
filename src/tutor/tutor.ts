import type { FreeTextQuestion } from '../bank/schema.ts';
import type { Config } from '../config.ts';
import { gradeAnswer } from '../grading/grade.ts';
import type { AttemptStatus } from '../progress/ports.ts';
import { checkBudget, type BudgetVerdict } from './budget.ts';
import { gradeByRubricCoverage } from './fallback-grader.ts';
import { t } from '../messages/catalog.ts';
import { FEEDBACK_LIMITS } from './limits.ts';
import { boundFollowUpMessage, buildFallbackFollowUp, buildFollowUpMessages, FOLLOW_UP_MESSAGE_TOKENS } from './follow-up.ts';
import {
  buildGradingMessages,
  checkVerdicts,
  clampFeedbackProse,
  exceedsEvidence,
  gradingJsonSchema,
  gradingPromptFor,
  looksLikeObeyedInjection,
  parseGradingReply,
} from './grading.ts';
import { detectInjection } from './injection.ts';
import { createLlmClient, LlmCallError, type ChatMessage, type Completion, type LlmClient } from './llm-client.ts';
import type { FindCachedFeedback, LlmCallOutcome, LlmCallRecord, LlmPurpose, UsageLedger } from './ports.ts';
import type { PromptSet } from './prompts.ts';
import { describeLanguage, estimateTokens, pickFeedbackLanguage, truncateText } from './text.ts';
import type { FollowUpReply, FollowUpRequest, FreeTextFeedback, GradeFreeTextRequest, TokenUsage, Tutor } from './types.ts';

export type TutorConfig = Pick<
  Config,
  | 'OPENAI_API_KEY'
  | 'OPENAI_BASE_URL'
  | 'LLM_MODEL'
  | 'LLM_TIMEOUT_MS'
  | 'LLM_MAX_CONCURRENCY'
  | 'LLM_JSON_MODE'
  | 'LLM_USER_CALLS_PER_HOUR'
  | 'LLM_GUILD_DAILY_TOKENS'
  | 'FOLLOW_UP_HISTORY_TOKENS'
  | 'llmEnabled'
>;

/** pino's shape, so the bot's logger can be passed as is. */
export interface TutorLogger {
  warn(details: Record<string, unknown>, message: string): void;
  info?(details: Record<string, unknown>, message: string): void;
}

export interface TutorDeps {
  config: TutorConfig;
  prompts: PromptSet;
  usage: UsageLedger;
  /** `ProgressStore.findCachedFeedback`, bound to the store. */
  findCachedFeedback?: FindCachedFeedback;
  clock?: () => Date;
  logger?: TutorLogger;
  /** Replaces the openai-backed client (e.g. a client shared with another tutor). */
  llm?: LlmClient;
  /** SDK retries on 429/5xx; default 2. */
  maxRetries?: number;
  /** False skips the per-user and per-guild budgets (the evaluation and `regrade` run as the operator). */
  enforceBudgets?: boolean;
}

/** Why a grading fell back or was flagged; the value of `FreeTextFeedback.note`. */
export type TutorNote =
  | 'no-llm-configured'
  | 'user-budget'
  | 'guild-budget'
  | 'timeout'
  | 'rate-limited'
  | 'server-error'
  | 'error'
  | 'invalid-output'
  | 'refusal'
  | 'truncated'
  | 'injection'
  | 'needs-review'
  | 'cached';

/**
 * How the quiz flow stores an attempt graded by the tutor: `flagged` for a tripped tripwire,
 * `needs-review` when the model awarded much more than the evidence supports,
 * `pending` for a provisional fallback score that `tutor regrade --pending` should redo once the LLM
 * is back, `graded` otherwise.
 */
export function attemptStatusForFeedback(feedback: FreeTextFeedback): AttemptStatus {
  if (feedback.status === 'flagged') return 'flagged';
  if (feedback.status === 'needs-review') return 'needs-review';
  return feedback.gradedBy === 'fallback' ? 'pending' : 'graded';
}

/** The LLM call an attempt's feedback came from, as the attempt stores it (all null without feedback). */
export function llmCallOfFeedback(feedback: FreeTextFeedback | null) {
  return {
    promptVersion: feedback?.promptVersion ?? null,
    model: feedback?.model ?? null,
    inputTokens: feedback?.usage?.inputTokens ?? null,
    outputTokens: feedback?.usage?.outputTokens ?? null,
    latencyMs: feedback?.latencyMs ?? null,
  };
}

/**
 * The key stored feedback is found by: the grader's `normalizedAnswer` for the answer, the same value
 * the quiz flow stores with each attempt, so a caller that does not pass it still hits the cache.
 */
function cacheKeyFor(question: FreeTextQuestion, answer: string): string {
  const grade = gradeAnswer(question, answer);
  return grade.status === 'needs-feedback' ? grade.normalizedAnswer : answer.trim();
}

const GRADING_MAX_OUTPUT_TOKENS = 1_200;
const FOLLOW_UP_MAX_OUTPUT_TOKENS = 600;

function addUsage(total: TokenUsage, more: TokenUsage): TokenUsage {
  return { inputTokens: total.inputTokens + more.inputTokens, outputTokens: total.outputTokens + more.outputTokens };
}

function budgetMessage(verdict: Exclude<BudgetVerdict, { allowed: true }>, language: 'zh' | 'en'): string {
  return verdict.reason === 'user-budget'
    ? t(language, 'tutor.userBudget', { minutes: Math.max(1, Math.ceil(verdict.retryAfterMs / 60_000)) })
    : t(language, 'tutor.guildBudget', { hours: Math.max(1, Math.ceil(verdict.retryAfterMs / 3_600_000)) });
}

/** The budget refused to reserve a call: the caller falls back with the verdict's message. */
class BudgetRefusal extends Error {
  constructor(readonly verdict: Exclude<BudgetVerdict, { allowed: true }>) {
    super(`LLM budget exhausted (${verdict.reason})`);
    this.name = 'BudgetRefusal';
  }
}

export function createTutor(deps: TutorDeps): Tutor {
  const { config, prompts, usage } = deps;
  const clock = deps.clock ?? (() => new Date());
  const enforceBudgets = deps.enforceBudgets ?? true;
  const llm: LlmClient | null =
    deps.llm ??
    (config.llmEnabled
      ? createLlmClient(config, {
          maxRetries: deps.maxRetries,
          onJsonModeDowngrade: (reason) =>
            deps.logger?.warn({ reason }, 'the LLM server rejected json_schema output; using json_object (set LLM_JSON_MODE=json_object to skip the first try)'),
        })
      : null);

  interface CallContext {
    userId: string;
    guildId?: string;
    bankId: string;
    questionId: string;
    promptVersion: string;
  }

  const budgetLimits = { userCallsPerHour: config.LLM_USER_CALLS_PER_HOUR, guildDailyTokens: config.LLM_GUILD_DAILY_TOKENS };

  /**
   * One call, recorded in the ledger whatever happens; estimates tokens when the server reports none.
   * Under budgets the call is first reserved with its estimated tokens in the same step that checks
   * the budget, and settled with the real usage after (zero tokens when it failed); a refused
   * reservation throws `BudgetRefusal` without contacting the model.
   */
  async function callLlm(
    client: LlmClient,
    context: CallContext,
    purpose: LlmPurpose,
    messages: ChatMessage[],
    options: { json: boolean; maxOutputTokens: number },
  ): Promise<Completion> {
    const callRecord = (outcome: LlmCallRecord['outcome'], tokens: TokenUsage, latencyMs: number): LlmCallRecord => ({
      userId: context.userId,
      guildId: context.guildId ?? null,
      bankId: context.bankId,
      questionId: context.questionId,
      purpose,
      model: client.model,
      promptVersion: context.promptVersion,
      inputTokens: tokens.inputTokens,
      outputTokens: tokens.outputTokens,
      latencyMs,
      outcome,
      createdAt: clock(),
    });
    const estimatedInput = messages.reduce((sum, message) => sum + estimateTokens(message.content) + 4, 0);
    let reservation: number | null = null;
    if (enforceBudgets) {
      let verdict = { allowed: true } as BudgetVerdict;
      reservation = usage.reserveCall(
        callRecord('reserved', { inputTokens: estimatedInput, outputTokens: options.maxOutputTokens }, 0),
        () => {
          verdict = checkBudget(usage, budgetLimits, { userId: context.userId, guildId: context.guildId }, clock());
          return verdict.allowed;
        },
      );
      if (reservation === null) throw new BudgetRefusal(verdict as Exclude<BudgetVerdict, { allowed: true }>);
    }
    const record = (outcome: LlmCallOutcome, tokens: TokenUsage, latencyMs: number) => {
      if (reservation === null) usage.recordCall(callRecord(outcome, tokens, latencyMs));
      else usage.settleCall(reservation, callRecord(outcome, tokens, latencyMs));
    };
    try {
      const completion = await client.complete({
        messages,
        maxOutputTokens: options.maxOutputTokens,
        ...(options.json ? { json: { name: 'grading', schema: gradingJsonSchema() } } : {}),
      });
      if (!completion.usageReported) {
        completion.usage = { inputTokens: estimatedInput, outputTokens: estimateTokens(completion.content) };
      }
      const outcome: LlmCallOutcome = completion.refusal || completion.finishReason === 'content_filter'
        ? 'refusal'
        : completion.finishReason === 'length'
          ? 'truncated'
          : 'ok';
      record(outcome, completion.usage, completion.latencyMs);
      return completion;
    } catch (error) {
      const failure = error instanceof LlmCallError ? error : new LlmCallError('error', String(error), 0);
      record(failure.kind, { inputTokens: 0, outputTokens: 0 }, failure.latencyMs);
      throw failure;
    }
  }

  async function gradeFreeText(request: GradeFreeTextRequest): Promise<FreeTextFeedback> {
    const { question, answer } = request;
    const language = pickFeedbackLanguage(request.locale, request.bank.language);
    const template = gradingPromptFor(prompts, question);
    const fallback = (note: TutorNote, extra: Partial<FreeTextFeedback> = {}, preface?: string): FreeTextFeedback => {
      const feedback = gradeByRubricCoverage(question, answer, { language, note });
      return {
        ...feedback,
        ...extra,
        explanation: preface ? truncateText(`${preface}\n\n${feedback.explanation}`, 2_400) : feedback.explanation,
      };
    };

    if (detectInjection(answer)) {
      return fallback('injection', { status: 'flagged' }, t(language, 'tutor.injectionNote'));
    }

    if (deps.findCachedFeedback) {
      const normalized = request.normalizedAnswer ?? cacheKeyFor(question, answer);
      const cached = deps.findCachedFeedback(request.bank.id, question.id, normalized);
      if (cached && cached.gradedBy === 'llm' && cached.status === 'graded' && cached.maxScore === question.points) {
        return { ...cached, note: 'cached', usage: { inputTokens: 0, outputTokens: 0 }, latencyMs: 0 };
      }
    }

    if (!llm) return fallback('no-llm-configured');

    const context: CallContext = {
      userId: request.userId,
      guildId: request.guildId,
      bankId: request.bank.id,
      questionId: question.id,
      promptVersion: template.version,
    };
    const messages = buildGradingMessages(template, question, answer, describeLanguage(request.locale, request.bank.language));
    let total: TokenUsage = { inputTokens: 0, outputTokens: 0 };
    let latencyMs = 0;
    const llmDetails = () => ({ promptVersion: template.version, model: llm.model, usage: total, latencyMs });

    try {
      let completion = await callLlm(llm, context, 'grade', messages, { json: true, maxOutputTokens: GRADING_MAX_OUTPUT_TOKENS });
      total = addUsage(total, completion.usage);
      latencyMs += completion.latencyMs;
      if (completion.refusal || completion.finishReason === 'content_filter') return fallback('refusal', llmDetails());
      if (completion.finishReason === 'length') return fallback('truncated', llmDetails());
      let parsed = parseGradingReply(completion.content);
      if (!parsed.ok) {
        deps.logger?.warn({ questionId: question.id, error: parsed.error }, 'LLM grading reply was invalid; asking once for a repair');
        const repair: ChatMessage[] = [
          ...messages,
          { role: 'assistant', content: truncateText(completion.content, 4_000) },
          {
            role: 'user',
            content: `That reply was not valid: ${parsed.error}. Reply again with only the JSON object in the required format, one entry per rubric point.`,
          },
        ];
        completion = await callLlm(llm, context, 'repair', repair, { json: true, maxOutputTokens: GRADING_MAX_OUTPUT_TOKENS });
        total = addUsage(total, completion.usage);
        latencyMs += completion.latencyMs;
        if (completion.refusal || completion.finishReason === 'content_filter') return fallback('refusal', llmDetails());
        parsed = parseGradingReply(completion.content);
        if (!parsed.ok) return fallback('invalid-output', llmDetails());
      }
      const reply = parsed.reply;
      const checked = checkVerdicts(question, answer, reply);
      if (reply.injection_suspected || looksLikeObeyedInjection(question, checked)) {
        deps.logger?.warn({ questionId: question.id, userId: request.userId }, 'grading tripwire: answer flagged for review');
        return fallback('injection', { status: 'flagged', ...llmDetails() }, t(language, 'tutor.injectionNote'));
      }
      const evidence = gradeByRubricCoverage(question, answer, { language, note: 'needs-review' });
      if (exceedsEvidence(checked.score, evidence.score, question.points)) {
        deps.logger?.warn(
          { questionId: question.id, userId: request.userId, llmScore: checked.score, evidenceScore: evidence.score },
          'the LLM awarded much more than the evidence supports: the attempt waits for review',
        );
        return {
          ...evidence,
          status: 'needs-review',
          claimedScore: checked.score,
          explanation: truncateText(`${t(language, 'tutor.needsReviewNote')}\n\n${evidence.explanation}`, 2_400),
          ...llmDetails(),
        };
      }
      const prose = clampFeedbackProse(reply);
      return {
        gradedBy: 'llm',
        status: 'graded',
        provisional: false,
        score: checked.score,
        maxScore: question.points,
        rubric: checked.rubric,
        strengths: prose.strengths,
        improvements: prose.improvements,
        explanation: prose.explanation,
        ...llmDetails(),
      };
    } catch (error) {
      if (error instanceof BudgetRefusal) {
        const details = total.inputTokens + total.outputTokens > 0 ? llmDetails() : {};
        // A refused repair leaves an unusable first reply: that is invalid output, not a budget stop.
        if (total.inputTokens + total.outputTokens > 0) return fallback('invalid-output', details);
        return fallback(error.verdict.reason, {}, budgetMessage(error.verdict, language));
      }
      const kind = error instanceof LlmCallError ? error.kind : 'error';
      deps.logger?.warn({ questionId: question.id, kind, error: String(error) }, 'LLM grading failed; using the fallback grader');
      return fallback(kind, total.inputTokens + total.outputTokens > 0 ? llmDetails() : {});
    }
  }

  async function followUp(request: FollowUpRequest): Promise<FollowUpReply> {
    const language = pickFeedbackLanguage(request.locale, request.bank.language);
    const template = prompts['follow-up'];
    const fallback = (note: TutorNote, text?: string): FollowUpReply => ({
      text: text ?? buildFallbackFollowUp(request, language, note === 'no-llm-configured' ? note : 'unavailable'),
      gradedBy: 'fallback',
      note,
    });
    if (!llm) return fallback('no-llm-configured');

    const messages = buildFollowUpMessages(
      template,
      request,
      describeLanguage(request.locale, request.bank.language),
      config.FOLLOW_UP_HISTORY_TOKENS,
    );
    const context: CallContext = {
      userId: request.userId,
      guildId: request.guildId,
      bankId: request.bank.id,
      questionId: request.question.id,
      promptVersion: template.version,
    };
    try {
      const completion = await callLlm(llm, context, 'follow-up', messages, { json: false, maxOutputTokens: FOLLOW_UP_MAX_OUTPUT_TOKENS });
      const details = { promptVersion: template.version, model: llm.model, usage: completion.usage, latencyMs: completion.latencyMs };
      if (completion.refusal || completion.finishReason === 'content_filter') return { ...fallback('refusal'), ...details };
      const text = completion.content.trim();
      if (!text) return { ...fallback('invalid-output'), ...details };
      const notice = boundFollowUpMessage(request.message).truncated ? `${t(language, 'tutor.questionTruncated', { tokens: FOLLOW_UP_MESSAGE_TOKENS })}\n\n` : '';
      return { text: truncateText(`${notice}${text}`, FEEDBACK_LIMITS.followUpChars), gradedBy: 'llm', ...details };
    } catch (error) {
      if (error instanceof BudgetRefusal) return fallback(error.verdict.reason, budgetMessage(error.verdict, language));
      const kind = error instanceof LlmCallError ? error.kind : 'error';
      deps.logger?.warn({ questionId: request.question.id, kind, error: String(error) }, 'LLM follow-up failed; replying from the bank');
      return fallback(kind);
    }
  }

  return { gradeFreeText, followUp };
}
