/**
 * What the person does, as operations on the store and the host: open, paint, run, stage, accept,
 * undo, export. Every failure ends up as a notice in the window (HostError messages are written for
 * the person), never only in the console.
 */
import {
  HostError,
  type AcceptedEdit,
  type Api,
  type DocumentInfo,
  type EventPayload,
  type HistoryEntry,
  type HostEvent,
  type ProviderChoice,
  type Response,
  type RunSettings,
  type Settings,
} from '../../main/contract.ts';
import { fullResolutionMaskPng } from '../canvas/mask-render.ts';
import type { EditorStore } from './editor-store.ts';
import type { Tool } from './editor-state.ts';
import { History } from './history.ts';

const PROJECT_EXTENSION = '.glideproj';

export class EditorActions {
  /** Set by the canvas once mounted: whether the mask has any pixel the engine would generate. */
  maskProbe: () => boolean = () => false;
  private persistTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly store: EditorStore,
    private readonly api: Api,
  ) {}

  async init(): Promise<void> {
    this.api.onEvent((e) => this.onEvent(e));
    await this.attempt(async () => {
      const [app, settings, engine] = await Promise.all([
        this.api.invoke('app:info', {}),
        this.api.invoke('settings:get', {}),
        this.api.invoke('engine:status', {}),
      ]);
      this.store.update({ app, engine });
      this.applySettings(settings);
    });
  }

  // ---- documents ----

  async openFile(file: File): Promise<void> {
    if (this.store.get().running) return this.store.notify('error', 'Wait for the run to finish (or cancel it) before opening another file.');
    const isProject = file.name.toLowerCase().endsWith(PROJECT_EXTENSION);
    await this.busy('opening', async () => {
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (isProject) {
        const opened = await this.api.invoke('project:open-bytes', { name: file.name, bytes });
        await this.showProject(opened);
      } else {
        const doc = await this.api.invoke('image:open-bytes', { name: file.name || 'pasted image.png', bytes });
        await this.replaceDocument(doc, History.empty, {});
      }
    });
  }

  /** Electron: the host's own open dialog. */
  async openWithDialog(kind: 'image' | 'project'): Promise<void> {
    await this.busy('opening', async () => {
      if (kind === 'image') {
        const doc = await this.api.invoke('image:open-dialog', {});
        if (doc) await this.replaceDocument(doc, History.empty, {});
      } else {
        const opened = await this.api.invoke('project:open-dialog', {});
        if (opened) {
          await this.showProject(opened);
        }
      }
    });
  }

  /** Electron: File › Open Recent. */
  async openPath(kind: 'image' | 'project', path: string): Promise<void> {
    if (this.store.get().running) return this.store.notify('error', 'Wait for the run to finish (or cancel it) before opening another file.');
    await this.busy('opening', async () => {
      if (kind === 'image') {
        await this.replaceDocument(await this.api.invoke('image:open-path', { path }), History.empty, {});
      } else {
        const opened = await this.api.invoke('project:open-path', { path });
        await this.showProject(opened);
      }
    });
  }

  private showProject(opened: Response<'project:open-path'>): Promise<void> {
    return this.replaceDocument(opened.document, History.from(opened.state), Object.fromEntries(opened.edits.map((e) => [e.editId, e])));
  }

  /** Shows a newly opened photo or project; the previous document is closed on the host. */
  private async replaceDocument(doc: DocumentInfo, history: History, edits: Record<string, AcceptedEdit>): Promise<void> {
    const previous = this.store.get().doc;
    this.clearPreview();
    this.store.update({ doc, history, edits, staging: null, running: null });
    if (previous) await this.api.invoke('document:close', { docId: previous.docId }).catch(() => {});
  }

  // ---- mask and history ----

  pushMask(entry: Exclude<HistoryEntry, { kind: 'edit' }>): void {
    if (!this.store.get().doc) return;
    this.store.update((s) => ({ history: s.history.push(entry) }));
  }

  undo(): void {
    this.store.update((s) => ({ history: s.history.undo() }));
  }

  redo(): void {
    this.store.update((s) => ({ history: s.history.redo() }));
  }

  goTo(position: number): void {
    this.store.update((s) => ({ history: s.history.goTo(position) }));
  }

  setTool(tool: Tool): void {
    this.store.update({ tool });
  }

  setBrush(brush: Partial<{ size: number; hardness: number }>): void {
    this.store.update((s) => ({ brush: { size: clamp(brush.size ?? s.brush.size, 1, 2000), hardness: clamp(brush.hardness ?? s.brush.hardness, 0, 1) } }));
    this.persist();
  }

  /** `[` and `]`: about 15% per press, so small and large brushes both change usefully. */
  stepBrushSize(direction: 1 | -1): void {
    const size = this.store.get().brush.size;
    this.setBrush({ size: Math.round(direction > 0 ? Math.max(size + 1, size * 1.15) : Math.min(size - 1, size / 1.15)) });
  }

  setOverlay(overlay: Partial<{ colour: string; opacity: number; visible: boolean }>): void {
    this.store.update((s) => ({ overlay: { ...s.overlay, ...overlay } }));
    this.persist();
  }

  setRun(run: Partial<ReturnType<EditorStore['get']>['run']>): void {
    this.store.update((s) => ({ run: { ...s.run, ...run } }));
    this.persist();
  }

  setExport(e: Partial<ReturnType<EditorStore['get']>['exportSettings']>): void {
    this.store.update((s) => ({ exportSettings: { ...s.exportSettings, ...e } }));
    this.persist();
  }

  // ---- runs ----

  async run(seedOverride?: number): Promise<void> {
    const s = this.store.get();
    if (!s.doc) return this.store.notify('error', 'Open a photo first.');
    if (s.running) return;
    if (!s.run.prompt.trim()) return this.store.notify('error', 'Type a prompt: describe what should appear in the masked area.');
    if (!this.maskProbe()) return this.store.notify('error', 'The mask is empty: paint over the area to change (B for the brush), then run again.');
    if (s.engine.state !== 'ready') return this.store.notify('error', `The engine is not ready: ${s.engine.message}`);
    const settings: RunSettings = {
      prompt: s.run.prompt.trim(),
      guidanceScale: s.run.guidanceScale ?? undefined,
      steps: s.run.steps ?? undefined,
      seed: seedOverride ?? (s.run.seedMode === 'fixed' ? s.run.seed : null),
      candidates: s.run.candidates,
    };
    await this.startRun(settings);
  }

  /** The same prompt and settings with a new random seed. */
  async retry(): Promise<void> {
    const staging = this.store.get().staging;
    if (!staging) return this.run();
    await this.discardAll();
    await this.startRun({ ...staging.settings, seed: null });
  }

  private async startRun(settings: RunSettings): Promise<void> {
    const s = this.store.get();
    const doc = s.doc!;
    const runId = crypto.randomUUID();
    const clickedAt = performance.now();
    if (s.staging) await this.discardAll();
    this.store.update({
      running: { runId, candidate: 0, candidates: settings.candidates, stage: 'base', step: 0, totalSteps: 0, previewUrl: null, crop: null, startedAt: Date.now(), cancelling: false },
      busy: 'preparing-mask',
    });
    try {
      const mask = await fullResolutionMaskPng(s.history.maskOps, doc.width, doc.height);
      this.store.update({ busy: null });
      if (this.store.get().running?.cancelling) throw new HostError('cancelled', 'The run was cancelled.');
      const result = await this.api.invoke('edit:run', { docId: doc.docId, runId, editIds: s.history.editIds, mask, settings });
      if (this.store.get().doc?.docId !== doc.docId) return;
      const clickToResultMs = Math.round(performance.now() - clickedAt);
      this.store.update({
        staging: result.candidates.length ? { runId, candidates: result.candidates, selected: 0, settings, millis: result.millis } : null,
        compare: { holding: false, amount: 1 },
        lastRun: { millis: result.millis, clickToResultMs },
      });
    } catch (error) {
      if (error instanceof HostError && error.code === 'cancelled') this.store.notify('info', 'Run cancelled. Your mask and history are unchanged.');
      else this.report(error);
    } finally {
      this.clearPreview();
      this.store.update({ running: null, busy: null });
    }
  }

  async cancel(): Promise<void> {
    const running = this.store.get().running;
    if (!running || running.cancelling) return;
    this.store.update({ running: { ...running, cancelling: true } });
    await this.attempt(() => this.api.invoke('edit:cancel', { runId: running.runId }));
  }

  selectCandidate(index: number): void {
    this.store.update((s) => (s.staging ? { staging: { ...s.staging, selected: index } } : {}));
  }

  async accept(): Promise<void> {
    const s = this.store.get();
    if (!s.doc || !s.staging) return;
    const chosen = s.staging.candidates[s.staging.selected];
    await this.attempt(async () => {
      const edit = await this.api.invoke('candidate:accept', { docId: s.doc!.docId, candidateId: chosen.candidateId });
      const others = s.staging!.candidates.filter((c) => c.candidateId !== chosen.candidateId).map((c) => c.candidateId);
      this.store.update((now) => ({
        edits: { ...now.edits, [edit.editId]: edit },
        history: now.history.push({ kind: 'edit', editId: edit.editId, label: edit.recipe.prompt }),
        staging: null,
      }));
      if (others.length) await this.api.invoke('candidate:discard', { docId: s.doc!.docId, candidateIds: others });
    });
  }

  async discardAll(): Promise<void> {
    const s = this.store.get();
    if (!s.doc || !s.staging) return;
    const ids = s.staging.candidates.map((c) => c.candidateId);
    this.store.update({ staging: null });
    await this.attempt(() => this.api.invoke('candidate:discard', { docId: s.doc!.docId, candidateIds: ids }));
  }

  setCompare(compare: Partial<{ holding: boolean; amount: number }>): void {
    this.store.update((s) => ({ compare: { ...s.compare, ...compare } }));
  }

  // ---- files out ----

  async exportImage(): Promise<void> {
    const s = this.store.get();
    if (!s.doc) return this.store.notify('error', 'Open a photo first.');
    await this.busy('exporting', async () => {
      const saved = await this.api.invoke('export:image', {
        docId: s.doc!.docId,
        editIds: s.history.editIds,
        format: s.exportSettings.format,
        quality: s.exportSettings.quality,
      });
      if (saved) this.deliver(saved, 'Exported');
    });
  }

  async saveProject(): Promise<void> {
    const s = this.store.get();
    if (!s.doc) return this.store.notify('error', 'Open a photo first.');
    await this.busy('saving', async () => {
      const saved = await this.api.invoke('project:save', { docId: s.doc!.docId, state: s.history.toState() });
      if (saved) this.deliver(saved, 'Saved the project');
    });
  }

  /** Saves the provider choice; the host reloads the model on it and reports through engine:status. */
  async setProvider(provider: ProviderChoice): Promise<void> {
    this.store.update({ providerSetting: provider });
    await this.attempt(async () => {
      await this.api.invoke('settings:set', { engine: { provider } });
    });
  }

  /** Electron: pick another model bundle (e.g. OpenAI's converted weights); the host loads it. */
  async chooseModel(): Promise<void> {
    await this.attempt(async () => {
      await this.api.invoke('model:choose-dialog', {});
    });
  }

  /** Back to the model that ships with the app. */
  async useDefaultModel(): Promise<void> {
    await this.attempt(async () => {
      await this.api.invoke('settings:set', { engine: { bundleDir: null } });
    });
  }

  async restartEngine(): Promise<void> {
    await this.attempt(async () => this.store.update({ engine: await this.api.invoke('engine:restart', {}) }));
  }

  private deliver(saved: { fileName: string; bytes: number; savedPath: string | null; downloadUrl: string | null }, verb: string): void {
    if (saved.downloadUrl) {
      const a = document.createElement('a');
      a.href = saved.downloadUrl;
      a.download = saved.fileName;
      document.body.append(a);
      a.click();
      a.remove();
    }
    this.store.notify('info', `${verb} ${saved.savedPath ?? saved.fileName} (${(saved.bytes / 1e6).toFixed(1)} MB).`);
  }

  // ---- host events ----

  private onEvent(e: HostEvent): void {
    if (e.event === 'engine:status') {
      const wasDown = this.store.get().engine.state !== 'ready';
      this.store.update({ engine: e.payload });
      // crashed / restarting / failed show in the engine banner; say when it is back.
      if (e.payload.state === 'ready' && wasDown && this.store.get().doc) this.store.notify('info', 'The engine is ready again.');
    } else if (e.event === 'edit:progress') {
      const running = this.store.get().running;
      if (!running || running.runId !== e.payload.runId) return;
      let previewUrl = running.previewUrl;
      if (e.payload.preview) {
        if (previewUrl) URL.revokeObjectURL(previewUrl);
        previewUrl = URL.createObjectURL(new Blob([e.payload.preview as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
      }
      const { candidate, candidates, stage, step, totalSteps } = e.payload;
      this.store.update({ running: { ...running, candidate, candidates, stage, step, totalSteps, previewUrl, crop: e.payload.crop ?? running.crop } });
    } else if (e.event === 'menu:command') {
      this.onMenu(e.payload);
    }
  }

  /** Electron's menu items; the canvas handles the View items itself through its own listener. */
  private onMenu(menu: EventPayload<'menu:command'>): void {
    const command = menu.command;
    // In the prompt (or any text field) Edit › Undo/Redo edit the text, as everywhere else.
    const typing = document.activeElement instanceof HTMLInputElement || document.activeElement instanceof HTMLTextAreaElement;
    if ((command === 'undo' || command === 'redo') && typing) document.execCommand(command);
    else if (command === 'undo') this.undo();
    else if (command === 'redo') this.redo();
    else if (menu.command === 'open-recent') void this.openPath(menu.kind, menu.path);
    else if (command === 'export') void this.exportImage();
    else if (command === 'save-project') void this.saveProject();
    else if (command === 'open-image') void this.openWithDialog('image');
    else if (command === 'open-project') void this.openWithDialog('project');
  }

  // ---- plumbing ----

  private clearPreview(): void {
    const url = this.store.get().running?.previewUrl;
    if (url) URL.revokeObjectURL(url);
  }

  private applySettings(s: Settings): void {
    this.store.update({
      brush: s.brush,
      overlay: { ...s.overlay, visible: true },
      run: { ...this.store.get().run, guidanceScale: s.run.guidanceScale, steps: s.run.steps, candidates: s.run.candidates, seedMode: s.run.seedMode, seed: s.run.seed },
      exportSettings: s.export,
      providerSetting: s.engine.provider,
    });
  }

  private persist(): void {
    clearTimeout(this.persistTimer);
    this.persistTimer = setTimeout(() => {
      const s = this.store.get();
      void this.api
        .invoke('settings:set', {
          brush: s.brush,
          overlay: { colour: s.overlay.colour, opacity: s.overlay.opacity },
          run: { guidanceScale: s.run.guidanceScale, steps: s.run.steps, candidates: s.run.candidates, seedMode: s.run.seedMode, seed: s.run.seed },
          export: s.exportSettings,
        })
        .catch(() => {});
    }, 400);
  }

  private async busy(kind: NonNullable<ReturnType<EditorStore['get']>['busy']>, work: () => Promise<void>): Promise<void> {
    this.store.update({ busy: kind });
    try {
      await work();
    } catch (error) {
      this.report(error);
    } finally {
      this.store.update({ busy: null });
    }
  }

  private async attempt(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.report(error);
    }
  }

  private report(error: unknown): void {
    const message = error instanceof HostError ? error.message : `Something went wrong: ${(error as Error)?.message ?? String(error)}`;
    this.store.notify('error', message);
    if (!(error instanceof HostError)) console.error(error);
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
