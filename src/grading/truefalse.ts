import type { TrueFalseQuestion } from '../bank/schema.ts';
import { stripAnswerLeadIn } from './answer-prefix.ts';
import { matchKeyOfNormalized, normalizeText } from './normalize.ts';
import { gradedResult, invalidResult } from './result.ts';
import type { GradeResult } from './types.ts';

/** Every way of saying true or false we accept, as `normalizeForMatch` leaves it (lower case, no spaces). */
const TRUE_WORDS = ['对', '对的', '正确', '是', '是的', '真', '√', '✓', '✔', '☑', '✅', 't', 'true', 'yes', 'y', 'right', 'correct'];
const FALSE_WORDS = ['错', '错的', '错误', '不对', '不正确', '否', '假', '非', '×', '✗', '✘', '✖', '❌', '❎', 'x', 'f', 'false', 'no', 'n', 'wrong', 'incorrect'];
const WORD_VALUES = new Map<string, boolean>([
  ...TRUE_WORDS.map((word) => [word, true] as const),
  ...FALSE_WORDS.map((word) => [word, false] as const),
]);

const HAN = /\p{Script=Han}/u;

/** `对`/`错` for a question written in Chinese, `true`/`false` otherwise. */
export function displayTrueFalse(question: TrueFalseQuestion, value: boolean): string {
  if (HAN.test(question.stem)) return value ? '对' : '错';
  return value ? 'true' : 'false';
}

export function gradeTrueFalse(question: TrueFalseQuestion, raw: string): GradeResult {
  const text = normalizeText(raw);
  const value = WORD_VALUES.get(matchKeyOfNormalized(text)) ?? WORD_VALUES.get(matchKeyOfNormalized(stripAnswerLeadIn(text)));
  if (value === undefined) {
    return invalidResult(question, 'not-true-false', 'Answer true or false (对/错, T/F, yes/no, √/×).');
  }
  const right = value === question.answer;
  const expected = displayTrueFalse(question, question.answer);
  return gradedResult(
    question,
    right ? question.points : 0,
    [{ part: 'answer', verdict: right ? 'correct' : 'wrong', given: String(value), expected, score: right ? question.points : 0, maxScore: question.points }],
    String(value),
    expected,
  );
}
