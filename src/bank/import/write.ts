import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Bank } from '../schema.ts';
import { importBankInWorker } from './isolated.ts';
import type { ImportOutcome, ImportRequest } from './types.ts';

export type WriteBankResult = { ok: true; file: string; backup?: string } | { ok: false; reason: string; code: 'exists' | 'not-a-file' };

/**
 * Writes a bank as pretty JSON, atomically (a temporary file, then a hard link or a rename), and only
 * when the target does not exist or `force` allows replacing it. Without `force` the link fails if the
 * file appeared meanwhile, so two imports can never overwrite each other. A replaced file is first
 * copied to `<name>.<date>.bak` beside it (not `*.json`, so it is never loaded as a bank).
 */
export async function writeBankFile(bank: Bank, file: string, options: { force: boolean }): Promise<WriteBankResult> {
  const existing = await lstat(file).catch(() => undefined);
  if (existing && !existing.isFile()) return { ok: false, code: 'not-a-file', reason: `${file} is not a regular file: nothing was written` };
  if (existing && !options.force) return { ok: false, code: 'exists', reason: `${file} already exists: nothing was written (use --force to replace it)` };
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let backup: string | undefined;
  try {
    await writeFile(temporary, `${JSON.stringify(bank, null, 2)}\n`, { encoding: 'utf8', flag: 'wx' });
    if (existing) {
      backup = `${file}.${new Date().toISOString().replace(/[:.]/g, '-')}.bak`;
      await copyFile(file, backup, constants.COPYFILE_EXCL);
      await rename(temporary, file);
    } else {
      try {
        await link(temporary, file);
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
        return { ok: false, code: 'exists', reason: `${file} already exists: nothing was written (use --force to replace it)` };
      }
    }
  } finally {
    await rm(temporary, { force: true });
  }
  return { ok: true, file, ...(backup ? { backup } : {}) };
}

/** The bank file in `dir` whose `id` is `bankId`, if any. Only regular files are read; broken ones cannot clash. */
export async function findBankFileWithId(dir: string, bankId: string): Promise<string | undefined> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((candidate) => candidate.toLowerCase().endsWith('.json')).sort()) {
    const file = path.join(dir, name);
    try {
      if (!(await lstat(file)).isFile()) continue;
      const value = JSON.parse(await readFile(file, 'utf8')) as { id?: unknown };
      if (value.id === bankId) return file;
    } catch {
      // `tutor bank check` reports broken files.
    }
  }
  return undefined;
}

export interface ImportIntoFolderRequest extends ImportRequest {
  /** The banks folder (absolute). */
  banksDir: string;
  /** Where to write instead of `<banksDir>/<id>.json` (`tutor bank import --out`). */
  out?: string;
  /** `/bank import replace:true`, `tutor bank import --force`. */
  replace: boolean;
}

export type ImportIntoFolderResult =
  | { status: 'invalid'; outcome: Extract<ImportOutcome, { ok: false }> }
  | { status: 'refused'; outcome: Extract<ImportOutcome, { ok: true }>; code: 'exists' | 'not-a-file' | 'id-taken'; file: string; message: string }
  | { status: 'written'; outcome: Extract<ImportOutcome, { ok: true }>; file: string; backup?: string };

/**
 * The one import-and-write flow behind `tutor bank import` and `/bank import`: the file is parsed in a
 * worker (within time and memory limits), then written atomically. An existing file is never replaced
 * without `replace`, whatever bank id it holds, and a bank id already used by another file in the banks
 * folder is refused even with `replace`. Never throws for a bad file.
 */
export async function importBankIntoFolder(
  request: ImportIntoFolderRequest,
  runImport: (request: ImportRequest) => ImportOutcome | Promise<ImportOutcome> = importBankInWorker,
): Promise<ImportIntoFolderResult> {
  const { banksDir, out, replace, ...importRequest } = request;
  const outcome = await runImport(importRequest);
  if (!outcome.ok) return { status: 'invalid', outcome };
  const file = path.resolve(out ?? path.join(banksDir, `${outcome.bank.id}.json`));
  // Only a file in the banks folder is loaded next to the others, so only there can ids clash.
  const clash = path.dirname(file) === path.resolve(banksDir) ? await findBankFileWithId(banksDir, outcome.bank.id) : undefined;
  if (clash && path.resolve(clash) !== file) {
    return { status: 'refused', outcome, code: 'id-taken', file: clash, message: `Bank id "${outcome.bank.id}" is already used by ${clash}: choose another with --id. Nothing was written.` };
  }
  const written = await writeBankFile(outcome.bank, file, { force: replace });
  if (!written.ok) return { status: 'refused', outcome, code: written.code, file, message: written.reason };
  return { status: 'written', outcome, file: written.file, ...(written.backup ? { backup: written.backup } : {}) };
}
