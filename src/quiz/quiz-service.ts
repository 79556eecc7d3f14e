import { randomBytes } from 'node:crypto';
import type { BankCatalog } from '../bank/catalog.ts';
import { isFreeText, type Bank, type Question } from '../bank/schema.ts';
import { sampleInOrder } from '../bank/papers.ts';
import { UserError } from '../errors.ts';
import { gradeAnswer } from '../grading/grade.ts';
import type { AttemptRecord, ProgressStore } from '../progress/ports.ts';
import { attemptStatusForFeedback, llmCallOfFeedback } from '../tutor/tutor.ts';
import { askTutorAndRecord } from './tutor-turn.ts';
import type { ChatTurn, FollowUpReply, FreeTextFeedback, GradedBy, Tutor } from '../tutor/types.ts';
import type {
  AnswerOutcome,
  AskInput,
  CurrentQuestion,
  QuestionPointer,
  QuestionRef,
  QuizErrorCode,
  QuizService,
  QuizSession,
  QuizSummary,
  SessionView,
  StartQuizInput,
  StoredAttemptSummary,
  SubmitAnswerInput,
  TypeTotals,
} from './types.ts';

export interface QuizServiceDeps {
  catalog: BankCatalog;
  store: ProgressStore;
  tutor: Tutor;
  defaultCount: number;
  maxAnswerLength: number;
  /** How many earlier follow-up messages on the same question are offered to the tutor (it trims by tokens). */
  followUpHistoryMessages?: number;
  clock?: () => Date;
  /** Returns a number in [0, 1); injectable so tests can pin the question sample. */
  random?: () => number;
  newSessionId?: () => string;
}

/** The largest quiz we serve in one go: a Discord thread of 50 questions is already a long evening. */
export const MAX_QUIZ_COUNT = 50;

function fail(code: QuizErrorCode, details: Record<string, string | number> = {}): never {
  throw new UserError(code, details);
}

function newSessionId(): string {
  // 9 random bytes → 12 url-safe characters: short enough for custom ids, long enough not to collide.
  return randomBytes(9).toString('base64url');
}

function rawAnswerText(answer: SubmitAnswerInput['answer']): string {
  return typeof answer === 'string' ? answer : answer.join('\n');
}

function toAttemptSummary(record: AttemptRecord): StoredAttemptSummary {
  return {
    attemptId: record.id,
    answer: record.rawAnswer,
    score: record.score,
    maxScore: record.maxScore,
    gradedBy: record.gradedBy,
    status: record.status,
    grade: record.grade,
    feedback: record.feedback,
  };
}

