import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Xoshiro128 } from '../../main/engine/rng.ts';
import { changedPixels, colourAdherence, distance, type Hole, inHole, novelty, type Rgb, type RgbImage, seam, sharpness } from './photo-metrics.ts';

const W = 200;
const H = 160;
const HOLE: Hole = { cx: 100, cy: 80, r: 30 };
const PALETTE: Record<string, Rgb> = { red: [220, 30, 35], green: [35, 165, 55], blue: [35, 75, 225], white: [245, 245, 245], black: [20, 20, 20] };

/** An image whose pixel (x, y) is grey level f(x, y) (or the colour f returns). */
function image(f: (x: number, y: number) => number | Rgb): RgbImage {
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const v = f(x, y);
      const [r, g, b] = typeof v === 'number' ? [v, v, v] : v;
      data.set([r, g, b], 3 * (y * W + x));
    }
  }
  return { width: W, height: H, data };
}

/** Grey noise in [64, 128), seeded. */
function noise(seed: number): RgbImage {
  const rng = new Xoshiro128(seed);
  return image(() => 64 + (rng.nextUint32() % 64));
}

/** `photo` with the hole's pixels (or those within `r` of the centre) replaced by f. */
function withHole(photo: RgbImage, f: (x: number, y: number, old: number) => number | Rgb, r = HOLE.r): RgbImage {
  return image((x, y) => {
    const i = 3 * (y * W + x);
    const old: Rgb = [photo.data[i], photo.data[i + 1], photo.data[i + 2]];
    return distance(HOLE, x, y) < r ? f(x, y, old[0]) : old;
  });
}

test('sharpness: 1 for the photo itself, 2 for the hole with twice its contrast, 0 for a flat hole', () => {
  const photo = noise(1);
  assert.equal(sharpness(photo, photo, HOLE), 1);
  // Twice the contrast about 96 up to the hole's edge: every Laplacian inside (d < r - 2) doubles.
  const doubled = withHole(photo, (_x, _y, v) => 2 * v - 96);
  assert.ok(Math.abs(sharpness(photo, doubled, HOLE) - 2) < 1e-9, `${sharpness(photo, doubled, HOLE)}`);
  assert.equal(sharpness(photo, withHole(photo, () => 96), HOLE), 0);
});

test('sharpness is relative to the ring: a photo whose hole is half as detailed as its ring, refilled like the ring, scores 2', () => {
  const ringLike = noise(2);
  const photo = withHole(ringLike, (_x, _y, v) => Math.round((v - 96) / 2) + 96, HOLE.r + 3);
  const s = sharpness(photo, ringLike, HOLE);
  assert.ok(s > 1.8 && s < 2.2, `sharpness ${s}`);
});

test('seam: 1 for the photo, above 1 for a hard step at the border, below 1 for a blurred border', () => {
  const photo = noise(3);
  assert.equal(seam(photo, photo, HOLE), 1);
  const step = withHole(photo, () => 250);
  assert.ok(seam(photo, step, HOLE) > 3, `step ${seam(photo, step, HOLE)}`);
  // A 5x5 box blur over the band around the border (and the whole hole).
  const blurred = image((x, y) => {
    const d = distance(HOLE, x, y);
    const i = 3 * (y * W + x);
    if (d > HOLE.r + 4) return photo.data[i];
    let sum = 0;
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) sum += photo.data[3 * ((y + dy) * W + x + dx)];
    return Math.round(sum / 25);
  });
  assert.ok(seam(photo, blurred, HOLE) < 0.5, `blurred ${seam(photo, blurred, HOLE)}`);
});

test('novelty: the share of hole pixels whose quantised colour is absent from the ring', () => {
  const photo = noise(4); // grey 64..127: bins 4..7 of 16 on each channel, all in the ring
  assert.equal(novelty(photo, photo, HOLE), 0);
  // The hole's left part (x < cx - 10) turns red: a colour the ring does not have.
  const edit = withHole(photo, (x, _y, v) => (x < HOLE.cx - 10 ? [200, 40, 40] : v));
  let red = 0;
  let all = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (!inHole(HOLE, x, y)) continue;
      all++;
      if (x < HOLE.cx - 10) red++;
    }
  }
  assert.equal(novelty(edit, photo, HOLE), red / all);
  // A grey just outside the ring's levels (bin 9: 144..159) is new; one inside a ring bin (bin 7: 112..127) is not.
  assert.equal(novelty(withHole(photo, () => 150), photo, HOLE), 1);
  assert.equal(novelty(withHole(photo, () => 120), photo, HOLE), 0);
  // A colour the photo has only just outside the hole (a shadow at r..1.3r) is the surroundings' own.
  const shadowed = image((x, y) => {
    const d = distance(HOLE, x, y);
    return d >= HOLE.r && d < 1.3 * HOLE.r ? 20 : photo.data[3 * (y * W + x)];
  });
  assert.equal(novelty(withHole(shadowed, () => 20), shadowed, HOLE), 0);
});

test('colour adherence: the named colour must be the one whose share of the hole grew most', () => {
  const grass = image(() => [40, 150, 60]);
  const redDisc = withHole(grass, (x, y) => (distance({ ...HOLE, r: 25 }, x, y) < 25 ? [210, 40, 40] : [40, 150, 60]));
  assert.deepEqual({ ...colourAdherence(grass, redDisc, HOLE, 'red', PALETTE), gain: 0 }, { hit: true, dominant: 'red', gain: 0 });
  assert.ok(Math.abs(colourAdherence(grass, redDisc, HOLE, 'red', PALETTE).gain - (25 / 30) ** 2) < 0.03);
  assert.equal(colourAdherence(grass, redDisc, HOLE, 'blue', PALETTE).hit, false);
  // Red already in the photo's hole is not a drawn red: unchanged, nothing grew.
  assert.deepEqual(colourAdherence(redDisc, redDisc, HOLE, 'red', PALETTE), { hit: false, dominant: 'none', gain: 0 });
  assert.throws(() => colourAdherence(grass, redDisc, HOLE, 'mauve', PALETTE), /mauve/);
});

test('changed pixels: counted beyond the reach, with the farthest change', () => {
  const photo = noise(5);
  assert.deepEqual(changedPixels(photo, photo, HOLE, 10), { beyond: 0, farthest: 0 });
  const edit = { ...photo, data: photo.data.slice() };
  const at = (x: number, y: number) => edit.data.set([0, 0, 0], 3 * (y * W + x));
  at(100, 80 + 35); // d = 35.5: inside the reach (30 + 10)
  assert.equal(changedPixels(photo, edit, HOLE, 10).beyond, 0);
  at(100, 80 + 50); // d = 50.5: beyond it
  at(5, 5);
  const c = changedPixels(photo, edit, HOLE, 10);
  assert.equal(c.beyond, 2);
  assert.ok(Math.abs(c.farthest - distance(HOLE, 5, 5) / HOLE.r) < 1e-12);
});
