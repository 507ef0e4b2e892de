import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { planCrop } from './crop-plan.ts';
import { readCurrentPixels } from './current-pixels.ts';
import { ImageError } from './errors.ts';
import { modelOutputToBox, quantiseModelImage } from './from-model.ts';
import { keepMaskForModel } from './keep-mask.ts';
import { probeImage } from './open-image.ts';
import { previewPng } from './preview.ts';
import type { RawImage } from './raw-image.ts';
import { CHELSEA } from './test-images.ts';
import { cropToModelImage } from './to-model.ts';

function solid(width: number, height: number, rgb: [number, number, number]): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { data, width, height, channels: 3 };
}

test('crop -> [1,3,S,S] in [-1, 1], planar RGB, for both stage sizes', async () => {
  const plan = planCrop({ x: 10, y: 10, width: 100, height: 100 }, { width: 1000, height: 1000 });
  for (const size of [64, 256]) {
    const image = await cropToModelImage(solid(plan.box.width, plan.box.height, [255, 0, 51]), plan, size);
    assert.equal(image.length, 3 * size * size);
    const plane = size * size;
    for (const i of [0, plane - 1, plane >> 1]) {
      assert.ok(Math.abs(image[i] - 1) < 1e-6 && Math.abs(image[plane + i] + 1) < 1e-6 && Math.abs(image[2 * plane + i] - (51 / 127.5 - 1)) < 1e-6);
    }
  }
});

test('real photo crop resized with lanczos3 matches sharp doing the same', async () => {
  const info = await probeImage(CHELSEA);
  const plan = planCrop({ x: 150, y: 80, width: 120, height: 90 }, info);
  const region = await readCurrentPixels({ imagePath: CHELSEA, patches: [] }, info, plan.box);
  const image = await cropToModelImage(region, plan, 64);
  const want = await sharp(CHELSEA)
    .extract({ left: plan.box.x, top: plan.box.y, width: plan.box.width, height: plan.box.height })
    .resize(64, 64, { kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  for (let i = 0; i < 64 * 64; i++) for (let c = 0; c < 3; c++) assert.equal(Math.round((image[c * 4096 + i] + 1) * 127.5), want[i * 3 + c]);
});

test('edge padding: the square beyond a narrow photo repeats its edge pixels', async () => {
  const plan = planCrop({ x: 0, y: 0, width: 40, height: 100 }, { width: 40, height: 100 });
  assert.equal(plan.square.width, 100);
  const region = solid(40, 100, [0, 0, 0]);
  for (let y = 0; y < 100; y++) {
    region.data.set([255, 0, 0], (y * 40) * 3); // red left column
    region.data.set([0, 0, 255], (y * 40 + 39) * 3); // blue right column
  }
  const image = await cropToModelImage(region, plan, 100);
  const px = (x: number, y: number) => [0, 1, 2].map((c) => Math.round((image[c * 10000 + y * 100 + x] + 1) * 127.5));
  assert.deepEqual(px(0, 50), [255, 0, 0]);
  assert.deepEqual(px(plan.pad.left - 1, 50), [255, 0, 0]);
  assert.deepEqual(px(99, 50), [0, 0, 255]);
  assert.deepEqual(px(50, 50), [0, 0, 0]);
});

test('keep-mask: any cell touching a generate pixel generates, then grows by the dilation; padding keeps', () => {
  const plan = planCrop({ x: 0, y: 0, width: 640, height: 640 }, { width: 640, height: 640 }, { contextFraction: 0, minContext: 0 });
  assert.equal(plan.square.width, 640); // 10 photo px per model cell at S = 64
  const mask = new Uint8Array(640 * 640);
  mask[325 * 640 + 329] = 1; // one pixel, in cell (32, 32)
  const exact = keepMaskForModel(mask, plan, 64, 0);
  assert.equal(exact.length, 64 * 64);
  assert.equal(exact[32 * 64 + 32], 0);
  assert.equal(exact.reduce((a, b) => a + b, 0), 64 * 64 - 1, 'only that cell');
  const grown = keepMaskForModel(mask, plan, 64, 1);
  assert.equal(grown.reduce((a, b) => a + b, 0), 64 * 64 - 9, '3×3 after dilation by 1');
  // a pixel on a cell border touches both cells when the scale is fractional
  const plan3 = planCrop({ x: 0, y: 0, width: 100, height: 100 }, { width: 100, height: 100 }, { contextFraction: 0, minContext: 0 });
  const m3 = new Uint8Array(100 * 100);
  m3[50 * 100 + 50] = 1; // covers [32.0, 32.64) in model cells at S = 64
  const k3 = keepMaskForModel(m3, plan3, 64, 0);
  assert.equal(k3[32 * 64 + 32], 0);
  // padding (photo narrower than the square) is keep
  const narrow = planCrop({ x: 0, y: 0, width: 40, height: 100 }, { width: 40, height: 100 });
  const k4 = keepMaskForModel(new Uint8Array(40 * 100).fill(1), narrow, 64, 0);
  assert.equal(k4[32 * 64 + 0], 1, 'left padding keeps');
  assert.equal(k4[32 * 64 + 32], 0);
});

test('model output -> photo pixels: quantised, resized to the square, padding cut away', async () => {
  const narrow = planCrop({ x: 0, y: 0, width: 40, height: 100 }, { width: 40, height: 100 });
  const out = new Float32Array(3 * 64 * 64).fill(-1);
  out.fill(1, 0, 64 * 64); // red
  const box = await modelOutputToBox(out, 64, narrow);
  assert.deepEqual([box.width, box.height, box.channels], [40, 100, 3]);
  assert.ok(box.data.every((v, i) => v === (i % 3 === 0 ? 255 : 0)));
  const q = quantiseModelImage(new Float32Array([-1, -0.5, 0, 0.5, 1, 2, -3, 1e-9, 0.99, 0, 0, 0]), 2);
  assert.deepEqual([...q], [0, 255, 254, 64, 255, 128, 128, 0, 128, 191, 128, 128]); // planar in, interleaved out
  assert.throws(() => quantiseModelImage(new Float32Array(5), 2), ImageError);
  assert.throws(() => quantiseModelImage(new Float32Array(12).fill(NaN), 2), /NaN/);
});

test('preview: a small PNG of the predicted image', async () => {
  const x0 = new Float32Array(3 * 256 * 256).fill(0.2);
  const png = await previewPng(x0, 256);
  const meta = await sharp(png).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['png', 128, 128]);
  const small = await sharp(await previewPng(new Float32Array(3 * 64 * 64), 64)).metadata();
  assert.deepEqual([small.width, small.height], [64, 64]);
});
