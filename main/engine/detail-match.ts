/**
 * Matches the fine detail the upsampler generated in the hole to the detail of the photo around it.
 *
 * Why: the default upsampler (6M parameters, 3,300 steps on one CPU core) adds a texture of about the same
 * strength wherever it works: right on foliage and rock, a visible grain on a clear sky or a blurred
 * background (2-6x the surroundings' fine detail there). The texture's strength is measured as the median
 * |Laplacian| of luminance, in the hole and in the known band around it; where the hole has more, its
 * high frequencies (the image less a 3x3 box blur of it) are scaled down to the band's level. On busy
 * surroundings (rock and water, foliage) the grain it draws is weaker than the photo's (a third of it on a
 * stream over rocks): there it is raised, by at most the bundle's detailGainMax, so the hole does not read
 * as a soft disc; only the model's own grain is scaled, nothing is drawn. Runs on the last upsampler
 * pass's output, at its resolution.
 */

import { holeDistance } from './hole-distance.ts';

/** Known pixels within this many pixels of the hole (at the output's resolution) are the reference band. */
const BAND = 24;

function luminance(x: Float32Array, plane: number): Float32Array {
  const out = new Float32Array(plane);
  for (let p = 0; p < plane; p++) out[p] = 0.299 * x[p] + 0.587 * x[plane + p] + 0.114 * x[2 * plane + p];
  return out;
}

/**
 * Scales the hole's high frequencies in x ([1, 3, S, S], in place) to its surroundings' level: down always,
 * up by at most `maxGain` (1: never up). Returns the gain used.
 */
export function matchDetail(x: Float32Array, keep: Float32Array, size: number, maxGain = 1): number {
  const plane = size * size;
  const dist = holeDistance(keep, size, BAND);
  if (!dist) return 1;
  const lum = luminance(x, plane);
  const hole: number[] = [], band: number[] = [];
  for (let y = 1; y < size - 1; y++) {
    for (let xx = 1; xx < size - 1; xx++) {
      const p = y * size + xx;
      const lap = Math.abs(4 * lum[p] - lum[p - 1] - lum[p + 1] - lum[p - size] - lum[p + size]);
      if (dist[p] === 0) hole.push(lap); else if (dist[p] >= 2 && dist[p] <= BAND) band.push(lap);
    }
  }
  if (!hole.length || !band.length) return 1;
  // Lowering compares medians: a texture's grain is everywhere, an edge (a cable across a sky) is a few
  // pixels that a mean would count as detail. Raising compares means: a busy photo's detail is its edges
  // too (rock against water), which the model's grain lacks.
  const median = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1];
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const inHole = median(hole);
  if (inHole === 0) return 1;
  const down = median(band) / inHole;
  const gain = down < 1 ? down : Math.min(maxGain, Math.max(1, mean(band) / mean(hole)));
  if (gain === 1) return 1;
  const boxBlur = (src: Float32Array, p: number) => {
    const y = Math.floor(p / size), xx = p % size;
    let sum = 0, n = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const yy = y + dy, xq = xx + dx;
      if (yy >= 0 && yy < size && xq >= 0 && xq < size) { sum += src[yy * size + xq]; n++; }
    }
    return sum / n;
  };
  if (gain > 1) {
    // Raised in luminance only, the same in the three channels: stronger grain, no new hues.
    for (let p = 0; p < plane; p++) {
      if (dist[p] !== 0) continue;
      const add = (gain - 1) * (lum[p] - boxBlur(lum, p));
      for (let c = 0; c < 3; c++) x[c * plane + p] = Math.min(1, Math.max(-1, x[c * plane + p] + add));
    }
    return gain;
  }
  for (let c = 0; c < 3; c++) {
    const off = c * plane;
    const src = x.slice(off, off + plane);
    for (let p = 0; p < plane; p++) {
      if (dist[p] !== 0) continue;
      const blur = boxBlur(src, p);
      x[off + p] = blur + gain * (src[p] - blur);
    }
  }
  return gain;
}
