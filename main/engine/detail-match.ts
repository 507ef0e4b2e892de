/**
 * Matches the fine detail the upsampler generated in the hole to the detail of the photo around it.
 *
 * Why: the default upsampler (6M parameters, trained on CPU) adds a texture of about the same strength
 * wherever it works: right on foliage and rock, a visible grain on a clear sky or a blurred background
 * (2-6x the surroundings' fine detail there with its first 3,300 training steps, 1.5-5x with 5,900). The
 * texture's strength is measured as the median |Laplacian| of luminance, in the hole and in the known
 * band around it; where the hole has more, its high frequencies (the image less a 3x3 box blur of it) are
 * scaled down to the band's level. On busy surroundings (rock and water, foliage) the grain it draws is
 * weaker than the photo's (a third of it on a stream over rocks): there it is raised, by at most the
 * bundle's detailGainMax, so the hole does not read as a soft disc; only the model's own grain is scaled,
 * nothing is drawn. A hole often spans both (sky above, grass below): with the bundle's detailWindow each
 * part is matched to the band nearest it. Runs on the last upsampler pass's output, at its resolution.
 */

import { holeDistance } from './hole-distance.ts';

/** Known pixels within this many pixels of the hole (at the output's resolution) are the reference band. */
const BAND = 24;

function luminance(x: Float32Array, plane: number): Float32Array {
  const out = new Float32Array(plane);
  for (let p = 0; p < plane; p++) out[p] = 0.299 * x[p] + 0.587 * x[plane + p] + 0.114 * x[2 * plane + p];
  return out;
}

/** Tiles of this many px (at the output's resolution) each get their own gain when matching locally. */
const TILE = 32;
/** Fewest band pixels a tile's reference may hold: its window grows until it has them. */
const MIN_REFERENCE = 256;
/** The lowest tile gain (the blend between tiles is in log). */
const MIN_GAIN = 0.01;

/** The k-th smallest of v (reorders v): Hoare's selection, average linear time. */
function select(v: Float32Array | Float64Array, k: number): number {
  let lo = 0, hi = v.length - 1;
  while (lo < hi) {
    const pivot = v[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) { const t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; }
    }
    if (k <= j) hi = j; else if (k >= i) lo = i; else return v[k];
  }
  return v[k];
}

const medianOf = (v: Float32Array) => select(v, v.length >> 1);
const meanOf = (v: Float32Array) => { let s = 0; for (let i = 0; i < v.length; i++) s += v[i]; return s / v.length; };

/**
 * The gain that brings the hole's fine detail to the reference band's, judged by medians (a texture's grain
 * is everywhere; an edge such as a cable across a sky is a few pixels that a mean would count) and by means
 * (a busy photo's detail is its edges too, rock against water, which the model's grain lacks). Down where
 * both say the hole has more, by the smaller step of the two; up by the means, at most maxGain, where
 * neither says down; where they disagree (the hole's grain even, the band's detail a few strong edges)
 * left as it is. NaN when either sample is empty or the hole has no detail.
 */
function gainFor(hole: Float32Array, band: Float32Array, maxGain: number): number {
  if (!hole.length || !band.length) return Number.NaN;
  const inHole = medianOf(hole);
  if (inHole === 0) return Number.NaN;
  const byMedians = medianOf(band) / inHole;
  const byMeans = meanOf(band) / meanOf(hole);
  if (byMedians < 1) return byMeans < 1 ? Math.max(byMedians, byMeans) : 1;
  return Math.min(maxGain, Math.max(1, byMeans));
}

/**
 * Scales the hole's high frequencies in x ([1, 3, S, S], in place) to its surroundings' level: down always,
 * up by at most `maxGain` (1: never up). With `window` (px), each TILE-px tile of the hole is matched to the
 * band nearest it (within `window` px, widened until it holds MIN_REFERENCE pixels), the gains blended
 * between tiles: a hole across a clear sky and a meadow keeps the meadow's grain and loses the sky's.
 * Without, one gain for the whole hole. Returns the mean gain over the hole.
 */
