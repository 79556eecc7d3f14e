/**
 * Messages owed to learners about their stored answers: a regrade after a key fix, a teacher's grade
 * from the review queue, an appeal's outcome. The core services enqueue them in the same step that
 * changes the grade; the front end that can reach the learner (the Discord bot: their quiz thread,
 * else a direct message) delivers them, batched and rate-limited, and marks them delivered, so each is
 * told once, also across a restart.
 */
export type LearnerNoticeKind = 'regrade' | 'teacher-grade' | 'appeal-resolved';

export interface NewLearnerNotice {
  userId: string;
  guildId: string | null;
  /** The attempt the notice is about (its quiz thread is where it is delivered). */
  attemptId: number | null;
  kind: LearnerNoticeKind;
  /** Parameters of the notice's message in the catalogue (`notice.<kind>`): question, answer, points… */
  params: Record<string, string | number>;
  createdAt: Date;
}

export interface LearnerNotice extends NewLearnerNotice {
  id: number;
  /** The thread the attempt was answered in, when it was answered in one. */
  threadId: string | null;
}

export interface NoticeOutbox {
  /** Stores the notices; returns their ids. Call inside the transaction that changes the grade where one is open. */
  enqueue(notices: readonly NewLearnerNotice[]): number[];
  /** Undelivered notices, oldest first. */
  pending(limit: number): LearnerNotice[];
  markDelivered(ids: readonly number[], at: Date): void;
}

/** What a front end needs to deliver notices. */
export interface NoticeService {
  pending(limit: number): LearnerNotice[];
  markDelivered(ids: readonly number[]): void;
}

export function createNoticeService(outbox: NoticeOutbox, clock: () => Date = () => new Date()): NoticeService {
  return {
    pending: (limit) => outbox.pending(limit),
    markDelivered: (ids) => outbox.markDelivered(ids, clock()),
  };
}
