import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { readCurrentPixels } from './current-pixels.ts';
import { forgetKeptPhoto, keptPhoto } from './decoded-photo.ts';
import { decodePipeline, probeImage } from './open-image.ts';
import { CHELSEA, temporaryDirectory } from './test-images.ts';

test('the photo is decoded once: later reads are copies of the kept pixels, equal to a fresh decode of the region', async () => {
  forgetKeptPhoto();
  const info = await probeImage(CHELSEA);
  const first = await keptPhoto(info);
  assert.ok(first);
  assert.equal(await keptPhoto(info), first, 'the same pixels, not a second decode');
  forgetKeptPhoto();
  const [a, b] = await Promise.all([keptPhoto(info), keptPhoto(info)]); // the host's prepare and a run's crop at once
  assert.equal(a, b, 'one decode shared while it is in flight');
  const region = { x: 37, y: 50, width: 200, height: 120 };
  const read = await readCurrentPixels({ imagePath: CHELSEA, patches: [] }, info, region);
  const fresh = await decodePipeline(info, region).raw().toBuffer();
  assert.ok(Buffer.from(read.data).equals(fresh));
  read.data.fill(0);
  const again = await readCurrentPixels({ imagePath: CHELSEA, patches: [] }, info, region);
  assert.ok(Buffer.from(again.data).equals(fresh), 'a caller changing its copy leaves the kept photo alone');
});

test('a photo rewritten in place is decoded again', async (t) => {
  const dir = temporaryDirectory(t);
  const file = path.join(dir, 'photo.png');
  await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff0000' } }).png().toFile(file);
  const red = await keptPhoto(await probeImage(file));
  assert.deepEqual([...red!.data.subarray(0, 3)], [255, 0, 0]);
  await new Promise((r) => setTimeout(r, 20));
  fs.writeFileSync(file, await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0000ff' } }).png().toBuffer());
  const blue = await keptPhoto(await probeImage(file));
  assert.deepEqual([...blue!.data.subarray(0, 3)], [0, 0, 255]);
});

test('the whole photo without patches is read as the kept decode itself (no copy); with a patch over it, a copy, and the kept photo stays as decoded', async (t) => {
  forgetKeptPhoto();
  const info = await probeImage(CHELSEA);
  const whole = { x: 0, y: 0, width: info.width, height: info.height };
  const kept = (await keptPhoto(info))!;
  const read = await readCurrentPixels({ imagePath: CHELSEA, patches: [] }, info, whole);
  assert.equal(read.data.buffer, kept.data.buffer, 'the same memory');
  assert.ok(Buffer.from(read.data).equals(await decodePipeline(info).raw().toBuffer()));
  const dir = temporaryDirectory(t);
  const patchPath = path.join(dir, 'patch.png');
  await sharp({ create: { width: 10, height: 10, channels: 3, background: '#00ff00' } }).png().toFile(patchPath);
  const before = Buffer.from(kept.data);
  const patched = await readCurrentPixels({ imagePath: CHELSEA, patches: [{ path: patchPath, x: 5, y: 5, width: 10, height: 10 }] }, info, whole);
  assert.notEqual(patched.data.buffer, kept.data.buffer);
  const at = (5 * info.width + 5) * patched.channels;
  assert.deepEqual([...patched.data.subarray(at, at + 3)], [0, 255, 0]);
  assert.ok(Buffer.from(kept.data).equals(before), 'the kept photo is unchanged');
});
