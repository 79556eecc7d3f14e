import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { importBank, type ImportFormat, type ImportOutcome } from '../../src/bank/import/index.ts';
import type { Bank } from '../../src/bank/schema.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const datasetsRoot = path.resolve(repoRoot, '../shared/datasets');
export const seedPaper = path.resolve(repoRoot, '../shared/seed/000_4b88902bda2c5919.txt');
export const papersDir = path.join(repoRoot, 'test/fixtures/papers');

/** A shared dataset file; a missing one fails the test loudly instead of skipping it. */
export function datasetFile(relative: string): string {
  const file = path.resolve(datasetsRoot, relative);
  if (!fs.existsSync(file)) throw new Error(`dataset file missing: ${file} (the tests read ../shared/datasets; do not skip them)`);
  return file;
}

export function sharedFile(file: string): string {
  if (!fs.existsSync(file)) throw new Error(`shared file missing: ${file}`);
  return file;
}

export async function importFile(file: string, format: ImportFormat | 'auto' = 'auto', bankId?: string): Promise<ImportOutcome> {
  return importBank({ filename: path.basename(file), content: fs.readFileSync(file), format, ...(bankId ? { bankId } : {}) });
}

/** Imports and insists on success, so a test reads the bank and report directly. */
export async function importOk(file: string, format: ImportFormat | 'auto' = 'auto') {
  const outcome = await importFile(file, format);
  if (!outcome.ok) throw new Error(`import of ${file} failed: ${JSON.stringify(outcome.errors)}`);
  return outcome;
}

export function question(bank: Bank, id: string) {
  const found = bank.questions.find((candidate) => candidate.id === id);
  expect(found, `question ${id}`).toBeDefined();
  return found!;
}
