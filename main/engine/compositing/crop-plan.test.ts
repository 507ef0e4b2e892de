import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Box, Size } from './box.ts';
import { planCrop, type CropPlan } from './crop-plan.ts';

function checkPlan(plan: CropPlan, mask: Box, image: Size): void {
  const { square, box, pad } = plan;
  assert.equal(square.width, square.height, 'square');
  assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= image.width && box.y + box.height <= image.height, 'box inside image');
  assert.equal(pad.left + box.width + pad.right, square.width, 'pads complete the width');
  assert.equal(pad.top + box.height + pad.bottom, square.height, 'pads complete the height');
  assert.ok(Math.min(pad.left, pad.top, pad.right, pad.bottom) >= 0);
  assert.ok(mask.x >= box.x && mask.y >= box.y, 'mask inside box (top-left)');
  assert.ok(mask.x + mask.width <= box.x + box.width && mask.y + mask.height <= box.y + box.height, 'mask inside box (bottom-right)');
}

test('middle of the photo: mask plus 30% context each side, square, centred', () => {
  const image = { width: 4000, height: 3000 };
  const mask = { x: 1000, y: 1200, width: 400, height: 200 };
  const plan = planCrop(mask, image);
  checkPlan(plan, mask, image);
  assert.equal(plan.square.width, 400 + 2 * 120);
  assert.deepEqual(plan.pad, { left: 0, top: 0, right: 0, bottom: 0 });
  assert.deepEqual(plan.box, { x: 880, y: 980, width: 640, height: 640 });
});

test('near borders: the square shifts inside, keeping its size', () => {
  const image = { width: 4000, height: 3000 };
  for (const mask of [
    { x: 0, y: 0, width: 300, height: 300 },
    { x: 3900, y: 2950, width: 100, height: 50 },
    { x: 3990, y: 10, width: 10, height: 10 },
  ]) {
    const plan = planCrop(mask, image);
    checkPlan(plan, mask, image);
    assert.deepEqual(plan.pad, { left: 0, top: 0, right: 0, bottom: 0 });
    assert.equal(plan.box.width, plan.square.width, 'not shrunk');
  }
  const corner = planCrop({ x: 3900, y: 2950, width: 100, height: 50 }, image);
  assert.equal(corner.box.x + corner.box.width, 4000);
  assert.equal(corner.box.y + corner.box.height, 3000);
});

test('tiny mask: at least the minimum side, and at least the minimum context', () => {
  const image = { width: 4000, height: 3000 };
  const mask = { x: 2000, y: 1500, width: 3, height: 2 };
  const plan = planCrop(mask, image);
  checkPlan(plan, mask, image);
  assert.equal(plan.square.width, 64);
  const noMinimum = planCrop(mask, image, { minSide: 1 });
  assert.equal(noMinimum.square.width, 3 + 2 * 8);
});

test('mask covering everything: the whole image, padded to a square', () => {
  const image = { width: 451, height: 300 };
  const mask = { x: 0, y: 0, width: 451, height: 300 };
  const plan = planCrop(mask, image);
  checkPlan(plan, mask, image);
  assert.equal(plan.square.width, 451);
  assert.deepEqual(plan.box, { x: 0, y: 0, width: 451, height: 300 });
  assert.equal(plan.pad.top + plan.pad.bottom, 151);
  assert.ok(Math.abs(plan.pad.top - plan.pad.bottom) <= 1, 'photo centred in the square');
});

test('photo narrower than the square: full width, edge padding, still square', () => {
  const image = { width: 300, height: 2000 };
  const mask = { x: 50, y: 900, width: 200, height: 250 };
  const plan = planCrop(mask, image);
  checkPlan(plan, mask, image);
  assert.equal(plan.square.width, 250 + 2 * 75);
  assert.equal(plan.box.width, 300);
  assert.equal(plan.pad.left + plan.pad.right, 100);
  assert.equal(plan.pad.top + plan.pad.bottom, 0);
});

test('random masks: every plan is valid', () => {
  let seed = 12345;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let i = 0; i < 2000; i++) {
    const image = { width: 1 + rand(3000), height: 1 + rand(3000) };
    const x = rand(image.width), y = rand(image.height);
    const mask = { x, y, width: 1 + rand(image.width - x), height: 1 + rand(image.height - y) };
    checkPlan(planCrop(mask, image), mask, image);
  }
});
