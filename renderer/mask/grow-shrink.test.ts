import assert from 'node:assert/strict';
import { test } from 'node:test';
import { squaredDistanceTo } from './distance-transform.ts';
import { growShrink } from './grow-shrink.ts';
import { countCovered } from './raster.ts';

function disc(width: number, height: number, cx: number, cy: number, r: number): Uint8Array {
  const m = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r) m[y * width + x] = 255;
  return m;
}

test('the distance transform is exact (checked against brute force)', () => {
  const w = 37, h = 23;
  const src = new Uint8Array(w * h);
  for (const i of [5, 100, 400, 401, 700, 850]) src[i] = 1;
  const d2 = squaredDistanceTo((i) => src[i] === 1, w, h);
  for (let i = 0; i < w * h; i++) {
    let best = Infinity;
    for (let j = 0; j < w * h; j++) if (src[j]) best = Math.min(best, ((i % w) - (j % w)) ** 2 + (Math.floor(i / w) - Math.floor(j / w)) ** 2);
    assert.equal(d2[i], best, `pixel ${i}`);
  }
});

test('grow and shrink move the edge of a disc by the radius', () => {
  const w = 200, h = 200;
  const m = disc(w, h, 100, 100, 40);
  const radiusOf = (mask: Uint8Array) => Math.sqrt(countCovered(mask) / Math.PI);
  assert.ok(Math.abs(radiusOf(m) - 40) < 0.3);
  assert.ok(Math.abs(radiusOf(growShrink(m, w, h, 12)) - 52) < 0.7, `grown radius ${radiusOf(growShrink(m, w, h, 12))}`);
  assert.ok(Math.abs(radiusOf(growShrink(m, w, h, -15)) - 25) < 0.7, `shrunk radius ${radiusOf(growShrink(m, w, h, -15))}`);
  // Along a row through the centre, the grown edge is exactly 12 px farther out.
  const g = growShrink(m, w, h, 12);
  const row = Array.from(g.subarray(100 * w, 101 * w));
  assert.equal(row.indexOf(255), 100 - 40 - 12);
  // A shrink larger than the shape removes it; shrinking a full mask keeps it full (the edge of the photo is not an edge of the mask).
  assert.equal(countCovered(growShrink(m, w, h, -41)), 0);
  assert.equal(countCovered(growShrink(new Uint8Array(w * h).fill(255), w, h, -10)), w * h);
});
