import { randomBytes } from 'node:crypto';
import type { BankCatalog } from '../bank/catalog.ts';
import { isFreeText, type Bank, type Question } from '../bank/schema.ts';
import { UserError } from '../errors.ts';
import { gradeAnswer } from '../grading/grade.ts';
import type { GradeResult, RawAnswer } from '../grading/types.ts';
import type { Logger } from '../logger.ts';
import type { AttemptRecord, NewAttempt, ProgressStore } from '../progress/ports.ts';
import { attemptStatusForFeedback, llmCallOfFeedback } from '../tutor/tutor.ts';
import type { FollowUpReply, FreeTextFeedback, Tutor } from '../tutor/types.ts';
import { drawPaper, paperSummaries, roundPoints } from './paper.ts';
import type { ExamRepository, StoredExam, StoredExamAnswer } from './ports.ts';
import { askTutorAndRecord } from '../quiz/tutor-turn.ts';
import { computeExamStats, onPaperPoints } from './stats.ts';
import type {
  CreateExamInput,
  ExamAnswerInput,
  ExamAnswerOutcome,
  ExamAskInput,
  ExamAutoSubmitListener,
  ExamCover,
  ExamErrorCode,
  ExamGradingProgress,
  ExamMove,
  ExamNavigation,
  ExamQuestionResult,
  ExamQuestionView,
  ExamReport,
  ExamReviewItem,
  ExamService,
  ExamSubmission,
  ExamSubmitConfirmation,
  ExamSubmittedBy,
  PaperSummary,
  SubmitExamInput,
} from './types.ts';

export interface ExamServiceDeps {
  catalog: BankCatalog;
  store: ProgressStore;
  exams: ExamRepository;
  tutor: Tutor;
  maxAnswerLength: number;
  clock?: () => Date;
  random?: () => number;
  newExamId?: () => string;
  logger?: Logger;
  /** Earlier follow-up messages on the same question offered to the tutor. */
  followUpHistoryMessages?: number;
}

export const MIN_EXAM_MINUTES = 1;
export const MAX_EXAM_MINUTES = 600;

function fail(code: ExamErrorCode | 'bank-not-found', params: Record<string, string | number> = {}): never {
  throw new UserError(code, params);
}

function answerText(answer: RawAnswer): string {
  return typeof answer === 'string' ? answer : answer.join('\n');
}

/** Fallback scores and scores waiting for a person are provisional. */
function isProvisional(attempt: AttemptRecord): boolean {
  return attempt.status !== 'graded' || attempt.gradedBy === 'fallback';
}

