import { describe, expect, it } from 'vitest';
import { hasMessage, messageTables, resolveLocale, t } from '../../src/discord/i18n.ts';

describe('UI strings', () => {
  it('has every key in both en-US and zh-CN, with the same placeholders', () => {
    const english = messageTables['en-US'];
    const chinese = messageTables['zh-CN'];
    expect(Object.keys(chinese).sort()).toEqual(Object.keys(english).sort());
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(english) as Array<keyof typeof english>) {
      expect(placeholders(chinese[key]), key).toEqual(placeholders(english[key]));
    }
  });

  it.each([
    ['zh-CN', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['en-US', 'en-US'],
    ['en-GB', 'en-US'],
    ['fr', 'en-US'],
    [null, 'en-US'],
    [undefined, 'en-US'],
  ])('treats the Discord locale %s as %s', (locale, expected) => {
    expect(resolveLocale(locale)).toBe(expected);
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(t('en-US', 'quiz.verdict.points', { score: 2, max: 3 })).toBe('2 / 3 pt');
    expect(t('zh-CN', 'quiz.verdict.points', { score: 2, max: 3 })).toBe('2 / 3 分');
    expect(t('en-US', 'quiz.verdict.points', { score: 2 })).toBe('2 / {max} pt');
  });

  it('translates every quiz error code and every invalid-answer reason', () => {
    const quizCodes = ['session-not-found', 'session-finished', 'not-owner', 'stale-question', 'already-answered', 'not-answered-yet', 'no-questions', 'bank-not-found'];
    const invalidCodes = ['empty', 'too-long', 'no-valid-option', 'too-many-options', 'blank-count', 'not-a-number', 'not-true-false'];
    for (const code of quizCodes) expect(hasMessage(`error.${code}`), code).toBe(true);
    for (const code of invalidCodes) expect(hasMessage(`invalid.${code}`), code).toBe(true);
  });
});
