/**
 * Fill's texture: the hole re-drawn with patches of the photo around it, coarse to fine (Wexler, Shechtman &
 * Irani 2007 with PatchMatch's search, Barnes et al. 2009), what the hole holds (the base stage's result,
 * enlarged: pipeline.ts) being the first guess at every level.
 *
 * Why: for Fill the base stage decides the hole's layout (where the ridge runs, where sky meets grass), but
 * the small upsampler drew its texture as a fine grain over a soft image: at 100% the removed object left a
 * frosted disc. Patches copied from around the hole carry the photo's own texture, sharpness and colours
 * onto that layout, so the hole continues the photo and nothing new is drawn.
 */
import { enlargeBilinear } from './bilinear.ts';
import type { Box } from './compositing/box.ts';
import { CancelledError } from './errors.ts';
import { holeDistance } from './hole-distance.ts';
import { cutWindow, holeSquare, writeWindow } from './pass-window.ts';
import { SeamToneMatcher } from './seam-tone.ts';
import { Xoshiro128 } from './rng.ts';

/** Patch radius (7×7 patches). */
const R = 3;
/** The coarsest level's side: the pyramid halves the square down to this. */
const COARSEST = 64;
/**
 * Search-and-vote rounds at the coarsest level, and at each searched level above it (up to SEARCH_UP_TO). The
 * full-size hole takes the last searched level's matches and copies each pixel from where they point: searching
 * at full size too (1.4 s of 2.1 s at 512 px) changed nothing visible on the real photos. 2 and 1 rounds gave the
 * 4 and 2 rounds' Fill figures on the 1 MP real photos (sharpness median 0.72 / 0.71, seam 0.79 / 0.79, novelty
 * <= 0.004) with half the search.
 */
const COARSE_ROUNDS = 2;
const LEVEL_ROUNDS = 1;
/**
 * Above the coarsest the random search looks at most LEVEL_REACH px from the match inherited from below:
 * at 1024 px the 512-px level took 1.8 s of 3.4 with the whole level's reach, 0.8 s with this, nothing seen
 * changed.
 */
const LEVEL_REACH = 8;
/**
 * Levels above this side are not searched: the full-size hole copies from the matches of the last level at or
 * below it. For a 1024-px output the 512-px level's search took 0.9 s of 2.3 at 12 MP, and without it picos'
 * rock face looked the same at 100%.
 */
const SEARCH_UP_TO = 256;
/** PatchMatch sweeps per round. */
const SWEEPS = 2;
const SEED = 0x7e57;
/** The tone match's copy is halved down to this side or below. */
const TONE_SIDE = 160;
/** Known pixels around the hole that the tone match sees (it reads 2 past the border). */
const TONE_MARGIN = 16;
/** Pixels (of that copy) the tone change is carried out past the hole before it is enlarged. */
const TONE_REACH = 2;
/** Depth in px of the band inside the hole's border that a full-size tone match then corrects. */
const BORDER_BAND = 8;

interface Level {
  side: number;
  /** [3, side, side] */
  image: Float32Array;
  /** 1 = hole */
  hole: Uint8Array;
  /** 1 = known but not to be copied from */
  barred?: Uint8Array;
}

/** Half the side: 2×2 averages; a pixel is hole where any of its four is. */
function halve(level: Level): Level {
  const side = level.side >> 1, fine = level.side;
  const image = new Float32Array(3 * side * side);
  const hole = new Uint8Array(side * side);
  const barred = level.barred && new Uint8Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const q = 2 * y * fine + 2 * x, p = y * side + x;
      hole[p] = level.hole[q] | level.hole[q + 1] | level.hole[q + fine] | level.hole[q + fine + 1];
      if (barred && level.barred) barred[p] = level.barred[q] | level.barred[q + 1] | level.barred[q + fine] | level.barred[q + fine + 1];
      for (let c = 0; c < 3; c++) {
        const o = c * fine * fine + q;
        image[c * side * side + p] = (level.image[o] + level.image[o + 1] + level.image[o + fine] + level.image[o + fine + 1]) / 4;
      }
    }
  }
  return { side, image, hole, barred };
}

