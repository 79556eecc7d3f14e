import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadBankDirectory } from '../bank/load.ts';
import { BankCatalog } from '../bank/catalog.ts';
import { isFreeText } from '../bank/schema.ts';
import { loadConfig } from '../config.ts';
import { UserError } from '../errors.ts';
import { SqliteProgressStore } from '../storage/progress-store.ts';
import { SqliteUsageRepository } from '../storage/usage-repository.ts';
import { attemptStatusForFeedback, createTutor, loadPrompts } from '../tutor/index.ts';
import type { Tutor } from '../tutor/types.ts';
import type { ProgressStore } from '../progress/ports.ts';
import { openExistingDatabase } from './db.ts';
import type { CliCommand } from './types.ts';

export interface RegradeSummary {
  considered: number;
  regraded: number;
  flagged: number;
  /** Still provisional: the LLM failed again (see `notes`). */
  stillPending: number;
  /** The bank or question is gone, or the question is no longer short/essay. */
  skipped: number;
  notes: Record<string, number>;
}

/**
 * Re-grades attempts stored `pending` (a provisional fallback score) with the LLM. An attempt whose
 * regrade falls back again stays pending, untouched; one that trips the tripwire becomes flagged.
 */
export async function regradePending(store: ProgressStore, catalog: BankCatalog, tutor: Tutor, limit: number): Promise<RegradeSummary> {
  const summary: RegradeSummary = { considered: 0, regraded: 0, flagged: 0, stillPending: 0, skipped: 0, notes: {} };
  for (const attempt of store.listPendingAttempts(limit)) {
    summary.considered += 1;
    const bank = catalog.get(attempt.bankId);
    const question = catalog.question(attempt.bankId, attempt.questionId);
    if (!bank || !question || !isFreeText(question)) {
      summary.skipped += 1;
      continue;
    }
    const feedback = await tutor.gradeFreeText({
      bank,
      question,
      answer: attempt.rawAnswer,
      userId: attempt.userId,
      ...(attempt.guildId ? { guildId: attempt.guildId } : {}),
      normalizedAnswer: attempt.normalizedAnswer,
    });
    if (feedback.note) summary.notes[feedback.note] = (summary.notes[feedback.note] ?? 0) + 1;
    const status = attemptStatusForFeedback(feedback);
    if (status === 'pending') {
      summary.stillPending += 1;
      continue;
    }
    store.updateAttemptGrading(attempt.id, {
      score: feedback.score,
      gradedBy: feedback.gradedBy,
      status,
      feedback,
      promptVersion: feedback.promptVersion ?? null,
      model: feedback.model ?? null,
      inputTokens: feedback.usage?.inputTokens ?? null,
      outputTokens: feedback.usage?.outputTokens ?? null,
      latencyMs: feedback.latencyMs ?? null,
    });
    if (status === 'flagged') summary.flagged += 1;
    else summary.regraded += 1;
  }
  return summary;
}

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
      throw new UserError('llm-not-configured');
    }
    const banks = await loadBankDirectory(path.resolve(io.cwd, config.BANKS_DIR));
    const db = openExistingDatabase(io);
    try {
      const store = new SqliteProgressStore(db, { timeZone: config.TIME_ZONE });
      const tutor = createTutor({
        config,
        prompts: loadPrompts(path.resolve(io.cwd, config.PROMPTS_DIR)),
        usage: new SqliteUsageRepository(db),
        // The operator asked for this run: learners' budgets are not spent on it.
        enforceBudgets: false,
      });
      const summary = await regradePending(store, new BankCatalog(banks.banks), tutor, limit);
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
      db.close();
    }
  },
};
