/**
 * The parent's side of the engine process: EngineHost starts the engine, sends it requests with ids,
 * turns its events back into promises, and restarts it after a crash (reloading the last bundle that
 * loaded), so a native fault in inference never takes the window or the user's document with it.
 *
 * The process itself is behind EngineChannel: a Node child process (nodeEngineLauncher, serve mode and
 * tests) or Electron's utilityProcess (the shell's launcher); the host does not know which.
 */
import { EngineEvent, type EditInput, type EngineRequest, type ExportInput, type ProviderChoice } from '../engine/protocol.ts';
import type { EngineChannel, EngineLauncher } from './engine-channel.ts';
import { EngineError } from '../engine/errors.ts';
import { EditCancelledError, EngineCrashedError, EngineStoppedError } from './engine-errors.ts';
import { DEFAULT_RESTART, RestartPolicy, type RestartOptions } from './restart-policy.ts';

export { EngineError } from '../engine/errors.ts';
export { EditCancelledError, EngineCrashedError, EngineStoppedError } from './engine-errors.ts';
export { nodeEngineLauncher, defaultEngineEntry, type NodeLauncherOptions } from './node-launcher.ts';
export type { EngineChannel, EngineLauncher } from './engine-channel.ts';

/** The engine process's state, as the host follows it (the window's EngineStatus in main/contract.ts says more). */
export type EngineProcessStatus = { state: 'starting' | 'ready' | 'crashed' | 'restarting'; message?: string };
type Loaded = Extract<EngineEvent, { type: 'loaded' }>;
type Progress = Extract<EngineEvent, { type: 'progress' }>;
type Result = Extract<EngineEvent, { type: 'result' }>;
type Exported = Extract<EngineEvent, { type: 'exported' }>;


export interface EngineHostOptions {
  restart?: Partial<RestartOptions>;
  /** How long stop() waits for the engine to exit after 'shutdown' before killing it. */
  stopTimeoutMs?: number;
  /** Where the host reports what it ignores (malformed messages, errors for no request). */
  log?: (message: string) => void;
}

type Kind = 'load' | 'edit' | 'export' | 'prepare';
const ANSWER: Record<Kind, EngineEvent['type']> = { load: 'loaded', edit: 'result', export: 'exported', prepare: 'prepared' };

interface Pending {
  kind: Kind;
  sentTo?: number; // the process generation it was sent to; unset while waiting for the engine
  settled: boolean;
  onProgress?: (e: Progress) => void;
  resolve(e: EngineEvent): void;
  reject(err: Error): void;
}

export class EngineHost {
  private readonly policy: RestartPolicy;
  private readonly stopTimeoutMs: number;
  private readonly log: (message: string) => void;
  private channel?: EngineChannel;
  private generation = 0;
  /** Resolves when the current process is up (and, after a restart, has reloaded the bundle). */
  private ready?: Promise<void>;
  private started?: { generation: number; resolve(): void; reject(err: Error): void };
  private readonly pending = new Map<string, Pending>();
  private nextId = 0;
  private lastLoad?: { bundleDir: string; provider: ProviderChoice };
  private stopping = false;
  private gaveUp = false;
  private restartTimer?: NodeJS.Timeout;
  private cancelRestart?: () => void;
  private exitWaiters: (() => void)[] = [];
  private readonly statusListeners = new Set<(s: EngineProcessStatus) => void>();
  private currentPid?: number;

  constructor(private readonly launch: EngineLauncher, options: EngineHostOptions = {}) {
    this.policy = new RestartPolicy({ ...DEFAULT_RESTART, ...options.restart });
    this.stopTimeoutMs = options.stopTimeoutMs ?? 3000;
    this.log = options.log ?? ((m) => console.warn(`[engine-host] ${m}`));
  }

  /** The engine process's id while one runs (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.currentPid;
  }

  /** Resolves once the engine has said 'started'; after a crash it waits for the restart. */
  start(): Promise<void> {
    this.stopping = false;
    if (!this.ready || this.gaveUp) {
      this.gaveUp = false;
      this.policy.reset();
      this.ready = this.launchProcess('starting');
    }
    return this.whenReady();
  }

  load(bundleDir: string, provider: ProviderChoice = 'auto'): Promise<Loaded> {
    return this.request<Loaded>('load', { type: 'load', bundleDir, provider }).then((loaded) => {
      this.lastLoad = { bundleDir, provider };
      return loaded;
    });
  }