/** One pyramid level's nearest-neighbour field over the hole. */
class Field {
  readonly source: Uint8Array;
  readonly sources: Int32Array;
  readonly targets: Int32Array;
  readonly nnf: Int32Array;
  readonly cost: Float64Array;

  /** @param photo the part of the level inside the photo ([x0, y0, x1, y1), px): sources lie wholly in it */
  constructor(private readonly level: Level, photo: readonly [number, number, number, number]) {
    const { side, hole } = level;
    const [x0, y0, x1, y1] = photo;
    const plane = side * side;
    // Sources: centres whose whole patch is known; targets: centres whose patch touches the hole.
    const within = (mask: Uint8Array) => {
      const out = new Uint8Array(plane);
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          if (!mask[y * side + x]) continue;
          for (let dy = -R; dy <= R; dy++) {
            const yy = y + dy;
            if (yy < 0 || yy >= side) continue;
            for (let dx = -R; dx <= R; dx++) {
              const xx = x + dx;
              if (xx >= 0 && xx < side) out[yy * side + xx] = 1;
            }
          }
        }
      }
      return out;
    };
    const near = within(hole);
    const nearBarred = level.barred ? within(level.barred) : null;
    this.source = new Uint8Array(plane);
    const sources: number[] = [], targets: number[] = [];
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const p = y * side + x;
        if (near[p]) targets.push(p);
        else if (y >= y0 + R && x >= x0 + R && y < y1 - R && x < x1 - R && !nearBarred?.[p]) {
          this.source[p] = 1;
          sources.push(p);
        }
      }
    }
    this.sources = Int32Array.from(sources);
    this.targets = Int32Array.from(targets);
    this.nnf = new Int32Array(plane).fill(-1);
    this.cost = new Float64Array(plane).fill(Infinity);
  }

  /** Sum of squared differences of the patches at t and s (over the part of t's inside the image), stopping past `limit`. */
  distance(t: number, s: number, limit: number): number {
    const { side, image } = this.level;
    const plane = side * side;
    const tx = t % side, ty = (t / side) | 0;
    const d0 = s - t;
    const x0 = Math.max(-R, -tx), x1 = Math.min(R, side - 1 - tx);
    let d = 0;
    for (let dy = -R; dy <= R; dy++) {
      const yy = ty + dy;
      if (yy < 0 || yy >= side) continue;
      const row = yy * side + tx;
      for (let c = 0; c < 3; c++) {
        const o = c * plane + row;
        for (let dx = x0; dx <= x1; dx++) {
          const e = image[o + dx] - image[o + dx + d0];
          d += e * e;
        }
      }
      if (d >= limit) return d;
    }
    return d;
  }

  tryAt(t: number, s: number): void {
    if (s < 0 || s >= this.source.length || !this.source[s] || s === this.nnf[t]) return;
    const d = this.distance(t, s, this.cost[t]);
    if (d < this.cost[t]) {
      this.cost[t] = d;
      this.nnf[t] = s;
    }
  }

  /** Each target's match measured again on the current image (which the last vote changed). */
  remeasure(): void {
    for (const t of this.targets) this.cost[t] = this.nnf[t] >= 0 ? this.distance(t, this.nnf[t], Infinity) : Infinity;
  }

  randomise(rng: Xoshiro128): void {
    for (const t of this.targets) {
      this.nnf[t] = this.sources[rng.nextUint32() % this.sources.length];
      this.cost[t] = this.distance(t, this.nnf[t], Infinity);
    }
  }

  /**
   * The coarser level's field, doubled: each target takes its parent's match moved by its own offset in the
   * 2×2 block, and its cost on this level's image.
   */
  inherit(coarse: Field, coarseSide: number, rng: Xoshiro128): void {
    const side = this.level.side;
    for (const t of this.targets) {
      const x = t % side, y = (t / side) | 0;
      const cx = Math.min(coarseSide - 1, x >> 1), cy = Math.min(coarseSide - 1, y >> 1);
      const m = coarse.nnf[cy * coarseSide + cx];
      let s = -1;
      if (m >= 0) {
        const sx = 2 * (m % coarseSide) + (x & 1), sy = 2 * ((m / coarseSide) | 0) + (y & 1);
        if (sx < side && sy < side && this.source[sy * side + sx]) s = sy * side + sx;
      }
      this.nnf[t] = s >= 0 ? s : this.sources[rng.nextUint32() % this.sources.length];
      this.cost[t] = this.distance(t, this.nnf[t], Infinity);
    }
  }

  /** PatchMatch: propagation from the neighbours already visited, then a random search shrinking around the match. */
  sweep(dir: 1 | -1, rng: Xoshiro128, reach: number): void {
    const side = this.level.side;
    const n = this.targets.length;
    for (let k = 0; k < n; k++) {
      const t = this.targets[dir > 0 ? k : n - 1 - k];
      const x = t % side, y = (t / side) | 0;
      const xs = x - dir, ys = y - dir;
      if (xs >= 0 && xs < side && this.nnf[t - dir] >= 0) this.tryAt(t, this.nnf[t - dir] + dir);
      if (ys >= 0 && ys < side && this.nnf[t - dir * side] >= 0) this.tryAt(t, this.nnf[t - dir * side] + dir * side);
      const bx = this.nnf[t] % side, by = (this.nnf[t] / side) | 0;
      for (let r = reach; r >= 1; r >>= 1) {
        const sx = bx + Math.round((rng.nextDouble() * 2 - 1) * r), sy = by + Math.round((rng.nextDouble() * 2 - 1) * r);
        if (sx >= 0 && sy >= 0 && sx < side && sy < side) this.tryAt(t, sy * side + sx);
      }
    }
  }

  /** Each hole pixel becomes the mean of what the patches over it copy there, closer matches weighing more. */
  vote(): void {
    const { side, image, hole } = this.level;
    const plane = side * side;
    const costs = Float64Array.from(this.targets, (t) => this.cost[t]).sort();
    const scale = 2 * (costs[Math.floor(0.75 * (costs.length - 1))] || 1e-6);
    const votes = new Float64Array(3 * plane);
    const weights = new Float64Array(plane);
    for (const t of this.targets) {
      const s = this.nnf[t];
      const wt = Math.exp(-this.cost[t] / scale);
      const tx = t % side, ty = (t / side) | 0, d0 = s - t;
      for (let dy = -R; dy <= R; dy++) {
        const yy = ty + dy;
        if (yy < 0 || yy >= side) continue;
        for (let dx = -R; dx <= R; dx++) {
          const xx = tx + dx;
          if (xx < 0 || xx >= side) continue;
          const q = yy * side + xx;
          if (!hole[q]) continue;
          for (let c = 0; c < 3; c++) votes[c * plane + q] += wt * image[c * plane + q + d0];
          weights[q] += wt;
        }
      }
    }
    for (let q = 0; q < plane; q++) {
      if (!hole[q] || !weights[q]) continue;
      for (let c = 0; c < 3; c++) image[c * plane + q] = votes[c * plane + q] / weights[q];
    }
  }
}

