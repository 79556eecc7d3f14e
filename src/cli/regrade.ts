import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { UserError } from '../errors.ts';
import { createCliApp } from './app.ts';
import type { CliCommand } from './types.ts';

export const regradeCommand: CliCommand = {
  path: ['regrade'],
  usage: 'regrade --pending [--limit N] [--json]',
  summary: 'Re-grade provisional (fallback) short/essay scores with the LLM once it is available',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { pending: { type: 'boolean', default: false }, limit: { type: 'string', default: '100' }, json: { type: 'boolean', default: false } },
    });
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
      throw new UserError('llm-not-configured', 'No LLM is configured: set OPENAI_API_KEY (or OPENAI_BASE_URL for a local server) to re-grade pending answers.');
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
