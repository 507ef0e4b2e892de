/**
 * The part of an upsampler pass the model runs on: the hole's box plus a margin of known pixels, not
 * the whole crop. Outside that square every pixel is the photo's (the keep-mask is 1 there), so the
 * model's time there bought nothing; the crop is about 1.6x the hole, so the square is about half its
 * area. The square is cut on whole low-res pixels, so the graph enlarges the low-res input on the
 * same grid as for the whole crop; where the pass's factor is not a whole number that cannot be done
 * and the pass runs on the whole crop.
 */
import { coveredBox } from '../../wire/covered-box.ts';

/** A square of a pass's output, in its pixels. */
export interface PassWindow {
  x: number;
  y: number;
  side: number;
}

/** Known pixels kept around the hole's box, at the pass's size: the model's context for the seam. */
export const WINDOW_MARGIN = 32;

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);

/**
 * The square around the hole of `keep` ([size, size], 1 keep) with `margin` px on each side: its side a
 * multiple of `step`, its corner of `align`. Null when there is no hole or the square is the whole image.
 */
export function holeSquare(keep: Float32Array, size: number, margin: number, step = 1, align = 1): PassWindow | null {
  const generated = new Uint8Array(size * size);
  for (let i = 0; i < generated.length; i++) generated[i] = keep[i] < 1 ? 1 : 0;
  const hole = coveredBox(generated, size, size);
  if (!hole) return null;
  const side = Math.ceil((Math.max(hole.width, hole.height) + 2 * margin) / step) * step;
  if (side >= size) return null;
  const place = (start: number, length: number) => {
    const centred = start + length / 2 - side / 2;
    return Math.min(Math.max(Math.round(centred / align) * align, 0), size - side);
  };
  return { x: place(hole.x, hole.width), y: place(hole.y, hole.height), side };
}

/**
 * The square to run a `size`-px pass on, enlarged from `lowSize` px, or null for the whole crop.
 * `keep`: [size, size], 1 keep, 0 generate; `multiple`: the graph's side multiple. The side is a
 * multiple of it and of the factor, the corner of the factor: whole low-res pixels. (Rounding the
 * corner moves the square by at most half a factor, well inside the margin.)
 */
export function passWindow(keep: Float32Array, size: number, lowSize: number, multiple: number, margin = WINDOW_MARGIN): PassWindow | null {
  if (size % lowSize) return null;
  const factor = size / lowSize;
  return holeSquare(keep, size, margin, (multiple * factor) / gcd(multiple, factor), factor);
}

/** The window's square of a planar image of `channels` x size x size. */
export function cutWindow(image: Float32Array, channels: number, size: number, w: PassWindow): Float32Array {
  const out = new Float32Array(channels * w.side * w.side);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < w.side; y++) {
      const from = c * size * size + (w.y + y) * size + w.x;
      out.set(image.subarray(from, from + w.side), c * w.side * w.side + y * w.side);
    }
  }
  return out;
}

/** `patch` (channels x side x side) written into `image` (channels x size x size, in place) at the window. */
export function writeWindow(image: Float32Array, patch: Float32Array, channels: number, size: number, w: PassWindow): void {
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < w.side; y++) {
      const from = c * w.side * w.side + y * w.side;
      image.set(patch.subarray(from, from + w.side), c * size * size + (w.y + y) * size + w.x);
    }
  }
}

/** A copy of `image` with `patch` written at the window. */
export function pasteWindow(image: Float32Array, patch: Float32Array, channels: number, size: number, w: PassWindow): Float32Array {
  const out = image.slice();
  writeWindow(out, patch, channels, size, w);
  return out;
}

/** The same square in the pass's low-res input (the window is on whole low-res pixels). */
export function lowResWindow(w: PassWindow, factor: number): PassWindow {
  return { x: w.x / factor, y: w.y / factor, side: w.side / factor };
}
