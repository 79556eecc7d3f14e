import type { ParsedBank } from './types.ts';

export function parseGift(_text: string, _options?: { sourceName: string }): ParsedBank {
  return { questions: [], skipped: [], warnings: [], errors: [{ message: 'not implemented' }] };
}
