import { describe, expect, it } from 'vitest';
import { USER_ERROR_CODES, UserError } from '../../src/errors.ts';
import { catalogs, hasMessage, resolveLocale, t, templateParams, type MessageKey } from '../../src/messages/catalog.ts';
import { displayWidth, formatColumns, formatFraction, formatPercent, formatPoints, padEndWidth, truncateWidth } from '../../src/messages/format.ts';

describe('the message catalogue', () => {
  it('has every key in both en-US and zh-CN, with the same placeholders', () => {
    const english = catalogs['en-US'];
    const chinese = catalogs['zh-CN'];
    expect(Object.keys(chinese).sort()).toEqual(Object.keys(english).sort());
    for (const key of Object.keys(english) as MessageKey[]) {
      expect(templateParams(chinese[key]), key).toEqual(templateParams(english[key]));
    }
  });

  it('has no "(s)" plural hacks left: plurals go through Intl.PluralRules', () => {
    for (const [key, text] of Object.entries(catalogs['en-US'])) expect(text, key).not.toMatch(/\(s\)/);
  });

  it.each([
    ['zh-CN', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['zh_CN.UTF-8', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['en-US', 'en-US'],
    ['en-GB', 'en-US'],
    ['fr', 'en-US'],
    [null, 'en-US'],
    [undefined, 'en-US'],
  ])('treats the locale %s as %s', (locale, expected) => {
    expect(resolveLocale(locale)).toBe(expected);
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(t('en-US', 'quiz.verdict.points', { score: 2, max: 3 })).toBe('2 / 3 points');
    expect(t('zh-CN', 'quiz.verdict.points', { score: 2, max: 3 })).toBe('2 / 3 分');
    expect(t('en-US', 'quiz.threadName', { user: 'Ada' })).toBe('Ada · {bank}');
  });

  it('picks the plural form by the number, in English one and other, in Chinese one form', () => {
    expect(t('en-US', 'quiz.card.description', { count: 1, user: 'Ada' })).toBe('1 question for Ada.');
    expect(t('en-US', 'quiz.card.description', { count: 5, user: 'Ada' })).toBe('5 questions for Ada.');
    expect(t('en-US', 'quiz.verdict.points', { score: 1, max: 1 })).toBe('1 / 1 point');
    expect(t('en-US', 'quiz.verdict.points', { score: 0.5, max: 0.5 })).toBe('0.5 / 0.5 points');
    expect(t('zh-CN', 'quiz.card.description', { count: 5, user: 'Ada' })).toBe('为 Ada 准备了 5 道题。');
    expect(t('en-US', 'forget.done', { attempts: 1, sessions: 2, followUps: 0, reviewCards: 1 })).toBe(
      'Done: removed 1 answer, 2 sessions, 0 follow-up messages and 1 review card.',
    );
  });

  it('inserts a parameter as data: braces and # in a learner’s text are not parsed', () => {
    expect(t('en-US', 'quiz.threadName', { user: '{bank} #1', bank: 'B' })).toBe('{bank} #1 · B');
    expect(t('en-US', 'quiz.card.description', { count: 2, user: '{count, plural, one {x} other {y}}' })).toBe('2 questions for {count, plural, one {x} other {y}}.');
  });

  it('shows every number with the same precision: at most two decimals', () => {
    expect(t('en-US', 'quiz.verdict.points', { score: 1 / 3, max: 1 })).toBe('0.33 / 1 point');
    expect(formatPoints(2)).toBe('2');
    expect(formatPoints(0.25)).toBe('0.25');
    expect(formatPoints(2 / 3)).toBe('0.67');
    expect(formatFraction(1.5, 2)).toBe('1.5/2');
    expect(formatPercent(2 / 3)).toBe('67%');
  });

  it('has a message for every user error code in every locale, and UserError renders it in the learner’s locale', () => {
    for (const code of USER_ERROR_CODES) {
      expect(hasMessage(`error.${code}`), code).toBe(true);
      expect(catalogs['zh-CN'][`error.${code}`], code).toMatch(/\p{Script=Han}/u);
    }
    const error = new UserError('unknown-topic', { topic: 'nosuch', scope: 'every-type', topics: 'batching, memory' });
    expect(error.message).toBe('No topic "nosuch" in every-type. Topics: batching, memory.');
    expect(error.localized('zh-CN')).toBe('every-type 中没有主题「nosuch」。现有主题：batching, memory。');
    expect(new UserError('already-answered').localized('zh-CN')).toBe('你已经回答过这道题了。点击「下一题」继续。');
  });

  it('translates every invalid-answer reason', () => {
    const invalidCodes = ['empty', 'too-long', 'no-valid-option', 'too-many-options', 'blank-count', 'not-a-number', 'not-true-false'];
    for (const code of invalidCodes) expect(hasMessage(`invalid.${code}`), code).toBe(true);
  });
});

describe('display width for terminal columns', () => {
  it('counts CJK and full-width characters as two columns and colour codes as none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('简答题')).toBe(6);
    expect(displayWidth('Ｂ，')).toBe(4);
    expect(displayWidth('\x1b[32m✔\x1b[0m')).toBe(1);
    expect(padEndWidth('单选题', 8)).toBe('单选题  ');
    expect(truncateWidth('量化会减少模型大小', 9)).toBe('量化会减…');
  });

  it('aligns columns of mixed Chinese and English text', () => {
    const lines = formatColumns([
      ['单选题', '1/1', 'x'],
      ['Short answer', '0/1', 'y'],
    ]);
    expect(lines.map((line) => displayWidth(line.slice(0, line.lastIndexOf(' ') + 1)))).toEqual([19, 19]);
  });
});
