/**
 * Extending the canvas (outpainting): pixels added on chosen sides of the canvas as it stands join
 * the history as one entry; the new area is masked, so Run fills it (with or without a prompt).
 * Undo takes the canvas back; the edits and mask drawn before stay where they were on the photo.
 */
import { MAX_EXTEND, type CanvasPadding } from '../../main/contract.ts';
import { placedMask } from '../state/placed-mask.ts';
import type { ActionContext } from './action-context.ts';

const SIDES = ['left', 'top', 'right', 'bottom'] as const;

export function canvasActions(ctx: ActionContext) {
  const { store } = ctx;
  return {
    /** Adds the given pixels to each side (0 leaves a side as it is). */
    extendCanvas(add: CanvasPadding): void {
      const s = store.get();
      if (!s.doc) return store.notify('error', 'Open a photo first.');
      if (s.running) return store.notify('error', 'Wait for the run to finish (or cancel it) before extending the canvas.');
      if (s.staging) return store.notify('error', 'Accept or discard the candidates first: they were made for the canvas as it is.');
      if (!SIDES.every((side) => Number.isInteger(add[side]) && add[side] >= 0) || SIDES.every((side) => add[side] === 0)) {
        return store.notify('error', 'Choose at least one side and a whole number of pixels to add.');
      }
      const now = placedMask(s.history, s.doc).canvas;
      const over = SIDES.find((side) => now.padding[side] + add[side] > MAX_EXTEND);
      if (over) return store.notify('error', `The canvas can grow by at most ${MAX_EXTEND} px on each side (the ${over} would be ${now.padding[over] + add[over]} px).`);
      const width = now.width + add.left + add.right, height = now.height + add.top + add.bottom;
      const limit = s.app?.maxPixels ?? Infinity;
      if (width * height > limit) {
        return store.notify('error', `The canvas would be ${width}×${height} (${((width * height) / 1e6).toFixed(0)} MP); up to ${(limit / 1e6).toFixed(0)} megapixels are supported.`);
      }
      store.update((cur) => ({ history: cur.history.push({ kind: 'extend', ...add }), maskPreview: null }));
    },
  };
}
