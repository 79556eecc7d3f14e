import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ImportOutcome, ImportRequest } from './types.ts';

export interface ImportLimits {
  /** Wall time for one import, worker start included. */
  timeMs: number;
  /** The worker's V8 heap (old generation). */
  heapMb: number;
}

/**
 * A 20 MB CSV of 130,000 rows imports in a few seconds; a minute and 384 MB are far above any honest
 * file and far below what would hurt the bot, whose own heap is untouched by a worker's.
 */
export const DEFAULT_IMPORT_LIMITS: ImportLimits = { timeMs: 60_000, heapMb: 384 };

const ENTRY = new URL('./worker.ts', import.meta.url).href;

/** tsx's ESM API, so the worker can load .ts files whatever the parent was started with. */
function tsxApiUrl(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  return pathToFileURL(path.join(path.dirname(manifest), 'dist/esm/api/index.mjs')).href;
}

// A worker started from a .ts URL needs tsx's hooks registered in its own thread first: `--import tsx`
// in execArgv is not applied to a worker's entry on Node 20.
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then(({ register }) => { register(); return import(workerData.entry); });
`;

function refuse(request: ImportRequest, message: string): ImportOutcome {
  return { ok: false, errors: [{ message: `${path.basename(request.filename)} ${message}` }] };
}

/**
 * importBank in a worker thread with a time and a heap limit: a file that is slow or huge to parse
 * costs its importer an error message, while the calling process (the bot) goes on answering.
 * Never throws.
 */
export function importBankInWorker(request: ImportRequest, limits: ImportLimits = DEFAULT_IMPORT_LIMITS): Promise<ImportOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let worker: Worker;
    const finish = (outcome: ImportOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(outcome);
    };
    try {
      worker = new Worker(BOOTSTRAP, {
        eval: true,
        execArgv: [],
        workerData: { kind: 'import-bank', request, tsx: tsxApiUrl(), entry: ENTRY },
        resourceLimits: { maxOldGenerationSizeMb: limits.heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
        stdout: false,
        stderr: false,
      });
    } catch (error) {
      resolve(refuse(request, `could not be imported: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    const timer = setTimeout(() => finish(refuse(request, `took longer than ${limits.timeMs / 1000} s to import and was refused`)), limits.timeMs);
    worker.on('message', (outcome: ImportOutcome) => finish(outcome));
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') finish(refuse(request, `needs more than ${limits.heapMb} MB of memory to import and was refused`));
      else finish(refuse(request, `could not be imported: ${error.message}`));
    });
    worker.on('exit', (code) => finish(refuse(request, `could not be imported: the import stopped (exit code ${code})`)));
  });
}
