import { describe, expect, it } from 'vitest';
import { slashCommands } from '../../src/discord/commands/registry.ts';

type Option = { name: string; description: string; name_localizations?: Record<string, string>; description_localizations?: Record<string, string>; options?: Option[] };

// Discord's rule for command and option names (lowercase where the script has case).
const NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function everyNamed(options: Option[] | undefined): Option[] {
  return (options ?? []).flatMap((option) => [option, ...everyNamed(option.options)]);
}

describe('slash command definitions', () => {
  it('registers /quiz, /review, /stats, /leaderboard, /bank, /forget-me, /class and /exam', () => {
    expect(slashCommands.map((c) => c.definition.name)).toEqual(['quiz', 'review', 'stats', 'leaderboard', 'bank', 'forget-me', 'class', 'exam']);
  });

  it.each(slashCommands.map((c) => [c.definition.name, c.definition as unknown as Option]))(
    '/%s has valid names and descriptions in en-US and zh-CN, on the command and every option',
    (_name, definition) => {
      for (const item of [definition, ...everyNamed(definition.options)]) {
        for (const name of [item.name, ...Object.values(item.name_localizations ?? {})]) {
          expect(name, item.name).toMatch(NAME);
          expect(name, item.name).toBe(name.toLowerCase());
        }
        expect(Object.keys(item.name_localizations ?? {}).sort(), item.name).toEqual(['en-US', 'zh-CN']);
        expect(Object.keys(item.description_localizations ?? {}).sort(), item.name).toEqual(['en-US', 'zh-CN']);
        for (const description of [item.description, ...Object.values(item.description_localizations ?? {})]) {
          expect(description.length, item.name).toBeGreaterThan(0);
          expect(description.length, item.name).toBeLessThanOrEqual(100);
        }
      }
    },
  );

  it('offers autocomplete for the bank and topic of /quiz', () => {
    const quiz = slashCommands[0]!.definition as unknown as { options: Array<{ name: string; autocomplete?: boolean }> };
    expect(quiz.options.filter((o) => o.autocomplete).map((o) => o.name)).toEqual(['bank', 'topic']);
  });
});
