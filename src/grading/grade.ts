import type { Question } from '../bank/schema.ts';
import { gradeBlank } from './blank.ts';
import { gradeChoice, gradeMulti } from './choice.ts';
import { isBlankText, normalizeText, removeZeroWidth } from './normalize.ts';
import { gradeNumeric } from './numeric.ts';
import { invalidResult } from './result.ts';
import { gradeTrueFalse } from './truefalse.ts';
import type { GradeResult, RawAnswer } from './types.ts';

export const DEFAULT_ANSWER_MAX_LENGTH = 4000;

export interface GradeOptions {
  /** Longest answer accepted, in UTF-16 code units; a free-text question's own `maxLength` wins. Default 4000. */
  maxLength?: number;
}

/**
 * Grades one answer deterministically. Pure and total: the same question and answer always give the
 * same result, and it never throws. An answer that cannot be read (empty, too long, naming no option,
 * not a number…) is `invalid` with a reason, never graded wrong. Short and essay answers come back as
 * `needs-feedback` for the tutor. Scores are in hundredths and always within 0..points.
 */
export function gradeAnswer(question: Question, raw: RawAnswer, options: GradeOptions = {}): GradeResult {
  // Typed as strings, but a caller may hand over anything (a JSON body, a bad custom id): never throw.
  const strings: string[] =
    typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.map((piece: unknown) => (typeof piece === 'string' ? piece : '')) : [];
  let length = 0;
  let blank = true;
  for (const piece of strings) {
    length += piece.length;
    if (blank && !isBlankText(piece)) blank = false;
  }
  if (blank) return invalidResult(question, 'empty', 'The answer is empty.');
  const limit =
    (question.type === 'short' || question.type === 'essay' ? question.maxLength : undefined) ??
    options.maxLength ??
    DEFAULT_ANSWER_MAX_LENGTH;
  if (length > limit) {
    return invalidResult(question, 'too-long', `The answer is ${length} characters long; the limit is ${limit}.`);
  }
  // Every type but `blank` takes one string; several given (e.g. repeated --answer) are one answer per line.
  const text = strings.length === 1 ? (strings[0] as string) : strings.join('\n');

  switch (question.type) {
    case 'choice':
      return gradeChoice(question, text);
    case 'multi':
      return gradeMulti(question, text);
    case 'truefalse':
      return gradeTrueFalse(question, text);
    case 'numeric':
      return gradeNumeric(question, text);
    case 'blank':
      return gradeBlank(question, typeof raw === 'string' ? raw : strings);
    case 'short':
    case 'essay':
      return {
        status: 'needs-feedback',
        questionType: question.type,
        score: 0,
        maxScore: question.points,
        // The learner's own words, only cleaned of invisible characters: the tutor reads them as written.
        normalizedAnswer: removeZeroWidth(text).normalize('NFC').trim(),
      };
    default:
      return unknownType(question);
  }
}

/** A question whose type this build does not know (a newer bank file): asked again, never graded wrong. */
function unknownType(question: never): GradeResult {
  const unknown = question as { type?: unknown; points?: unknown };
  return {
    status: 'invalid',
    questionType: String(unknown.type) as Question['type'],
    score: 0,
    maxScore: typeof unknown.points === 'number' ? unknown.points : 0,
    reason: { code: 'no-valid-option', message: `This build cannot grade questions of type "${normalizeText(String(unknown.type))}".` },
  };
}
