import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { ImageError } from './errors.ts';
import { cropCoverage, cropMask, decodeMask } from './mask.ts';
import { boxMask, ellipseMask } from './test-images.ts';

const LIMIT = 120_000_000;

test('bounding box of the white (> 127) pixels; 1 = generate', async () => {
  const mask = await decodeMask(await ellipseMask(451, 300, { x: 100, y: 60, width: 120, height: 80 }), { width: 451, height: 300 }, LIMIT);
  assert.deepEqual(mask.bbox, { x: 100, y: 60, width: 120, height: 80 });
  assert.equal(mask.data[100 * 451 + 160], 255, 'centre generates');
  assert.equal(mask.data[60 * 451 + 100], 0, 'ellipse corner keeps');
  const crop = cropMask(mask, { x: 150, y: 90, width: 20, height: 20 });
  assert.ok(crop.every((v) => v === 1));
});

test('grey at the threshold, RGBA strokes on transparent, 16-bit masks', async () => {
  const w = 20, h = 10;
  const grey = Buffer.alloc(w * h, 127);
  grey[5 * w + 7] = 128;
  const m1 = await decodeMask(await sharp(grey, { raw: { width: w, height: h, channels: 1 } }).png().toBuffer(), { width: w, height: h }, LIMIT);
  assert.deepEqual(m1.bbox, { x: 7, y: 5, width: 1, height: 1 });

  const rgba = Buffer.alloc(w * h * 4); // transparent white everywhere except one opaque stroke pixel
  for (let i = 0; i < w * h; i++) rgba.fill(255, i * 4, i * 4 + 3);
  rgba[(2 * w + 3) * 4 + 3] = 255;
  const m2 = await decodeMask(await sharp(rgba, { raw: { width: w, height: h, channels: 4 } }).png().toBuffer(), { width: w, height: h }, LIMIT);
  assert.deepEqual(m2.bbox, { x: 3, y: 2, width: 1, height: 1 });

  const m3 = await decodeMask(await sharp(await boxMask(w, h, { x: 1, y: 1, width: 4, height: 3 })).toColourspace('grey16').png().toBuffer(), { width: w, height: h }, LIMIT);
  assert.deepEqual(m3.bbox, { x: 1, y: 1, width: 4, height: 3 });
});

test('a mask covering only a box of the photo, placed at its origin', async () => {
  const png = await boxMask(10, 8, { x: 2, y: 1, width: 3, height: 4 });
  const mask = await decodeMask(png, { width: 100, height: 60 }, LIMIT, { origin: { x: 40, y: 30 } });
  assert.deepEqual(mask.bbox, { x: 42, y: 31, width: 3, height: 4 });
  const crop = cropMask(mask, { x: 38, y: 28, width: 20, height: 20 });
  let ones = 0;
  for (const v of crop) ones += v;
  assert.equal(ones, 12);
  assert.equal(crop[(31 - 28) * 20 + (42 - 38)], 1);
  await assert.rejects(decodeMask(png, { width: 100, height: 60 }, LIMIT, { origin: { x: 95, y: 0 } }), /reaches outside the 100×60 image/);
});

test('a soft mask: every pixel above 0 generates and its grey is the blend weight', async () => {
  const w = 20, h = 10;
  const grey = Buffer.alloc(w * h, 0);
  grey[5 * w + 7] = 1;
  grey[5 * w + 8] = 127;
  grey[5 * w + 9] = 255;
  const png = await sharp(grey, { raw: { width: w, height: h, channels: 1 } }).png().toBuffer();
  const hard = await decodeMask(png, { width: w, height: h }, LIMIT);
  assert.deepEqual(hard.bbox, { x: 9, y: 5, width: 1, height: 1 });
  assert.equal(hard.coverage, null);
  const soft = await decodeMask(png, { width: w, height: h }, LIMIT, { soft: true });
  assert.deepEqual(soft.bbox, { x: 7, y: 5, width: 3, height: 1 });
  assert.deepEqual([...cropCoverage(soft, { x: 6, y: 5, width: 5, height: 1 })!], [0, 1, 127, 255, 0]);
  assert.deepEqual([...cropMask(soft, { x: 6, y: 5, width: 5, height: 1 })], [0, 1, 1, 1, 0]);
});

test('empty mask -> typed empty-mask error', async () => {
  await assert.rejects(decodeMask(await boxMask(40, 30, { x: 0, y: 0, width: 0, height: 0 }), { width: 40, height: 30 }, LIMIT), (e) => {
    assert.ok(e instanceof ImageError);
    assert.equal(e.code, 'empty-mask');
    assert.match(e.message, /mask is empty/);
    return true;
  });
});

test('mask of another size, or not an image -> clear errors', async () => {
  await assert.rejects(decodeMask(await boxMask(40, 30), { width: 41, height: 30 }, LIMIT), (e) => {
    assert.ok(e instanceof ImageError && e.code === 'bad-request');
    assert.match(e.message, /mask is 40×30 but the image is 41×30/);
    return true;
  });
  await assert.rejects(decodeMask(new Uint8Array([1, 2, 3, 4]), { width: 40, height: 30 }, LIMIT), (e) => {
    assert.ok(e instanceof ImageError && e.code === 'bad-image');
    assert.match(e.message, /Cannot read the mask/);
    return true;
  });
});
