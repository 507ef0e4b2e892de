/**
 * Keeps the engine usable for the handlers: starts it, loads the model bundle, follows the engine
 * host through crashes and restarts (it reloads the bundle itself), and tells every window what
 * state it is in. Depends only
 * on the engine host's shape (EngineHostLike), so tests drive it with a fake.
 */
import type { EditInput, EngineEvent, ExportInput, ProviderChoice } from '../engine/protocol.ts';
import type { EngineProcessStatus } from '../engine-host/engine-host.ts';
import { HostError, type EngineStatus } from '../contract.ts';
import { toHostError } from './host-errors.ts';

type Loaded = Extract<EngineEvent, { type: 'loaded' }>;
export type EngineProgress = Extract<EngineEvent, { type: 'progress' }>;
export type EngineResult = Extract<EngineEvent, { type: 'result' }>;

/** The part of main/engine-host/engine-host.ts's EngineHost that the host handlers use. */
export interface EngineHostLike {
  start(): Promise<void>;
  load(bundleDir: string, provider?: ProviderChoice): Promise<Loaded>;
  edit(req: EditInput, onProgress?: (e: EngineProgress) => void): { id: string; done: Promise<EngineResult> };
  cancel(id: string): void;
  exportImage(req: ExportInput): Promise<Extract<EngineEvent, { type: 'exported' }>>;
  /** Decode a photo ahead of its first edit; absent in stand-ins that have nothing to decode. */
  preparePhoto?(imagePath: string): Promise<void>;
  onStatus(listener: (s: EngineProcessStatus) => void): void;
  stop(): Promise<void>;
}

export interface BundleChoice {
  dir: string;
  provider: ProviderChoice;
  /** Shown while loading, e.g. that the tiny test bundle stands in for the default model. */
  note?: string;
}

export class EngineSession {
  private status: EngineStatus = { state: 'starting', message: 'Starting the engine…', model: null, provider: null, defaults: null };
  /** The last bundle that loaded; the engine host reloads it after a restart. */
  private lastLoaded: Loaded | null = null;
  private note: string | undefined;
  private loading: Promise<void> | null = null;
  private stopped = false;

  constructor(
    readonly host: EngineHostLike,
    private readonly chooseBundle: () => Promise<BundleChoice> | BundleChoice,
    private readonly emit: (status: EngineStatus) => void,
  ) {
    host.onStatus((s) => {
      if (this.stopped) return;
      if (s.state === 'crashed') {
        this.set({ state: 'crashed', message: `${s.message ?? 'The engine stopped unexpectedly.'} Your image, mask and history are kept.` });
      } else if (s.state === 'restarting') {
        this.set({ state: 'restarting', message: 'The engine is restarting after a crash. Your image, mask and history are kept.' });
      } else if (s.state === 'ready' && this.lastLoaded && (this.status.state === 'crashed' || this.status.state === 'restarting')) {
        // The engine host reloads the last bundle before it reports a restarted engine ready.
        this.setReady(this.lastLoaded);
      }
    });
  }

  current(): EngineStatus {
    return this.status;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.set({ state: 'starting', message: 'Starting the engine…' });
    try {
      await this.host.start();
    } catch (error) {
      this.set({ state: 'failed', message: `The engine could not start: ${toHostError(error).message}` });
      return;
    }
    await this.load();
  }

  /** Loads (or reloads) the chosen bundle; settles once the state is 'ready' or 'failed'. */
  load(): Promise<void> {
    this.loading ??= this.doLoad().finally(() => (this.loading = null));
    return this.loading;
  }

  async restart(): Promise<void> {
    await this.host.stop().catch(() => {});
    await this.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.host.stop().catch(() => {});
  }

  /** The loaded model, or a HostError saying why there is none. */
  requireReady(): Loaded {
    if (this.status.state === 'ready' && this.lastLoaded) return this.lastLoaded;
    throw new HostError('engine-unavailable', `The engine is not ready: ${this.status.message}`);
  }

  private async doLoad(): Promise<void> {
    let choice: BundleChoice;
    try {
      choice = await this.chooseBundle();
    } catch (error) {
      this.set({ state: 'failed', message: toHostError(error).message });
      return;
    }
    this.note = choice.note;
    this.set({ state: 'loading', message: `Loading the model${choice.note ? ` (${choice.note})` : ''}…` });
    try {
      this.setReady(await this.host.load(choice.dir, choice.provider));
    } catch (error) {
      this.lastLoaded = null;
      this.set({ state: 'failed', message: `The model could not be loaded: ${toHostError(error).message}` });
    }
  }

  private setReady(loaded: Loaded): void {
    this.lastLoaded = loaded;
    const { bundle, provider } = loaded;
    this.status = {
      state: 'ready',
      message: `Ready: ${bundle.name} on ${provider.name.toUpperCase()}${this.note ? ` (${this.note})` : ''}.`,
      model: { name: bundle.name, sha256: bundle.sha256, imageSize: bundle.imageSize, license: bundle.license },
      provider,
      defaults: bundle.defaults,
    };
    this.emit(this.status);
  }

  private set(s: Pick<EngineStatus, 'state' | 'message'>): void {
    this.status = { ...s, model: null, provider: null, defaults: null };
    this.emit(this.status);
  }
}
