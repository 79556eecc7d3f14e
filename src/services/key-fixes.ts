/**
 * Fixing a key from real answers (issue 12 items 3–4): a teacher accepts an answer the key rejected,
 * the bank file is rewritten through the one bank writer, and the stored attempts of that question are
 * re-graded with the new key.
 */
export interface AcceptAnswerRequest {
  bankId: string;
  questionId: string;
  /** 1-based blank of a fill-in-the-blank question; omitted for other types. */
  blank?: number;
  answer: string;
  /** Share of the points for this answer, 0 < f ≤ 1; default 1. */
  fraction?: number;
  /** Who: a Discord user id, or `cli:<user>` for the command line. */
  changedBy: string;
}

export interface AcceptAnswerResult {
  bankId: string;
  questionId: string;
  blank?: number;
  answer: string;
  fraction: number;
  /** False when the key already accepted this answer (nothing written). */
  changed: boolean;
  backupFile?: string;
}

export interface RegradeRequest {
  bankId: string;
  questionId: string;
  dryRun: boolean;
  changedBy: string;
}

export interface RegradeChange {
  attemptId: number;
  userId: string;
  answer: string;
  before: number;
  after: number;
  maxScore: number;
}

export interface RegradeReport {
  bankId: string;
  questionId: string;
  dryRun: boolean;
  considered: number;
  changed: RegradeChange[];
  unchanged: number;
  skippedTeacherGraded: number;
  pointsDelta: number;
  noticesQueued: number;
}

export interface KeyFixService {
  acceptAnswer(request: AcceptAnswerRequest): Promise<AcceptAnswerResult>;
  regrade(request: RegradeRequest): Promise<RegradeReport>;
}

export function createKeyFixService(): KeyFixService {
  return {
    acceptAnswer() {
      return Promise.reject(new Error('not implemented'));
    },
    regrade() {
      return Promise.reject(new Error('not implemented'));
    },
  };
}