/**
 * Re-draws the hole of `image` ([1, 3, side, side] in [-1, 1]; `keep` its [side, side] mask, 1 keep) with
 * patches of the known pixels, in place, the hole's present content as the layout. Patches are taken only
 * from `photo` (default: the whole square): where a crop reaches past the photo's edge, the square is
 * completed with copies of the edge pixels (crop-plan.ts), the hole's own among them. Returns false (nothing
 * changed) where no whole patch is known.
 */
export function textureFromSurroundings(image: Float32Array, keep: Float32Array, side: number, signal?: AbortSignal, photo?: Box, barred?: Uint8Array): boolean {
  const plane = side * side;
  const hole = new Uint8Array(plane);
  for (let p = 0; p < plane; p++) hole[p] = keep[p] < 0.5 ? 1 : 0;
  const top: Level = { side, image, hole, barred };
  const levels = [top];
  while (levels[levels.length - 1].side >= 2 * COARSEST && levels[levels.length - 1].side % 2 === 0) levels.push(halve(levels[levels.length - 1]));
  const inside = (at: number) => {
    const k = at / side;
    return photo ? ([Math.ceil(photo.x * k), Math.ceil(photo.y * k), Math.floor((photo.x + photo.width) * k), Math.floor((photo.y + photo.height) * k)] as const) : ([0, 0, at, at] as const);
  };
  // Searched: the coarsest level up to the last of at most SEARCH_UP_TO px; the top copies from that one's matches.
  let last = levels.length - 1;
  while (last > 1 && levels[last - 1].side <= SEARCH_UP_TO) last--;
  const rng = new Xoshiro128(SEED);
  let coarser: { field: Field; side: number } | null = null;
  for (let i = levels.length - 1; i >= last; i--) {
    if (signal?.aborted) throw new CancelledError();
    const level = levels[i];
    const field = new Field(level, inside(level.side));
    if (!field.sources.length) return false;
    if (!field.targets.length) return true;
    if (coarser) {
      // The coarser result's patches, at this level's pixels, are the guess the search refines.
      field.inherit(coarser.field, coarser.side, rng);
      field.vote();
      field.remeasure();
    } else field.randomise(rng);
    const rounds = coarser ? LEVEL_ROUNDS : COARSE_ROUNDS;
    for (let round = 0; round < rounds; round++) {
      for (let s = 0; s < SWEEPS; s++) field.sweep(s % 2 === 0 ? 1 : -1, rng, coarser ? Math.min(level.side >> 1, LEVEL_REACH) : level.side >> 1);
      field.vote();
      if (round < rounds - 1) field.remeasure();
    }
    coarser = { field, side: level.side };
  }
  if (coarser && last > 0) copyFromMatches(top, coarser.field, coarser.side, inside(side));
  matchTone(top, photo);
  return true;
}

