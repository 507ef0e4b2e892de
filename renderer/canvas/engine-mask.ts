/**
 * The mask a run sends: drawn at the photo's full resolution, but only over the box the mask can
 * cover (maskExtent), as a grey PNG of that box with its origin (grey-png.ts). Hard masks are
 * thresholded at half (what the engine keeps anyway; the canvas's anti-aliased edges would otherwise
 * read as grey); feathered masks keep their grey levels, which the engine then uses as the blend weights.
 */
import { isSoftMask, maskExtent } from '../mask/mask-extent.ts';
import type { PlacedOp } from '../mask/placed-ops.ts';
import { greyPng } from './grey-png.ts';
import { renderMask } from './mask-render.ts';

export interface EngineMask {
  png: Uint8Array;
  origin: { x: number; y: number };
  soft: boolean;
}

/** The context's coverage (alpha) as grey bytes, read in bands (bounded memory on 50 MP): thresholded at half, or as it is. */
function coverage(ctx: OffscreenCanvasRenderingContext2D, width: number, height: number, soft: boolean): Uint8Array {
  const grey = new Uint8Array(width * height);
  const rows = Math.max(1, Math.floor(4_000_000 / width));
  for (let y = 0; y < height; y += rows) {
    const px = ctx.getImageData(0, y, width, Math.min(rows, height - y)).data;
    const base = y * width;
    if (soft) for (let i = 0; i < px.length >> 2; i++) grey[base + i] = px[i * 4 + 3];
    else for (let i = 0; i < px.length >> 2; i++) grey[base + i] = px[i * 4 + 3] >= 128 ? 255 : 0;
  }
  return grey;
}

export async function engineMask(ops: readonly PlacedOp[], width: number, height: number): Promise<EngineMask | null> {
  const box = maskExtent(ops, width, height);
  if (!box) return null;
  const soft = isSoftMask(ops);
  const canvas = new OffscreenCanvas(box.width, box.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  renderMask(ctx, ops, { scale: 1, colour: '#ffffff', origin: box, extent: { width, height } });
  const grey = coverage(ctx, box.width, box.height, soft);
  canvas.width = canvas.height = 1; // let the backing store go now, not at the next GC
  return { png: await greyPng(grey, box.width, box.height), origin: { x: box.x, y: box.y }, soft };
}

/** The whole mask at full resolution (the canvas's size) as a grey PNG (white = generate, grey = feathered), for saving to a file. */
export async function maskFilePng(ops: readonly PlacedOp[], width: number, height: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  renderMask(ctx, ops, { scale: 1, colour: '#ffffff' });
  const grey = coverage(ctx, width, height, isSoftMask(ops));
  canvas.width = canvas.height = 1;
  return new Blob([(await greyPng(grey, width, height)) as Uint8Array<ArrayBuffer>], { type: 'image/png' });
}
