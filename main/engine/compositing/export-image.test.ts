import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { ImageSource, Patch } from '../protocol.ts';
import { readCurrentPixels } from './current-pixels.ts';
import { pasteBack, prepareEditCrop } from './edit-crop.ts';
import { ImageError } from './errors.ts';
import { exportImage } from './export-image.ts';
import { probeImage } from './open-image.ts';
import { readPngText } from './png-chunks.ts';
import { CHELSEA, ellipseMask, fileNumbers, orientedP3Jpeg, temporaryDirectory } from './test-images.ts';
import { parametersFromXmp } from './xmp.ts';

const RECIPE = JSON.stringify({ edits: [{ prompt: 'a red ball', seed: 7, bundle: 'abc123' }] });

function redOutput(size: number): Float32Array {
  const out = new Float32Array(3 * size * size).fill(-1);
  return out.fill(1, 0, size * size);
}

async function editedSource(imagePath: string, dir: string, maskBox = { x: 180, y: 90, width: 120, height: 100 }): Promise<ImageSource> {
  const info = await probeImage(imagePath);
  const crop = await prepareEditCrop({ imagePath, patches: [] }, await ellipseMask(info.width, info.height, maskBox), [64]);
  const patch: Patch = await pasteBack(crop, redOutput(64), 64, dir);
  return { imagePath, patches: [patch] };
}

/** The document's pixels as the engine sees them. */
async function currentPixels(source: ImageSource) {
  const info = await probeImage(source.imagePath);
  return readCurrentPixels(source, info, { x: 0, y: 0, width: info.width, height: info.height });
}

test('PNG: a `parameters` tEXt chunk, and exactly the document pixels (identical to the photo outside the patch)', async (t) => {
  const dir = temporaryDirectory(t);
  const source = await editedSource(CHELSEA, dir);
  const out = path.join(dir, 'edited.png');
  const result = await exportImage(source, out, 'png', 92, RECIPE);
  assert.equal(result.bytes, fs.statSync(out).size);
  assert.equal(result.sidecarPath, undefined);
  const png = fs.readFileSync(out);
  assert.equal(readPngText(png).get('parameters'), RECIPE);
  assert.ok(png.includes(Buffer.from('tEXtparameters\0', 'latin1')), 'a tEXt chunk, as other tools expect');
  await sharp(png, { failOn: 'warning' }).raw().toBuffer(); // libpng checks our chunk's CRC

  const exported = await fileNumbers(out);
  const want = await currentPixels(source);
  assert.deepEqual([exported.width, exported.height, exported.channels], [451, 300, 3]);
  assert.ok(Buffer.from(want.data).equals(exported.data), 'pixels = photo + patch');
  const original = await fileNumbers(CHELSEA);
  const { x, y, width, height } = source.patches[0];
  let changed = 0;
  for (let py = 0; py < 300; py++) {
    for (let px = 0; px < 451; px++) {
      const inPatch = px >= x && px < x + width && py >= y && py < y + height;
      const i = (py * 451 + px) * 3;
      const same = original.data.subarray(i, i + 3).equals(exported.data.subarray(i, i + 3));
      if (!inPatch) assert.ok(same, `pixel ${px},${py} outside the patch changed`);
      else if (!same) changed++;
    }
  }
  assert.ok(changed > 5000, 'the edit is in the file');
});

test('PNG: text outside Latin-1 goes in an iTXt chunk', async (t) => {
  const dir = temporaryDirectory(t);
  const out = path.join(dir, 'unicode.png');
  const text = JSON.stringify({ prompt: '一只戴帽子的猫 🎩' });
  await exportImage({ imagePath: CHELSEA, patches: [] }, out, 'png', 92, text);
  const png = fs.readFileSync(out);
  assert.equal(readPngText(png).get('parameters'), text);
  assert.ok(png.includes(Buffer.from('iTXtparameters\0', 'latin1')));
});

test('JPEG from a rotated P3 photo: upright pixels, EXIF kept with orientation 1, ICC kept, XMP and sidecar', async (t) => {
  const dir = temporaryDirectory(t);
  const photo = await orientedP3Jpeg(dir);
  const source = await editedSource(photo, dir, { x: 200, y: 300, width: 150, height: 200 });
  const out = path.join(dir, 'edited.jpg');
  const result = await exportImage(source, out, 'jpeg', 95, RECIPE);
  const [original, exported] = await Promise.all([sharp(photo).metadata(), sharp(out).metadata()]);
  assert.deepEqual([exported.format, exported.width, exported.height], ['jpeg', 600, 900]);
  assert.ok(exported.orientation === undefined || exported.orientation === 1, `orientation reset, got ${exported.orientation}`);
  assert.ok(exported.exif && exported.exif.includes(Buffer.from('TestCamera')), 'EXIF kept');
  assert.ok(exported.icc && original.icc && exported.icc.equals(original.icc), 'ICC profile kept');
  assert.equal(parametersFromXmp(exported.xmp!.toString('utf8')), RECIPE);
  assert.equal(result.sidecarPath, `${out}.json`);
  assert.deepEqual(JSON.parse(fs.readFileSync(`${out}.json`, 'utf8')), { image: 'edited.jpg', parameters: RECIPE });

  // Same numbers as the document (within JPEG's loss), in the photo's own colour space.
  const want = await currentPixels(source);
  const got = await fileNumbers(out);
  let sum = 0;
  for (let i = 0; i < want.data.length; i++) sum += Math.abs(want.data[i] - got.data[i]);
  assert.ok(sum / want.data.length < 2, `mean difference ${(sum / want.data.length).toFixed(2)} levels`);
});

