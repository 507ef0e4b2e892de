import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import sharp from 'sharp';
import { readCurrentPixels } from './current-pixels.ts';
import { EMPTY_CANVAS_GREY, writeExtendedImage } from './extend-image.ts';
import { ImageError } from './errors.ts';
import { probeImage } from './open-image.ts';
import { CHELSEA, orientedP3Jpeg, temporaryDirectory } from './test-images.ts';

async function pixels(file: string) {
  const info = await probeImage(file);
  return { info, ...(await readCurrentPixels({ imagePath: file, patches: [] }, info, { x: 0, y: 0, width: info.width, height: info.height })) };
}

test('the grown canvas holds the photo exactly at (left, top) and opaque grey around it', async (t) => {
  const dir = temporaryDirectory(t);
  const out = path.join(dir, 'canvas.png');
  const padding = { left: 7, top: 3, right: 128, bottom: 0 };
  const size = await writeExtendedImage(CHELSEA, padding, out);
  const photo = await pixels(CHELSEA);
  const grown = await pixels(out);
  assert.deepEqual(size, { width: photo.width + 135, height: photo.height + 3 });
  assert.deepEqual([grown.width, grown.height, grown.channels], [size.width, size.height, photo.channels]);
  let differing = 0;
  for (let y = 0; y < photo.height; y++) {
    for (let x = 0; x < photo.width * 3; x++) if (photo.data[y * photo.width * 3 + x] !== grown.data[((y + 3) * size.width + 7) * 3 + x]) differing++;
  }
  assert.equal(differing, 0, 'the photo\'s pixels are unchanged');
  for (const [x, y] of [[0, 0], [size.width - 1, 100], [100, 1], [3, size.height - 1]]) {
    assert.deepEqual([...grown.data.subarray((y * size.width + x) * 3, (y * size.width + x) * 3 + 3)], [EMPTY_CANVAS_GREY, EMPTY_CANVAS_GREY, EMPTY_CANVAS_GREY], `grey at ${x},${y}`);
  }
});

test('an oriented photo with its own profile: turned as shown, profile and EXIF kept, new area opaque where the photo has alpha', async (t) => {
  const dir = temporaryDirectory(t);
  const oriented = await orientedP3Jpeg(dir);
  const out = path.join(dir, 'canvas.png');
  await writeExtendedImage(oriented, { left: 0, top: 0, right: 0, bottom: 40 }, out);
  const meta = await sharp(out).metadata();
  assert.deepEqual([meta.width, meta.height, meta.orientation ?? 1], [600, 940, 1]);
  assert.ok(meta.icc && meta.icc.length > 100, 'the Display P3 profile is carried over');
  assert.ok(meta.exif?.toString('latin1').includes('TestCamera'), 'the camera EXIF is carried over');
  assert.equal((await probeImage(out)).colour, 'native');

  const rgba = path.join(dir, 'alpha.png');
  await sharp({ create: { width: 20, height: 10, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } }).png().toFile(rgba);
  const grownAlpha = path.join(dir, 'alpha-canvas.png');
  await writeExtendedImage(rgba, { left: 5, top: 0, right: 0, bottom: 0 }, grownAlpha);
  const { data, info } = await sharp(grownAlpha).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 4);
  assert.deepEqual([...data.subarray(0, 4)], [EMPTY_CANVAS_GREY, EMPTY_CANVAS_GREY, EMPTY_CANVAS_GREY, 255], 'new pixels are opaque, so what a run paints there shows');
  assert.equal(data[(5 * 4) + 3], 128, 'the photo keeps its own alpha');
});

test('a canvas above the pixel limit is refused before anything is decoded', async (t) => {
  const dir = temporaryDirectory(t);
  await assert.rejects(writeExtendedImage(CHELSEA, { left: 0, top: 0, right: 1000, bottom: 1000 }, path.join(dir, 'big.png'), { maxPixels: 1_000_000 }), (e: unknown) => e instanceof ImageError && e.code === 'too-large');
});
