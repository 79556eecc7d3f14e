import type { BankCatalog } from '../bank/catalog.ts';
import type { QuestionType } from '../bank/schema.ts';
import { UserError } from '../errors.ts';
import { clampScore, roundScore } from '../grading/result.ts';
import type { GradeResult } from '../grading/types.ts';
import type { AttemptGradedBy, AttemptStatus } from '../progress/ports.ts';
import type { FreeTextFeedback } from '../tutor/types.ts';
import type { Appeal, AppealStatus } from './appeals.ts';
import type { NewLearnerNotice } from './notices.ts';

/**
 * The review queue (issue 12 item 5): the stored answers that await a person, for `/class queue` and
 * `tutor queue`. An item is an attempt that is
 * - `appeal`: contested by its learner (an open appeal, whatever its status or grader);
 * - `flagged`: it tripped the injection tripwire (the score is the fallback's);
 * - `needs-review`: the LLM claimed far more than the evidence supports (the score is the evidence grader's);
 * - `provisional`: graded by the fallback while the LLM was away (`pending`); only when asked for
 *   (`includeProvisional`), since `tutor regrade --pending` usually settles those.
 *
 * Resolving an item stores a human grade: `graded_by = 'teacher'`, who and when, the grade before it in
 * `attempt_history`, the appeal's outcome, and a notice to the learner, all in one transaction. No
 * automatic regrade overwrites a teacher's grade, and a resolved item leaves the queue.
 */
export type QueueItemKind = 'appeal' | 'flagged' | 'needs-review' | 'provisional';

/** One marking point of the answer: a rubric point (short, essay), a blank or option, or the whole answer. */
export interface QueuePoint {
  /** As stored in `attempts.part_verdicts`: `rubric-1`…, an option key, a blank's number, or `answer`. */
  part: string;
  label: string;
  verdict: string;
  /** What in the answer supports the verdict: the tutor's quote, or the part the learner gave. */
  evidence: string;
  score: number;
  maxScore: number;
}

export interface QueueItem {
  attemptId: number;
  kind: QueueItemKind;
  userId: string;
  displayName: string | null;
  guildId: string | null;
  bankId: string;
  questionId: string;
  questionType: QuestionType;
  /** The question as the bank has it now; null when the bank or question is gone. */
  stem: string | null;
  answer: string;
  score: number;
  maxScore: number;
  status: AttemptStatus;
  gradedBy: AttemptGradedBy;
  /** For `needs-review`: what the LLM claimed. */
  claimedScore: number | null;
  /** Why the tutor flagged it or fell back (`injection`, `timeout`…). */
  note: string | null;
  points: QueuePoint[];
  createdAt: Date;
  appeal: Pick<Appeal, 'id' | 'reason' | 'createdAt'> | null;
}

export interface QueueFilter {
  /** Only answers given in this Discord server: a teacher sees their own server's learners only. */
  guildId?: string;
  bankId?: string;
  includeProvisional?: boolean;
  /** Default 25, at most 500. */
  limit?: number;
}

export type QueueResolution =
  | { action: 'accept'; note?: string }
  /** One score per point of the item (`QueueItem.points`, same order); each is clamped to its point's marks. */
  | { action: 'scores'; scores: readonly number[]; note?: string }
  /** An appeal: rejected, the grade stands. Any other item: the answer earns nothing. A note is required. */
  | { action: 'reject'; note: string };

export interface ResolveRequest {
  attemptId: number;
  resolution: QueueResolution;
  /** A Discord user id, or `cli:<user>` for the command line. */
  resolvedBy: string;
  /** When set, an item of another server is not found (a teacher acts on their own server only). */
  guildId?: string;
}

export interface ResolveResult {
  attemptId: number;
  userId: string;
  kind: QueueItemKind;
  before: number;
  after: number;
  maxScore: number;
  points: QueuePoint[];
  /** The appeal's outcome, when the item was an appeal. */
  appealStatus: AppealStatus | null;
  noticeKind: NewLearnerNotice['kind'];
}

/** The stored attempt behind an item, as storage reads it. */
export interface QueueRow {
  attemptId: number;
  userId: string;
  displayName: string | null;
  guildId: string | null;
  bankId: string;
  questionId: string;
  questionType: QuestionType;
  rawAnswer: string;
  score: number;
  maxScore: number;
  status: AttemptStatus;
  gradedBy: AttemptGradedBy;
  grade: GradeResult;
  feedback: FreeTextFeedback | null;
  createdAt: Date;
  openAppeal: Pick<Appeal, 'id' | 'reason' | 'createdAt'> | null;
}