test('WebP: XMP and sidecar; JPEG with huge parameters: XMP points at the sidecar', async (t) => {
  const dir = temporaryDirectory(t);
  const webp = path.join(dir, 'edited.webp');
  await exportImage({ imagePath: CHELSEA, patches: [] }, webp, 'webp', 80, RECIPE);
  const meta = await sharp(webp).metadata();
  assert.equal(meta.format, 'webp');
  assert.equal(parametersFromXmp(meta.xmp!.toString('utf8')), RECIPE);
  assert.ok(fs.existsSync(`${webp}.json`));

  const huge = 'x'.repeat(200_000);
  const jpg = path.join(dir, 'huge.jpg');
  await exportImage({ imagePath: CHELSEA, patches: [] }, jpg, 'jpeg', 80, huge);
  const xmp = (await sharp(jpg).metadata()).xmp!.toString('utf8');
  assert.match(xmp, /<glide:sidecar>huge\.jpg\.json<\/glide:sidecar>/);
  assert.equal(parametersFromXmp(xmp), undefined);
  assert.equal(JSON.parse(fs.readFileSync(`${jpg}.json`, 'utf8')).parameters, huge);
});

test('rotated P3, alpha, 16-bit, greyscale and CMYK photos export exactly the pixels the engine edits', async (t) => {
  const dir = temporaryDirectory(t);
  const rotated = await orientedP3Jpeg(dir);
  const rgb = await sharp(CHELSEA).raw().toBuffer();
  const alpha = Buffer.alloc(451 * 300);
  for (let i = 0; i < alpha.length; i++) alpha[i] = (i % 451) < 40 ? 0 : (i * 7) & 255;
  const make = () => sharp(rgb, { raw: { width: 451, height: 300, channels: 3 } });
  const files: Record<string, () => Promise<unknown>> = {
    'rgba.png': () => make().joinChannel(alpha, { raw: { width: 451, height: 300, channels: 1 } }).png().toFile(path.join(dir, 'rgba.png')),
    'rgb16.png': () => make().toColourspace('rgb16').png().toFile(path.join(dir, 'rgb16.png')),
    'grey.png': () => make().toColourspace('b-w').png().toFile(path.join(dir, 'grey.png')),
    'cmyk.jpg': () => make().toColourspace('cmyk').jpeg({ quality: 95 }).toFile(path.join(dir, 'cmyk.jpg')),
    [path.basename(rotated)]: async () => {},
  };
  for (const [name, write] of Object.entries(files)) {
    await write();
    const source = await editedSource(path.join(dir, name), dir);
    const out = path.join(dir, `${name}.out.png`);
    await exportImage(source, out, 'png');
    const want = await currentPixels(source);
    const got = await fileNumbers(out);
    assert.equal(got.channels, want.channels, name);
    assert.ok(Buffer.from(want.data).equals(got.data), `${name}: exported pixels = document pixels`);
    if (name === 'cmyk.jpg') assert.equal((await sharp(out).metadata()).icc, undefined, 'CMYK profile not attached to RGB pixels');
    if (name === path.basename(rotated)) assert.ok((await sharp(out).metadata()).icc, 'P3 profile kept');
  }
  // JPEG cannot hold alpha: transparent parts go on white.
  const source = await editedSource(path.join(dir, 'rgba.png'), dir);
  const jpg = path.join(dir, 'rgba.jpg');
  await exportImage(source, jpg, 'jpeg', 95);
  const flat = await fileNumbers(jpg);
  assert.equal(flat.channels, 3);
  assert.ok(flat.data[(150 * 451 + 10) * 3] > 245, 'fully transparent column is white');
});

test('a failed export leaves no file behind and keeps an existing one', async (t) => {
  const dir = temporaryDirectory(t);
  const out = path.join(dir, 'edited.png');
  fs.writeFileSync(out, 'previous export');
  const brokenPatch = path.join(dir, 'broken.png');
  const good = fs.readFileSync(CHELSEA);
  fs.writeFileSync(brokenPatch, good.subarray(0, 5000)); // valid header, truncated data
  const source = { imagePath: CHELSEA, patches: [{ path: brokenPatch, x: 0, y: 0, width: 451, height: 300 }] };
  for (const format of ['png', 'jpeg'] as const) {
    await assert.rejects(exportImage(source, out, format, 90, RECIPE), (e) => e instanceof ImageError && e.code === 'bad-image');
  }
  assert.equal(fs.readFileSync(out, 'utf8'), 'previous export');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['broken.png', 'edited.png'], 'no temporary or sidecar files');
});

test('patch files: one with alpha replaces RGB only, as the engine reads it; one of the wrong size is refused', async (t) => {
  const dir = temporaryDirectory(t);
  const rgba = path.join(dir, 'rgba-patch.png');
  await sharp({ create: { width: 30, height: 20, channels: 4, background: { r: 0, g: 200, b: 0, alpha: 0.3 } } }).png().toFile(rgba);
  const source = { imagePath: CHELSEA, patches: [{ path: rgba, x: 10, y: 10, width: 30, height: 20 }] };
  const out = path.join(dir, 'out.png');
  await exportImage(source, out, 'png');
  const want = await currentPixels(source);
  assert.ok(Buffer.from(want.data).equals((await fileNumbers(out)).data));
  const i = (15 * 451 + 15) * 3;
  assert.deepEqual([...want.data.subarray(i, i + 3)], [0, 200, 0]);

  const wrong = { imagePath: CHELSEA, patches: [{ path: rgba, x: 10, y: 10, width: 31, height: 20 }] };
  await assert.rejects(exportImage(wrong, out, 'png'), (e) => e instanceof ImageError && e.code === 'bad-request' && /record says 31×20/.test(e.message));
});
