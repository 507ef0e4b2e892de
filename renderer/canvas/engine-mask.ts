/**
 * The mask a run sends: drawn at the photo's full resolution, but only over the box the mask can
 * cover (maskExtent), as a PNG of that box with its origin. Hard masks are thresholded at half
 * (what the engine keeps anyway; the canvas's anti-aliased edges would otherwise read as grey);
 * feathered masks keep their grey levels, which the engine then uses as the blend weights.
 */
import { isSoftMask, maskExtent } from '../mask/mask-extent.ts';
import type { PlacedOp } from '../mask/placed-ops.ts';
import { renderMask } from './mask-render.ts';

export interface EngineMask {
  png: Uint8Array;
  origin: { x: number; y: number };
  soft: boolean;
}

export async function engineMask(ops: readonly PlacedOp[], width: number, height: number): Promise<EngineMask | null> {
  const box = maskExtent(ops, width, height);
  if (!box) return null;
  const soft = isSoftMask(ops);
  const canvas = new OffscreenCanvas(box.width, box.height);
  const ctx = canvas.getContext('2d')!;
  renderMask(ctx, ops, { scale: 1, colour: '#ffffff', soft: false, origin: box, extent: { width, height } });
  if (!soft) {
    const image = ctx.getImageData(0, 0, box.width, box.height);
    const px = image.data;
    for (let i = 3; i < px.length; i += 4) {
      const on = px[i] >= 128;
      px[i - 3] = px[i - 2] = px[i - 1] = 255;
      px[i] = on ? 255 : 0;
    }
    ctx.putImageData(image, 0, 0);
  }
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  canvas.width = canvas.height = 1; // let the backing store go now, not at the next GC
  return { png: new Uint8Array(await blob.arrayBuffer()), origin: { x: box.x, y: box.y }, soft };
}

/** The whole mask at full resolution (the canvas's size) as opaque grey (white = generate), for saving to a file. */
export async function maskFilePng(ops: readonly PlacedOp[], width: number, height: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  renderMask(ctx, ops, { scale: 1, colour: '#ffffff', soft: false });
  const soft = isSoftMask(ops);
  const rows = Math.max(1, Math.floor(4_000_000 / width)); // in bands: bounded memory on 50 MP
  for (let y = 0; y < height; y += rows) {
    const image = ctx.getImageData(0, y, width, Math.min(rows, height - y));
    const px = image.data;
    for (let i = 0; i < px.length; i += 4) {
      const v = soft ? px[i + 3] : px[i + 3] >= 128 ? 255 : 0;
      px[i] = px[i + 1] = px[i + 2] = v;
      px[i + 3] = 255;
    }
    ctx.putImageData(image, 0, y);
  }
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  canvas.width = canvas.height = 1;
  return blob;
}
