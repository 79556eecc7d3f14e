import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { importBank, type ImportOutcome } from '../../../src/bank/import/index.ts';
import { checkBankValue } from '../../../src/bank/load.ts';
import type { Bank, Question } from '../../../src/bank/schema.ts';
import { gradeAnswer } from '../../../src/grading/grade.ts';
import type { GradeResult } from '../../../src/grading/types.ts';

/** The conformance fixtures: Moodle's test inputs restated as files of our own (no Moodle code). */
export const fixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

export function fixturePath(relative: string): string {
  return path.join(fixturesDir, relative);
}

export async function importFixture(relative: string): Promise<ImportOutcome> {
  const file = fixturePath(relative);
  return importBank({ filename: path.basename(file), content: fs.readFileSync(file) });
}

/** Imports a fixture that must succeed, and returns its bank, report and only question when there is one. */
export async function importOne(relative: string) {
  const outcome = await importFixture(relative);
  if (!outcome.ok) throw new Error(`import of ${relative} failed: ${JSON.stringify(outcome.errors)}`);
  const [first] = outcome.bank.questions;
  if (!first) throw new Error(`${relative} gave no question`);
  return { bank: outcome.bank, report: outcome.report, question: first };
}

/** A bank fixture in our own JSON format, validated as `tutor bank check` would. */
export function loadBankFixture(relative: string): Bank {
  const file = fixturePath(relative);
  const result = checkBankValue(JSON.parse(fs.readFileSync(file, 'utf8')) as unknown, path.basename(file));
  const errors = result.problems.filter((problem) => problem.severity === 'error');
  if (!result.bank || errors.length > 0) throw new Error(`${relative} is not a valid bank: ${JSON.stringify(errors)}`);
  return result.bank;
}

export function questionById(bank: Bank, id: string): Question {
  const found = bank.questions.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no question ${id}`);
  return found;
}

/** The share of the question's points an answer earns (Moodle's fraction), or `invalid` when it cannot be graded. */
export function fractionFor(question: Question, answer: string): number | 'invalid' {
  const result: GradeResult = gradeAnswer(question, answer);
  if (result.status === 'invalid') return 'invalid';
  expect(result.status).toBe('graded');
  return Math.round((result.score / result.maxScore) * 1e6) / 1e6;
}

/** Warnings of a report as `line: message`, for readable assertions. */
export function warningLines(report: { warnings: Array<{ line?: number; message: string }> }): string[] {
  return report.warnings.map((warning) => `${warning.line ?? '-'}: ${warning.message}`);
}
