import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actualSizeView, fitView, screenToImage, wheelFactor, zoomAt } from './viewport.ts';

test('zooming keeps the image point under the pointer fixed', () => {
  const view = { scale: 0.5, x: 10, y: 20 };
  const before = screenToImage(view, 300, 200);
  const zoomed = zoomAt(view, 1.7, 300, 200);
  const after = screenToImage(zoomed, 300, 200);
  assert.ok(Math.abs(before.x - after.x) < 1e-9 && Math.abs(before.y - after.y) < 1e-9);
  assert.equal(zoomed.scale, 0.85);
});

test('fit centres the whole image; 100% gives one image pixel per screen pixel', () => {
  const fit = fitView({ width: 6000, height: 4000 }, { width: 1232, height: 832 });
  assert.equal(fit.scale, 0.2);
  assert.deepEqual([fit.x, fit.y], [16, 16]);
  const full = actualSizeView(fit, { width: 1232, height: 832 });
  assert.equal(full.scale, 1);
  const centre = screenToImage(full, 616, 416);
  assert.deepEqual([Math.round(centre.x), Math.round(centre.y)], [3000, 2000]);
});

test('zoom is clamped and the wheel zooms in for negative deltas', () => {
  assert.equal(zoomAt({ scale: 30, x: 0, y: 0 }, 10, 0, 0).scale, 32);
  assert.ok(wheelFactor(-100, 0) > 1 && wheelFactor(100, 0) < 1);
  assert.equal(wheelFactor(3, 1), wheelFactor(48, 0));
});
