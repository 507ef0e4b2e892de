/**
 * Runs the checkpoint importer on a worker thread (main/engine/checkpoint/import-worker.ts) and
 * relays its progress. Aborting terminates the worker and removes its unfinished `<out>.partial`.
 */
import { rm } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { ImportOptions, ImportProgress, ImportResult } from '../../engine/checkpoint/import-checkpoints.ts';
import type { WorkerMessage } from '../../engine/checkpoint/import-worker.ts';
import { InstallError } from './install-error.ts';

/** The worker's entry: the .ts file under tsx (serve mode, tests), the bundled .mjs in Electron. */
export const SOURCE_IMPORT_WORKER = new URL('../../engine/checkpoint/import-worker.ts', import.meta.url);

export type RunImport = (
  options: Omit<ImportOptions, 'onProgress' | 'signal'>,
  onProgress: (p: ImportProgress) => void,
  signal?: AbortSignal,
) => Promise<ImportResult>;

/** A .ts entry (serve mode, tests) needs tsx's loader registered in the worker first; the bundled .mjs does not. */
function tsxBootstrap(entry: URL): string {
  const api = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
}

export function workerImporter(workerUrl: URL = SOURCE_IMPORT_WORKER): RunImport {
  return (options, onProgress, signal) =>
    new Promise<ImportResult>((resolve, reject) => {
      signal?.throwIfAborted();
      const worker = workerUrl.pathname.endsWith('.ts')
        ? new Worker(tsxBootstrap(workerUrl), { eval: true, workerData: options })
        : new Worker(workerUrl, { workerData: options });
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const onAbort = () => {
        void worker.terminate().then(() => rm(`${options.outDir}.partial`, { recursive: true, force: true }));
        finish(() => reject(signal!.reason ?? new Error('aborted')));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'progress') onProgress(m.progress);
        else if (m.type === 'done') finish(() => resolve(m.result));
        else finish(() => reject(new InstallError(`The conversion failed: ${m.message}`)));
      });
      worker.on('error', (e: Error) => finish(() => reject(new InstallError(`The conversion stopped: ${e.message}`, { cause: e }))));
      worker.on('exit', (code) => finish(() => reject(new InstallError(`The conversion stopped (exit ${code}).`))));
    });
}