/**
 * The top level's hole, each pixel copied from the pixel its coarse match points to (the match moved by the
 * pixel's own offset in its block): no search and no mean at full size, so the photo's pixels arrive unblurred.
 * A pixel whose match falls on no photo pixel keeps what it held.
 */
function copyFromMatches(top: Level, field: Field, coarseSide: number, photo: readonly [number, number, number, number]): void {
  const { side, image, hole, barred } = top;
  const plane = side * side, f = side / coarseSide;
  const [x0, y0, x1, y1] = photo;
  for (let y = 0; y < side; y++) {
    const cy = Math.min(coarseSide - 1, Math.floor(y / f));
    for (let x = 0; x < side; x++) {
      const t = y * side + x;
      if (!hole[t]) continue;
      const m = field.nnf[cy * coarseSide + Math.min(coarseSide - 1, Math.floor(x / f))];
      if (m < 0) continue;
      const sx = f * (m % coarseSide) + (x % f), sy = f * Math.floor(m / coarseSide) + (y % f);
      if (sx < x0 || sy < y0 || sx >= x1 || sy >= y1) continue;
      const s = sy * side + sx;
      if (hole[s] || barred?.[s]) continue;
      for (let c = 0; c < 3; c++) image[c * plane + t] = image[c * plane + s];
    }
  }
}

/**
 * The tone matched to the photo's pixels around the hole (matchToneToBorder) on the hole's square. Padding
 * (beside the hole it repeats the hole's old content) and barred pixels count as hole there; barred pixels
 * keep their values.
 */
