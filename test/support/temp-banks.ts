import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TempBanks {
  /** The new temp folder; the caller removes it. */
  dir: string;
  /** `<dir>/banks`, holding `<id>.json` for each bank. */
  banksDir: string;
}

/** A new temp folder whose name starts with `prefix`, with each bank written to `banks/<id>.json` as an author would. */
export function writeTempBanks(prefix: string, banks: ReadonlyArray<Record<string, unknown>>): TempBanks {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const banksDir = path.join(dir, 'banks');
  fs.mkdirSync(banksDir);
  for (const bank of banks) fs.writeFileSync(path.join(banksDir, `${String(bank.id)}.json`), JSON.stringify(bank, null, 2));
  return { dir, banksDir };
}
