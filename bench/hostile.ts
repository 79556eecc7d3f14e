import { performance } from 'node:perf_hooks';
import { importBankInWorker } from '../src/bank/import/isolated.ts';
import { countNoun } from '../src/messages/format.ts';
import { hostileFiles } from '../test/import/hostile-files.ts';
import type { BenchModule } from './run.ts';

/**
 * Each file of the hostile corpus (test/import/hostile-files.ts) imported as the bot and the CLI do:
 * in a worker thread with the default time and heap limits. Prints the wall time (worker start
 * included), the worker's CPU time, and the peak resident memory of the whole process while the
 * import ran (sampled every 10 ms), next to the outcome.
 */
const bench: BenchModule = {
  name: 'hostile',
  async run(log) {
    log('file | size | outcome | wall ms | peak RSS MB (process) | RSS before MB');
    for (const file of hostileFiles()) {
      global.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 10);
      const started = performance.now();
      const outcome = await importBankInWorker({ filename: file.name, content: file.content });
      const wall = performance.now() - started;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      const result = outcome.ok ? `imported ${countNoun(outcome.bank.questions.length, 'question')}` : `refused: ${outcome.errors.map((error) => (error.line ? `line ${error.line}: ` : '') + error.message).join(' / ').slice(0, 110)}`;
      log(`${file.name} | ${(file.content.length / 1024).toFixed(0)} KB | ${result} | ${wall.toFixed(0)} | ${(peak / 1024 / 1024).toFixed(0)} | ${(before / 1024 / 1024).toFixed(0)}`);
    }
  },
};

export default bench;
