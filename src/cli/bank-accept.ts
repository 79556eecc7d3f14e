import { parseArgs } from 'node:util';
import { UserError } from '../errors.ts';
import { formatNumber } from '../messages/format.ts';
import { createCliApp } from './app.ts';
import type { CliCommand, CliIo } from './types.ts';

/** Who the audit records for a change made at this terminal. */
export function cliOperator(io: Pick<CliIo, 'env'>): string {
  return `cli:${io.env.USER ?? io.env.USERNAME ?? 'operator'}`;
}

export const bankAcceptCommand: CliCommand = {
  path: ['bank', 'accept'],
  usage: 'bank accept --bank <bank-id> --question <question-id> [--blank N] --answer <text> [--fraction F] [--json]',
  summary: "Add an answer to a question's key (the bank file is replaced with a backup, checked and audited)",
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        bank: { type: 'string' },
        question: { type: 'string' },
        blank: { type: 'string' },
        answer: { type: 'string' },
        fraction: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    if (!values.bank || !values.question || values.answer === undefined) {
      io.stderr.write(`Usage: tutor ${bankAcceptCommand.usage}\n`);
      return 2;
    }
    const blank = values.blank === undefined ? undefined : Number(values.blank);
    if (blank !== undefined && (!Number.isInteger(blank) || blank < 1)) {
      throw new UserError('invalid-option', { option: '--blank', expected: 'a whole number from 1', value: values.blank ?? '' });
    }
    const fraction = values.fraction === undefined ? undefined : Number(values.fraction);
    if (fraction !== undefined && !Number.isFinite(fraction)) throw new UserError('key-fix-fraction', { value: values.fraction ?? '' });
    const app = await createCliApp(io, { existingDatabase: true, promptsOnFirstUse: true });
    try {
      const result = await app.keyFixes.acceptAnswer({
        bankId: values.bank,
        questionId: values.question,
        ...(blank !== undefined ? { blank } : {}),
        answer: values.answer,
        ...(fraction !== undefined ? { fraction } : {}),
        changedBy: cliOperator(io),
      });
      if (values.json) {
        io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return 0;
      }
      const where = `${result.blank !== undefined ? `blank ${result.blank} of ` : ''}question ${result.questionId} (bank ${result.bankId})`;
      const share = (value: number) => `${formatNumber(value * 100)}%`;
      if (!result.changed) {
        io.stdout.write(`The key already gives "${result.answer}" ${share(result.fractionBefore)} of the points of ${where}: nothing was written.\n`);
        return 0;
      }
      io.stdout.write(
        `Accepted "${result.answer}" for ${where}: ${share(result.fraction)} of the points (was ${share(result.fractionBefore)}).\n` +
          `Bank file: ${result.file ?? ''}\nBackup: ${result.backupFile ?? ''}\n` +
          `Recorded as changed by ${cliOperator(io)}. A running bot serves the new key within 30 seconds.\n` +
          `Next: tutor regrade --bank ${result.bankId} --question ${result.questionId} --dry-run\n`,
      );
      return 0;
    } finally {
      app.close();
    }
  },
};
