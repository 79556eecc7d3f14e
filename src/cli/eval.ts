import { parseArgs } from 'node:util';
import path from 'node:path';
import { loadConfig } from '../config.ts';
import { loadGradingDataset } from '../tutor/eval/datasets.ts';
import { crossValidateFallback, renderCrossValidation } from '../tutor/eval/cross-validate.ts';
import { evaluateGrading, renderEvalReport } from '../tutor/eval/evaluate.ts';
import { createCliApp } from './app.ts';
import type { CliCommand } from './types.ts';

export const evalGradingCommand: CliCommand = {
  path: ['eval', 'grading'],
  usage: 'eval grading <dataset-path> [--folds K] [--limit N] [--fallback] [--json]',
  summary: 'Grade a human-scored short-answer set and report agreement (Pearson, QWK, exact) and tokens; --folds K cross-validates the fallback by question',
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { limit: { type: 'string' }, folds: { type: 'string' }, fallback: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    });
    const target = positionals[0];
    if (!target || positionals.length > 1) {
      io.stderr.write(`Usage: tutor ${evalGradingCommand.usage}\n`);
      return 2;
    }
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
      io.stderr.write(`--limit must be a positive whole number, got "${values.limit}"\n`);
      return 2;
    }
    if (values.folds !== undefined) {
      const folds = Number(values.folds);
      if (!Number.isInteger(folds) || folds < 2) {
        io.stderr.write(`--folds must be a whole number of at least 2, got "${values.folds}"\n`);
        return 2;
      }
      // The evidence grader alone, its thresholds tuned on other questions than the ones measured.
      const report = crossValidateFallback(loadGradingDataset(path.resolve(io.cwd, target)), folds);
      io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderCrossValidation(report));
      return 0;
    }
    const config = loadConfig(io.env);
    const useLlm = config.llmEnabled && !values.fallback;
    const dataset = loadGradingDataset(path.resolve(io.cwd, target));
    // The operator runs the evaluation: no per-user or per-guild budget; its LLM calls are recorded in usage.
    const app = await createCliApp(io, { config: { ...config, llmEnabled: useLlm }, enforceBudgets: false });
    try {
      const report = await evaluateGrading(dataset, app.tutor, { limit, grader: useLlm ? `llm ${config.LLM_MODEL}` : 'fallback' });
      io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderEvalReport(report));
      return 0;
    } finally {
      app.close();
    }
  },
};
