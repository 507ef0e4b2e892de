/**
 * The Models panel's host side: the bundles the person has (installed in the app's models folder,
 * added from their own folders, the built-in default), and one install job at a time: OpenAI's
 * checkpoints downloaded (resumable, also after the app was closed) and converted, or checkpoint files
 * chosen in a dialog and converted.
 *
 * Only complete bundles are listed: the importer writes `<name>.partial` and renames it when done;
 * downloads live in `.downloads/` until converted, then are deleted. Paths come from the app's own
 * folders and from native dialogs, never from the renderer.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, rm, stat, statfs, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { HostError, type InstalledModel, type ModelInstallState, type ModelsOverview, type OfficialOffer, type OfficialVariant, type Settings, type SettingsPatch } from '../../contract.ts';
import { readManifest } from '../../engine/bundle/load.ts';
import { readTemplateSet, type TemplateSet } from '../../engine/checkpoint/templates.ts';
import { downloadFile, PAUSE, partialBytes, probe, removePartial } from './download-file.ts';
import { InstallError } from './install-error.ts';
import { officialCheckpoints, officialOffer } from './official-offer.ts';
import type { RunImport } from './run-import.ts';

export interface ModelLibraryDeps {
  /** The app's own models folder (created when needed). */
  modelsDir: string;
  templatesDir: string;
  /** The built-in default bundle, if this build has one. */
  defaultBundleDir: string | null;
  getSettings: () => Promise<Settings>;
  /** The host's settings update (it reloads the engine when the model changes). */
  setSettings: (patch: SettingsPatch) => Promise<Settings>;
  /** Native dialogs (Electron); absent in serve mode. */
  chooseOpenPath?: (kind: 'model' | 'checkpoint') => Promise<string | null>;
  runImport: RunImport;
  emit: (state: ModelInstallState) => void;
  /** Free bytes on the disk holding `dir` (tests replace it). */
  freeBytes?: (dir: string) => Promise<number>;
  /** The address checkpoints are fetched from (tests: a 127.0.0.1 server); default the templates' baseUrl. */
  baseUrl?: string;
}

const LIBRARY_FILE = 'library.json';
const DOWNLOADS = '.downloads';
const JOB_FILE = 'job.json';
const PROVENANCE_NOTE = 'installed-from';

