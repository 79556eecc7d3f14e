import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Prompt templates live in prompts/*.md, are read and checked once at start, and carry a version
 * (front matter `version: name@N`) that is stored with every feedback. A file is split into named
 * parts by lines `<!-- part: NAME -->`; `{{placeholder}}`s are filled in one pass, so text a learner
 * typed is never expanded as a placeholder.
 */

export type PromptName = 'grade-short' | 'grade-essay' | 'follow-up';

export interface PromptTemplate {
  name: PromptName;
  /** e.g. `grade-short@1` */
  version: string;
  parts: Record<string, string>;
}

export type PromptSet = Readonly<Record<PromptName, PromptTemplate>>;

const GRADING_PLACEHOLDERS = ['stem', 'reference', 'analysis', 'rubric', 'answer', 'language', 'maxScore', 'pointCount'];

/** What each prompt must contain; a missing part or placeholder stops the bot at start with the file named. */
export const PROMPT_REQUIREMENTS: Record<PromptName, { parts: Record<string, string[]> }> = {
  'grade-short': { parts: { system: [], user: GRADING_PLACEHOLDERS } },
  'grade-essay': { parts: { system: [], user: GRADING_PLACEHOLDERS } },
  'follow-up': {
    parts: {
      system: ['language', 'modeRules'],
      'hints-only': [],
      'full-explanation': [],
      user: ['context', 'message'],
    },
  },
};

export class PromptError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'PromptError';
  }
}

const PART_MARKER = /^<!--\s*part:\s*([a-z][a-z-]*)\s*-->\s*$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

export function parsePrompt(name: PromptName, text: string, file: string): PromptTemplate {
  const normalized = text.replace(/\r\n/g, '\n');
  const frontMatter = /^---\n([\s\S]*?)\n---\n/.exec(normalized);
  if (!frontMatter) throw new PromptError(file, 'missing front matter (--- version: name@N ---) on line 1');
  const versionLine = /^version:\s*(\S+)\s*$/m.exec(frontMatter[1] ?? '');
  const version = versionLine?.[1];
  if (!version) throw new PromptError(file, 'front matter has no `version:` line');
  if (!new RegExp(`^${name}@\\d+$`).test(version)) throw new PromptError(file, `version "${version}" should look like ${name}@1`);

  const body = normalized.slice(frontMatter[0].length);
  const parts: Record<string, string> = {};
  let current: string | null = null;
  let buffer: string[] = [];
  const lines = body.split('\n');
  const firstBodyLine = normalized.slice(0, frontMatter[0].length).split('\n').length;
  const flush = () => {
    if (current !== null) parts[current] = buffer.join('\n').trim();
  };
  lines.forEach((line, offset) => {
    const marker = PART_MARKER.exec(line);
    if (marker) {
      flush();
      current = marker[1] ?? '';
      if (current in parts) throw new PromptError(file, `line ${firstBodyLine + offset}: part "${current}" appears twice`);
      buffer = [];
    } else if (current === null) {
      if (line.trim() !== '') throw new PromptError(file, `line ${firstBodyLine + offset}: text before the first <!-- part: NAME --> marker`);
    } else {
      buffer.push(line);
    }
  });
  flush();

  const requirements = PROMPT_REQUIREMENTS[name].parts;
  for (const [part, placeholders] of Object.entries(requirements)) {
    const content = parts[part];
    if (content === undefined || content === '') throw new PromptError(file, `missing part "${part}" (add a line <!-- part: ${part} -->)`);
    const present = new Set([...content.matchAll(PLACEHOLDER)].map((match) => match[1]));
    for (const placeholder of placeholders) {
      if (!present.has(placeholder)) throw new PromptError(file, `part "${part}" lacks the placeholder {{${placeholder}}}`);
    }
    for (const used of present) {
      if (!placeholders.includes(used ?? '')) throw new PromptError(file, `part "${part}" uses an unknown placeholder {{${used}}}`);
    }
  }
  for (const part of Object.keys(parts)) {
    if (!(part in requirements)) throw new PromptError(file, `unknown part "${part}"; expected ${Object.keys(requirements).join(', ')}`);
  }
  return { name, version, parts };
}

/** Reads and checks prompts/grade-short.md, grade-essay.md and follow-up.md; throws PromptError naming the file. */
export function loadPrompts(dir: string): PromptSet {
  const load = (name: PromptName): PromptTemplate => {
    const file = path.join(dir, `${name}.md`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new PromptError(file, `cannot read the prompt file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    return parsePrompt(name, text, file);
  };
  return Object.freeze({ 'grade-short': load('grade-short'), 'grade-essay': load('grade-essay'), 'follow-up': load('follow-up') });
}

/** Fills `{{name}}` placeholders in one pass; a value is inserted as-is and never re-scanned. */
export function renderPart(template: PromptTemplate, part: string, values: Record<string, string>): string {
  const content = template.parts[part];
  if (content === undefined) throw new PromptError(template.name, `no part "${part}"`);
  return content.replace(PLACEHOLDER, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new PromptError(template.name, `no value for {{${key}}} in part "${part}"`);
    return value;
  });
}
