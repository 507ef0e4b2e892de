/**
 * Matches the fine detail the upsampler generated in the hole to the detail of the photo around it.
 *
 * Why: the default upsampler (6M parameters, 3,300 steps on one CPU core) adds a texture of about the same
 * strength wherever it works: right on foliage and rock, a visible grain on a clear sky or a blurred
 * background (2-6x the surroundings' fine detail there). The texture's strength is measured as the median
 * |Laplacian| of luminance, in the hole and in the known band around it; where the hole has more, its
 * high frequencies (the image less a 3x3 box blur of it) are scaled down to the band's level. Never up:
 * detail the model did not draw is not made. Runs on the last upsampler pass's output, at its resolution.
 */

/** Known pixels within this many pixels of the hole (at the output's resolution) are the reference band. */
const BAND = 24;

function luminance(x: Float32Array, plane: number): Float32Array {
  const out = new Float32Array(plane);
  for (let p = 0; p < plane; p++) out[p] = 0.299 * x[p] + 0.587 * x[plane + p] + 0.114 * x[2 * plane + p];
  return out;
}

/** Scales down the hole's high frequencies in x ([1, 3, S, S], in place) to its surroundings' level; returns the gain used. */
export function matchDetail(x: Float32Array, keep: Float32Array, size: number): number {
  const plane = size * size;
  // Distance (in 4-neighbour steps, capped) from the hole, for the band.
  const dist = new Int32Array(plane).fill(BAND + 1);
  const queue: number[] = [];
  for (let p = 0; p < plane; p++) if (keep[p] < 0.5) { dist[p] = 0; queue.push(p); }
  if (queue.length === 0 || queue.length === plane) return 1;
  for (let head = 0; head < queue.length; head++) {
    const p = queue[head];
    if (dist[p] >= BAND) continue;
    const y = Math.floor(p / size), xx = p % size;
    for (const q of [xx > 0 ? p - 1 : -1, xx < size - 1 ? p + 1 : -1, y > 0 ? p - size : -1, y < size - 1 ? p + size : -1]) {
      if (q >= 0 && dist[q] > dist[p] + 1) { dist[q] = dist[p] + 1; queue.push(q); }
    }
  }
  const lum = luminance(x, plane);
  const hole: number[] = [], band: number[] = [];
  for (let y = 1; y < size - 1; y++) {
    for (let xx = 1; xx < size - 1; xx++) {
      const p = y * size + xx;
      const lap = Math.abs(4 * lum[p] - lum[p - 1] - lum[p + 1] - lum[p - size] - lum[p + size]);
      if (dist[p] === 0) hole.push(lap); else if (dist[p] >= 2 && dist[p] <= BAND) band.push(lap);
    }
  }
  // Medians: a texture's grain is everywhere, an edge (a cable across a sky) is a few pixels that a mean would count as detail.
  const median = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1];
  if (!hole.length || !band.length) return 1;
  const inHole = median(hole);
  if (inHole === 0) return 1;
  const gain = Math.min(1, median(band) / inHole);
  if (gain >= 1) return 1;
  for (let c = 0; c < 3; c++) {
    const off = c * plane;
    const src = x.slice(off, off + plane);
    for (let p = 0; p < plane; p++) {
      if (dist[p] !== 0) continue;
      const y = Math.floor(p / size), xx = p % size;
      let sum = 0, n = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const yy = y + dy, xq = xx + dx;
        if (yy >= 0 && yy < size && xq >= 0 && xq < size) { sum += src[yy * size + xq]; n++; }
      }
      const blur = sum / n;
      x[off + p] = blur + gain * (src[p] - blur);
    }
  }
  return gain;
}