export function matchDetail(x: Float32Array, keep: Float32Array, size: number, maxGain = 1, window?: number): number {
  const plane = size * size;
  const dist = holeDistance(keep, size, BAND);
  if (!dist) return 1;
  const lum = luminance(x, plane);
  const lap = new Float32Array(plane);
  const holeAt: number[] = [], bandAt: number[] = [];
  for (let y = 1; y < size - 1; y++) {
    for (let xx = 1; xx < size - 1; xx++) {
      const p = y * size + xx;
      lap[p] = Math.abs(4 * lum[p] - lum[p - 1] - lum[p + 1] - lum[p - size] - lum[p + size]);
      if (dist[p] === 0) holeAt.push(p); else if (dist[p] >= 2 && dist[p] <= BAND) bandAt.push(p);
    }
  }
  const pick = (at: number[]) => Float32Array.from(at, (p) => lap[p]);
  const whole = gainFor(pick(holeAt), pick(bandAt), maxGain);
  if (Number.isNaN(whole)) return 1;
  const gainAt = window === undefined ? () => whole : tileGains(lap, dist, size, bandAt, maxGain, window, whole);

  const boxBlur = (src: Float32Array, p: number) => {
    const y = Math.floor(p / size), xx = p % size;
    let sum = 0, n = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const yy = y + dy, xq = xx + dx;
      if (yy >= 0 && yy < size && xq >= 0 && xq < size) { sum += src[yy * size + xq]; n++; }
    }
    return sum / n;
  };
  const src = x.slice();
  const channels = [0, 1, 2].map((c) => src.subarray(c * plane, (c + 1) * plane));
  let total = 0, count = 0;
  for (let p = 0; p < plane; p++) {
    if (dist[p] !== 0) continue;
    const gain = gainAt(p);
    total += gain;
    count++;
    if (gain === 1) continue;
    if (gain > 1) {
      // Raised in luminance only, the same in the three channels: stronger grain, no new hues.
      const add = (gain - 1) * (lum[p] - boxBlur(lum, p));
      for (let c = 0; c < 3; c++) x[c * plane + p] = Math.min(1, Math.max(-1, src[c * plane + p] + add));
    } else {
      for (let c = 0; c < 3; c++) {
        const blur = boxBlur(channels[c], p);
        x[c * plane + p] = blur + gain * (channels[c][p] - blur);
      }
    }
  }
  return count ? total / count : 1;
}

/** Per-tile gains (matchDetail's local matching), blended bilinearly in log between tile centres. */
function tileGains(lap: Float32Array, dist: Int32Array, size: number, bandAt: number[], maxGain: number, window: number,
  fallback: number): (p: number) => number {
  const tiles = Math.ceil(size / TILE);
  const logGain = new Float64Array(tiles * tiles).fill(Math.log(fallback));
  // The band's values bucketed by tile, so a window gathers whole tiles (its edge rounded out to them).
  const buckets: number[][] = Array.from({ length: tiles * tiles }, () => []);
  for (const p of bandAt) buckets[Math.floor(Math.floor(p / size) / TILE) * tiles + Math.floor((p % size) / TILE)].push(lap[p]);
  const band = new Float32Array(bandAt.length);
  const hole = new Float32Array(4 * TILE * TILE);
  for (let ty = 0; ty < tiles; ty++) {
    for (let tx = 0; tx < tiles; tx++) {
      // The hole's sample: its pixels within half a tile of this tile (so neighbouring tiles overlap).
      const x0 = Math.max(0, tx * TILE - TILE / 2), x1 = Math.min(size, (tx + 1) * TILE + TILE / 2);
      const y0 = Math.max(0, ty * TILE - TILE / 2), y1 = Math.min(size, (ty + 1) * TILE + TILE / 2);
      let nh = 0;
      for (let y = y0; y < y1; y++) for (let xx = x0; xx < x1; xx++) if (dist[y * size + xx] === 0) hole[nh++] = lap[y * size + xx];
      if (nh < TILE) continue;
      let nb = 0;
      for (let reach = Math.ceil(window / TILE); ; reach *= 2) {
        nb = 0;
        for (let by = Math.max(0, ty - reach); by <= Math.min(tiles - 1, ty + reach); by++) {
          for (let bx = Math.max(0, tx - reach); bx <= Math.min(tiles - 1, tx + reach); bx++) {
            for (const v of buckets[by * tiles + bx]) band[nb++] = v;
          }
        }
        if (nb >= Math.min(MIN_REFERENCE, bandAt.length) || reach >= tiles) break;
      }
      const gain = gainFor(hole.subarray(0, nh), band.subarray(0, nb), maxGain);
      // A saturated band (a sun's white) has no detail at all: gain 0 there, kept finite for the blend.
      if (!Number.isNaN(gain)) logGain[ty * tiles + tx] = Math.log(Math.max(gain, MIN_GAIN));
    }
  }
  return (p: number) => {
    if (tiles < 2) return Math.exp(logGain[0]);
    const fy = Math.min(tiles - 1, Math.max(0, Math.floor(p / size) / TILE - 0.5));
    const fx = Math.min(tiles - 1, Math.max(0, (p % size) / TILE - 0.5));
    const ty = Math.min(tiles - 2, Math.floor(fy)), tx = Math.min(tiles - 2, Math.floor(fx));
    const wy = fy - ty, wx = fx - tx;
    const i = ty * tiles + tx;
    return Math.exp((1 - wy) * ((1 - wx) * logGain[i] + wx * logGain[i + 1]) + wy * ((1 - wx) * logGain[i + tiles] + wx * logGain[i + tiles + 1]));
  };
}