/** A teacher's grade as storage writes it, in one transaction. */
export interface HumanGrade {
  attemptId: number;
  /** The state the teacher saw: if the attempt or its appeal changed since, nothing is written (`queue-item-resolved`). */
  expected: { score: number; status: AttemptStatus; gradedBy: AttemptGradedBy; appealId: number | null };
  score: number;
  partVerdicts: Array<{ part: string; verdict: string; score: number; maxScore: number }>;
  /** The feedback with the teacher's per-point scores (short, essay), or the stored one unchanged. */
  feedback: FreeTextFeedback | null;
  reviewedBy: string;
  reviewedAt: Date;
  historyReason: 'teacher' | 'appeal';
  appeal: { id: number; status: Exclude<AppealStatus, 'open'>; note: string | null } | null;
  notice: NewLearnerNotice;
}

export interface ReviewQueueStore {
  listQueue(filter: Required<Pick<QueueFilter, 'includeProvisional' | 'limit'>> & Pick<QueueFilter, 'guildId' | 'bankId'>): QueueRow[];
  countQueue(filter: Required<Pick<QueueFilter, 'includeProvisional'>> & Pick<QueueFilter, 'guildId' | 'bankId'>): number;
  /** The attempt when it is in the queue (any kind, provisional included), else null. */
  queueRow(attemptId: number): QueueRow | null;
  applyHumanGrade(grade: HumanGrade): void;
}

export interface ReviewQueueService {
  list(filter?: QueueFilter): QueueItem[];
  count(filter?: Omit<QueueFilter, 'limit'>): number;
  /** The item, or `queue-item-not-found` when the attempt awaits nobody (or belongs to another server). */
  show(attemptId: number, scope?: { guildId?: string }): QueueItem;
  resolve(request: ResolveRequest): ResolveResult;
}

export interface ReviewQueueDeps {
  store: ReviewQueueStore;
  catalog: Pick<BankCatalog, 'question'>;
  clock?: () => Date;
}

export const RESOLUTION_NOTE_MAX = 1000;
const NOTICE_TEXT_MAX = 120;

function kindOf(row: QueueRow): QueueItemKind {
  if (row.openAppeal) return 'appeal';
  if (row.status === 'flagged') return 'flagged';
  if (row.status === 'needs-review') return 'needs-review';
  return 'provisional';
}

/**
 * The marking points a teacher scores: the rubric's for a short or essay answer, else the parts of an
 * objective grade that carry marks (blanks, the options of a multi), else the whole answer as one point.
 * Parts that do not add up to the attempt's marks (a single choice's wrong option) make one point.
 */
export function pointsOf(row: Pick<QueueRow, 'grade' | 'feedback' | 'score' | 'maxScore'>): QueuePoint[] {
  if (row.feedback && row.feedback.rubric.length > 0) {
    return row.feedback.rubric.map((point) => ({ part: `rubric-${point.index + 1}`, label: point.point, verdict: point.verdict, evidence: point.evidence, score: point.score, maxScore: point.maxScore }));
  }
  if (row.grade.status === 'graded') {
    const parts = row.grade.parts.filter((part) => part.maxScore > 0);
    const total = parts.reduce((sum, part) => sum + part.maxScore, 0);
    if (parts.length > 1 && Math.abs(total - row.maxScore) < 0.01) {
      return parts.map((part) => ({
        part: part.part,
        label: part.expected === undefined ? part.part : `${part.part}: ${part.expected}`,
        verdict: part.verdict,
        evidence: part.given ?? '',
        score: part.score,
        maxScore: part.maxScore,
      }));
    }
  }
  const verdict = row.score >= row.maxScore ? 'correct' : row.score > 0 ? 'partial' : 'wrong';
  return [{ part: 'answer', label: 'answer', verdict, evidence: '', score: row.score, maxScore: row.maxScore }];
}

function toItem(row: QueueRow, catalog: ReviewQueueDeps['catalog']): QueueItem {
  return {
    attemptId: row.attemptId,
    kind: kindOf(row),
    userId: row.userId,
    displayName: row.displayName,
    guildId: row.guildId,
    bankId: row.bankId,
    questionId: row.questionId,
    questionType: row.questionType,
    stem: catalog.question(row.bankId, row.questionId)?.stem ?? null,
    answer: row.rawAnswer,
    score: row.score,
    maxScore: row.maxScore,
    status: row.status,
    gradedBy: row.gradedBy,
    claimedScore: row.feedback?.claimedScore ?? null,
    note: row.feedback?.note ?? null,
    points: pointsOf(row),
    createdAt: row.createdAt,
    appeal: row.openAppeal,
  };
}

function verdictFor(score: number, max: number, freeText: boolean): string {
  if (score >= max) return freeText ? 'met' : 'correct';
  if (score > 0) return 'partial';
  return freeText ? 'missed' : 'wrong';
}

function cleanNote(note: string | undefined): string | null {
  const trimmed = note?.trim() ?? '';
  if ([...trimmed].length > RESOLUTION_NOTE_MAX) throw new UserError('queue-note-too-long', { max: RESOLUTION_NOTE_MAX });
  return trimmed || null;
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}

