import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadBankDirectory, loadBankFiles, type BankSetResult } from '../bank/load.ts';
import type { Bank } from '../bank/schema.ts';
import { formatProblem, type BankProblem } from '../bank/validate.ts';
import { loadConfig } from '../config.ts';
import { countNoun } from '../messages/format.ts';
import type { CliCommand, CliIo } from './types.ts';

/** The banks folder: BANKS_DIR (default `data/banks`), relative to the working directory. */
export function resolveBanksDir(io: CliIo): string {
  return path.resolve(io.cwd, loadConfig(io.env).BANKS_DIR);
}

/** A path as the user would type it: relative to the working directory when inside it. */
export function displayPath(io: CliIo, file: string): string {
  const relative = path.relative(io.cwd, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

function withDisplayPaths(io: CliIo, result: BankSetResult): BankSetResult {
  return {
    ...result,
    files: result.files.map((file) => displayPath(io, file)),
    problems: result.problems.map((problem): BankProblem => ({ ...problem, file: displayPath(io, problem.file) })),
  };
}

/** Every bank in the banks folder, with problems' file names relative to the working directory. */
export async function loadBanksForCli(io: CliIo): Promise<BankSetResult> {
  return withDisplayPaths(io, await loadBankDirectory(resolveBanksDir(io)));
}

/** Named files and folders (a folder means every `*.json` in it), or the banks folder when none are named. */
async function loadNamed(io: CliIo, names: string[]): Promise<BankSetResult> {
  if (names.length === 0) return loadBanksForCli(io);
  const files: string[] = [];
  const folderProblems: BankProblem[] = [];
  for (const name of names) {
    const full = path.resolve(io.cwd, name);
    const isFolder = await stat(full).then(
      (info) => info.isDirectory(),
      () => false,
    );
    if (!isFolder) {
      files.push(full);
      continue;
    }
    const folder = await loadBankDirectory(full);
    files.push(...folder.files);
    if (folder.files.length === 0) folderProblems.push(...folder.problems);
  }
  const result = await loadBankFiles(files);
  return withDisplayPaths(io, { ...result, problems: [...folderProblems, ...result.problems] });
}

export function describeBankContents(bank: Bank): string {
  const byType = new Map<string, number>();
  for (const question of bank.questions) byType.set(question.type, (byType.get(question.type) ?? 0) + 1);
  const types = [...byType].map(([type, count]) => `${count} ${type}`).join(', ');
  const points = bank.questions.reduce((sum, question) => sum + question.points, 0);
  return `${countNoun(bank.questions.length, 'question')} (${types}), ${countNoun(points, 'point')}`;
}

export const bankCheckCommand: CliCommand = {
  path: ['bank', 'check'],
  usage: 'bank check [files…]',
  summary: 'Validate bank files (default: every bank in BANKS_DIR); exit 1 on any error',
  async run(args, io) {
    const { positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: {} });
    const result = await loadNamed(io, positionals);
    for (const bank of result.banks) io.stdout.write(`ok ${bank.id}: ${describeBankContents(bank)}\n`);
    for (const problem of result.problems) io.stdout.write(`${formatProblem(problem)}\n`);
    const errors = result.problems.filter((problem) => problem.severity === 'error').length;
    const warnings = result.problems.length - errors;
    const badFiles = new Set(result.problems.filter((problem) => problem.severity === 'error').map((problem) => problem.file)).size;
    const summary = [
      `Checked ${countNoun(result.files.length, 'file')}: ${countNoun(result.banks.length, 'bank')} valid`,
      errors > 0 ? `${countNoun(errors, 'error')} in ${countNoun(badFiles, 'file')}` : 'no errors',
      ...(warnings > 0 ? [countNoun(warnings, 'warning')] : []),
    ].join(', ');
    io.stdout.write(`${summary}.\n`);
    return errors > 0 ? 1 : 0;
  },
};
