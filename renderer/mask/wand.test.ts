import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countCovered } from './raster.ts';
import { magicWand } from './wand.ts';

test('the wand selects colours within the tolerance, contiguous or everywhere', () => {
  const w = 30, h = 10;
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Columns 0-9 grey 100, 10-11 a wall of red, 12-19 grey 110, 20-29 grey 100 again.
      const p = (y * w + x) * 4;
      const grey = x < 10 || x >= 20 ? 100 : 110;
      const red = x === 10 || x === 11;
      rgba.set(red ? [250, 0, 0, 255] : [grey, grey, grey, 255], p);
    }
  }
  const count = (m: Uint8Array) => countCovered(m);
  assert.equal(count(magicWand(rgba, w, h, 3, 3, { tolerance: 0, contiguous: true })), 100);
  assert.equal(count(magicWand(rgba, w, h, 3, 3, { tolerance: 0, contiguous: false })), 200);
  assert.equal(count(magicWand(rgba, w, h, 3, 3, { tolerance: 9, contiguous: false })), 200);
  assert.equal(count(magicWand(rgba, w, h, 3, 3, { tolerance: 10, contiguous: false })), 280);
  // The red wall stops the contiguous fill even when the tolerance lets grey 110 in.
  assert.equal(count(magicWand(rgba, w, h, 3, 3, { tolerance: 10, contiguous: true })), 100);
  assert.equal(count(magicWand(rgba, w, h, 15, 3, { tolerance: 10, contiguous: true })), 80 + 100);
  assert.equal(count(magicWand(rgba, w, h, 3, 3, { tolerance: 255, contiguous: true })), 300);
  assert.equal(count(magicWand(rgba, w, h, -1, 3, { tolerance: 255, contiguous: true })), 0);
});
