/**
 * The mask and the history: strokes, shapes, the wand, grow/shrink, feather, clears, inverts and
 * loaded masks join the one undo list with accepted edits. Grow/shrink and feather are previewed on
 * the overlay while their amounts change and join the history when applied. Masks load from and save
 * to PNG files at the photo's full resolution (white = generate).
 */
import type { HistoryEntry } from '../../main/contract.ts';
import { maskFilePng } from '../canvas/engine-mask.ts';
import { encodeRuns } from '../mask/mask-runs.ts';
import { placedMask } from '../state/placed-mask.ts';
import type { ActionContext } from './action-context.ts';

type MaskOp = Exclude<HistoryEntry, { kind: 'edit' }>;

export function maskActions(ctx: ActionContext) {
  const { store } = ctx;
  const withoutPreview = { maskPreview: null };

  function pushMask(entry: MaskOp): void {
    if (!store.get().doc) return;
    store.update((s) => ({ history: s.history.push(entry), ...withoutPreview }));
  }

  /** Shows grow/shrink and feather amounts on the overlay (both at once: grow first, then feather). */
  function preview(grow: number, feather: number): void {
    store.update((s) => ({
      maskTools: { ...s.maskTools, grow, feather },
      maskPreview: grow ? { kind: 'grow', pixels: grow } : feather > 0 ? { kind: 'feather', pixels: feather } : null,
    }));
  }

  return {
    pushMask,

    undo(): void {
      store.update((s) => ({ history: s.history.undo(), ...withoutPreview }));
    },

    redo(): void {
      store.update((s) => ({ history: s.history.redo(), ...withoutPreview }));
    },

    goTo(position: number): void {
      store.update((s) => ({ history: s.history.goTo(position), ...withoutPreview }));
    },

    /** Grow (> 0) or shrink (< 0) amount in photo pixels, previewed until applied. */
    previewGrow(pixels: number): void {
      preview(Math.round(pixels), 0);
    },

    /** Feather width in photo pixels, previewed until applied. */
    previewFeather(pixels: number): void {
      preview(0, Math.max(0, Math.round(pixels)));
    },

    /** Puts the previewed grow/shrink or feather in the history. */
    applyPreview(): void {
      const op = store.get().maskPreview;
      if (op) pushMask(op);
      store.update((s) => ({ maskTools: { ...s.maskTools, grow: 0, feather: 0 }, maskPreview: null }));
    },

    cancelPreview(): void {
      store.update((s) => ({ maskTools: { ...s.maskTools, grow: 0, feather: 0 }, maskPreview: null }));
    },

    /** A PNG the canvas's size becomes the mask: coverage is the bitwise AND of its bands, as the engine reads masks. */
    async loadMaskFile(file: File): Promise<void> {
      const s = store.get();
      if (!s.doc) return store.notify('error', 'Open a photo first.');
      const area = placedMask(s.history, s.doc).canvas;
      let bitmap: ImageBitmap;
      try {
        bitmap = await createImageBitmap(file, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
      } catch {
        return store.notify('error', `"${file.name}" could not be read as an image. Choose a PNG mask (white = change).`);
      }
      const { width, height } = bitmap;
      if (width !== area.width || height !== area.height) {
        bitmap.close();
        return store.notify('error', `The mask is ${width}×${height} but the photo is ${area.width}×${area.height}; they must match.`);
      }
      const canvas = new OffscreenCanvas(width, height);
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(bitmap, 0, 0);
      bitmap.close();
      const coverage = new Uint8Array(width * height);
      const rows = Math.max(1, Math.floor(4_000_000 / width));
      for (let y = 0; y < height; y += rows) {
        const px = ctx.getImageData(0, y, width, Math.min(rows, height - y)).data;
        const base = y * width;
        for (let i = 0; i < px.length >> 2; i++) coverage[base + i] = px[i * 4] & px[i * 4 + 1] & px[i * 4 + 2] & px[i * 4 + 3];
      }
      canvas.width = canvas.height = 1;
      const runs = encodeRuns(coverage, width, height);
      if (runs.length > 8_000_000) return store.notify('error', 'That mask is too detailed to keep in the history (over 2 million runs). Simplify it and load it again.');
      pushMask({ kind: 'region', source: 'file', mode: 'replace', grid: { width, height }, runs });
      store.notify('info', `Loaded the mask from "${file.name}".`);
    },

    /** Downloads the current mask as a PNG the canvas's size (white = generate, grey = feathered). */
    async saveMaskFile(): Promise<void> {
      const s = store.get();
      const doc = s.doc;
      if (!doc) return store.notify('error', 'Open a photo first.');
      await ctx.attempt(async () => {
      const { ops, canvas: area } = placedMask(s.history, doc);
      const blob = await maskFilePng(ops, area.width, area.height);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `${doc.name.replace(/\.[^.]+$/, '')}-mask.png`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      store.notify('info', `Saved the mask as ${a.download} (${(blob.size / 1e6).toFixed(1)} MB).`);
      });
    },
  };
}
