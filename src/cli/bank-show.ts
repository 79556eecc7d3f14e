import { parseArgs } from 'node:util';
import type { Bank, Question } from '../bank/schema.ts';
import { UserError } from '../errors.ts';
import { describeExpectedAnswer } from '../grading/expected.ts';
import { t, type Locale } from '../messages/catalog.ts';
import { formatColumns, truncateWidth } from '../messages/format.ts';
import { describeBankContents, loadBanksForCli } from './bank-check.ts';
import type { CliCommand, CliIo } from './types.ts';

const STEM_WIDTH = 60;

/** The stem on one line (cut to STEM_WIDTH columns by the caller). */
function shortStem(stem: string): string {
  return stem.replace(/\s+/gu, ' ').trim();
}

function shortKey(question: Question, locale: Locale): string {
  if (question.type === 'short' || question.type === 'essay') {
    return question.rubric.length > 0 ? t(locale, 'bankShow.rubric', { count: question.rubric.length }) : t(locale, 'bankShow.noRubric');
  }
  return describeExpectedAnswer(question) || t(locale, 'bankShow.noKey');
}

function questionRow(question: Question, locale: Locale): string[] {
  const draft = question.status === 'draft' ? ` ${t(locale, 'bankShow.draft')}` : '';
  return [question.id, question.type, `${t(locale, 'points', { points: question.points })}${draft}`, truncateWidth(shortStem(question.stem), STEM_WIDTH), `→ ${shortKey(question, locale)}`];
}

/** The topics the bank's questions name, in first-seen order (what `practice --topic` takes). */
export function bankTopics(bank: Bank): string[] {
  return [...new Set(bank.questions.flatMap((question) => (question.topic ? [question.topic] : [])))];
}

/**
 * The human listing: the bank's header and topics, then its questions grouped by section, in section
 * order, in columns aligned by display width (a CJK character takes two columns).
 */
export function renderBankListing(bank: Bank, locale: Locale = 'en-US'): string {
  const topics = bankTopics(bank);
  const lines = [
    `${bank.id}: ${bank.title}`,
    `  ${bank.language}, ${describeBankContents(bank)}`,
    `  ${t(locale, 'bankShow.source', { source: bank.source })}`,
    `  ${topics.length > 0 ? t(locale, 'bankShow.topics', { topics: topics.join(', ') }) : t(locale, 'bankShow.noTopics')}`,
  ];
  const byId = new Map(bank.questions.map((question) => [question.id, question]));
  const listed = new Set<string>();
  const groups: Array<{ title: string | null; questions: Question[] }> = [];
  for (const section of bank.sections ?? []) {
    const title = section.pointsEach === undefined ? section.title : t(locale, 'bankShow.each', { title: section.title, points: section.pointsEach });
    const questions = section.questionIds.map((id) => byId.get(id)).filter((question) => question !== undefined);
    for (const question of questions) listed.add(question.id);
    groups.push({ title, questions });
  }
  const rest = bank.questions.filter((question) => !listed.has(question.id));
  if (rest.length > 0) groups.push({ title: listed.size > 0 ? t(locale, 'bankShow.other') : null, questions: rest });
  // One column layout for the whole listing, so sections line up with each other.
  const rows = groups.flatMap((group) => group.questions.map((question) => questionRow(question, locale)));
  const formatted = formatColumns(rows, { indent: '  ' });
  let next = 0;
  for (const group of groups) {
    lines.push('');
    if (group.title !== null) lines.push(group.title);
    for (let index = 0; index < group.questions.length; index++) lines.push(formatted[next++]!);
  }
  return `${lines.join('\n')}\n`;
}

/** A bank by id from the banks folder, or a UserError naming the ids there are (and files that failed). */
export async function findBankForCli(io: CliIo, bankId: string): Promise<Bank> {
  const { banks, problems } = await loadBanksForCli(io);
  const bank = banks.find((candidate) => candidate.id === bankId);
  if (bank) return bank;
  const known = banks.map((candidate) => candidate.id).join(', ') || '—';
  const broken = new Set(problems.filter((problem) => problem.severity === 'error').map((problem) => problem.file));
  const hint = broken.size > 0 ? t('en-US', 'bankShow.brokenFiles', { count: broken.size }) : '';
  throw new UserError('unknown-bank', { bankId, banks: known, hint });
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
