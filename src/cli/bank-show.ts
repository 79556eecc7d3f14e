import { parseArgs } from 'node:util';
import type { Bank, Question } from '../bank/schema.ts';
import { UserError } from '../errors.ts';
import { describeExpectedAnswer } from '../grading/expected.ts';
import { describeBankContents, loadBanksForCli } from './bank-check.ts';
import type { CliCommand, CliIo } from './types.ts';

const STEM_WIDTH = 60;

/** The first line of the stem, cut to a width that keeps one question per terminal line. */
function shortStem(stem: string): string {
  const line = stem.replace(/\s+/gu, ' ').trim();
  const chars = [...line];
  return chars.length > STEM_WIDTH ? `${chars.slice(0, STEM_WIDTH - 1).join('')}…` : line;
}

function shortKey(question: Question): string {
  if (question.type === 'short' || question.type === 'essay') {
    return question.rubric.length > 0 ? `rubric: ${question.rubric.length} marking points` : '(no rubric)';
  }
  return describeExpectedAnswer(question) || '(no key)';
}

function questionLine(question: Question): string {
  const draft = question.status === 'draft' ? ' [draft]' : '';
  const points = `${question.points} pt${question.points === 1 ? '' : 's'}`;
  return `  ${question.id}  ${question.type}  ${points}${draft}  ${shortStem(question.stem)}  → ${shortKey(question)}`;
}

/** The human listing: the bank's header, then its questions grouped by section, in section order. */
export function renderBankListing(bank: Bank): string {
  const lines = [`${bank.id}: ${bank.title}`, `  ${bank.language}, ${describeBankContents(bank)}`, `  Source: ${bank.source}`];
  const byId = new Map(bank.questions.map((question) => [question.id, question]));
  const listed = new Set<string>();
  for (const section of bank.sections ?? []) {
    lines.push('', `${section.title}${section.pointsEach === undefined ? '' : ` (${section.pointsEach} each)`}`);
    for (const id of section.questionIds) {
      const question = byId.get(id);
      if (!question) continue;
      listed.add(id);
      lines.push(questionLine(question));
    }
  }
  const rest = bank.questions.filter((question) => !listed.has(question.id));
  if (rest.length > 0) {
    if (listed.size > 0) lines.push('', 'Other questions');
    else lines.push('');
    for (const question of rest) lines.push(questionLine(question));
  }
  return `${lines.join('\n')}\n`;
}

/** A bank by id from the banks folder, or a UserError naming the ids there are (and files that failed). */
export async function findBankForCli(io: CliIo, bankId: string): Promise<Bank> {
  const { banks, problems } = await loadBanksForCli(io);
  const bank = banks.find((candidate) => candidate.id === bankId);
  if (bank) return bank;
  const known = banks.map((candidate) => candidate.id).join(', ') || 'none';
  const broken = new Set(problems.filter((problem) => problem.severity === 'error').map((problem) => problem.file));
  const hint = broken.size > 0 ? ` ${broken.size} bank file(s) have errors and were not loaded: run \`tutor bank check\`.` : '';
  throw new UserError('unknown-bank', `No bank has the id "${bankId}". Banks: ${known}.${hint}`, { bankId });
}

export const bankShowCommand: CliCommand = {
  path: ['bank', 'show'],
  usage: 'bank show <bank-id> [--json]',
  summary: "List a bank's questions with their keys (--json: the whole bank)",
  async run(args, io) {
    const { positionals, values } = parseArgs({ args, allowPositionals: true, strict: true, options: { json: { type: 'boolean' } } });
    if (positionals.length !== 1) {
      io.stderr.write('Name one bank id.\nUsage: tutor bank show <bank-id> [--json]\n');
      return 2;
    }
    const bank = await findBankForCli(io, positionals[0] as string);
    io.stdout.write(values.json ? `${JSON.stringify(bank, null, 2)}\n` : renderBankListing(bank));
    return 0;
  },
};
