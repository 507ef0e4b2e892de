/**
 * The engine's request handling: every message is parsed with EngineRequest (a bad one is answered
 * with a 'bad-request' error, never a crash), each request is answered with events carrying its id,
 * and the protocol's rules are kept here: one edit at a time ('busy' otherwise), no model switch
 * during an edit, edits wait for a load in flight, cancel aborts the running edit.
 */
import { CancelledError } from '../errors.ts';
import { EngineRequest, type EngineEvent } from '../protocol.ts';
import type { EditRequest, EngineWork, ExportRequest } from './engine-work.ts';
import { errorEvent } from './error-events.ts';

type LoadRequest = Extract<EngineRequest, { type: 'load' }>;

export class Dispatcher {
  private running?: { id: string; abort: AbortController; done: Promise<unknown> };
  /** The last load; edits start after it settles so a load-then-edit pair can be sent at once. */
  private loading: Promise<unknown> = Promise.resolve();
  private shuttingDown = false;

  constructor(
    private readonly work: EngineWork,
    private readonly send: (event: EngineEvent) => void,
    private readonly exit: () => void,
  ) {}

  handle(raw: unknown): void {
    const parsed = EngineRequest.safeParse(raw);
    if (!parsed.success) {
      const where = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'message'}: ${i.message}`);
      this.send({
        type: 'error',
        id: requestIdOf(raw),
        code: 'bad-request',
        message: `The engine could not read a request (${where.join('; ')}). This is a bug in the app; please report it.`,
      });
      return;
    }
    const req = parsed.data;
    if (this.shuttingDown) return;
    try {
      switch (req.type) {
        case 'load':
          return this.load(req);
        case 'edit':
          return this.edit(req);
        case 'cancel':
          if (this.running?.id === req.id) this.running.abort.abort();
          return;
        case 'export':
          return this.exportImage(req);
        case 'prepare':
          // Beside an edit too: it only decodes (an edit of the same photo shares the decode).
          return void this.work.preparePhoto(req.imagePath).then(
            () => this.send({ type: 'prepared', id: req.id }),
            (err) => this.send(errorEvent(req.id, err)),
          );
        case 'shutdown':
          return void this.shutdown();
      }
    } catch (err) {
      this.send(errorEvent(req.id, err));
    }
  }

  private load(req: LoadRequest): void {
    if (this.running) {
      this.send({ type: 'error', id: req.id, code: 'busy', message: 'An edit is running. Wait for it to finish or cancel it, then switch models.' });
      return;
    }
    const run = this.loading.then(() => this.work.load(req.bundleDir, req.provider));
    this.loading = run.catch(() => {});
    run.then(
      ({ bundle, provider }) => this.send({ type: 'loaded', id: req.id, bundle, provider }),
      (err) => this.send(errorEvent(req.id, err)),
    );
  }

  private edit(req: EditRequest): void {
    if (this.running) {
      this.send({ type: 'error', id: req.id, code: 'busy', message: 'Another edit is running. Wait for it to finish or cancel it first.' });
      return;
    }
    const abort = new AbortController();
    const t0 = performance.now();
    const run = this.loading.then(() =>
      this.work.edit(req, abort.signal, (p) => {
        if (!abort.signal.aborted) this.send({ type: 'progress', id: req.id, ...p });
      }),
    );
    this.running = { id: req.id, abort, done: run.catch(() => {}) };
    run.then(
      ({ candidates, settings, inferenceMs }) => {
        this.running = undefined;
        this.send({ type: 'result', id: req.id, candidates, settings, millis: Math.round(performance.now() - t0), inferenceMs });
      },
      (err) => {
        this.running = undefined;
        if (err instanceof CancelledError || abort.signal.aborted) this.send({ type: 'cancelled', id: req.id });
        else this.send(errorEvent(req.id, err));
      },
    );
  }

  private exportImage(req: ExportRequest): void {
    // Exports run beside an edit: they only decode and encode images.
    this.work.exportImage(req).then(
      ({ outPath, bytes }) => this.send({ type: 'exported', id: req.id, outPath, bytes }),
      (err) => this.send(errorEvent(req.id, err)),
    );
  }

  private async shutdown(): Promise<void> {
    this.shuttingDown = true;
    // Sessions are released only after the edit has stopped (within one step): never mid-run.
    this.running?.abort.abort();
    await this.running?.done;
    await this.work.dispose().catch(() => {});
    this.exit();
  }
}

/** The id of a request that failed to parse, when it has one, so the parent can match the error. */
function requestIdOf(raw: unknown): string {
  const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : '';
}
