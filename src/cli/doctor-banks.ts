import { loadBankDirectory } from '../bank/load.ts';
import { formatProblem, hasErrors } from '../bank/validate.ts';
import type { CheckResult } from './doctor.ts';
import { countNoun, pluralWord } from '../messages/format.ts';

const MAX_LISTED_PROBLEMS = 5;

/**
 * The banks part of `tutor doctor`, through the same loader the bot uses: a bank with errors is not
 * served (the others still are), so any error is a problem; warnings are listed but do not fail.
 */
export async function checkBanks(dir: string): Promise<CheckResult> {
  const { banks, problems } = await loadBankDirectory(dir);
  const errors = problems.filter((problem) => problem.severity === 'error');
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map(formatProblem);
  const more = problems.length > MAX_LISTED_PROBLEMS ? `; and ${problems.length - MAX_LISTED_PROBLEMS} more` : '';
  const questions = banks.reduce((sum, bank) => sum + bank.questions.filter((question) => question.status !== 'draft').length, 0);
  const loaded = `${banks.length} bank${banks.length === 1 ? '' : 's'}, ${questions} question${questions === 1 ? '' : 's'} to serve${
    banks.length > 0 ? ` (${banks.map((bank) => bank.id).join(', ')})` : ''
  }`;
  if (banks.length === 0) {
    return {
      name: 'Banks',
      status: 'error',
      message: `No bank loads from ${dir}, so there is nothing to quiz on${problems.length > 0 ? `: ${listed.join('; ')}${more}` : ''}.`,
      hints: ['Add a bank (data/README.md describes the format) or point BANKS_DIR at your banks; `npm run tutor -- bank check` lists every problem.'],
    };
  }
  if (hasErrors(problems)) {
    return {
      name: 'Banks',
      status: 'error',
      message: `${loaded}; ${countNoun(errors.length, 'error')} ${pluralWord(errors.length, 'keeps', 'keep')} other files from loading: ${listed.join('; ')}${more}.`,
      hints: ['`npm run tutor -- bank check` lists every problem with its file, question and field.'],
    };
  }
  if (problems.length > 0) {
    return { name: 'Banks', status: 'warn', message: `${loaded}; ${countNoun(problems.length, 'warning')}: ${listed.join('; ')}${more}.`, hints: [] };
  }
  return { name: 'Banks', status: 'ok', message: `${loaded}.`, hints: [] };
}
