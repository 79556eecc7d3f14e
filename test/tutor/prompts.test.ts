import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPrompts, PromptError } from '../../src/tutor/prompts.ts';
import { PROMPTS_DIR } from './helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A copy of the shipped prompts with one file replaced. */
function promptsWith(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'study-tutor-prompts-'));
  dirs.push(dir);
  for (const file of fs.readdirSync(PROMPTS_DIR)) fs.copyFileSync(path.join(PROMPTS_DIR, file), path.join(dir, file));
  fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('loading prompts', () => {
  it('loads the shipped prompts with their versions', () => {
    const prompts = loadPrompts(PROMPTS_DIR);
    expect(prompts['grade-short'].version).toBe('grade-short@1');
    expect(prompts['grade-essay'].version).toBe('grade-essay@1');
    expect(prompts['follow-up'].version).toBe('follow-up@1');
  });

  const shortText = fs.readFileSync(path.join(PROMPTS_DIR, 'grade-short.md'), 'utf8');
  it.each([
    ['no front matter', shortText.replace(/^---[\s\S]*?---\n/, ''), /missing front matter/],
    ['a version of another prompt', shortText.replace('grade-short@1', 'grade-essay@1'), /should look like grade-short@1/],
    ['a missing placeholder', shortText.replace('{{answer}}', 'ANSWER'), /lacks the placeholder \{\{answer\}\}/],
    ['an unknown placeholder', shortText.replace('{{stem}}', '{{stem}} {{secret}}'), /unknown placeholder \{\{secret\}\}/],
    ['a missing part', shortText.replace('<!-- part: system -->', ''), /text before the first/],
    ['an unknown part', `${shortText}\n<!-- part: extra -->\nhello\n`, /unknown part "extra"/],
  ])('rejects a prompt with %s, naming the file', (_case, text, message) => {
    const dir = promptsWith('grade-short.md', text);
    expect(() => loadPrompts(dir)).toThrow(PromptError);
    expect(() => loadPrompts(dir)).toThrow(message);
    expect(() => loadPrompts(dir)).toThrow(path.join(dir, 'grade-short.md'));
  });

  it('names a missing file', () => {
    const dir = promptsWith('grade-short.md', shortText);
    fs.rmSync(path.join(dir, 'follow-up.md'));
    expect(() => loadPrompts(dir)).toThrow(/follow-up\.md: cannot read the prompt file \(ENOENT\)/);
  });
});
