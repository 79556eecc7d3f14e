import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { importBank, type ImportFormat, type ImportOutcome } from '../../src/bank/import/index.ts';
import type { Bank } from '../../src/bank/schema.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Small files of every import format, written for these tests (test/fixtures/import/README.md). */
export const importFixturesDir = path.join(repoRoot, 'test/fixtures/import');
/** The project's founding exam paper, kept in the repository with its provenance (data/seed/SOURCE.md). */
export const seedPaper = path.join(repoRoot, 'data/seed/ai-inference-optimization-2025.txt');
export const papersDir = path.join(repoRoot, 'test/fixtures/papers');

/** A file the tests need; a missing one fails the test loudly instead of skipping it. */
export function sharedFile(file: string): string {
  if (!fs.existsSync(file)) throw new Error(`test file missing: ${file}`);
  return file;
}

/** A fixture under test/fixtures/import, e.g. `fixture('gift/every-type.gift.txt')`. */
export function fixture(relative: string): string {
  return sharedFile(path.join(importFixturesDir, relative));
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
