import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countNoun, escapeForTerminal, formatBytes, pluralWord } from '../../src/messages/format.ts';

const srcDir = fileURLToPath(new URL('../../src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('English plurals for operator text', () => {
  it.each([
    [0, '0 questions'],
    [1, '1 question'],
    [2, '2 questions'],
    [10000, '10000 questions'],
    [1.5, '1.5 questions'],
  ])('writes the count %s with its noun as "%s"', (count, expected) => {
    expect(countNoun(count, 'question')).toBe(expected);
  });

  it('takes an irregular plural when one is given', () => {
    expect(countNoun(1, 'analysis', 'analyses')).toBe('1 analysis');
    expect(countNoun(3, 'analysis', 'analyses')).toBe('3 analyses');
  });

  it('agrees with the number as it is shown, so 1.004 points reads as one point', () => {
    expect(countNoun(1.004, 'point')).toBe('1 point');
    expect(countNoun(0.333333, 'point')).toBe('0.33 points');
  });

  it('picks a verb or any other word form by the count', () => {
    expect(`${countNoun(1, 'bank file')} ${pluralWord(1, 'has', 'have')} errors`).toBe('1 bank file has errors');
    expect(`${countNoun(4, 'bank file')} ${pluralWord(4, 'has', 'have')} errors`).toBe('4 bank files have errors');
    expect(pluralWord(1, 'file')).toBe('file');
    expect(pluralWord(0, 'file')).toBe('files');
  });

  it('leaves no "(s)" plural hack in the source: counts go through countNoun and pluralWord', () => {
    const hacks = sourceFiles(srcDir).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) => (/\w\(s\)/.test(line) ? [`${path.relative(srcDir, file)}:${index + 1}: ${line.trim()}`] : [])),
    );
    expect(hacks).toEqual([]);
  });
});

describe('byte sizes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [1024 * 1024 - 1, '1 MiB'],
    [20 * 1024 * 1024, '20 MiB'],
    [12.34 * 1024 * 1024, '12.3 MiB'],
    [2 * 1024 * 1024 * 1024 - 1, '2 GiB'],
  ])('writes %i bytes as "%s"', (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });
});

describe('escapeForTerminal', () => {
  it('shows escape, bell, newline and bidi-override characters as escapes and leaves other text alone', () => {
    expect(escapeForTerminal('\x1b[2J\x07a\nb')).toBe('\\u{1b}[2J\\u{7}a\\u{a}b');
    expect(escapeForTerminal('abc\u202Etxt.exe')).toBe('abc\\u{202e}txt.exe');
    expect(escapeForTerminal('李雷 Ana é')).toBe('李雷 Ana é');
  });
});
