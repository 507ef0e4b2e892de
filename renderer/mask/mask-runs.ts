/**
 * Mask pixels as data: runs of equal coverage, flat [y, x, length, value, …] over a width × height
 * grid (zero runs left out). The wand's result and a mask loaded from a file are kept in the history
 * like this, so a project replays them without the pixels they were computed from.
 */
import type { MaskPixels } from './raster.ts';

export function encodeRuns(data: Uint8Array, width: number, height: number): number[] {
  const runs: number[] = [];
  for (let y = 0; y < height; y++) {
    const base = y * width;
    let x = 0;
    while (x < width) {
      const v = data[base + x];
      let end = x + 1;
      while (end < width && data[base + end] === v) end++;
      if (v) runs.push(y, x, end - x, v);
      x = end;
    }
  }
  return runs;
}

/** The runs as pixels over the whole grid (0,0 to width × height). */
export function decodeRuns(runs: readonly number[], width: number, height: number): MaskPixels {
  const data = new Uint8Array(width * height);
  for (let i = 0; i + 3 < runs.length; i += 4) {
    const [y, x, length, value] = [runs[i], runs[i + 1], runs[i + 2], runs[i + 3]];
    if (y < 0 || y >= height || x < 0 || length <= 0) continue;
    const start = y * width + x;
    data.fill(value, start, start + Math.min(length, width - x));
  }
  return { x: 0, y: 0, width, height, data };
}
