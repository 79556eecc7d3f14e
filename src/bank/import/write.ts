import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Bank } from '../schema.ts';

export type WriteBankResult = { ok: true; file: string } | { ok: false; reason: string };

/**
 * Writes a bank as pretty JSON, atomically (a temporary file renamed over the target), and only when
 * the target does not exist or `force` allows replacing it: an existing bank is never half-written.
 */
export async function writeBankFile(bank: Bank, file: string, options: { force: boolean }): Promise<WriteBankResult> {
  const exists = await stat(file).then(
    (info) => (info.isDirectory() ? 'folder' : 'file'),
    () => undefined,
  );
  if (exists === 'folder') return { ok: false, reason: `${file} is a folder` };
  if (exists === 'file' && !options.force) return { ok: false, reason: `${file} already exists: nothing was written (use --force to replace it)` };
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, `${JSON.stringify(bank, null, 2)}\n`, { encoding: 'utf8', flag: 'wx' });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return { ok: true, file };
}
