import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enlargeBilinear } from './bilinear.ts';

test('enlarges like torch bilinear (align_corners=False): edges clamp, centres interpolate', () => {
  // One channel 0, 1 on a 2x2 row pattern -> 4x4; torch gives [0, 0.25, 0.75, 1] along x.
  const x = new Float32Array(12);
  x[1] = 1; x[3] = 1; // channel 0: [[0, 1], [0, 1]]
  const out = enlargeBilinear(x, 2, 4);
  assert.deepEqual(Array.from(out.subarray(0, 4)), [0, 0.25, 0.75, 1]);
  assert.deepEqual(Array.from(out.subarray(12, 16)), [0, 0.25, 0.75, 1]);
  assert.ok(out.subarray(16).every((v) => v === 0), 'other channels stay 0');
});

test('a constant image stays constant at any factor', () => {
  const out = enlargeBilinear(new Float32Array(3 * 5 * 5).fill(0.3), 5, 23);
  assert.ok(out.every((v) => Math.abs(v - 0.3) < 1e-6));
});

test('a square of the enlargement is the same values as the whole one, cut', () => {
  const from = 16, to = 64;
  const x = Float32Array.from({ length: 3 * from * from }, (_, i) => Math.sin(i * 0.37));
  const whole = enlargeBilinear(x, from, to);
  const square = { x: 12, y: 20, side: 24 };
  const part = enlargeBilinear(x, from, to, square);
  for (let c = 0; c < 3; c++) for (let y = 0; y < square.side; y++) for (let xx = 0; xx < square.side; xx++) {
    assert.equal(part[c * square.side ** 2 + y * square.side + xx], whole[c * to * to + (square.y + y) * to + square.x + xx]);
  }
});