export function createExamService(deps: ExamServiceDeps): ExamService {
  const clock = deps.clock ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const makeId = deps.newExamId ?? (() => randomBytes(9).toString('base64url'));
  const historyMessages = deps.followUpHistoryMessages ?? 12;
  const listeners = new Set<ExamAutoSubmitListener>();
  /** Gradings running in this process, so a second caller waits for the same one instead of grading twice. */
  const grading = new Map<string, Promise<ExamReport>>();
  /**
   * Exams whose interrupted grading this process has resumed once. A resume that fails again (storage
   * failure) is not retried on every deadline tick, spending tutor calls each time; the next start-up
   * or a learner asking for the report tries again.
   */
  const resumed = new Set<string>();

  function load(examId: string): StoredExam {
    return deps.exams.get(examId) ?? fail('exam-not-found', { examId });
  }

  function requireOwner(exam: StoredExam, userId: string): void {
    if (exam.userId !== userId) fail('exam-not-owner', { ownerId: exam.userId });
  }

  function bankOf(exam: StoredExam): Bank {
    return deps.catalog.get(exam.bankId) ?? fail('bank-not-found', { bankId: exam.bankId });
  }

  function questionAt(exam: StoredExam, index: number): { bank: Bank; question: Question } {
    const ref = exam.questions[index];
    if (!Number.isInteger(index) || !ref) fail('exam-question-out-of-range', { index: index + 1, total: exam.questions.length });
    const bank = bankOf(exam);
    const question = bank.questions.find((q) => q.id === ref.questionId) ?? fail('bank-not-found', { bankId: exam.bankId });
    return { bank, question };
  }

  function coverOf(exam: StoredExam): ExamCover {
    const bank = deps.catalog.get(exam.bankId);
    return {
      examId: exam.id,
      ownerId: exam.userId,
      bankId: exam.bankId,
      bankTitle: bank?.title ?? exam.bankId,
      paperId: exam.paperId,
      title: exam.title,
      timeLimitMinutes: exam.timeLimitMinutes,
      totalPoints: exam.totalPoints,
      questionCount: exam.questions.length,
      sections: exam.sections.map((section, index) => {
        const questionIndexes = exam.questions.flatMap((ref, at) => (ref.sectionIndex === index ? [at] : []));
        return { index, title: section.title, questionCount: questionIndexes.length, points: section.points, questionIndexes };
      }),
      status: exam.status,
      startedAt: exam.startedAt,
      deadline: exam.deadline,
      threadId: exam.threadId,
      channelId: exam.channelId,
      locale: exam.locale,
    };
  }

  function answersByPosition(exam: StoredExam): Map<number, StoredExamAnswer> {
    return new Map(deps.exams.answers(exam.id).map((answer) => [answer.position, answer]));
  }

  function navigationOf(exam: StoredExam, answers: Map<number, StoredExamAnswer>, current: number): ExamNavigation {
    const items = exam.questions.map((ref, index) => {
      const saved = answers.get(index);
      return {
        index,
        sectionIndex: ref.sectionIndex,
        questionType: deps.catalog.question(ref.bankId, ref.questionId)?.type ?? 'short',
        points: ref.points,
        state: saved?.answer != null ? ('answered' as const) : ('unanswered' as const),
        flagged: saved?.flagged ?? false,
      };
    });
    const answered = items.filter((item) => item.state === 'answered').length;
    return {
      current,
      total: items.length,
      items,
      answered,
      unanswered: items.length - answered,
      flagged: items.filter((item) => item.flagged).length,
      hasPrevious: current > 0,
      hasNext: current < items.length - 1,
    };
  }

  function questionView(exam: StoredExam, index: number, now: Date): ExamQuestionView {
    const { bank, question } = questionAt(exam, index);
    const answers = answersByPosition(exam);
    const saved = answers.get(index);
    const ref = exam.questions[index]!;
    const deadline = exam.deadline ?? now;
    return {
      cover: coverOf(exam),
      index,
      bank,
      question,
      points: ref.points,
      sectionIndex: ref.sectionIndex,
      sectionTitle: exam.sections[ref.sectionIndex]?.title ?? '',
      answer: saved?.answer ?? null,
      answerText: saved?.answer != null ? answerText(saved.answer) : null,
      flagged: saved?.flagged ?? false,
      deadline,
      timeLeftMs: Math.max(0, deadline.getTime() - now.getTime()),
      navigation: navigationOf(exam, answers, index),
    };
  }

  /**
   * The exam, owned by `userId` and open to answers at `now`. Past its deadline it is submitted here
   * (the listeners are told, so the front end posts the report) and the caller gets `exam-submitted`.
   */
  function requireRunning(examId: string, userId: string, now: Date): StoredExam {
    const exam = load(examId);
    requireOwner(exam, userId);
    if (exam.status === 'ready') fail('exam-not-started', { examId });
    if (exam.status !== 'running') fail('exam-submitted', { examId });
    if (exam.deadline && now.getTime() >= exam.deadline.getTime()) {
      autoSubmit(exam);
      fail('exam-submitted', { examId });
    }
    return exam;
  }

  function requireSubmitted(examId: string, userId: string): StoredExam {
    const exam = load(examId);
    requireOwner(exam, userId);
    if (exam.status !== 'grading' && exam.status !== 'graded') fail('exam-not-submitted', { examId });
    return exam;
  }

  function buildReport(exam: StoredExam): ExamReport {
    const attempts = deps.exams.attempts(exam.id);
    const answers = answersByPosition(exam);
    const questions: ExamQuestionResult[] = exam.questions.map((ref, index) => {
      const attempt = attempts.get(index);
      const question = deps.catalog.question(ref.bankId, ref.questionId);
      return {
        index,
        sectionIndex: ref.sectionIndex,
        bankId: ref.bankId,
        questionId: ref.questionId,
        questionType: question?.type ?? attempt?.questionType ?? 'short',
        stem: question?.stem ?? ref.questionId,
        points: ref.points,
        score: attempt ? onPaperPoints(attempt, ref.points) : 0,
        answered: answers.get(index)?.answer != null,
        provisional: attempt ? isProvisional(attempt) : false,
        attemptId: attempt?.id ?? null,
      };
    });
    const sections = exam.sections.map((section, index) => {
      const own = questions.filter((result) => result.sectionIndex === index);
      return {
        index,
        title: section.title,
        score: roundPoints(own.reduce((sum, result) => sum + result.score, 0)),
        points: section.points,
        questionCount: own.length,
        answered: own.filter((result) => result.answered).length,
      };
    });
    const submittedAt = exam.submittedAt ?? clock();
    const startedAt = exam.startedAt ?? submittedAt;
    const end = exam.deadline && exam.deadline < submittedAt ? exam.deadline : submittedAt;
    const answered = questions.filter((result) => result.answered).length;
    return {
      cover: coverOf(exam),
      status: exam.status === 'graded' ? 'graded' : 'grading',
      submittedAt,
      submittedBy: exam.submittedBy ?? 'learner',
      timeUsedMs: Math.max(0, end.getTime() - startedAt.getTime()),
      score: roundPoints(questions.reduce((sum, result) => sum + result.score, 0)),
      totalPoints: exam.totalPoints,
      answered,
      unanswered: questions.length - answered,
      sections,
      questions,
      lostPoints: questions.filter((result) => result.score < result.points - 1e-9).map((result) => result.index),
      provisional: questions.some((result) => result.provisional),
    };
  }

  function newAttempt(exam: StoredExam, question: Question, answer: StoredExamAnswer, grade: GradeResult, at: Date): Omit<NewAttempt, 'score' | 'gradedBy' | 'status' | 'feedback'> {
    return {
      sessionId: null,
      userId: exam.userId,
      guildId: exam.guildId,
      bankId: exam.bankId,
      questionId: question.id,
      questionType: question.type,
      topic: question.topic ?? null,
      rawAnswer: answerText(answer.answer ?? ''),
      normalizedAnswer: grade.status === 'invalid' ? '' : grade.normalizedAnswer,
      maxScore: grade.maxScore,
      grade,
      // The answer was given when it was last saved; no later than the submission.
      createdAt: answer.updatedAt < at ? answer.updatedAt : at,
    };
  }

  /**
   * Grades every answer of a submitted exam that has no attempt yet: objective ones at once (before this
   * returns), written ones concurrently through the tutor (its own limiter and budgets apply; the
   * fallback stands in for an unavailable LLM and is stored as provisional).
   */
  function startGrading(exam: StoredExam, submittedBy: ExamSubmittedBy, onProgress?: (progress: ExamGradingProgress) => void): ExamSubmission {
    const running = grading.get(exam.id);
    if (running) {
      const current = load(exam.id);
      return { cover: coverOf(current), submittedBy, initial: buildReport(current), report: running };
    }
    const submittedAt = exam.submittedAt ?? clock();
    const written: Array<{ position: number; question: Question & { type: 'short' | 'essay' }; bank: Bank; answer: StoredExamAnswer; grade: GradeResult }> = [];
    // Objective grades are pure and quick: all of them in one transaction, one commit per submission.
    deps.exams.transaction(() => {
      const linked = deps.exams.attempts(exam.id);
      for (const answer of deps.exams.answers(exam.id)) {
        if (answer.answer === null || linked.has(answer.position)) continue;
        const { bank, question } = questionAt(exam, answer.position);
        const grade = gradeAnswer(question, answer.answer, { maxLength: deps.maxAnswerLength });
        // Saved answers were readable when given; one the bank no longer reads (edited since) stays unscored.
        if (grade.status === 'invalid') continue;
        if (grade.status === 'needs-feedback' && isFreeText(question)) {
          written.push({ position: answer.position, question, bank, answer, grade });
          continue;
        }
        if (grade.status !== 'graded') continue;
        deps.exams.recordAttempt(exam.id, answer.position, {
          ...newAttempt(exam, question, answer, grade, submittedAt),
          score: grade.score,
          gradedBy: 'rule',
          status: 'graded',
          feedback: null,
        });
      }
    });
    const after = load(exam.id);
    const initial = buildReport(after);
    const progress = { examId: exam.id, writtenTotal: written.length, writtenDone: 0 };
    const tell = () => {
      try {
        onProgress?.({ ...progress });
      } catch (error) {
        // A front end's progress line failing must not stop the grading.
        deps.logger?.warn({ err: error, examId: exam.id }, 'exam progress callback failed');
      }
    };
    tell();

    const report = (async (): Promise<ExamReport> => {
      await Promise.all(
        written.map(async ({ position, question, bank, answer, grade }) => {
          const feedback: FreeTextFeedback = await deps.tutor.gradeFreeText({
            bank: { id: bank.id, language: bank.language, title: bank.title },
            question,
            answer: answerText(answer.answer ?? ''),
            ...(exam.locale ? { locale: exam.locale } : {}),
            userId: exam.userId,
            ...(exam.guildId ? { guildId: exam.guildId } : {}),
            ...(grade.status === 'needs-feedback' ? { normalizedAnswer: grade.normalizedAnswer } : {}),
          });
          deps.exams.recordAttempt(exam.id, position, {
            ...newAttempt(exam, question, answer, grade, submittedAt),
            // The tutor computes the score in code; clamp again so no path can exceed the marks available.
            score: Math.min(grade.maxScore, Math.max(0, feedback.score)),
            gradedBy: feedback.gradedBy,
            status: attemptStatusForFeedback(feedback),
            feedback,
            ...llmCallOfFeedback(feedback),
          });
          progress.writtenDone += 1;
          tell();
        }),
      );
      const graded = load(exam.id);
      const final = buildReport({ ...graded, status: 'graded' });
      deps.exams.markGraded(exam.id, Math.min(graded.totalPoints, final.score));
      return buildReport(load(exam.id));
    })();
    const tracked = report.finally(() => grading.delete(exam.id));
    // A failure (e.g. the disk full) is logged; the exam stays in `grading` and is resumed at the next start.
    tracked.catch((error: unknown) => deps.logger?.error({ err: error, examId: exam.id }, 'exam grading failed'));
    grading.set(exam.id, tracked);
    return { cover: coverOf(after), submittedBy, initial, report: tracked };
  }

  function notify(submission: ExamSubmission): void {
    for (const listener of listeners) {
      try {
        listener(submission);
      } catch (error) {
        deps.logger?.error({ err: error, examId: submission.cover.examId }, 'exam auto-submit listener failed');
      }
    }
  }

  /** Submits a running exam at its deadline (with the answers it has); null when someone else already did. */
  function autoSubmit(exam: StoredExam): ExamSubmission | null {
    const at = exam.deadline ?? clock();
    if (!deps.exams.markSubmitted(exam.id, at, 'deadline')) return null;
    const submission = startGrading(load(exam.id), 'deadline');
    notify(submission);
    return submission;
  }

  return {
    papers(bankId?: string): PaperSummary[] {
      const banks = bankId === undefined ? deps.catalog.list() : [deps.catalog.get(bankId) ?? fail('bank-not-found', { bankId })];
      return banks.flatMap((bank) => paperSummaries(bank));
    },

    create(input: CreateExamInput): ExamCover {
      const now = input.now ?? clock();
      if (input.minutes !== undefined && (!Number.isInteger(input.minutes) || input.minutes < MIN_EXAM_MINUTES || input.minutes > MAX_EXAM_MINUTES)) {
        fail('exam-minutes-out-of-range', { minutes: input.minutes });
      }
      const open = deps.exams.findOpen(input.userId);
      if (open) fail('exam-already-open', { examId: open.id, title: open.title, threadId: open.threadId ?? '' });
      const bank = (input.bankId === undefined ? deps.catalog.list()[0] : deps.catalog.get(input.bankId)) ?? fail('bank-not-found', { bankId: input.bankId ?? '' });
      const drawn = drawPaper(bank, input.paperId, random);
      const minutes = input.minutes ?? drawn.timeLimitMinutes ?? fail('exam-needs-minutes', { bankId: bank.id });
      deps.store.upsertUser({ id: input.userId, displayName: input.displayName, ...(input.locale ? { locale: input.locale } : {}) });
      const exam: StoredExam = {
        id: makeId(),
        userId: input.userId,
        guildId: input.guildId ?? null,
        channelId: input.channelId ?? null,
        threadId: null,
        bankId: bank.id,
        paperId: drawn.paperId,
        title: drawn.title,
        locale: input.locale ?? null,
        sections: drawn.sections,
        questions: drawn.questions,
        totalPoints: drawn.totalPoints,
        timeLimitMinutes: minutes,
        status: 'ready',
        position: 0,
        createdAt: now,
        startedAt: null,
        deadline: null,
        submittedAt: null,
        submittedBy: null,
        score: null,
      };
      if (!deps.exams.create(exam)) {
        const other = deps.exams.findOpen(input.userId);
        fail('exam-already-open', { examId: other?.id ?? '', title: other?.title ?? '', threadId: other?.threadId ?? '' });
      }
      return coverOf(exam);
    },

    attachThread(examId: string, threadId: string): void {
      load(examId);
      deps.exams.setThread(examId, threadId);
    },

    cover(examId: string): ExamCover {
      return coverOf(load(examId));
    },

    findOpen(userId: string): ExamCover | null {
      const exam = deps.exams.findOpen(userId);
      return exam ? coverOf(exam) : null;
    },

    findByThread(threadId: string, ownerId?: string): ExamCover | null {
      const exam = deps.exams.findByThread(threadId);
      return exam && (ownerId === undefined || exam.userId === ownerId) ? coverOf(exam) : null;
    },

    begin(examId: string, userId: string, now = clock()): ExamQuestionView {
      const exam = load(examId);
      requireOwner(exam, userId);
      if (exam.status === 'ready') {
        // The deadline is fixed here, once; a second Start (a double click, another process) keeps the first.
        deps.exams.start(examId, now, new Date(now.getTime() + exam.timeLimitMinutes * 60_000));
      }
      const running = requireRunning(examId, userId, now);
      return questionView(running, running.position, now);
    },

    view(examId: string, userId: string, index?: number, now = clock()): ExamQuestionView {
      const exam = requireRunning(examId, userId, now);
      const at = index ?? exam.position;
      questionAt(exam, at);
      if (at !== exam.position) deps.exams.setPosition(examId, at);
      return questionView({ ...exam, position: at }, at, now);
    },

    go(examId: string, userId: string, move: ExamMove, now = clock()): ExamQuestionView {
      const exam = requireRunning(examId, userId, now);
      const last = exam.questions.length - 1;
      const target = move === 'next' ? Math.min(last, exam.position + 1) : move === 'previous' ? Math.max(0, exam.position - 1) : move.index;
      questionAt(exam, target);
      deps.exams.setPosition(examId, target);
      return questionView({ ...exam, position: target }, target, now);
    },

    flag(examId: string, userId: string, index: number, flagged?: boolean, now = clock()): ExamQuestionView {
      const exam = requireRunning(examId, userId, now);
      questionAt(exam, index);
      const next = flagged ?? !(answersByPosition(exam).get(index)?.flagged ?? false);
      if (!deps.exams.setFlag(examId, userId, index, next, now)) fail('exam-submitted', { examId });
      return questionView(exam, index, now);
    },

    answer(input: ExamAnswerInput): ExamAnswerOutcome {
      const now = input.now ?? clock();
      const exam = requireRunning(input.examId, input.userId, now);
      const { question } = questionAt(exam, input.index);
      // Only readability is checked now; the verdict is computed at submission and never shown before.
      const grade = gradeAnswer(question, input.answer, { maxLength: deps.maxAnswerLength });
      if (grade.status === 'invalid') return { status: 'invalid', view: questionView(exam, input.index, now), reason: grade.reason };
      if (!deps.exams.saveAnswer(exam.id, input.userId, input.index, input.answer, now)) fail('exam-submitted', { examId: exam.id });
      if (exam.position !== input.index) deps.exams.setPosition(exam.id, input.index);
      return { status: 'saved', view: questionView({ ...exam, position: input.index }, input.index, now) };
    },

    confirmSubmit(examId: string, userId: string, now = clock()): ExamSubmitConfirmation {
      const exam = requireRunning(examId, userId, now);
      const navigation = navigationOf(exam, answersByPosition(exam), exam.position);
      return {
        cover: coverOf(exam),
        total: navigation.total,
        answered: navigation.answered,
        unanswered: navigation.unanswered,
        unansweredIndexes: navigation.items.filter((item) => item.state === 'unanswered').map((item) => item.index),
        flaggedIndexes: navigation.items.filter((item) => item.flagged).map((item) => item.index),
        timeLeftMs: Math.max(0, (exam.deadline?.getTime() ?? now.getTime()) - now.getTime()),
      };
    },

    submit(input: SubmitExamInput): ExamSubmission {
      const now = input.now ?? clock();
      const exam = requireRunning(input.examId, input.userId, now);
      if (!deps.exams.markSubmitted(exam.id, now, 'learner')) fail('exam-submitted', { examId: exam.id });
      return startGrading(load(exam.id), 'learner', input.onProgress);
    },

    submitOverdue(now = clock()): ExamSubmission[] {
      const submissions: ExamSubmission[] = [];
      for (const exam of deps.exams.overdue(now)) {
        const submission = autoSubmit(exam);
        if (submission) submissions.push(submission);
      }
      // Grading a crash interrupted resumes here (at start-up): the answers are stored, only the grades are missing.
      for (const exam of deps.exams.inGrading()) {
        if (grading.has(exam.id) || resumed.has(exam.id)) continue;
        resumed.add(exam.id);
        const submission = startGrading(exam, exam.submittedBy ?? 'deadline');
        notify(submission);
        submissions.push(submission);
      }
      return submissions;
    },

    nextDeadline(): Date | null {
      return deps.exams.nextDeadline();
    },

    onAutoSubmit(listener: ExamAutoSubmitListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async awaitReport(examId: string): Promise<ExamReport> {
      const exam = load(examId);
      if (exam.status === 'graded') return buildReport(exam);
      if (exam.status !== 'grading') fail('exam-not-submitted', { examId });
      return grading.get(examId) ?? startGrading(exam, exam.submittedBy ?? 'learner').report;
    },

    report(examId: string, userId: string): ExamReport {
      return buildReport(requireSubmitted(examId, userId));
    },

    review(examId: string, userId: string, index: number): ExamReviewItem {
      const exam = requireSubmitted(examId, userId);
      const { bank, question } = questionAt(exam, index);
      const ref = exam.questions[index]!;
      const attempt = deps.exams.attempts(exam.id).get(index) ?? null;
      const saved = answersByPosition(exam).get(index);
      return {
        cover: coverOf(exam),
        index,
        total: exam.questions.length,
        bank,
        question,
        sectionTitle: exam.sections[ref.sectionIndex]?.title ?? '',
        points: ref.points,
        score: attempt ? onPaperPoints(attempt, ref.points) : 0,
        answered: saved?.answer != null,
        answerText: saved?.answer != null ? answerText(saved.answer) : null,
        grade: attempt?.grade ?? null,
        feedback: attempt?.feedback ?? null,
        gradedBy: attempt?.gradedBy ?? null,
        attemptStatus: attempt?.status ?? null,
        provisional: attempt ? isProvisional(attempt) : false,
        attemptId: attempt?.id ?? null,
      };
    },

    async ask(input: ExamAskInput): Promise<FollowUpReply> {
      const now = input.now ?? clock();
      const exam = requireSubmitted(input.examId, input.userId);
      const { bank, question } = questionAt(exam, input.index);
      const attempt = deps.exams.attempts(exam.id).get(input.index);
      const history = deps.exams
        .recentFollowUps(exam.userId, bank.id, question.id, exam.submittedAt ?? exam.createdAt, historyMessages)
        .reverse()
        .map((message) => ({ role: message.role, content: message.content }));
      const locale = input.locale ?? exam.locale ?? undefined;
      return askTutorAndRecord(deps, {
        bank,
        question,
        attempt,
        // After submission the key and analysis may be discussed, answered or not.
        answered: true,
        message: input.message,
        history,
        locale,
        userId: input.userId,
        guildId: exam.guildId,
        sessionId: null,
        now,
      });
    },

    statsForUser: (userId: string) => computeExamStats(deps.exams, userId),
  };
}
