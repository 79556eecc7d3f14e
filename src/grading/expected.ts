import type { Question } from '../bank/schema.ts';
import { displayAccepted } from './blank.ts';
import { displayNumericKey } from './numeric.ts';
import { displayTrueFalse } from './truefalse.ts';

/**
 * The answer key as it is shown after grading, the same text `gradeAnswer` puts in `expected`:
 * `C`, `ABD`, `对`, `40 images/s (± 0.5 images/s)`, `延迟; 吞吐量`, or the reference answer.
 * A draft's empty key shows as an empty string.
 */
export function describeExpectedAnswer(question: Question): string {
  switch (question.type) {
    case 'choice':
      return question.answer;
    case 'multi': {
      const key = new Set(question.answer);
      return question.options.map((option) => option.key).filter((optionKey) => key.has(optionKey)).join('');
    }
    case 'truefalse':
      return displayTrueFalse(question, question.answer);
    case 'numeric':
      return displayNumericKey(question);
    case 'blank':
      return question.blanks.map((blank) => displayAccepted(blank.accept)).join('; ');
    case 'short':
    case 'essay':
      return question.reference;
    default:
      return '';
  }
}
