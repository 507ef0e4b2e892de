/**
 * A piece of mask as pixels: coverage 0..255 (255 = generate) over a box of the target raster.
 * The geometry modules here (polygon fill, wand, grow/shrink, feather) read and write these; they
 * are pure (no DOM), so the display and the full-resolution mask run the same code.
 */
import type { PixelBox } from '../../wire/covered-box.ts';

/** A box of the target raster, in its pixels. */
export type MaskBox = PixelBox;

export interface MaskPixels extends MaskBox {
  /** Row-major, width × height bytes. */
  data: Uint8Array;
}

export type CombineMode = 'add' | 'subtract';

/**
 * Lays `src` onto `dst` (both rasters of the same target, dst covering all of it at 0,0):
 * add is a soft union (a + b - ab, so binary masks give their union), subtract removes src's
 * coverage (b(1 - a)). The same rule as canvas source-over / destination-out, so strokes and shapes agree.
 */
export function combineInto(dst: Uint8Array, dstWidth: number, src: MaskPixels, mode: CombineMode): void {
  for (let y = 0; y < src.height; y++) {
    let d = (src.y + y) * dstWidth + src.x;
    let s = y * src.width;
    for (let x = 0; x < src.width; x++, d++, s++) {
      const a = src.data[s];
      if (!a) continue;
      const b = dst[d];
      dst[d] = mode === 'add' ? a + b - Math.round((a * b) / 255) : b - Math.round((a * b) / 255);
    }
  }
}

/** Pixels with at least half coverage: what the engine generates. */
export function countCovered(data: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i] >= 128) n++;
  return n;
}