function matchTone(top: Level, photo?: Box): void {
  const { side, image, hole, barred } = top;
  const plane = side * side;
  const toneKeep = new Float32Array(plane);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const p = y * side + x;
      const outside = photo !== undefined && (x + 0.5 < photo.x || x + 0.5 > photo.x + photo.width || y + 0.5 < photo.y || y + 0.5 > photo.y + photo.height);
      toneKeep[p] = hole[p] || barred?.[p] || outside ? 0 : 1;
    }
  }
  const saved: number[] = [];
  if (barred) for (let p = 0; p < plane; p++) if (barred[p]) saved.push(p, image[p], image[plane + p], image[2 * plane + p]);
  // On the hole's square (TONE_MARGIN px around it, a side that halves down to TONE_SIDE), not the whole image.
  const square = holeSquare(toneKeep, side, TONE_MARGIN, 32) ?? { x: 0, y: 0, side };
  const part = cutWindow(image, 3, side, square);
  const partKeep = cutWindow(toneKeep, 1, side, square);
  const partHole = new Uint8Array(partKeep.length);
  for (let p = 0; p < partKeep.length; p++) partHole[p] = partKeep[p] < 0.5 ? 1 : 0;
  matchToneToBorder(part, partHole, square.side);
  writeWindow(image, part, 3, side, square);
  for (let k = 0; k < saved.length; k += 4) for (let c = 0; c < 3; c++) image[c * plane + saved[k]] = saved[k + 1 + c];
}

/**
 * The hole's tone matched to its border (seam-tone.ts's harmonic field) on a copy halved to at most
 * TONE_SIDE, the change enlarged back. Why: patches copied from another part of a sky or a blurred
 * background carry that part's brightness, and a hole across a gradient showed as a faint disc.
 */
function matchToneToBorder(image: Float32Array, hole: Uint8Array, side: number): void {
  let small: Level = { side, image, hole };
  while (small.side > TONE_SIDE && small.side % 2 === 0) small = halve(small);
  const n = small.side, plane = n * n;
  const keep = Float32Array.from(small.hole, (h) => 1 - h);
  const tone = new SeamToneMatcher(keep, [1, 3, n, n], { iterations: 4 * n });
  if (!tone.active) return;
  if (n === side) {
    tone.apply(image); // small enough to match at its own size
    return;
  }
  const before = small.image.slice();
  tone.apply(small.image);
  // The change, carried TONE_REACH pixels out of the hole so the enlargement keeps it up to the border.
  const change = new Float32Array(3 * plane);
  for (let i = 0; i < change.length; i++) change[i] = small.image[i] - before[i];
  const reached = Uint8Array.from(small.hole);
  for (let pass = 0; pass < TONE_REACH; pass++) {
    const next = reached.slice();
    for (let p = 0; p < plane; p++) {
      if (reached[p]) continue;
      const x = p % n, y = (p / n) | 0;
      for (const q of [x > 0 ? p - 1 : -1, x < n - 1 ? p + 1 : -1, y > 0 ? p - n : -1, y < n - 1 ? p + n : -1]) {
        if (q < 0 || !reached[q]) continue;
        for (let c = 0; c < 3; c++) change[c * plane + p] = change[c * plane + q];
        next[p] = 1;
        break;
      }
    }
    reached.set(next);
  }
  const full = enlargeBilinear(change, n, side);
  const fullPlane = side * side;
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < fullPlane; p++) if (hole[p]) image[c * fullPlane + p] = Math.min(1, Math.max(-1, image[c * fullPlane + p] + full[c * fullPlane + p]));
  }
  // What the coarse match misses right at the border (a faint line along it), at full size on a band
  // BORDER_BAND px deep: the band's inner side is held to what it is, so the field fades out inside.
  // holeDistance measures from where its mask is < 0.5: given the hole as the mask, from the known pixels in.
  const holeAsMask = new Float32Array(fullPlane);
  for (let p = 0; p < fullPlane; p++) holeAsMask[p] = hole[p];
  const depth = holeDistance(holeAsMask, side, BORDER_BAND);
  if (!depth) return;
  const band = new Float32Array(fullPlane);
  for (let p = 0; p < fullPlane; p++) band[p] = depth[p] >= 1 && depth[p] <= BORDER_BAND ? 0 : 1;
  new SeamToneMatcher(band, [1, 3, side, side], { iterations: 2 * BORDER_BAND }).apply(image);
}
