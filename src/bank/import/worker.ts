import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { importBank } from './index.ts';
import type { ImportRequest } from './types.ts';

/**
 * The import worker's entry (started by importBankInWorker through a bootstrap that registers tsx).
 * It does nothing unless it runs as that worker, so importing it elsewhere has no side effects.
 */
const job = workerData as { kind?: unknown; request?: ImportRequest } | null;
if (!isMainThread && parentPort && job?.kind === 'import-bank' && job.request) {
  parentPort.postMessage(await importBank(job.request));
}
