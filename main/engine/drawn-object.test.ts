import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drawnObject } from './drawn-object.ts';
import { Xoshiro128 } from './rng.ts';

const S = 64;
const PX = S * S;

/**
 * A grass-green crop with a grain, a round hole of radius 20, and what the base drew there: a disc of radius
 * `r` in `colour` on the grass refilled (its colours, no grain).
 */
function scene(colour: [number, number, number], r: number) {
  const rng = new Xoshiro128(1);
  const grass = [-0.4, 0.2, -0.5];
  const crop = new Float32Array(3 * PX), drawn = new Float32Array(3 * PX), keep = new Float32Array(PX).fill(1);
  for (let p = 0; p < PX; p++) {
    const x = p % S, y = Math.floor(p / S);
    const grain = 0.1 * (rng.nextDouble() - 0.5);
    const d2 = (x - 32) ** 2 + (y - 32) ** 2;
    if (d2 < 20 * 20) keep[p] = 0;
    for (let c = 0; c < 3; c++) {
      crop[c * PX + p] = grass[c] + grain;
      drawn[c * PX + p] = d2 < r * r ? colour[c] : grass[c];
    }
  }
  return { crop, drawn, keep };
}

test('a red disc drawn on grass is the object (grown by a pixel); the grass refilled around it is not', () => {
  const { crop, drawn, keep } = scene([0.8, -0.8, -0.8], 12);
  const object = drawnObject(drawn, crop, keep, S);
  assert.ok(object);
  for (let p = 0; p < PX; p++) {
    const d = Math.hypot((p % S) - 32, Math.floor(p / S) - 32);
    if (d < 12) assert.equal(object[p], 1, `the disc's pixel at distance ${d.toFixed(1)}`);
    if (d > 14) assert.equal(object[p], 0, `the grass at distance ${d.toFixed(1)}`);
  }
});

test('what the object encloses is the object too: a ring drawn in the hole keeps its middle', () => {
  const { crop, drawn, keep } = scene([0.8, -0.8, -0.8], 14);
  // The disc's middle in the photo's own colour, as a yellow star's middle over a sunset's glow can be.
  for (let p = 0; p < PX; p++) if (Math.hypot((p % S) - 32, Math.floor(p / S) - 32) < 6) for (let c = 0; c < 3; c++) drawn[c * PX + p] = crop[c * PX + p];
  const object = drawnObject(drawn, crop, keep, S);
  assert.ok(object);
  assert.equal(object[32 * S + 32], 1);
});

test('nothing is found when the drawn colour is the photo\'s own, or when the object fills the hole', () => {
  const green = scene([-0.35, 0.25, -0.45], 12);
  assert.equal(drawnObject(green.drawn, green.crop, green.keep, S), null, 'a green disc on grass');
  const whole = scene([0.8, -0.8, -0.8], 20);
  assert.equal(drawnObject(whole.drawn, whole.crop, whole.keep, S), null, 'a red disc as large as the hole');
});
