import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DETAIL_MAX_SIZE, upsamplerSizes } from './upsample-plan.ts';

const resizable = { imageSize: 128, resizable: { multiple: 32, maxSize: 2048, maxFactor: 8 } };

test('a fixed-size upsampler runs once at its own size, whatever the crop', () => {
  assert.deepEqual(upsamplerSizes({ imageSize: 256 }, 64, 3000, 'high'), [256]);
  assert.deepEqual(upsamplerSizes({ imageSize: 256 }, 64, 100, 'standard'), [256]);
});

test('a resizable upsampler generates at the crop\'s own resolution, rounded up to the graph\'s multiple', () => {
  assert.deepEqual(upsamplerSizes(resizable, 64, 200, 'standard'), [224]);
  assert.deepEqual(upsamplerSizes(resizable, 64, 256, 'standard'), [256]);
  assert.deepEqual(upsamplerSizes(resizable, 64, 450, 'standard'), [160, 480]);
});

test('Detail caps the output side; larger outputs run in passes of at most 4x', () => {
  assert.deepEqual(upsamplerSizes(resizable, 64, 1600, 'standard'), [DETAIL_MAX_SIZE.standard / 4, DETAIL_MAX_SIZE.standard]);
  assert.deepEqual(upsamplerSizes(resizable, 64, 1600, 'high'), [96, 384, DETAIL_MAX_SIZE.high]);
  assert.deepEqual(upsamplerSizes(resizable, 64, 760, 'high'), [192, 768]);
  assert.deepEqual(upsamplerSizes({ ...resizable, resizable: { ...resizable.resizable, maxSize: 600 } }, 64, 1600, 'high'), [192, 576]);
});

test('tiny crops still get one pass at twice the base size', () => {
  assert.deepEqual(upsamplerSizes(resizable, 64, 40, 'standard'), [128]);
});

test('a pass below enlarges by a whole factor where one is near, so the pass can run on the hole alone', () => {
  // 480 from 160 (3x), not from 128 (3.75x); 576 from 192 (3x), not 160 (3.6x)
  assert.deepEqual(upsamplerSizes(resizable, 64, 470, 'standard'), [160, 480]);
  assert.deepEqual(upsamplerSizes(resizable, 64, 570, 'high'), [192, 576]);
  // 544 = 17 x 32 and 992 = 31 x 32 have none: the next size up that has one
  assert.deepEqual(upsamplerSizes(resizable, 64, 540, 'high'), [192, 576]);
  assert.deepEqual(upsamplerSizes(resizable, 64, 966, 'standard'), [256, 1024]);
  // ... at most 1/16 larger: 704's nearest divisor (352) would need a pass more below it, 736 has none, 768 is 9% more
  assert.deepEqual(upsamplerSizes(resizable, 64, 700, 'high'), [192, 704]);
  assert.deepEqual(upsamplerSizes(resizable, 64, 410, 'high'), [128, 416]);
});
