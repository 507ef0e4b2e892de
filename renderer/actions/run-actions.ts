/**
 * Running an edit: check what the engine needs (photo, a painted mask, a ready engine), send the
 * full-resolution mask (only its box) with the settings, follow its progress, and stage the candidates.
 * An empty prompt is a Fill (contract.ts editModeOf): the masked area is continued from its surroundings.
 */
import { HostError, type EventPayload, type RunSettings } from '../../main/contract.ts';
import { engineMask, type EngineMask } from '../canvas/engine-mask.ts';
import { isPadded } from '../mask/placed-ops.ts';
import { placedMask } from '../state/placed-mask.ts';
import { recipeMask } from '../state/recipe-mask.ts';
import type { EditorSnapshot } from '../state/editor-state.ts';
import type { ActionContext } from './action-context.ts';
import { MaskAhead } from './mask-ahead.ts';

/** How long the mask must stay as it is before the run's mask is made ahead (mask-ahead.ts). */
export const MASK_AHEAD_IDLE_MS = 600;

export function runActions(ctx: ActionContext, discardStaged: () => Promise<void>) {
  const { store, api, canvas } = ctx;

  /** Frees the run's preview image, if any. */
  const masks = new MaskAhead(
    (history: EditorSnapshot['history'], doc: NonNullable<EditorSnapshot['doc']>): Promise<EngineMask | null> => {
      const { ops, canvas: area } = placedMask(history, doc);
      return engineMask(ops, area.width, area.height);
    },
    MASK_AHEAD_IDLE_MS,
    () => buttonsHeld !== 0,
  );
  /** The mouse buttons (or pen/touch contact) held at the last pointer event. */
  let buttonsHeld = 0;

  function clearPreview(): void {
    const url = store.get().running?.previewUrl;
    if (url) URL.revokeObjectURL(url);
  }

  async function startRun(settings: RunSettings): Promise<void> {
    const s = store.get();
    const doc = s.doc!;
    const runId = crypto.randomUUID();
    const clickedAt = performance.now();
    if (s.staging) await discardStaged();
    store.update({
      running: { runId, candidate: 0, candidates: settings.candidates, stage: 'base', step: 0, totalSteps: 0, overallStep: 0, overallTotal: 0, previewUrl: null, crop: null, startedAt: Date.now(), cancelling: false },
      busy: 'preparing-mask',
    });
    try {
      const { canvas: area } = placedMask(s.history, doc);
      const mask = await masks.get(s.history, doc);
      store.update({ busy: null });
      if (store.get().running?.cancelling) throw new HostError('cancelled', 'The run was cancelled.');
      if (!mask) throw new HostError('empty-mask', 'The mask is empty: paint over the area to change (B for the brush), then run again.');
      const result = await api.invoke('edit:run', {
        docId: doc.docId,
        runId,
        editIds: s.history.editIds,
        mask: mask.png,
        maskOrigin: mask.origin,
        softMask: mask.soft,
        ...(isPadded(area.padding) ? { canvas: area.padding } : {}),
        maskOps: recipeMask(s.history.applied),
        settings,
      });
      if (store.get().doc?.docId !== doc.docId) return;
      const clickToResultMs = Math.round(performance.now() - clickedAt);
      store.update({
        staging: result.candidates.length ? { runId, candidates: result.candidates, selected: 0, settings, millis: result.millis } : null,
        compare: { holding: false, amount: 1 },
        lastRun: { millis: result.millis, clickToResultMs, inferenceMs: result.inferenceMs ?? null },
      });
    } catch (error) {
      if (error instanceof HostError && error.code === 'cancelled') store.notify('info', 'Run cancelled. Your mask and history are unchanged.');
      else ctx.report(error);
    } finally {
      clearPreview();
      store.update({ running: null, busy: null });
    }
  }

  async function run(seedOverride?: number): Promise<void> {
    const s = store.get();
    if (!s.doc) return store.notify('error', 'Open a photo first.');
    if (s.running) return;
    if (!canvas.hasMask()) return store.notify('error', 'The mask is empty: paint over the area to change (B for the brush), then run again.');
    if (s.engine.state !== 'ready') return store.notify('error', `The engine is not ready: ${s.engine.message}`);
    await startRun({
      prompt: s.run.prompt.trim(),
      guidanceScale: s.run.guidanceScale ?? undefined,
      steps: s.run.steps ?? undefined,
      detail: s.run.detail ?? undefined,
      seed: seedOverride ?? (s.run.seedMode === 'fixed' ? s.run.seed : null),
      candidates: s.run.candidates,
    });
  }

  return {
    clearPreview,
    run,

    /** Makes each run's mask ahead while the person pauses (MASK_AHEAD_IDLE_MS; mask-ahead.ts). */
    startMaskAhead(): void {
      // Not while a stroke or shape is being drawn: the mask's main-thread work would stall its frames.
      const note = (e: PointerEvent) => (buttonsHeld = e.type === 'pointercancel' ? 0 : e.buttons);
      for (const type of ['pointerdown', 'pointermove', 'pointerup', 'pointercancel'] as const) window.addEventListener(type, note, { capture: true, passive: true });
      store.subscribe(() => {
        const s = store.get();
        masks.changed(s.history, s.doc, s.running !== null);
      });
    },

    /** The same prompt and settings with a new random seed. */
    async retry(): Promise<void> {
      const staging = store.get().staging;
      if (!staging) return run();
      await discardStaged();
      await startRun({ ...staging.settings, seed: null });
    },

    async cancel(): Promise<void> {
      const running = store.get().running;
      if (!running || running.cancelling) return;
      store.update({ running: { ...running, cancelling: true } });
      await ctx.attempt(() => api.invoke('edit:cancel', { runId: running.runId }));
    },

    /** The host's progress event for the run in flight: stage, step and the latest preview. */
    showProgress(p: EventPayload<'edit:progress'>): void {
      const running = store.get().running;
      if (!running || running.runId !== p.runId) return;
      let previewUrl = running.previewUrl;
      if (p.preview) {
        if (previewUrl) URL.revokeObjectURL(previewUrl);
        previewUrl = URL.createObjectURL(new Blob([p.preview as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
      }
      const { candidate, candidates, stage, step, totalSteps } = p;
      const overallStep = p.overallStep ?? 0, overallTotal = p.overallTotal ?? 0;
      store.update({ running: { ...running, candidate, candidates, stage, step, totalSteps, overallStep, overallTotal, previewUrl, crop: p.crop ?? running.crop } });
    },
  };
}
