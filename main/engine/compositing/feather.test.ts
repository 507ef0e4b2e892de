import { test } from 'node:test';
import assert from 'node:assert/strict';
import { featherAlpha } from './feather.ts';

/** A vertical band of mask in a wide box; alpha along one row, as a function of the distance to the band. */
async function profile(sigma: number) {
  const width = 2400, height = 40, x0 = 1000, x1 = 1400;
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) mask.fill(1, y * width + x0, y * width + x1);
  const alpha = await featherAlpha(mask, width, height, sigma);
  const row = Array.from(alpha.subarray(20 * width, 21 * width));
  return { row, x0, x1 };
}

test('feather: full weight on the mask, a ramp outside, exactly 0 beyond 3 sigma (blurred at full and at reduced scale)', async () => {
  for (const sigma of [6, 60, 180]) {
    const { row, x0, x1 } = await profile(sigma);
    for (let x = x0; x < x1; x++) assert.equal(row[x], 255, `sigma ${sigma}: mask pixel ${x}`);
    const reach = Math.ceil(3 * sigma) + 1;
    for (let x = 0; x < x0 - reach; x++) assert.equal(row[x], 0, `sigma ${sigma}: pixel ${x0 - x} px left of the mask`);
    for (let x = x1 + reach; x < row.length; x++) assert.equal(row[x], 0, `sigma ${sigma}: pixel ${x - x1 + 1} px right of the mask`);
    // Starts near full weight at the edge and falls without steps back up.
    assert.ok(row[x1] > 200, `sigma ${sigma}: ${row[x1]} next to the mask`);
    for (let x = x1 + 1; x < x1 + reach; x++) assert.ok(row[x] <= row[x - 1] + 1, `sigma ${sigma}: ramp falls at ${x - x1}`);
    assert.ok(row[x1 + Math.round(sigma)] > 0, `sigma ${sigma}: the ramp reaches a sigma out`);
  }
});
