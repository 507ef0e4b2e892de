/**
 * The person's settings in the window (tool, brush, mask overlay, run and export settings): applied
 * at once, and saved to the host shortly after the last change (one write per burst of slider moves).
 */
import type { Settings } from '../../main/contract.ts';
import type { EditorSnapshot, MaskToolOptions, Tool } from '../state/editor-state.ts';
import type { ActionContext } from './action-context.ts';

const PERSIST_DELAY_MS = 400;

export function settingsActions({ store, api }: ActionContext) {
  let persistTimer: ReturnType<typeof setTimeout> | undefined;

  function persist(): void {
    clearTimeout(persistTimer);
    persistTimer = setTimeout(() => {
      const s = store.get();
      void api
        .invoke('settings:set', {
          brush: s.brush,
          overlay: { colour: s.overlay.colour, opacity: s.overlay.opacity },
          run: { guidanceScale: s.run.guidanceScale, steps: s.run.steps, candidates: s.run.candidates, seedMode: s.run.seedMode, seed: s.run.seed },
          export: s.exportSettings,
        })
        .catch(() => {});
    }, PERSIST_DELAY_MS);
  }

  function setBrush(brush: Partial<{ size: number; hardness: number }>): void {
    store.update((s) => ({ brush: { size: clamp(brush.size ?? s.brush.size, 1, 2000), hardness: clamp(brush.hardness ?? s.brush.hardness, 0, 1) } }));
    persist();
  }

  return {
    /** The host's saved settings, shown once at start. */
    applySettings(s: Settings): void {
      store.update({
        brush: s.brush,
        overlay: { ...s.overlay, visible: true },
        run: { ...store.get().run, guidanceScale: s.run.guidanceScale, steps: s.run.steps, candidates: s.run.candidates, seedMode: s.run.seedMode, seed: s.run.seed },
        exportSettings: s.export,
        providerSetting: s.engine.provider,
      });
    },

    setTool(tool: Tool): void {
      store.update({ tool });
    },

    setMaskTools(options: Partial<MaskToolOptions>): void {
      store.update((s) => ({ maskTools: { ...s.maskTools, ...options } }));
    },

    setBrush,

    /** `[` and `]`: about 15% per press, so small and large brushes both change usefully. */
    stepBrushSize(direction: 1 | -1): void {
      const size = store.get().brush.size;
      setBrush({ size: Math.round(direction > 0 ? Math.max(size + 1, size * 1.15) : Math.min(size - 1, size / 1.15)) });
    },

    setOverlay(overlay: Partial<{ colour: string; opacity: number; visible: boolean }>): void {
      store.update((s) => ({ overlay: { ...s.overlay, ...overlay } }));
      persist();
    },

    setRun(run: Partial<EditorSnapshot['run']>): void {
      store.update((s) => ({ run: { ...s.run, ...run } }));
      persist();
    },

    setExport(e: Partial<EditorSnapshot['exportSettings']>): void {
      store.update((s) => ({ exportSettings: { ...s.exportSettings, ...e } }));
      persist();
    },
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