export function createQuizService(deps: QuizServiceDeps): QuizService {
  const clock = deps.clock ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const makeId = deps.newSessionId ?? newSessionId;
  const historyMessages = deps.followUpHistoryMessages ?? 12;
  // Guards a double click while the LLM grades: the second submit must not store a second attempt.
  const answersInFlight = new Set<string>();

  function loadSession(sessionId: string): QuizSession {
    return deps.store.getSession(sessionId) ?? fail('session-not-found', { sessionId });
  }

  function requireOwner(session: QuizSession, userId: string): void {
    if (session.ownerId !== userId) {
      fail('not-owner', { ownerId: session.ownerId });
    }
  }

  function requireActive(session: QuizSession): void {
    if (session.status !== 'active') fail('session-finished', { sessionId: session.id });
  }

  function authorize(sessionId: string, userId: string): QuizSession {
    const session = loadSession(sessionId);
    requireOwner(session, userId);
    requireActive(session);
    return session;
  }

  function pointedQuestionId(session: QuizSession, pointer: QuestionPointer): string {
    const questionId = 'id' in pointer ? pointer.id : session.questions[pointer.index]?.questionId;
    if (questionId === undefined) fail('stale-question', { index: 'index' in pointer ? pointer.index : -1 });
    return questionId;
  }

  /** The current question, which must be the one `questionId` names and not answered yet. */
  function requireUnansweredCurrent(session: QuizSession, questionId: string): QuestionRef {
    const ref = session.questions[session.position];
    if (!ref || ref.questionId !== questionId) {
      fail('stale-question', { questionId });
    }
    if (answersInFlight.has(`${session.id}\u0000${ref.questionId}`) || latestAttempts(session.id).has(`${ref.bankId}\u0000${ref.questionId}`)) {
      fail('already-answered', { questionId: ref.questionId });
    }
    return ref;
  }

  function resolve(ref: QuestionRef): { bank: Bank; question: Question } {
    const bank = deps.catalog.get(ref.bankId);
    const question = bank?.questions.find((q) => q.id === ref.questionId);
    if (!bank || !question) {
      fail('bank-not-found', { ...ref });
    }
    return { bank, question };
  }

  function latestAttempts(sessionId: string): Map<string, AttemptRecord> {
    const latest = new Map<string, AttemptRecord>();
    for (const attempt of deps.store.attemptsForSession(sessionId)) {
      const key = `${attempt.bankId}\u0000${attempt.questionId}`;
      const previous = latest.get(key);
      if (!previous || previous.id < attempt.id) latest.set(key, attempt);
    }
    return latest;
  }

  function currentOf(session: QuizSession): CurrentQuestion | null {
    if (session.status !== 'active') return null;
    const ref = session.questions[session.position];
    if (!ref) return null;
    const { bank, question } = resolve(ref);
    const attempt = latestAttempts(session.id).get(`${ref.bankId}\u0000${ref.questionId}`);
    return {
      bank,
      question,
      index: session.position,
      total: session.questions.length,
      attempt: attempt ? toAttemptSummary(attempt) : null,
    };
  }

  function pickQuizQuestions(input: StartQuizInput, count: number): QuestionRef[] {
    const bank = input.bankId ? deps.catalog.get(input.bankId) : deps.catalog.list()[0];
    if (!bank) {
      fail('bank-not-found', {
        bankId: input.bankId ?? '',
      });
    }
    const candidates = deps.catalog
      .servableQuestions(bank.id)
      .filter((q) => !input.type || q.type === input.type)
      .filter((q) => !input.topic || q.topic === input.topic);
    if (candidates.length === 0) {
      fail('no-questions', {
        bankId: bank.id,
        type: input.type ?? '',
        topic: input.topic ?? '',
      });
    }
    return sampleInOrder(candidates, count, random).map((q) => ({ bankId: bank.id, questionId: q.id }));
  }

  function pickReviewQuestions(input: StartQuizInput, count: number, now: Date): QuestionRef[] {
    const seen = new Set<string>();
    const picked: QuestionRef[] = [];
    // Due FSRS cards first, then recently missed questions to fill the quiz.
    for (const ref of [...deps.store.dueReviews(input.userId, now, count * 2), ...deps.store.missedQuestions(input.userId, count * 2)]) {
      const key = `${ref.bankId}\u0000${ref.questionId}`;
      if (seen.has(key) || picked.length >= count) continue;
      seen.add(key);
      if (input.bankId && ref.bankId !== input.bankId) continue;
      const question = deps.catalog.question(ref.bankId, ref.questionId);
      if (!question || question.status === 'draft') continue;
      if (input.type && question.type !== input.type) continue;
      if (input.topic && question.topic !== input.topic) continue;
      picked.push(ref);
    }
    if (picked.length === 0) fail('nothing-due', { bankId: input.bankId ?? '' });
    return picked;
  }

  function summarise(session: QuizSession): QuizSummary {
    const byType: QuizSummary['byType'] = {};
    const toReview: QuizSummary['toReview'] = [];
    let score = 0;
    let maxScore = 0;
    let answered = 0;
    const latest = latestAttempts(session.id);
    for (const ref of session.questions) {
      const attempt = latest.get(`${ref.bankId}\u0000${ref.questionId}`);
      if (!attempt) continue;
      answered += 1;
      score += attempt.score;
      maxScore += attempt.maxScore;
      const totals: TypeTotals = byType[attempt.questionType] ?? { answered: 0, correct: 0, score: 0, maxScore: 0 };
      totals.answered += 1;
      totals.score += attempt.score;
      totals.maxScore += attempt.maxScore;
      if (attempt.score >= attempt.maxScore) totals.correct += 1;
      byType[attempt.questionType] = totals;
      if (attempt.score < attempt.maxScore) {
        const question = deps.catalog.question(ref.bankId, ref.questionId);
        toReview.push({ ...ref, stem: question?.stem ?? ref.questionId, score: attempt.score, maxScore: attempt.maxScore });
      }
    }
    const end = session.endedAt ?? clock();
    return {
      session,
      answered,
      total: session.questions.length,
      score: Math.round(score * 100) / 100,
      maxScore: Math.round(maxScore * 100) / 100,
      byType,
      durationMs: Math.max(0, end.getTime() - session.startedAt.getTime()),
      toReview,
    };
  }

  return {
    start(input: StartQuizInput): SessionView {
      const now = input.now ?? clock();
      const count = Math.min(MAX_QUIZ_COUNT, Math.max(1, Math.floor(input.count ?? deps.defaultCount)));
      const mode = input.mode ?? 'quiz';
      const questions = mode === 'review' ? pickReviewQuestions(input, count, now) : pickQuizQuestions(input, count);
      deps.store.upsertUser({ id: input.userId, displayName: input.displayName, locale: input.locale ?? null });
      const session: QuizSession = {
        id: makeId(),
        ownerId: input.userId,
        guildId: input.guildId ?? null,
        channelId: input.channelId ?? null,
        threadId: null,
        bankId: mode === 'review' ? (input.bankId ?? null) : (questions[0]?.bankId ?? null),
        mode,
        locale: input.locale ?? null,
        questions,
        position: 0,
        status: 'active',
        startedAt: now,
        endedAt: null,
      };
      deps.store.createSession(session);
      return { session, current: currentOf(session) };
    },

    attachThread(sessionId: string, threadId: string): void {
      loadSession(sessionId);
      deps.store.updateSession(sessionId, { threadId });
    },

    view(sessionId: string): SessionView {
      const session = loadSession(sessionId);
      return { session, current: currentOf(session) };
    },

    findActiveByThread(threadId: string, ownerId?: string): QuizSession | null {
      const session = deps.store.findActiveSessionByThread(threadId);
      return session && (ownerId === undefined || session.ownerId === ownerId) ? session : null;
    },

    authorize,

    answeredQuestion(sessionId: string, userId: string, pointer: QuestionPointer) {
      const session = authorize(sessionId, userId);
      const questionId = pointedQuestionId(session, pointer);
      const current = currentOf(session);
      if (!current?.attempt || current.question.id !== questionId) return null;
      return { session, current: { ...current, attempt: current.attempt } };
    },

    openQuestion(sessionId: string, userId: string, pointer: QuestionPointer) {
      const session = authorize(sessionId, userId);
      requireUnansweredCurrent(session, pointedQuestionId(session, pointer));
      const current = currentOf(session);
      if (!current) fail('session-finished', { sessionId });
      return { session, current };
    },

    async submitAnswer(input: SubmitAnswerInput): Promise<AnswerOutcome> {
      const now = input.now ?? clock();
      const session = authorize(input.sessionId, input.userId);
      const ref = requireUnansweredCurrent(session, input.questionId);
      const { bank, question } = resolve(ref);
      const flightKey = `${session.id}\u0000${ref.questionId}`;

      const grade = gradeAnswer(question, input.answer, { maxLength: deps.maxAnswerLength });
      if (grade.status === 'invalid') return { status: 'invalid', session, bank, question, grade };

      answersInFlight.add(flightKey);
      try {
        let feedback: FreeTextFeedback | null = null;
        let score = grade.status === 'graded' ? grade.score : 0;
        let gradedBy: GradedBy = 'rule';
        if (grade.status === 'needs-feedback' && isFreeText(question)) {
          feedback = await deps.tutor.gradeFreeText({
            bank: { id: bank.id, language: bank.language, title: bank.title },
            question,
            answer: rawAnswerText(input.answer),
            ...(input.locale ?? session.locale ? { locale: input.locale ?? session.locale ?? undefined } : {}),
            userId: input.userId,
            ...(session.guildId ? { guildId: session.guildId } : {}),
          });
          // The tutor computes the score in code; clamp again so no path can exceed the marks available.
          score = Math.min(grade.maxScore, Math.max(0, feedback.score));
          gradedBy = feedback.gradedBy;
        }
        const record = deps.store.recordAttempt({
          sessionId: session.id,
          userId: input.userId,
          guildId: session.guildId,
          bankId: bank.id,
          questionId: question.id,
          questionType: question.type,
          topic: question.topic ?? null,
          rawAnswer: rawAnswerText(input.answer),
          normalizedAnswer: grade.normalizedAnswer,
          score,
          maxScore: grade.maxScore,
          gradedBy,
          status: feedback ? attemptStatusForFeedback(feedback) : 'graded',
          grade,
          feedback,
          ...llmCallOfFeedback(feedback),
          createdAt: now,
        });
        return {
          status: 'graded',
          session,
          bank,
          question,
          grade,
          feedback,
          attemptId: record.id,
          score,
          maxScore: grade.maxScore,
          gradedBy,
          isLastQuestion: session.position >= session.questions.length - 1,
        };
      } finally {
        answersInFlight.delete(flightKey);
      }
    },

    next(sessionId: string, userId: string, now?: Date): SessionView {
      const session = authorize(sessionId, userId);
      const position = session.position + 1;
      const updated =
        position >= session.questions.length
          ? deps.store.updateSession(sessionId, { status: 'finished', endedAt: now ?? clock() })
          : deps.store.updateSession(sessionId, { position });
      return { session: updated, current: currentOf(updated) };
    },

    end(sessionId: string, userId: string, now?: Date): QuizSummary {
      const session = loadSession(sessionId);
      requireOwner(session, userId);
      const finished =
        session.status === 'active' ? deps.store.updateSession(sessionId, { status: 'finished', endedAt: now ?? clock() }) : session;
      return summarise(finished);
    },

    summary(sessionId: string): QuizSummary {
      return summarise(loadSession(sessionId));
    },

    async ask(input: AskInput): Promise<FollowUpReply> {
      const now = input.now ?? clock();
      const session = loadSession(input.sessionId);
      requireOwner(session, input.userId);
      // After the last question the thread stays open for questions about it.
      const ref = session.questions[Math.min(session.position, session.questions.length - 1)];
      if (!ref) fail('no-questions');
      const { bank, question } = resolve(ref);
      const attempt = latestAttempts(session.id).get(`${ref.bankId}\u0000${ref.questionId}`);
      const history: ChatTurn[] = deps.store
        .recentFollowUps(session.id, question.id, historyMessages)
        .map((message) => ({ role: message.role, content: message.content }));
      const locale = input.locale ?? session.locale ?? undefined;
      return askTutorAndRecord(deps, {
        bank,
        question,
        attempt,
        answered: Boolean(attempt),
        message: input.message,
        history,
        locale,
        userId: input.userId,
        guildId: session.guildId,
        sessionId: session.id,
        now,
      });
    },
  };
}