  edit(
    req: EditInput,
    onProgress?: (e: Progress) => void,
  ): { id: string; done: Promise<Result> } {
    const id = this.newId();
    const done = this.request<Result>('edit', { type: 'edit', ...req }, id, onProgress);
    return { id, done };
  }

  /** Stops an edit within one step; its `done` rejects with EditCancelledError (unless it finished first). */
  cancel(id: string): void {
    const entry = this.pending.get(id);
    if (!entry || entry.kind !== 'edit') return;
    if (entry.sentTo === undefined) this.settle(id, new EditCancelledError(id));
    else if (entry.sentTo === this.generation) this.channel?.send({ type: 'cancel', id });
  }

  exportImage(req: ExportInput): Promise<Exported> {
    return this.request<Exported>('export', { type: 'export', ...req });
  }

  /** Has the engine decode a photo now and keep it for its first edit (a document was opened). */
  async preparePhoto(imagePath: string): Promise<void> {
    await this.request('prepare', { type: 'prepare', imagePath });
  }

  /** Returns a function that removes the listener. */
  onStatus(l: (s: EngineProcessStatus) => void): () => void {
    this.statusListeners.add(l);
    return () => this.statusListeners.delete(l);
  }

  /** Asks the engine to shut down, kills it if it has not exited after stopTimeoutMs. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.cancelRestart?.();
    this.cancelRestart = undefined;
    const channel = this.channel;
    if (channel) {
      const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
      channel.send({ type: 'shutdown', id: this.newId() });
      const killTimer = setTimeout(() => channel.kill(), this.stopTimeoutMs);
      await exited;
      clearTimeout(killTimer);
    }
    for (const id of [...this.pending.keys()]) this.settle(id, new EngineStoppedError());
    this.ready = undefined;
  }

  // ---- process lifecycle ----

  private launchProcess(state: 'starting' | 'restarting'): Promise<void> {
    this.emit({ state });
    const generation = ++this.generation;
    const started = new Promise<void>((resolve, reject) => (this.started = { generation, resolve, reject }));
    let channel: EngineChannel;
    try {
      channel = this.launch();
    } catch (err) {
      // Nothing to restart: the launcher itself is broken (missing entry file, bad configuration).
      this.started = undefined;
      this.gaveUp = true;
      const error = new EngineCrashedError(`The engine could not be started: ${(err as Error).message}`);
      this.emit({ state: 'crashed', message: error.message });
      return quiet(Promise.reject(error));
    }
    this.channel = channel;
    this.currentPid = channel.pid;
    channel.onMessage((m) => this.onMessage(generation, m));
    channel.onExit((info) => this.onExit(generation, info));
    return quiet(
      started.then(async () => {
        if (state === 'restarting' && this.lastLoad) await this.reload(generation, this.lastLoad);
        if (generation === this.generation) this.emit({ state: 'ready' });
      }),
    );
  }

  /** After a restart, load the bundle the user had; a failure leaves the engine up without one. */
  private async reload(generation: number, last: { bundleDir: string; provider: ProviderChoice }): Promise<void> {
    try {
      await this.request<Loaded>('load', { type: 'load', ...last }, this.newId(), undefined, generation);
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      this.lastLoad = undefined;
      this.log(`the restarted engine could not reload ${last.bundleDir}: ${err.message}`);
    }
  }

  private onExit(generation: number, info: { code: number | null; signal: string | null }): void {
    if (generation !== this.generation) return;
    this.channel = undefined;
    this.currentPid = undefined;
    for (const w of this.exitWaiters.splice(0)) w();
    const crash = this.stopping ? new EngineStoppedError() : new EngineCrashedError(describeExit(info), info);
    if (this.started?.generation === generation) this.started.reject(crash);
    this.started = undefined;
    if (this.stopping) return;

    // Requests this process had were lost with it; ones not yet sent wait for the restart.
    for (const [id, entry] of this.pending) if (entry.sentTo === generation) this.settle(id, crash);

    const decision = this.policy.onCrash();
    if (decision.restart) {
      this.emit({ state: 'crashed', message: `${crash.message} Restarting it.` });
      this.ready = quiet(
        new Promise<void>((resolve, reject) => {
          this.cancelRestart = () => reject(new EngineStoppedError());
          this.restartTimer = setTimeout(() => {
            this.cancelRestart = undefined;
            this.launchProcess('restarting').then(resolve, reject);
          }, decision.delayMs);
        }),
      );
    } else {
      this.gaveUp = true;
      const error = new EngineCrashedError(
        `The engine crashed ${decision.crashesInLastMinute} times in the last minute, so it was not restarted again. ` +
          'Try another model bundle or the CPU provider, then restart the engine.',
        info,
      );
      this.emit({ state: 'crashed', message: error.message });
      this.ready = quiet(Promise.reject(error));
    }
  }

