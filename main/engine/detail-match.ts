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

/** Box blur of radius r over a plane (S x S), in place, with running sums: rows, then columns. */
function boxBlurPlane(v: Float32Array, size: number, r: number): void {
  const line = new Float32Array(size);
  for (let pass = 0; pass < 2; pass++) {
    const stride = pass === 0 ? 1 : size;
    for (let i = 0; i < size; i++) {
      const start = pass === 0 ? i * size : i;
      let sum = 0;
      for (let k = -r; k <= r; k++) sum += v[start + Math.min(size - 1, Math.max(0, k)) * stride];
      for (let k = 0; k < size; k++) {
        line[k] = sum / (2 * r + 1);
        sum += v[start + Math.min(size - 1, k + r + 1) * stride] - v[start + Math.max(0, k - r) * stride];
      }
      for (let k = 0; k < size; k++) v[start + k * stride] = line[k];
    }
  }
}

/**
 * Smooths the colour (not the brightness) of the hole of x ([1, 3, S, S], in place): its chroma (B - Y,
 * R - Y) blurred twice with a box of `radius` px, its luminance kept. Photographs carry colour at a lower
 * resolution than brightness (JPEG halves it); the upsampler's grain is coloured, pixel by pixel, and on a
 * sky or a meadow those speckles are colours found nowhere around the hole (Bridge's Fill: 4.4% of the
 * hole, 1.6% with the grain blurred away).
 */
export function smoothChroma(x: Float32Array, keep: Float32Array, size: number, radius: number): void {
  const plane = size * size;
  const y = luminance(x, plane);
  const cb = new Float32Array(plane), cr = new Float32Array(plane);
  for (let p = 0; p < plane; p++) { cb[p] = x[2 * plane + p] - y[p]; cr[p] = x[p] - y[p]; }
  for (let i = 0; i < 2; i++) { boxBlurPlane(cb, size, radius); boxBlurPlane(cr, size, radius); }
  for (let p = 0; p < plane; p++) {
    if (keep[p] >= 0.5) continue;
    const r = y[p] + cr[p], b = y[p] + cb[p];
    const g = (y[p] - 0.299 * r - 0.114 * b) / 0.587;
    x[p] = Math.min(1, Math.max(-1, r));
    x[plane + p] = Math.min(1, Math.max(-1, g));
    x[2 * plane + p] = Math.min(1, Math.max(-1, b));
  }
}

/** Box radii (each applied twice): the bands between them (blotches of about 8-16 and 16-32 px at the output's size) are matchCoarseDetail's; finer is matchDetail's. */
const COARSE_RADII = [4, 8, 16];

/**
 * Scales down the hole's coarser detail (blotches of 8-32 px) band by band to its surroundings' level:
 * each band is the difference of two blurs, its strength the median |band| of luminance, in the hole and
 * in the known pixels around it, both far enough from the hole's edge that the blur does not straddle it.
 * Never up. The upsampler's texture is as strong on a clear sky as on a meadow; on the sky the
 * surroundings have none and the hole read as a mottled disc. Returns the gains used, finest first.
 */
export function matchCoarseDetail(x: Float32Array, keep: Float32Array, size: number): number[] {
  const plane = size * size;
  const reach = 2 * COARSE_RADII[COARSE_RADII.length - 1] + 2;
  const outside = holeDistance(keep, size, reach + BAND);
  const inverse = new Float32Array(plane);
  for (let p = 0; p < plane; p++) inverse[p] = keep[p] < 0.5 ? 1 : 0;
  const inside = holeDistance(inverse, size, reach + 1);
  if (!outside || !inside) return [];
  // Blurred copies of each channel and of luminance at each radius.
  const blurred = (v: Float32Array, r: number) => { const out = v.slice(); boxBlurPlane(out, size, r); boxBlurPlane(out, size, r); return out; };
  const lum = luminance(x, plane);
  const levels = [lum, ...COARSE_RADII.map((r) => blurred(lum, r))];
  const gains: number[] = [1]; // the finest band (below radius 2) is matchDetail's
  for (let k = 1; k < COARSE_RADII.length; k++) {
    const r = 2 * COARSE_RADII[k] + 2;
    const hole: number[] = [], band: number[] = [];
    for (let p = 0; p < plane; p++) {
      const v = Math.abs(levels[k][p] - levels[k + 1][p]);
      if (inside[p] > r) hole.push(v);
      else if (outside[p] > r && outside[p] <= r + BAND) band.push(v);
    }
    const median = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1];
    gains.push(hole.length && band.length && median(hole) > 0 ? Math.min(1, median(band) / median(hole)) : 1);
  }
  if (gains.every((g) => g === 1)) return gains;
  for (let c = 0; c < 3; c++) {
    const ch = x.slice(c * plane, (c + 1) * plane);
    const cl = [ch, ...COARSE_RADII.map((r) => blurred(ch, r))];
    for (let p = 0; p < plane; p++) {
      if (keep[p] >= 0.5) continue;
      // The finest level (below radius 2) is matchDetail's; here: the bands between, then the coarsest blur.
      let v = cl[cl.length - 1][p] + (cl[0][p] - cl[1][p]);
      for (let k = 0; k < COARSE_RADII.length - 1; k++) v += gains[k + 1] * (cl[k + 1][p] - cl[k + 2][p]);
      x[c * plane + p] = v;
    }
  }
  return gains;
}
