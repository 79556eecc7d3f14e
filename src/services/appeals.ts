import { UserError } from '../errors.ts';

/**
 * Appeals (issue 12 item 6): a learner contests the grade of one of their stored answers, once per
 * attempt, with a reason of at most 1,000 characters. The appeal joins the review queue
 * (services/review-queue.ts), where a teacher resolves it; the learner sees its state in `/stats` and
 * is told the outcome through the notice outbox.
 *
 * Rate limit: at most APPEAL_LIMIT.count appeals per learner in any rolling APPEAL_LIMIT.windowMs
 * (3 a day), and at most APPEAL_LIMIT.open open at once, so one learner cannot flood the teacher's
 * queue; an appeal refused by the limit is not stored and can be made later.
 */
export type AppealStatus = 'open' | 'upheld' | 'changed' | 'rejected';

export const APPEAL_REASON_MAX = 1000;
export const APPEAL_LIMIT = { count: 3, windowMs: 24 * 60 * 60 * 1000, open: 5 } as const;

export interface Appeal {
  id: number;
  attemptId: number;
  userId: string;
  guildId: string | null;
  reason: string;
  status: AppealStatus;
  createdAt: Date;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  resolutionNote: string | null;
}

export interface NewAppeal {
  attemptId: number;
  userId: string;
  guildId: string | null;
  reason: string;
  createdAt: Date;
}

/** An appeal with what the learner needs to recognise it in `/stats`. */
export interface AppealView extends Appeal {
  bankId: string;
  questionId: string;
  score: number;
  maxScore: number;
}

export interface AppealSummary {
  open: number;
  upheld: number;
  changed: number;
  rejected: number;
  /** The most recent appeals, newest first (at most 5). */
  recent: AppealView[];
}

/** What the appeals need from storage (src/storage/review-queue-repository.ts). */
export interface AppealStore {
  /** Who answered the attempt, or null when there is no such attempt. */
  attemptOwner(attemptId: number): { userId: string; guildId: string | null } | null;
  appealOfAttempt(attemptId: number): Appeal | null;
  /** How many appeals the learner made at or after `since`, and how many of theirs are open. */
  appealCounts(userId: string, since: Date): { recent: number; open: number };
  /** Stores the appeal; a second appeal of the same attempt throws `appeal-exists`. */
  insertAppeal(appeal: NewAppeal): Appeal;
  appealsOfUser(userId: string, limit: number): AppealView[];
  appealStatusCounts(userId: string): Record<AppealStatus, number>;
}

export interface SubmitAppealInput {
  attemptId: number;
  userId: string;
  reason: string;
}

export interface AppealService {
  /**
   * Throws the UserError the learner would get for appealing this attempt now (not theirs, already
   * appealed, over the limit), so the front end can refuse before asking for a reason.
   */
  checkCanAppeal(attemptId: number, userId: string): void;
  submit(input: SubmitAppealInput): Appeal;
  summaryFor(userId: string): AppealSummary;
}

export function createAppealService(store: AppealStore, clock: () => Date = () => new Date()): AppealService {
  const check = (attemptId: number, userId: string, now: Date) => {
    const owner = store.attemptOwner(attemptId);
    if (!owner) throw new UserError('attempt-not-found', { attemptId });
    if (owner.userId !== userId) throw new UserError('appeal-not-yours');
    if (store.appealOfAttempt(attemptId)) throw new UserError('appeal-exists');
    const counts = store.appealCounts(userId, new Date(now.getTime() - APPEAL_LIMIT.windowMs));
    if (counts.recent >= APPEAL_LIMIT.count || counts.open >= APPEAL_LIMIT.open) {
      throw new UserError('appeal-rate-limited', { count: APPEAL_LIMIT.count, open: APPEAL_LIMIT.open });
    }
    return owner;
  };
  return {
    checkCanAppeal(attemptId, userId) {
      check(attemptId, userId, clock());
    },
    submit(input) {
      const reason = input.reason.trim();
      if (reason.length === 0) throw new UserError('appeal-reason-empty');
      if ([...reason].length > APPEAL_REASON_MAX) throw new UserError('appeal-reason-too-long', { max: APPEAL_REASON_MAX });
      const now = clock();
      const owner = check(input.attemptId, input.userId, now);
      return store.insertAppeal({ attemptId: input.attemptId, userId: input.userId, guildId: owner.guildId, reason, createdAt: now });
    },
    summaryFor(userId) {
      return { ...store.appealStatusCounts(userId), recent: store.appealsOfUser(userId, 5) };
    },
  };
}
