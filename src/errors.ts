/**
 * An expected error: the user sees `message` (or a translation by `code`) in plain words.
 * Anything else is unexpected: logged with a reference id and answered with a short apology.
 */
export class UserError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
