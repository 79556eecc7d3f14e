import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Bank, BankInput } from '../schema.ts';
import { importBankInWorker } from './isolated.ts';
import type { ImportOutcome, ImportRequest } from './types.ts';

export type WriteBankResult = { ok: true; file: string; backup?: string } | { ok: false; reason: string; code: 'exists' | 'not-a-file' };

/**
 * Writes a bank as pretty JSON, atomically (a temporary file, then a hard link or a rename), and only
 * when the target does not exist or `force` allows replacing it. Without `force` the link fails if the
 * file appeared meanwhile, so two imports can never overwrite each other. A replaced file is first
 * copied to `<name>.<date>.bak` beside it (not `*.json`, so it is never loaded as a bank).
 */
export async function writeBankFile(bank: Bank | BankInput, file: string, options: { force: boolean }): Promise<WriteBankResult> {
  const existing = await lstat(file).catch(() => undefined);
  if (existing && !existing.isFile()) return { ok: false, code: 'not-a-file', reason: `${file} is not a regular file: nothing was written` };
  if (existing && !options.force) return { ok: false, code: 'exists', reason: `${file} already exists: nothing was written (use --force to replace it)` };
  return writeAtomically(bank, file, existing ? { replace: true } : { replace: false });
}

export type ReplaceBankResult = { ok: true; file: string; backup: string } | { ok: false; reason: string; code: 'changed' | 'not-a-file' };

/**
 * Replaces an existing bank file (a key fixed from the bot or `tutor bank accept`) atomically, after
 * copying it to a `.bak` beside it, and only while it still holds `expectedText`: an edit made by
 * hand since the caller read the file is never overwritten (the caller reads again and retries, or
 * reports it). The check and the rename are not one atomic step across processes; callers in one
 * process serialise their edits, and the window left is the few milliseconds of the backup copy.
 */
export async function replaceBankFile(bank: Bank | BankInput, file: string, expectedText: string): Promise<ReplaceBankResult> {
  const existing = await lstat(file).catch(() => undefined);
  if (!existing?.isFile()) return { ok: false, code: 'not-a-file', reason: `${file} is not a regular file (or is gone): nothing was written` };
  if ((await readFile(file, 'utf8')) !== expectedText) {
    return { ok: false, code: 'changed', reason: `${file} was changed by someone else meanwhile: nothing was written` };
  }
  const written = await writeAtomically(bank, file, { replace: true });
  return written.ok && written.backup ? { ok: true, file: written.file, backup: written.backup } : { ok: false, code: 'not-a-file', reason: `${file}: nothing was written` };
}

/** The one place bank files are written: a temporary file beside the target, then a link (new) or a rename (replace, after a backup). */
async function writeAtomically(bank: Bank | BankInput, file: string, options: { replace: boolean }): Promise<WriteBankResult> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let backup: string | undefined;
  try {
    await writeFile(temporary, `${JSON.stringify(bank, null, 2)}\n`, { encoding: 'utf8', flag: 'wx' });
    if (options.replace) {
      backup = await backUp(file);
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

/** Copies `file` to `<file>.<date>.bak`, never over an older backup (two edits in one millisecond get `-2`, `-3`…). */
async function backUp(file: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (let attempt = 1; ; attempt += 1) {
    const backup = `${file}.${stamp}${attempt === 1 ? '' : `-${attempt}`}.bak`;
    try {
      await copyFile(file, backup, constants.COPYFILE_EXCL);
      return backup;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST' || attempt >= 100) throw error;
    }
  }
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
