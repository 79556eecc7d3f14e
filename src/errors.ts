import { t, type MessageParams } from './messages/catalog.ts';

/**
 * Every expected error the user may see. Each code has a message in every locale of the catalogue
 * (`error.<code>`, checked by the compiler), so a Chinese learner never gets an English code text.
 */
export const USER_ERROR_CODES = [
  // The quiz flow (Discord and `tutor practice`).
  'session-not-found',
  'session-finished',
  'not-owner',
  'stale-question',
  'already-answered',
  'not-answered-yet',
  'no-questions',
  'nothing-due',
  'bank-not-found',
  'shutting-down',
  // Discord commands.
  'unknown-command',
  'guild-only',
  'no-permission',
  'not-a-teacher',
  'too-large',
  'download-failed',
  // The command line.
  'invalid-option',
  'unknown-bank',
  'unknown-type',
  'unknown-topic',
  'unknown-question',
  'draft-question',
  'invalid-bank',
  'llm-not-configured',
  'storage-write-failed',
  'eval-dataset',
  // Storage.
  'database-missing',
  'database-newer-schema',
  'database-unreadable',
  'database-outdated',
  'database-migration',
  'backup-exists',
  'backup-folder-missing',
  'attempt-not-found',
  // --- h12-class-discord ---
  'choose-bank',
  'class-answer-gone',
  // --- h12-keyfix ---
  'key-fix-type',
  'key-fix-blank',
  'key-fix-fraction',
  'key-fix-answer-empty',
  'key-fix-answer-long',
  'key-fix-answer-separator',
  'key-fix-answer-unreadable',
  'key-fix-no-effect',
  'key-fix-no-file',
  'key-fix-file-changed',
  'regrade-free-text',
  // --- h12-queue-appeals ---
  'appeal-not-yours',
  'appeal-exists',
  'appeal-rate-limited',
  'appeal-reason-empty',
  'appeal-reason-too-long',
  'queue-item-not-found',
  'queue-item-resolved',
  'queue-note-required',
  'queue-note-too-long',
  'queue-score-count',
  'queue-invalid-score',
  // --- h13-exam-core ---
  'exam-not-found',
  'exam-not-owner',
  'exam-already-open',
  'exam-submitted',
  'exam-not-submitted',
  'exam-not-started',
  'exam-question-out-of-range',
  'exam-paper-not-found',
  'exam-needs-minutes',
  'exam-minutes-out-of-range',
  'exam-not-enough-questions',
] as const;

export type UserErrorCode = (typeof USER_ERROR_CODES)[number];

/**
 * An expected error: the user sees the catalogue's `error.<code>` in their locale, filled from
 * `params`. `message` is the English text, for logs and for callers without a locale.
 * Anything else is unexpected: logged with a reference id and answered with a short apology.
 */
export class UserError extends Error {
  constructor(
    readonly code: UserErrorCode,
    readonly params: MessageParams = {},
  ) {
    super(t('en-US', `error.${code}`, params));
    this.name = 'UserError';
  }

  /** The message in the user's locale (`zh-CN`, `zh`, `en-US`, a Discord locale, …). */
  localized(locale: string | null | undefined): string {
    return t(locale, `error.${this.code}`, this.params);
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
