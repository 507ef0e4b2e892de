import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError } from './errors.ts';
import { textureFromSurroundings } from './fill-texture.ts';
import { Xoshiro128 } from './rng.ts';

const S = 256;
const PX = S * S;

/**
 * Two textures side by side (a warm grain left of x = 128, a cool one right of it: each pixel its side's
 * colour plus seeded noise), a round hole across the line holding the scene blurred: the soft layout the
 * base stage gives, with no grain.
 */
function scene() {
  const rng = new Xoshiro128(7);
  const colours = [[0.5, 0.1, -0.3], [-0.3, 0.0, 0.5]];
  const image = new Float32Array(3 * PX);
  const keep = new Float32Array(PX).fill(1);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const p = y * S + x, side = x < 128 ? 0 : 1;
      const grain = 0.3 * (rng.nextDouble() - 0.5);
      for (let c = 0; c < 3; c++) image[c * PX + p] = colours[side][c] + grain;
      if ((x - 128) ** 2 + (y - 128) ** 2 < 70 ** 2) keep[p] = 0;
    }
  }
  const truth = image.slice();
  // The layout: each side's colour, no grain.
  for (let p = 0; p < PX; p++) if (keep[p] < 0.5) for (let c = 0; c < 3; c++) image[c * PX + p] = colours[p % S < 128 ? 0 : 1][c];
  return { image, keep, truth, colours };
}

/** Mean |Laplacian| of channel 0 over pixels where `where` holds (and their 4 neighbours exist). */
function laplacian(x: Float32Array, where: (p: number) => boolean): number {
  let sum = 0, n = 0;
  for (let y = 1; y < S - 1; y++) for (let xx = 1; xx < S - 1; xx++) {
    const p = y * S + xx;
    if (!where(p)) continue;
    sum += Math.abs(4 * x[p] - x[p - 1] - x[p + 1] - x[p - S] - x[p + S]);
    n++;
  }
  return sum / n;
}

test("the hole takes the photo's texture on the layout it holds; known pixels stay exactly", () => {
  const { image, keep, truth, colours } = scene();
  const inHole = (p: number) => keep[p] < 0.5 && Math.abs((p % S) - 128) > 8; // away from the line between the textures
  const ring = (p: number) => keep[p] >= 0.5;
  assert.ok(laplacian(image, inHole) < 0.1 * laplacian(truth, ring), 'the layout has no grain');
  assert.equal(textureFromSurroundings(image, keep, S), true);
  for (let i = 0; i < image.length; i++) if (keep[i % PX] >= 0.5) assert.equal(image[i], truth[i]);
  const grain = laplacian(image, inHole) / laplacian(truth, ring);
  assert.ok(grain > 0.8 && grain < 1.2, `the hole's grain is ${grain.toFixed(2)} of its surroundings'`);
  // Each side of the hole keeps its side's colour: the layout decided where each texture goes.
  let wrong = 0, n = 0;
  for (let p = 0; p < PX; p++) {
    if (!inHole(p)) continue;
    const want = colours[p % S < 128 ? 0 : 1];
    if (Math.abs(image[p] - want[0]) > 0.25 || Math.abs(image[2 * PX + p] - want[2]) > 0.25) wrong++;
    n++;
  }
  assert.ok(wrong / n < 0.02, `${((100 * wrong) / n).toFixed(1)}% of the hole took the other side's texture`);
});

test('the same input gives the same bytes', () => {
  const a = scene(), b = scene();
  textureFromSurroundings(a.image, a.keep, S);
  textureFromSurroundings(b.image, b.keep, S);
  assert.deepEqual(a.image, b.image);
});

test('a crop with no wholly known patch is left as it is', () => {
  const n = 16;
  const image = new Float32Array(3 * n * n).fill(0.5);
  const keep = new Float32Array(n * n);
  keep[0] = 1;
  assert.equal(textureFromSurroundings(image, keep, n), false);
  assert.ok(image.every((v) => v === 0.5));
});

test('an aborted signal stops it with CancelledError', () => {
  const { image, keep } = scene();
  const controller = new AbortController();
  controller.abort();
  assert.throws(() => textureFromSurroundings(image, keep, S, controller.signal), CancelledError);
});

test("the hole's tone continues its border: a hole in a gradient shows no step where it meets the photo", () => {
  // A sky darkening downwards with a faint grain; the layout in the hole is flat, the gradient's mean.
  const rng = new Xoshiro128(3);
  const image = new Float32Array(3 * PX);
  const keep = new Float32Array(PX).fill(1);
  for (let p = 0; p < PX; p++) {
    const y = Math.floor(p / S), x = p % S;
    const v = 0.8 - (1.2 * y) / S + 0.02 * (rng.nextDouble() - 0.5);
    for (let c = 0; c < 3; c++) image[c * PX + p] = v - 0.2 * c;
    if ((x - 128) ** 2 + (y - 128) ** 2 < 80 ** 2) keep[p] = 0;
  }
  for (let p = 0; p < PX; p++) if (keep[p] < 0.5) for (let c = 0; c < 3; c++) image[c * PX + p] = 0.2 - 0.2 * c;
  textureFromSurroundings(image, keep, S);
  // The step across the border, known pixel minus hole pixel, less the gradient's own step, on the top and bottom.
  let step = 0, n = 0;
  for (let p = S; p < PX - S; p++) {
    if (keep[p] >= 0.5 || (keep[p - S] < 0.5 && keep[p + S] < 0.5)) continue;
    const q = keep[p - S] >= 0.5 ? p - S : p + S;
    step += Math.abs(image[q] - image[p] - (q < p ? 1.2 / S : -1.2 / S));
    n++;
  }
  assert.ok(step / n < 0.015, `mean step across the hole's top and bottom border ${(step / n).toFixed(3)} (the gradient changes 0.3 over the hole)`);
});

test("patches come only from the photo: the square's padding (its edge rows repeated, the hole's grey among them) is never copied", () => {
  // A photo of 216 rows under 40 rows of padding; the hole (a grey new area) reaches the photo's top edge,
  // so the padding above it repeats that grey.
  const { image, keep } = scene();
  const TOP = 40, GREY = 0;
  const photo = { x: 0, y: TOP, width: S, height: S - TOP };
  keep.fill(1);
  for (let y = TOP; y < 150; y++) for (let x = 90; x < 170; x++) keep[y * S + x] = 0;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const p = y * S + x;
      const grey = keep[p] < 0.5 || (y < TOP && x >= 90 && x < 170);
      if (grey) for (let c = 0; c < 3; c++) image[c * PX + p] = GREY;
      else if (y < TOP) for (let c = 0; c < 3; c++) image[c * PX + p] = image[c * PX + TOP * S + x]; // the edge row repeated
    }
  }
  const greyInHole = (x: Float32Array) => {
    let n = 0;
    for (let p = 0; p < PX; p++) if (keep[p] < 0.5 && [0, 1, 2].every((c) => Math.abs(x[c * PX + p] - GREY) < 0.03)) n++;
    return n;
  };
  const fromAnywhere = image.slice();
  textureFromSurroundings(fromAnywhere, keep, S);
  textureFromSurroundings(image, keep, S, undefined, photo);
  assert.ok(greyInHole(fromAnywhere) > 100, 'the padding is grey where the hole meets the edge (else this test shows nothing)');
  assert.equal(greyInHole(image), 0, 'no grey copied into the hole');
});