  private onMessage(generation: number, raw: unknown): void {
    if (generation !== this.generation) return;
    const parsed = EngineEvent.safeParse(raw);
    if (!parsed.success) {
      this.log(`ignored a malformed message from the engine: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return;
    }
    const ev = parsed.data;
    if (ev.type === 'started') {
      this.currentPid = ev.pid;
      if (this.started?.generation === generation) this.started.resolve();
      return;
    }
    const entry = this.pending.get(ev.id);
    if (!entry) {
      if (ev.type === 'error') this.log(`engine error (${ev.code}) for no pending request: ${ev.message}`);
      return;
    }
    if (ev.type === 'progress') {
      try {
        entry.onProgress?.(ev);
      } catch (err) {
        this.log(`a progress listener threw: ${(err as Error).message}`);
      }
    } else if (ev.type === 'error') this.settle(ev.id, new EngineError(ev.code, ev.message));
    else if (ev.type === 'cancelled') this.settle(ev.id, new EditCancelledError(ev.id));
    else if (ev.type === ANSWER[entry.kind]) this.settle(ev.id, ev);
    else this.settle(ev.id, new EngineError('internal', `The engine answered a ${entry.kind} request with '${ev.type}'.`));
  }

  // ---- requests ----

  private request<E extends EngineEvent>(
    kind: Kind,
    body: DistributiveOmit<EngineRequest, 'id'> | Record<string, unknown>,
    id = this.newId(),
    onProgress?: (e: Progress) => void,
    /** Send straight to this process without waiting for 'ready' (the reload during a restart). */
    directTo?: number,
  ): Promise<E> {
    let entry!: Pending;
    const done = new Promise<E>((resolve, reject) => {
      entry = { kind, settled: false, onProgress, resolve: resolve as (e: EngineEvent) => void, reject };
    });
    this.pending.set(id, entry);
    if (!this.ready && !this.stopping) void this.start().catch(() => {});
    const send = async () => {
      if (directTo === undefined) await this.whenReady();
      else if (directTo !== this.generation || !this.channel) throw new EngineCrashedError('The engine exited while restarting.');
      if (entry.settled) return; // cancelled while waiting
      entry.sentTo = this.generation;
      // Parsed (and defaulted) by the engine: it is the one judge of a request.
      this.channel!.send({ ...body, id } as EngineRequest);
    };
    send().catch((err: Error) => this.settle(id, err));
    return done;
  }

  private settle(id: string, outcome: EngineEvent | Error): void {
    const entry = this.pending.get(id);
    if (!entry || entry.settled) return;
    entry.settled = true;
    this.pending.delete(id);
    if (outcome instanceof Error) entry.reject(outcome);
    else entry.resolve(outcome);
  }

  private async whenReady(): Promise<void> {
    for (;;) {
      if (this.stopping) throw new EngineStoppedError();
      const current = this.ready;
      if (!current) throw new EngineStoppedError();
      try {
        await current;
      } catch (err) {
        if (this.ready !== current) continue; // a restart replaced it: wait for that one
        throw err;
      }
      if (this.ready !== current) continue; // crashed again while we waited
      if (!this.channel) throw new EngineCrashedError('The engine is not running.');
      return;
    }
  }

  private newId(): string {
    return `r${++this.nextId}`;
  }

  private emit(status: EngineProcessStatus): void {
    for (const l of this.statusListeners) {
      try {
        l(status);
      } catch (err) {
        this.log(`a status listener threw: ${(err as Error).message}`);
      }
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Marks a promise's rejection as handled (someone may never await it) and returns it unchanged. */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

function describeExit(info: { code: number | null; signal: string | null }): string {
  const how = info.signal ? `was killed by ${info.signal}` : `exited with code ${info.code}`;
  return `The engine process ${how}. Your document is safe; the running request was lost.`;
}
