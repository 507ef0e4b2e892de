/**
 * Keeps the canvas in step with the store: document, applied patches, mask ops and overlay style,
 * run preview, staged candidate and compare. Each part is pushed only when its slice differs from
 * what the canvas last got.
 */
import type { CanvasPadding } from '../../main/contract.ts';
import { NO_PADDING } from '../mask/placed-ops.ts';
import type { EditorSnapshot } from '../state/editor-state.ts';
import type { EditorStore } from '../state/editor-store.ts';
import { placedMask } from '../state/placed-mask.ts';
import type { EditorCanvas, Placed } from './editor-canvas.ts';

export function bindCanvas(canvas: EditorCanvas, store: EditorStore, onError: (message: string) => void): () => void {
  let shownDoc: EditorSnapshot['doc'] = null;
  let ready = false;
  let pushed: Partial<Pick<EditorSnapshot, 'history' | 'maskPreview' | 'edits' | 'overlay' | 'staging' | 'running' | 'compare'>> = {};

  const sync = () => {
    const s = store.get();
    if (s.doc !== shownDoc) {
      shownDoc = s.doc;
      ready = false;
      pushed = {};
      if (!s.doc) return;
      const doc = s.doc;
      canvas.setDocument(doc).then(
        () => {
          if (store.get().doc !== doc) return;
          ready = true;
          sync();
        },
        () => onError(`"${doc.name}" could not be shown. Try opening it again.`),
      );
      return;
    }
    if (!ready || !s.doc) return;
    const placed = placedMask(s.history, s.doc);
    // A grown (or shrunk back) canvas empties the overlay: its operations are drawn again below.
    const resized = s.history !== pushed.history && canvas.setCanvas(placed.canvas);
    if (resized || s.history !== pushed.history || s.maskPreview !== pushed.maskPreview) canvas.mask.setOps(placed.ops, s.maskPreview);
    if (s.history !== pushed.history || s.edits !== pushed.edits) canvas.setPatches(patchesOf(s, placed.canvas.padding));
    // The overlay hides while candidates are staged, so the result is seen unobstructed.
    if (s.overlay !== pushed.overlay || s.staging !== pushed.staging) {
      canvas.mask.setStyle(s.overlay.colour, s.overlay.opacity, s.overlay.visible && !s.staging);
    }
    if (s.running !== pushed.running) canvas.setPreview(s.running?.previewUrl ?? null, s.running?.crop ?? null);
    if (s.staging !== pushed.staging || s.compare !== pushed.compare) {
      const c = s.staging?.candidates[s.staging.selected];
      canvas.setCandidate(c ?? null, s.compare.holding ? 0 : s.compare.amount);
    }
    pushed = { history: s.history, maskPreview: s.maskPreview, edits: s.edits, overlay: s.overlay, staging: s.staging, running: s.running, compare: s.compare };
  };

  sync();
  return store.subscribe(sync);
}

/** The applied edits' patches, each moved from the canvas its run had into the current one. */
function patchesOf(s: EditorSnapshot, padding: CanvasPadding): Placed[] {
  return s.history.editIds.flatMap((id) => {
    const e = s.edits[id];
    if (!e) return [];
    const from = e.recipe.canvas ?? NO_PADDING;
    return [{ id, url: e.url, x: e.x + padding.left - from.left, y: e.y + padding.top - from.top, width: e.width, height: e.height }];
  });
}