/** The new per-point scores: the stored ones (accept), the teacher's clamped to each point's marks, or none (reject). */
function resolvedPoints(item: QueueItem, resolution: QueueResolution): QueuePoint[] {
  const freeText = item.questionType === 'short' || item.questionType === 'essay';
  switch (resolution.action) {
    case 'accept':
      return item.points;
    case 'reject':
      if (item.kind === 'appeal') return item.points;
      return item.points.map((point) => ({ ...point, score: 0, verdict: verdictFor(0, point.maxScore, freeText) }));
    case 'scores': {
      if (resolution.scores.length !== item.points.length) {
        throw new UserError('queue-score-count', { expected: item.points.length, given: resolution.scores.length });
      }
      return item.points.map((point, index) => {
        const given = resolution.scores[index]!;
        if (!Number.isFinite(given)) throw new UserError('queue-invalid-score', { point: index + 1, value: String(given) });
        const score = clampScore(given, point.maxScore);
        return { ...point, score, verdict: verdictFor(score, point.maxScore, freeText) };
      });
    }
  }
}

export function createReviewQueueService(deps: ReviewQueueDeps): ReviewQueueService {
  const clock = deps.clock ?? (() => new Date());
  const find = (attemptId: number, scope?: { guildId?: string }): QueueItem => {
    const row = deps.store.queueRow(attemptId);
    if (!row || (scope?.guildId !== undefined && row.guildId !== scope.guildId)) throw new UserError('queue-item-not-found', { attemptId });
    return toItem(row, deps.catalog);
  };
  return {
    list(filter = {}) {
      const limit = Math.min(Math.max(1, Math.trunc(filter.limit ?? 25)), 500);
      return deps.store
        .listQueue({ includeProvisional: filter.includeProvisional ?? false, limit, ...pick(filter) })
        .map((row) => toItem(row, deps.catalog));
    },
    count(filter = {}) {
      return deps.store.countQueue({ includeProvisional: filter.includeProvisional ?? false, ...pick(filter) });
    },
    show: find,
    resolve(request) {
      const item = find(request.attemptId, request.guildId === undefined ? undefined : { guildId: request.guildId });
      const row = deps.store.queueRow(request.attemptId)!;
      const note = cleanNote(request.resolution.note);
      if (request.resolution.action === 'reject' && !note) throw new UserError('queue-note-required');
      const points = resolvedPoints(item, request.resolution);
      const after = clampScore(points.reduce((sum, point) => sum + point.score, 0), item.maxScore);
      const appealStatus: Exclude<AppealStatus, 'open'> | null = item.appeal
        ? request.resolution.action === 'reject'
          ? 'rejected'
          : roundScore(after) === roundScore(item.score)
            ? 'upheld'
            : 'changed'
        : null;
      const freeText = row.feedback !== null && row.feedback.rubric.length > 0;
      const feedback: FreeTextFeedback | null = freeText
        ? {
            ...row.feedback!,
            status: 'graded',
            score: after,
            rubric: row.feedback!.rubric.map((point, index) => ({ ...point, score: points[index]!.score, verdict: points[index]!.verdict as 'met' | 'partial' | 'missed' })),
          }
        : row.feedback;
      const partVerdicts = points.map((point) => ({ part: point.part, verdict: point.verdict, score: point.score, maxScore: point.maxScore }));
      const now = clock();
      const noticeKind: NewLearnerNotice['kind'] = item.appeal ? 'appeal-resolved' : 'teacher-grade';
      deps.store.applyHumanGrade({
        attemptId: item.attemptId,
        expected: { score: item.score, status: item.status, gradedBy: item.gradedBy, appealId: item.appeal?.id ?? null },
        score: after,
        partVerdicts,
        feedback,
        reviewedBy: request.resolvedBy,
        reviewedAt: now,
        historyReason: item.appeal ? 'appeal' : 'teacher',
        appeal: item.appeal && appealStatus ? { id: item.appeal.id, status: appealStatus, note } : null,
        notice: {
          userId: item.userId,
          guildId: item.guildId,
          attemptId: item.attemptId,
          kind: noticeKind,
          // Parameters of `notice.teacher-grade` / `notice.appeal-resolved`: short texts, plain numbers.
          params: {
            bank: item.bankId,
            question: shorten(item.stem ?? item.questionId, NOTICE_TEXT_MAX),
            answer: shorten(item.answer, NOTICE_TEXT_MAX),
            before: item.score,
            after,
            max: item.maxScore,
            delta: roundScore(after - item.score),
            status: appealStatus ?? (request.resolution.action === 'reject' ? 'rejected' : after === item.score ? 'confirmed' : 'changed'),
            note: note ?? '',
          },
          createdAt: now,
        },
      });
      return {
        attemptId: item.attemptId,
        userId: item.userId,
        kind: item.kind,
        before: item.score,
        after,
        maxScore: item.maxScore,
        points,
        appealStatus,
        noticeKind,
      };
    },
  };
}

function pick(filter: QueueFilter): Pick<QueueFilter, 'guildId' | 'bankId'> {
  return { ...(filter.guildId !== undefined ? { guildId: filter.guildId } : {}), ...(filter.bankId !== undefined ? { bankId: filter.bankId } : {}) };
}
