import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { UserError } from '../errors.ts';
import { countNoun, formatNumber } from '../messages/format.ts';
import type { RegradeReport } from '../services/key-fixes.ts';
import { createCliApp } from './app.ts';
import { cliOperator } from './bank-accept.ts';
import type { CliCommand, CliIo } from './types.ts';

/** Changes listed in the text output; `--json` lists them all. */
const LISTED_CHANGES = 20;

export const regradeCommand: CliCommand = {
  path: ['regrade'],
  usage: 'regrade --pending [--limit N] [--json] | regrade --bank <bank-id> --question <question-id> [--dry-run] [--json]',
  summary: 'Re-grade provisional (fallback) scores with the LLM, or every stored answer to a question after its key changed',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        pending: { type: 'boolean', default: false },
        limit: { type: 'string', default: '100' },
        json: { type: 'boolean', default: false },
        bank: { type: 'string' },
        question: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
      },
    });
    if (values.bank !== undefined || values.question !== undefined) {
      if (values.pending || !values.bank || !values.question) {
        io.stderr.write(`Usage: tutor ${regradeCommand.usage}\n`);
        return 2;
      }
      return regradeQuestion(io, { bankId: values.bank, questionId: values.question, dryRun: values['dry-run'], json: values.json });
    }
    if (!values.pending) {
      io.stderr.write(`Usage: tutor ${regradeCommand.usage}\n`);
      return 2;
    }
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) {
      io.stderr.write(`--limit must be a positive whole number, got "${values.limit}"\n`);
      return 2;
    }
    const config = loadConfig(io.env);
    if (!config.llmEnabled) {
      throw new UserError('llm-not-configured');
    }
    // The operator asked for this run: learners' budgets are not spent on it.
    const app = await createCliApp(io, { config, existingDatabase: true, enforceBudgets: false });
    try {
      const summary = await app.grading.regradePending(limit);
      if (values.json) {
        io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      } else {
        const notes = Object.entries(summary.notes).map(([note, count]) => `${note} ${count}`).join(', ');
        io.stdout.write(
          `Pending answers considered: ${summary.considered}\nRe-graded by the LLM: ${summary.regraded}\nFlagged for review: ${summary.flagged}\n` +
            `Still pending (LLM failed again): ${summary.stillPending}\nSkipped (bank or question gone): ${summary.skipped}\n` +
            (notes ? `Notes: ${notes}\n` : ''),
        );
      }
      return summary.stillPending > 0 && summary.regraded === 0 && summary.flagged === 0 ? 1 : 0;
    } finally {
      app.close();
    }
  },
};

/** `tutor regrade --bank --question`: the key-fix regrade (objective questions only), deterministic, no LLM. */
async function regradeQuestion(io: CliIo, request: { bankId: string; questionId: string; dryRun: boolean; json: boolean }): Promise<number> {
  const app = await createCliApp(io, { existingDatabase: true, promptsOnFirstUse: true });
  try {
    const report = await app.keyFixes.regrade({ bankId: request.bankId, questionId: request.questionId, dryRun: request.dryRun, changedBy: cliOperator(io) });
    io.stdout.write(request.json ? `${JSON.stringify(report, null, 2)}\n` : formatRegradeReport(report));
    return 0;
  } finally {
    app.close();
  }
}

function signed(points: number): string {
  return `${points > 0 ? '+' : ''}${formatNumber(points)}`;
}

export function formatRegradeReport(report: RegradeReport): string {
  const lines = [
    `Regrade of question ${report.questionId} (bank ${report.bankId})${report.dryRun ? ': dry run, nothing stored' : ''}`,
    `Attempts considered: ${report.considered}`,
    `${report.dryRun ? 'Would change' : 'Changed'}: ${countNoun(report.changed.length, 'attempt')} of ${countNoun(report.learners, 'learner')}, ${signed(report.pointsDelta)} points`,
    `Unchanged: ${report.unchanged}`,
    `Skipped (graded by a teacher, never regraded): ${report.skippedTeacherGraded}`,
    `Skipped (the current key cannot read the stored answer): ${report.skippedUnreadable}`,
  ];
  if (!report.dryRun) lines.push(`Learners to be told (notices queued for the bot): ${report.noticesQueued}`);
  if (report.changed.length > 0) {
    lines.push('Changes:');
    for (const change of report.changed.slice(0, LISTED_CHANGES)) {
      lines.push(`  attempt ${change.attemptId}, ${change.userId}, "${change.answer.replace(/\s+/gu, ' ')}": ${formatNumber(change.before)} → ${formatNumber(change.after)} of ${formatNumber(change.maxScore)}`);
    }
    if (report.changed.length > LISTED_CHANGES) lines.push(`  … and ${report.changed.length - LISTED_CHANGES} more (--json lists them all)`);
  }
  if (report.dryRun && report.changed.length > 0) lines.push(`Run again without --dry-run to store the new scores.`);
  return `${lines.join('\n')}\n`;
}