/**
 * Box blur of radius r over a plane (S x S), in place, with running sums: rows, then columns (edges
 * replicated). The columns' running sums advance a whole row at a time, so memory is read in order.
 */
function boxBlurPlane(v: Float32Array, size: number, r: number): void {
  const n = 2 * r + 1;
  const last = size - 1;
  const line = new Float32Array(size);
  for (let y = 0; y < size; y++) {
    const row = y * size;
    let sum = 0;
    for (let k = -r; k <= r; k++) sum += v[row + (k < 0 ? 0 : k > last ? last : k)];
    for (let k = 0; k < size; k++) {
      line[k] = sum / n;
      const hi = k + r + 1, lo = k - r;
      sum += v[row + (hi > last ? last : hi)] - v[row + (lo < 0 ? 0 : lo)];
    }
    v.set(line, row);
  }
  const src = v.slice();
  const sums = new Float64Array(size);
  for (let k = -r; k <= r; k++) {
    const row = (k < 0 ? 0 : k > last ? last : k) * size;
    for (let x = 0; x < size; x++) sums[x] += src[row + x];
  }
  for (let y = 0; y < size; y++) {
    const row = y * size;
    const hi = (y + r + 1 > last ? last : y + r + 1) * size, lo = (y - r < 0 ? 0 : y - r) * size;
    for (let x = 0; x < size; x++) {
      v[row + x] = sums[x] / n;
      sums[x] += src[hi + x] - src[lo + x];
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

/**
 * Box radii (each applied twice): the bands between them (speckle and blotches of about 4-32 px at the output's
 * size) are matchCoarseDetail's; finer (below radius 2) is left to matchDetail. With 4, 8, 16 only, a 4-8 px
 * speckle on a refilled sky was nobody's (Bridge's Fill at 1 MP: gain 0.25 for the band between radii 2 and 4).
 * Radius 1 as well smoothed it further but took the texture off the hole's border with it: the 1 MP seam median
 * fell from 0.93 to 0.78; with 2 it is 0.88.
 */
const COARSE_RADII = [2, 4, 8, 16];

/**
 * Scales down the hole's coarser detail (speckle and blotches of 4-32 px) band by band to its surroundings' level:
 * each band is the difference of two blurs, its strength the median |band| of luminance, in the hole and
 * in the known pixels around it, both far enough from the hole's edge that the blur does not straddle it.
 * Never up. The upsampler's texture is as strong on a clear sky as on a meadow; on the sky the
 * surroundings have none and the hole read as a mottled disc. Returns the gains used, finest first. `scale`:
 * x is this many times smaller than the image the radii are meant for (a half-size copy: 2).
 */
export function matchCoarseDetail(x: Float32Array, keep: Float32Array, size: number, scale = 1): number[] {
  const plane = size * size;
  const radii = COARSE_RADII.map((r) => r / scale);
  const bandWidth = BAND / scale;
  const reach = 2 * radii[radii.length - 1] + 2;
  const outside = holeDistance(keep, size, reach + bandWidth);
  const inverse = new Float32Array(plane);
  for (let p = 0; p < plane; p++) inverse[p] = keep[p] < 0.5 ? 1 : 0;
  const inside = holeDistance(inverse, size, reach + 1);
  if (!outside || !inside) return [];
  // Blurred copies of each channel and of luminance at each radius.
  const blurred = (v: Float32Array, r: number) => { const out = v.slice(); boxBlurPlane(out, size, r); boxBlurPlane(out, size, r); return out; };
  const lum = luminance(x, plane);
  const levels = [lum, ...radii.map((r) => blurred(lum, r))];
  const gains: number[] = [1]; // the finest band (below radius 2) is left to matchDetail
  const hole = new Float64Array(plane), band = new Float64Array(plane);
  for (let k = 1; k < radii.length; k++) {
    const r = 2 * radii[k] + 2;
    const fine = levels[k], coarse = levels[k + 1];
    let nh = 0, nb = 0;
    for (let p = 0; p < plane; p++) {
      if (inside[p] > r) hole[nh++] = Math.abs(fine[p] - coarse[p]);
      else if (outside[p] > r && outside[p] <= r + bandWidth) band[nb++] = Math.abs(fine[p] - coarse[p]);
    }
    const inHole = nh ? select(hole.subarray(0, nh), nh >> 1) : 0;
    gains.push(nh && nb && inHole > 0 ? Math.min(1, select(band.subarray(0, nb), nb >> 1) / inHole) : 1);
  }
  if (gains.every((g) => g === 1)) return gains;
  for (let c = 0; c < 3; c++) {
    const ch = x.slice(c * plane, (c + 1) * plane);
    const cl = [ch, ...radii.map((r) => blurred(ch, r))];
    for (let p = 0; p < plane; p++) {
      if (keep[p] >= 0.5) continue;
      // The finest level (below radius 2) is left to matchDetail; here: the bands between, then the coarsest blur.
      let v = cl[cl.length - 1][p] + (cl[0][p] - cl[1][p]);
      for (let k = 0; k < radii.length - 1; k++) v += gains[k + 1] * (cl[k + 1][p] - cl[k + 2][p]);
      x[c * plane + p] = v;
    }
  }
  return gains;
}

/**
 * Puts the base stage's colours back under the upsampler's detail: in the hole of x ([1, 3, S, S], in place)
 * each channel's local mean (a box of `radius` px, twice) is replaced by the same mean of `reference` (the
 * base's output enlarged to S), the detail above that scale kept. The base decides the layout and its
 * colours at its own resolution; the upsampler drifts them locally (a sky inside a hole turned pale: 5.9
 * levels RMS after an 8-px blur with the photo's own low-res image as input, 3.7 with this). StableSR's
 * colour fix, in boxes.
 */
export function lockLowFrequencies(x: Float32Array, reference: Float32Array, keep: Float32Array, size: number, radius: number): void {
  const plane = size * size;
  for (let c = 0; c < 3; c++) {
    // The blur is linear: blurring (reference - own) once is blurring both and subtracting.
    const shift = new Float32Array(plane);
    for (let p = 0; p < plane; p++) shift[p] = reference[c * plane + p] - x[c * plane + p];
    for (let i = 0; i < 2; i++) boxBlurPlane(shift, size, radius);
    for (let p = 0; p < plane; p++) {
      if (keep[p] >= 0.5) continue;
      const q = c * plane + p;
      x[q] = Math.min(1, Math.max(-1, x[q] + shift[p]));
    }
  }
}
