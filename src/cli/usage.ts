import { parseArgs } from 'node:util';
import { USAGE_GROUPINGS as GROUPINGS, type UsageGrouping } from '../services/usage.ts';
import { createCliRecordsApp } from './app.ts';
import type { CliCommand } from './types.ts';

export const usageCommand: CliCommand = {
  path: ['usage'],
  usage: 'usage [--by user|guild|day] [--since YYYY-MM-DD] [--json]',
  summary: 'LLM calls and tokens stored per call, totalled by user, guild or UTC day',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { by: { type: 'string', default: 'day' }, since: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    const by = values.by as UsageGrouping;
    if (!GROUPINGS.includes(by)) {
      io.stderr.write(`--by must be one of ${GROUPINGS.join(', ')}, got "${values.by}"\n`);
      return 2;
    }
    let since: Date | undefined;
    if (values.since !== undefined) {
      since = new Date(`${values.since}T00:00:00Z`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(values.since) || Number.isNaN(since.getTime())) {
        io.stderr.write(`--since must be a date like 2026-03-01, got "${values.since}"\n`);
        return 2;
      }
    }
    const app = createCliRecordsApp(io);
    try {
      const rows = app.usage.report(by, since);
      if (values.json) {
        io.stdout.write(`${JSON.stringify({ by, since: values.since ?? null, rows }, null, 2)}\n`);
        return 0;
      }
      if (rows.length === 0) {
        io.stdout.write('No LLM calls recorded yet.\n');
        return 0;
      }
      const width = Math.max(by.length, ...rows.map((row) => row.key.length));
      const lines = [`${by.padEnd(width)}  ${'calls'.padStart(6)}  ${'failed'.padStart(6)}  ${'input'.padStart(10)}  ${'output'.padStart(10)}  ${'total'.padStart(10)}`];
      const total = { calls: 0, failedCalls: 0, inputTokens: 0, outputTokens: 0 };
      for (const row of rows) {
        lines.push(
          `${row.key.padEnd(width)}  ${String(row.calls).padStart(6)}  ${String(row.failedCalls).padStart(6)}  ${String(row.inputTokens).padStart(10)}  ` +
            `${String(row.outputTokens).padStart(10)}  ${String(row.inputTokens + row.outputTokens).padStart(10)}`,
        );
        total.calls += row.calls;
        total.failedCalls += row.failedCalls;
        total.inputTokens += row.inputTokens;
        total.outputTokens += row.outputTokens;
      }
      lines.push(
        `${'total'.padEnd(width)}  ${String(total.calls).padStart(6)}  ${String(total.failedCalls).padStart(6)}  ${String(total.inputTokens).padStart(10)}  ` +
          `${String(total.outputTokens).padStart(10)}  ${String(total.inputTokens + total.outputTokens).padStart(10)}`,
      );
      io.stdout.write(`${lines.join('\n')}\n`);
      return 0;
    } finally {
      app.close();
    }
  },
};
