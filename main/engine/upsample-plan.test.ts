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
  assert.deepEqual(upsamplerSizes(resizable, 64, 450, 'standard'), [128, 480]);
});

test('Detail caps the output side; larger outputs run in passes of at most 4x', () => {
  assert.deepEqual(upsamplerSizes(resizable, 64, 1600, 'standard'), [128, DETAIL_MAX_SIZE.standard]);
  assert.deepEqual(upsamplerSizes(resizable, 64, 1600, 'high'), [256, DETAIL_MAX_SIZE.high]);
  assert.deepEqual(upsamplerSizes(resizable, 64, 700, 'high'), [192, 704]);
  assert.deepEqual(upsamplerSizes({ ...resizable, resizable: { ...resizable.resizable, maxSize: 600 } }, 64, 1600, 'high'), [160, 576]);
});

test('tiny crops still get one pass at twice the base size', () => {
  assert.deepEqual(upsamplerSizes(resizable, 64, 40, 'standard'), [128]);
});
