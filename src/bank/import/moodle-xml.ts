import type { ParsedBank } from './types.ts';

export function parseMoodleXml(_text: string, _options?: { sourceName: string }): ParsedBank {
  return { questions: [], skipped: [], warnings: [], errors: [{ message: 'not implemented' }] };
}
