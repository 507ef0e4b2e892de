/**
 * Fill's layout: the hole completed from patches of its surroundings (Wexler, Shechtman & Irani 2007,
 * "Space-time completion of video", with PatchMatch's search, Barnes et al. 2009): peeled in at half size,
 * then refined at the crop's own.
 *
 * Why: Fill pulls the base stage's first x0 toward a target in the hole (fill-guide.ts). The smooth
 * membrane of the border's colours was that target; across a hole that spans sky, a ridge, a forest and
 * grass it is their average, a grey-brown haze, and the model kept it (the real-photo evaluation's
 * sunset). Patches copied from around the hole carry the layers on: sky above the ridge, the ridge's
 * line, grass below. The target only sets the layout; the model draws the texture over it.
 */
import { Xoshiro128 } from './rng.ts';

/** Patch radius (5×5 patches). */
const R = 2;
/** The coarse level (where the hole is first filled) is used from crops of twice this side. */
const COARSEST = 16;
/** Expectation-maximisation rounds at the crop's own size. */
const ROUNDS = 3;
/** PatchMatch sweeps per round. */
const SWEEPS = 4;
const SEED = 0x5eed;

interface Level {
  w: number;
  h: number;
  /** [3, h, w] */
  image: Float64Array;
  /** 1 = hole */
  hole: Uint8Array;
}

/** Half the size: each 2×2 block's colours averaged (the hole's first guess among them); a block with any hole pixel is hole. */
function reduce(level: Level): Level {
  const w = Math.ceil(level.w / 2), h = Math.ceil(level.h / 2);
  const plane = w * h, finePlane = level.w * level.h;
  const image = new Float64Array(3 * plane);
  const hole = new Uint8Array(plane);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      let n = 0;
      const sum = [0, 0, 0];
      for (let dy = 0; dy < 2; dy++) {
        for (let dx = 0; dx < 2; dx++) {
          const fx = 2 * x + dx, fy = 2 * y + dy;
          if (fx >= level.w || fy >= level.h) continue;
          const q = fy * level.w + fx;
          if (level.hole[q]) hole[p] = 1;
          for (let c = 0; c < 3; c++) sum[c] += level.image[c * finePlane + q];
          n++;
        }
      }
      for (let c = 0; c < 3; c++) image[c * plane + p] = sum[c] / n;
    }
  }
  return { w, h, image, hole };
}

/**
 * The hole of `image` ([3, h, w], the hole holding a first guess such as the membrane) filled with
 * patches of the known pixels, in place. Returns false where the crop holds no wholly known patch to
 * copy (nothing changed when not even the coarse level has one).
 */
export function completeFromSurroundings(image: Float64Array, hole: Uint8Array, w: number, h: number): boolean {
  // One level below the crop's own: its hole is small enough to peel, its margins still hold patches.
  const crop: Level = { w, h, image, hole };
  const coarse = Math.max(w, h) >= 2 * COARSEST ? reduce(crop) : crop;
  if (!peelCoarsest(coarse)) return false;
  if (coarse !== crop) upsampleHole(coarse, crop);
  return completeLevel(crop, ROUNDS, new Xoshiro128(SEED));
}

/**
 * The coarsest level's first guess, from the border inward (Efros & Leung 1999): each hole pixel, nearest
 * the known first, takes the centre of the known patch most like what is already known or filled
 * around it. Structure that meets the border (a ridge, a shoreline) is carried in along it, where a
 * smooth guess would let the flattest patch (sky) spread over everything.
 */
function peelCoarsest(level: Level): boolean {
  const { w, h, image, hole } = level;
  const plane = w * h;
  const r = 1; // 3×3: the coarsest level has few wholly known 5×5 patches
  const sources: number[] = [];
  for (let y = r; y < h - r; y++) {
    for (let x = r; x < w - r; x++) {
      let known = true;
      for (let dy = -r; dy <= r && known; dy++) for (let dx = -r; dx <= r; dx++) if (hole[(y + dy) * w + x + dx]) known = false;
      if (known) sources.push(y * w + x);
    }
  }
  if (!sources.length) return false;
  const filled = Uint8Array.from(hole, (v) => 1 - v);
  // Hole pixels in order of distance from the known (breadth first).
  const order: number[] = [];
  const queued = Uint8Array.from(filled);
  let frontier: number[] = [];
  for (let p = 0; p < plane; p++) if (filled[p]) frontier.push(p);
  while (frontier.length) {
    const next: number[] = [];
    for (const p of frontier) {
      const x = p % w, y = (p / w) | 0;
      for (const q of [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1]) {
        if (q < 0 || queued[q]) continue;
        queued[q] = 1;
        order.push(q);
        next.push(q);
      }
    }
    frontier = next;
  }
  for (const t of order) {
    const tx = t % w, ty = (t / w) | 0;
    let best = Infinity, bestSource = sources[0];
    for (const s of sources) {
      const sx = s % w, sy = (s / w) | 0;
      let d = 0, n = 0;
      for (let dy = -r; dy <= r; dy++) {
        const yy = ty + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -r; dx <= r; dx++) {
          const xx = tx + dx;
          if (xx < 0 || xx >= w || !filled[yy * w + xx]) continue;
          const a = yy * w + xx, b = (sy + dy) * w + sx + dx;
          for (let c = 0; c < 3; c++) {
            const e = image[c * plane + a] - image[c * plane + b];
            d += e * e;
          }
          n++;
        }
      }
      if (n && d / n < best) {
        best = d / n;
        bestSource = s;
      }
    }
    for (let c = 0; c < 3; c++) image[c * plane + t] = image[c * plane + bestSource];
    filled[t] = 1;
  }
  return true;
}

