import { cliCommands, cliGroups, type CliCommandEntry } from './registry.ts';
import type { CliCommand } from './types.ts';

/**
 * The help texts of `tutor`, built from the registry and each command's usage and summary, so every
 * command answers `--help` alike and a new command gets its help by being registered.
 */

const helpOption = { flag: '-h, --help', description: 'Show this help' };

function columns(rows: ReadonlyArray<readonly [string, string]>, indent = '  '): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}  ${right}`.trimEnd());
}

/** `tutor --help`: every command with its one-line description. */
export async function renderOverview(version: string): Promise<string> {
  const rows: Array<[string, string]> = [];
  for (const entry of cliCommands) rows.push([entry.path.join(' '), (await entry.load()).summary]);
  return [
    `tutor ${version}: practise from question banks in the terminal, check and import banks, and run the study-tutor Discord bot's maintenance tasks.`,
    '',
    'Usage: tutor <command> [options]',
    '',
    'Commands:',
    ...columns(rows),
    '',
    'Options:',
    ...columns([
      ['-h, --help', 'Show this help'],
      ['-V, --version', 'Print the version'],
    ]),
    '',
    'Run `tutor <command> --help` or `tutor help <command>` for the options of a command.',
    '',
  ].join('\n');
}

/** `tutor <command> --help`: the one-line description, the usage, every option and the notes. */
export function renderCommandHelp(entry: CliCommandEntry, command: CliCommand): string {
  const lines = [command.summary, '', `Usage: tutor ${command.usage}`, '', 'Options:', ...columns([...entry.options, helpOption].map((option) => [option.flag, option.description] as const))];
  if (entry.notes && entry.notes.length > 0) lines.push('', ...entry.notes);
  return `${lines.join('\n')}\n`;
}

/** `tutor bank`: the sub-commands of a group word. */
export async function renderGroupHelp(group: string): Promise<string> {
  const rows: Array<[string, string]> = [];
  for (const entry of cliCommands.filter((candidate) => candidate.path[0] === group)) rows.push([entry.path.join(' '), (await entry.load()).summary]);
  return [cliGroups[group] ?? '', '', `Usage: tutor ${group} <command> [options]`, '', 'Commands:', ...columns(rows), '', `Run \`tutor ${group} <command> --help\` for the options of a command.`, ''].join('\n');
}

/** True when the word groups sub-commands (`bank`, `db`, `eval`) rather than naming a command. */
export function isGroup(word: string | undefined): word is string {
  return word !== undefined && cliCommands.some((entry) => entry.path.length > 1 && entry.path[0] === word);
}

/**
 * Whether the arguments ask for help: `-h` or `--help` before a `--`, and not the value of an option
 * that takes one (`grade --answer -h` grades the answer "-h").
 */
export function asksForHelp(args: readonly string[], entry: CliCommandEntry): boolean {
  const takesValue = new Set(entry.options.filter((option) => /^--\S+ \S/.test(option.flag)).map((option) => option.flag.split(' ')[0]!));
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
    if (takesValue.has(arg)) index += 1;
  }
  return false;
}

/** Edit distance counting a swap of two neighbouring letters as one edit (typing errors). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The command a mistyped one most likely meant, as the words to type after `tutor`, or undefined when
 * nothing is close. `words` are what was typed; a known group word narrows the search to its sub-commands.
 */
export function nearestCommand(words: readonly string[]): string | undefined {
  const [first, second] = words;
  if (first === undefined) return undefined;
  const candidates: Array<[typed: string, name: string, suggestion: string]> = [];
  if (isGroup(first) && second !== undefined) {
    for (const entry of cliCommands) if (entry.path[0] === first && entry.path[1]) candidates.push([second.toLowerCase(), entry.path[1], entry.path.join(' ')]);
  } else {
    const typed = first.toLowerCase();
    const seen = new Set<string>();
    for (const entry of cliCommands) {
      const top = entry.path[0]!;
      if (!seen.has(top)) candidates.push([typed, top, top]);
      seen.add(top);
      // `tutor import` most likely meant `tutor bank import`.
      if (entry.path[1]) candidates.push([typed, entry.path[1], entry.path.join(' ')]);
    }
  }
  let best: { distance: number; suggestion: string } | undefined;
  for (const [typed, name, suggestion] of candidates) {
    const distance = typed.length >= 3 && name.startsWith(typed) ? 1 : editDistance(typed, name);
    const allowed = Math.max(1, Math.floor(name.length / 3));
    if (distance <= allowed && (!best || distance < best.distance)) best = { distance, suggestion };
  }
  return best?.suggestion;
}
