/**
 * The checkpoint importer on a worker thread, so a conversion (minutes of hashing, transposing and
 * writing) never blocks the window's process. Started by main/host/model-install/run-import.ts with
 * ImportOptions (less the callbacks) as workerData; posts progress, then the result or the error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type ImportOptions, importCheckpoints } from './import-checkpoints.ts';

export type WorkerMessage =
  | { type: 'progress'; progress: Parameters<NonNullable<ImportOptions['onProgress']>>[0] }
  | { type: 'done'; result: Awaited<ReturnType<typeof importCheckpoints>> }
  | { type: 'error'; name: string; message: string };

const post = (m: WorkerMessage) => parentPort!.postMessage(m);
let last = 0;

importCheckpoints({
  ...(workerData as Omit<ImportOptions, 'onProgress' | 'signal'>),
  onProgress: (progress) => {
    const now = Date.now();
    if (progress.phase !== 'writing' || now - last > 200) {
      last = now;
      post({ type: 'progress', progress });
    }
  },
}).then(
  (result) => post({ type: 'done', result }),
  (e: Error) => post({ type: 'error', name: e.name, message: e.message }),
);