interface SavedJob {
  variant: OfficialVariant;
  fp16: boolean;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

async function diskFree(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

function gb(bytes: number): string {
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

export class ModelLibrary {
  private job: ModelInstallState | null = null;
  private controller: AbortController | null = null;
  private running: Promise<void> | null = null;
  private templates: TemplateSet | null = null;

  constructor(private readonly deps: ModelLibraryDeps) {}

  private async tpl(): Promise<TemplateSet> {
    this.templates ??= await readTemplateSet(this.deps.templatesDir);
    return this.templates;
  }

  private get downloadsDir(): string {
    return path.join(this.deps.modelsDir, DOWNLOADS);
  }

  private async externalDirs(): Promise<string[]> {
    try {
      const raw = JSON.parse(await readFile(path.join(this.deps.modelsDir, LIBRARY_FILE), 'utf8')) as { added?: unknown };
      return Array.isArray(raw.added) ? raw.added.filter((d): d is string => typeof d === 'string') : [];
    } catch {
      return [];
    }
  }

  private async saveExternalDirs(dirs: string[]): Promise<void> {
    await mkdir(this.deps.modelsDir, { recursive: true });
    await writeFile(path.join(this.deps.modelsDir, LIBRARY_FILE), JSON.stringify({ added: dirs }, null, 2));
  }

  private async describe(dir: string, kind: InstalledModel['kind'], id: string, inUseDir: string | null): Promise<InstalledModel | null> {
    try {
      const { manifest } = await readManifest(dir);
      const bytes = Object.values(manifest.files).reduce((a, f) => a + f.bytes, 0);
      const prov = manifest.provenance as Record<string, unknown>;
      const source = kind === 'built-in' ? 'built in' : typeof prov[PROVENANCE_NOTE] === 'string' ? (prov[PROVENANCE_NOTE] as string) : typeof prov.source === 'string' ? prov.source : dir;
      return {
        id,
        name: manifest.name,
        stages: manifest.stages.upsampler ? ['base', 'upsampler'] : ['base'],
        bytes,
        license: manifest.license.name,
        source,
        inUse: inUseDir === null ? kind === 'built-in' : path.resolve(inUseDir) === path.resolve(dir),
        kind,
      };
    } catch {
      return null; // not a complete, valid bundle: never listed
    }
  }

  /** Every listed bundle with the folder it is in. */
  private async entries(): Promise<{ model: InstalledModel; dir: string }[]> {
    const inUse = (await this.deps.getSettings()).engine.bundleDir;
    const out: { model: InstalledModel; dir: string }[] = [];
    if (this.deps.defaultBundleDir) {
      const m = await this.describe(this.deps.defaultBundleDir, 'built-in', 'default', inUse);
      if (m) out.push({ model: m, dir: this.deps.defaultBundleDir });
    }
    const names = await readdir(this.deps.modelsDir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (name.startsWith('.') || name.endsWith('.partial') || !/^[A-Za-z0-9_-]{1,64}$/.test(name)) continue;
      const dir = path.join(this.deps.modelsDir, name);
      const m = await this.describe(dir, 'installed', name, inUse);
      if (m) out.push({ model: m, dir });
    }
    for (const dir of await this.externalDirs()) {
      const id = `added-${createHash('sha256').update(dir).digest('hex').slice(0, 16)}`;
      const m = await this.describe(dir, 'added', id, inUse);
      if (m) out.push({ model: m, dir });
    }
    return out;
  }

  /** The job in memory, or one paused in an earlier launch (its partial downloads are still there). */
  private async currentJob(): Promise<ModelInstallState | null> {
    if (this.job) return this.job;
    const saved = await this.savedJob();
    if (!saved) return null;
    let done = 0;
    for (const c of officialCheckpoints(await this.tpl(), saved.variant)) {
      const dest = path.join(this.downloadsDir, c.file);
      done += (await exists(dest)) ? (await stat(dest)).size : await partialBytes(dest);
    }
    this.job = this.state(saved.variant, 'paused', {
      bytesDone: done,
      message: 'Download paused (the app was closed). Resume continues where it stopped.',
    });
    return this.job;
  }

  private async savedJob(): Promise<SavedJob | null> {
    try {
      const raw = JSON.parse(await readFile(path.join(this.downloadsDir, JOB_FILE), 'utf8')) as SavedJob;
      return (raw.variant === 'base' || raw.variant === 'pair') && typeof raw.fp16 === 'boolean' ? raw : null;
    } catch {
      return null;
    }
  }

  private state(variant: OfficialVariant | null, phase: ModelInstallState['phase'], rest: Partial<ModelInstallState>): ModelInstallState {
    return {
      jobId: this.job?.jobId ?? randomBytes(8).toString('hex'),
      kind: variant ? 'official' : 'import',
      variant,
      phase,
      file: null,
      bytesDone: 0,
      bytesTotal: null,
      bytesPerSecond: null,
      secondsLeft: null,
      message: '',
      ...rest,
    };
  }

  private publish(next: ModelInstallState): ModelInstallState {
    this.job = next;
    this.deps.emit(next);
    return next;
  }

  async overview(): Promise<ModelsOverview> {
    return { installed: (await this.entries()).map((e) => e.model), job: await this.currentJob(), dialogs: !!this.deps.chooseOpenPath };
  }

  async offer(): Promise<OfficialOffer> {
    return officialOffer(await this.tpl());
  }

  async use(id: string): Promise<Settings> {
    const entry = (await this.entries()).find((e) => e.model.id === id);
    if (!entry) throw new HostError('not-found', 'That model is no longer installed. The list has been refreshed.');
    return this.deps.setSettings({ engine: { bundleDir: entry.model.kind === 'built-in' ? null : entry.dir } });
  }

  async remove(id: string): Promise<ModelsOverview> {
    const entry = (await this.entries()).find((e) => e.model.id === id);
    if (!entry) throw new HostError('not-found', 'That model is no longer installed. The list has been refreshed.');
    if (entry.model.kind === 'built-in') throw new HostError('bad-request', 'The built-in model cannot be removed.');
    if (entry.model.inUse) await this.deps.setSettings({ engine: { bundleDir: null } }); // back to the default first
    if (entry.model.kind === 'installed') await rm(entry.dir, { recursive: true, force: true });
    else await this.saveExternalDirs((await this.externalDirs()).filter((d) => d !== entry.dir));
    return this.overview();
  }

  async addFolderDialog(): Promise<ModelsOverview | null> {
    if (!this.deps.chooseOpenPath) throw new HostError('unsupported', 'Adding a bundle folder needs the desktop app; in serve mode start with --bundle DIR.');
    const manifestPath = await this.deps.chooseOpenPath('model');
    if (!manifestPath) return null;
    const dir = path.dirname(manifestPath);
    try {
      await readManifest(dir);
    } catch (e) {
      throw new HostError('bad-request', `${dir} is not a usable model bundle: ${(e as Error).message}`);
    }
    const dirs = await this.externalDirs();
    if (!dirs.includes(dir) && !dir.startsWith(path.resolve(this.deps.modelsDir) + path.sep)) await this.saveExternalDirs([...dirs, dir]);
    return this.overview();
  }

  private busy(): HostError {
    return new HostError('busy', 'A model is already being installed; pause or cancel it first.');
  }

  /** Starts or resumes getting OpenAI's checkpoints (see the file comment); returns at once. */
  async getOfficial(variant: OfficialVariant, fp16: boolean): Promise<ModelInstallState> {
    if (this.running) throw this.busy();
    const templates = await this.tpl();
    const checkpoints = officialCheckpoints(templates, variant);
    await mkdir(this.downloadsDir, { recursive: true });
    const base = this.deps.baseUrl ?? templates.baseUrl;
    // Sizes first, then the disk: nothing starts without room for the rest of the download and the bundle.
    let total = 0;
    let have = 0;
    for (const c of checkpoints) {
      const dest = path.join(this.downloadsDir, c.file);
      const got = (await exists(dest)) ? (await stat(dest)).size : await partialBytes(dest);
      let size = got;
      if (!(await exists(dest))) {
        try {
          size = (await probe(`${base}/${c.file}`)).bytes ?? templates.stages[c.stage]!.entry.parameters * 4;
        } catch (e) {
          throw new HostError('io', (e as Error).message);
        }
      }
      total += size;
      have += got;
    }
    const bundleBytes = fp16 ? total / 2 : total;
    const needed = total - have + bundleBytes;
    const free = await (this.deps.freeBytes ?? diskFree)(this.deps.modelsDir);
    if (free < needed) {
      throw new HostError(
        'io',
        `Not enough free disk space: getting this model needs ${gb(needed)} (${gb(total - have)} to download, ${gb(bundleBytes)} for the converted model) and ${this.deps.modelsDir} has ${gb(free)} free. Free some space and try again; nothing was started.`,
      );
    }
    await writeFile(path.join(this.downloadsDir, JOB_FILE), JSON.stringify({ variant, fp16 } satisfies SavedJob));
    this.job = null;
    const started = this.publish(this.state(variant, 'downloading', { bytesDone: have, bytesTotal: total, message: 'Starting the download…' }));
    this.controller = new AbortController();
    this.running = this.runOfficial(variant, fp16, checkpoints.map((c) => ({ ...c, url: `${base}/${c.file}` })), total, this.controller.signal).finally(() => {
      this.running = null;
      this.controller = null;
    });
    return started;
  }

  private async runOfficial(variant: OfficialVariant, fp16: boolean, checkpoints: { file: string; url: string }[], total: number, signal: AbortSignal): Promise<void> {
    const speed = new SpeedMeter();
    try {
      let before = 0;
      for (const c of checkpoints) {
        const dest = path.join(this.downloadsDir, c.file);
        if (!(await exists(dest))) {
          await downloadFile({
            url: c.url,
            dest,
            signal,
            onProgress: (p) => {
              const done = before + p.bytesDone;
              const bps = speed.add(done);
              if (!speed.due()) return;
              this.publish(
                this.state(variant, 'downloading', {
                  file: c.file,
                  bytesDone: done,
                  bytesTotal: total,
                  bytesPerSecond: bps,
                  secondsLeft: bps ? (total - done) / bps : null,
                  message: `Downloading ${c.file}`,
                }),
              );
            },
          });
        }
        before += (await stat(dest)).size;
      }
      await this.convert(variant, this.downloadsDir, fp16, `${checkpoints[0].url.replace(/\/[^/]*$/, '/')}`, signal);
      await rm(this.downloadsDir, { recursive: true, force: true }); // the checkpoints are in the bundle now
    } catch (e) {
      if (signal.aborted) {
        if (signal.reason === PAUSE) {
          this.publish(this.state(variant, 'paused', { ...this.progressOf(), message: 'Download paused. Resume continues where it stopped, also after the app is closed.' }));
        } else {
          for (const c of checkpoints) await removePartial(path.join(this.downloadsDir, c.file));
          await rm(this.downloadsDir, { recursive: true, force: true });
          this.publish(this.state(variant, 'cancelled', { message: 'Cancelled; the partial download was removed.' }));
        }
        return;
      }
      this.publish(this.state(variant, 'failed', { ...this.progressOf(), message: failureMessage(e) }));
    }
  }

  private progressOf(): Partial<ModelInstallState> {
    return this.job ? { bytesDone: this.job.bytesDone, bytesTotal: this.job.bytesTotal, file: this.job.file } : {};
  }

  /** Converts the checkpoints in `sourceDir` into a new installed bundle, then uses it. */
  private async convert(variant: OfficialVariant | null, sourceDir: string, fp16: boolean, source: string, signal: AbortSignal): Promise<void> {
    const name = `${variant ? `openai-glide-${variant}` : 'imported'}-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}${fp16 ? '-fp16' : ''}`;
    const outDir = path.join(this.deps.modelsDir, name);
    const speed = new SpeedMeter();
    const result = await this.deps.runImport(
      { sourceDir, outDir, templatesDir: this.deps.templatesDir, fp16, source },
      (p) => {
        const bps = speed.add(p.bytesDone);
        if (p.phase === 'writing' && !speed.due()) return;
        this.publish(
          this.state(variant, 'converting', {
            file: p.file ?? null,
            bytesDone: p.bytesDone,
            bytesTotal: p.bytesTotal || null,
            bytesPerSecond: bps,
            secondsLeft: bps && p.bytesTotal ? (p.bytesTotal - p.bytesDone) / bps : null,
            message: p.phase === 'checking' ? `Checking ${p.file}` : 'Converting to the app\'s format',
          }),
        );
      },
      signal,
    );
    // Where it came from, for the list.
    const manifestFile = path.join(outDir, 'bundle.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    manifest.provenance[PROVENANCE_NOTE] = source;
    await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    await this.deps.setSettings({ engine: { bundleDir: outDir } });
    this.publish(
      this.state(variant, 'done', {
        bytesDone: result.bytes,
        bytesTotal: result.bytes,
        message: `Installed ${manifest.name} (${gb(result.bytes)}) and switched to it.`,
      }),
    );
  }

  async control(action: 'pause' | 'resume' | 'cancel'): Promise<ModelInstallState | null> {
    const job = await this.currentJob();
    if (!job) return null;
    if (action === 'pause') {
      if (job.phase !== 'downloading') throw new HostError('bad-request', 'Only a download can be paused.');
      this.controller?.abort(PAUSE);
      await this.running;
      return this.job;
    }
    if (action === 'resume') {
      if (this.running) return this.job;
      const saved = await this.savedJob();
      if (!saved) throw new HostError('not-found', 'There is no paused download to resume.');
      return this.getOfficial(saved.variant, saved.fp16);
    }
    if (this.running) {
      this.controller?.abort();
      await this.running;
      return this.job;
    }
    // Cancel a paused download (perhaps from an earlier launch).
    await rm(this.downloadsDir, { recursive: true, force: true });
    return this.publish(this.state(job.variant, 'cancelled', { message: 'Cancelled; the partial download was removed.' }));
  }

  /** Import checkpoint files…: base_inpaint.pt chosen in a dialog (upsample_inpaint.pt beside it is taken too). */
  async importDialog(fp16: boolean): Promise<ModelInstallState | null> {
    if (!this.deps.chooseOpenPath) throw new HostError('unsupported', 'Importing checkpoint files needs the desktop app; from a terminal: npm run models:import -- <folder>.');
    if (this.running) throw this.busy();
    const chosen = await this.deps.chooseOpenPath('checkpoint');
    if (!chosen) return null;
    const sourceDir = path.dirname(chosen);
    this.job = null;
    const started = this.publish(this.state(null, 'converting', { message: `Checking ${path.basename(chosen)}` }));
    this.controller = new AbortController();
    const signal = this.controller.signal;
    this.running = this.convert(null, sourceDir, fp16, sourceDir, signal)
      .catch((e) => {
        this.publish(this.state(null, signal.aborted ? 'cancelled' : 'failed', { message: signal.aborted ? 'Cancelled.' : failureMessage(e) }));
      })
      .finally(() => {
        this.running = null;
        this.controller = null;
      });
    return started;
  }

  /** Waits for the job under way (tests, shutdown). */
  async settled(): Promise<void> {
    await this.running;
  }

  /** Stops a download at shutdown so it resumes at the next launch. */
  async pauseForExit(): Promise<void> {
    if (this.job?.phase === 'downloading') this.controller?.abort(PAUSE);
    else this.controller?.abort();
    await this.running;
  }
}

function failureMessage(e: unknown): string {
  const message = (e as Error).message ?? String(e);
  if (e instanceof InstallError) return message;
  if ((e as Error).name === 'CheckpointError') return `The checkpoint was refused: ${message}`;
  return `The installation failed: ${message}. Try again; downloaded files are kept.`;
}

/** Bytes per second over the last few seconds, and whether a progress report is due (at most 4 a second). */
class SpeedMeter {
  private samples: { t: number; bytes: number }[] = [];
  private lastReport = 0;

  add(bytes: number): number | null {
    const t = Date.now();
    this.samples.push({ t, bytes });
    while (this.samples.length > 2 && t - this.samples[0].t > 5000) this.samples.shift();
    const first = this.samples[0];
    return t - first.t >= 200 ? ((bytes - first.bytes) * 1000) / (t - first.t) : null;
  }

  due(): boolean {
    const t = Date.now();
    if (t - this.lastReport < 250) return false;
    this.lastReport = t;
    return true;
  }
}
