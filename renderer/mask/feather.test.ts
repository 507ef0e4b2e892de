import assert from 'node:assert/strict';
import { test } from 'node:test';
import { featherMask, featherProfile } from './feather.ts';

test('feather: the profile is 1/2 on the edge, 0 and 1 at half the width, monotonic between', () => {
  assert.equal(featherProfile(0, 20), 0.5);
  assert.equal(featherProfile(10, 20), 0);
  assert.equal(featherProfile(-10, 20), 1);
  assert.equal(featherProfile(30, 20), 0);
  let prev = 1;
  for (let d = -10; d <= 10; d += 0.5) {
    const v = featherProfile(d, 20);
    assert.ok(v <= prev);
    prev = v;
  }
  assert.equal(featherProfile(-0.1, 0), 1);
  assert.equal(featherProfile(0.1, 0), 0);
});

test('feathering a mask ramps its edge over the width and leaves pixels beyond it untouched', () => {
  const w = 120, h = 40;
  const m = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) m.fill(255, y * w, y * w + 60); // left half covered, edge at x = 60
  const f = featherMask(m, w, h, 20);
  const row = Array.from(f.subarray(20 * w, 21 * w));
  assert.equal(row[49], 255); // centre 49.5: 10.5 inside
  assert.equal(row[70], 0); // centre 70.5: 10.5 outside
  for (let x = 70; x < w; x++) assert.equal(row[x], 0);
  assert.ok(Math.abs(row[59] - 255 * featherProfile(-0.5, 20)) <= 1);
  assert.ok(row[55] > row[60] && row[60] > row[65]);
  // Symmetric about the edge: coverage at -d and +d sums to 255.
  for (let k = 0; k < 10; k++) assert.ok(Math.abs(row[59 - k] + row[60 + k] - 255) <= 1);
});