/** The coarser level's completed hole, enlarged (nearest) into the finer level's hole as its first guess. */
function upsampleHole(coarse: Level, fine: Level): void {
  const cp = coarse.w * coarse.h, fp = fine.w * fine.h;
  for (let y = 0; y < fine.h; y++) {
    for (let x = 0; x < fine.w; x++) {
      const q = y * fine.w + x;
      if (!fine.hole[q]) continue;
      const p = Math.min(coarse.h - 1, y >> 1) * coarse.w + Math.min(coarse.w - 1, x >> 1);
      for (let c = 0; c < 3; c++) fine.image[c * fp + q] = coarse.image[c * cp + p];
    }
  }
}

function completeLevel(level: Level, rounds: number, rng: Xoshiro128): boolean {
  const { w, h, image, hole } = level;
  const plane = w * h;
  // Sources: centres whose whole patch is inside the crop and known.
  const source = new Uint8Array(plane);
  const sources: number[] = [];
  for (let y = R; y < h - R; y++) {
    for (let x = R; x < w - R; x++) {
      let known = true;
      for (let dy = -R; dy <= R && known; dy++) for (let dx = -R; dx <= R; dx++) if (hole[(y + dy) * w + x + dx]) known = false;
      if (known) {
        source[y * w + x] = 1;
        sources.push(y * w + x);
      }
    }
  }
  // Targets: centres whose patch touches the hole.
  const targets: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let touches = false;
      for (let dy = -R; dy <= R && !touches; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -R; dx <= R; dx++) {
          const xx = x + dx;
          if (xx >= 0 && xx < w && hole[yy * w + xx]) {
            touches = true;
            break;
          }
        }
      }
      if (touches) targets.push(y * w + x);
    }
  }
  if (!sources.length || !targets.length) return false;

  /** Calls visit(target pixel, source pixel) over the patch pairs of centres t and s, row by row, while it returns true. */
  const eachPair = (t: number, s: number, visit: (a: number, b: number) => void, rowDone: () => boolean = () => true) => {
    const tx = t % w, ty = (t / w) | 0, sx = s % w, sy = (s / w) | 0;
    for (let dy = -R; dy <= R; dy++) {
      const yy = ty + dy;
      if (yy < 0 || yy >= h) continue;
      for (let dx = -R; dx <= R; dx++) {
        const xx = tx + dx;
        if (xx >= 0 && xx < w) visit(yy * w + xx, (sy + dy) * w + sx + dx);
      }
      if (!rowDone()) return;
    }
  };
  const distance = (t: number, s: number, limit: number): number => {
    let d = 0;
    eachPair(
      t,
      s,
      (a, b) => {
        for (let c = 0; c < 3; c++) {
          const e = image[c * plane + a] - image[c * plane + b];
          d += e * e;
        }
      },
      () => d < limit,
    );
    return d;
  };

  const nnf = new Int32Array(plane).fill(-1);
  const cost = new Float64Array(plane).fill(Infinity);
  const tryAt = (t: number, s: number) => {
    if (s < 0 || s >= plane || !source[s] || s === nnf[t]) return;
    const d = distance(t, s, cost[t]);
    if (d < cost[t]) {
      cost[t] = d;
      nnf[t] = s;
    }
  };
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= w || y >= h ? -1 : y * w + x);
  for (const t of targets) tryAt(t, sources[rng.nextUint32() % sources.length]);

  const votes = new Float64Array(3 * plane);
  const weights = new Float64Array(plane);
  for (let round = 0; round < rounds; round++) {
    // The estimate changed: every match is measured again before it is improved.
    for (const t of targets) if (nnf[t] >= 0) cost[t] = distance(t, nnf[t], Infinity);
    for (let sweep = 0; sweep < SWEEPS; sweep++) {
      const dir = sweep % 2 === 0 ? 1 : -1;
      for (let n = 0; n < targets.length; n++) {
        const t = targets[dir > 0 ? n : targets.length - 1 - n];
        const x = t % w, y = (t / w) | 0;
        const left = at(x - dir, y), up = at(x, y - dir);
        if (left >= 0 && nnf[left] >= 0) tryAt(t, nnf[left] + dir);
        if (up >= 0 && nnf[up] >= 0) tryAt(t, nnf[up] + dir * w);
        tryAt(t, sources[rng.nextUint32() % sources.length]);
        if (nnf[t] < 0) continue;
        const bx = nnf[t] % w, by = (nnf[t] / w) | 0;
        for (let r = Math.max(w, h) >> 1; r >= 1; r >>= 1) {
          tryAt(t, at(bx + Math.round((rng.nextDouble() * 2 - 1) * r), by + Math.round((rng.nextDouble() * 2 - 1) * r)));
        }
      }
    }
    // Vote: each hole pixel becomes the weighted mean of what the patches over it copy there; close
    // matches weigh more (a scale from the matches' own costs, so the weights adapt to the photo).
    const costs = targets.filter((t) => nnf[t] >= 0).map((t) => cost[t]).sort((a, b) => a - b);
    const scale = 2 * (costs[Math.floor(0.75 * (costs.length - 1))] || 1e-6);
    votes.fill(0);
    weights.fill(0);
    for (const t of targets) {
      const s = nnf[t];
      if (s < 0) continue;
      const wt = Math.exp(-cost[t] / scale);
      eachPair(t, s, (q, from) => {
        if (!hole[q]) return;
        for (let c = 0; c < 3; c++) votes[c * plane + q] += wt * image[c * plane + from];
        weights[q] += wt;
      });
    }
    for (let q = 0; q < plane; q++) {
      if (!hole[q] || !weights[q]) continue;
      for (let c = 0; c < 3; c++) image[c * plane + q] = votes[c * plane + q] / weights[q];
    }
  }
  return true;
}
