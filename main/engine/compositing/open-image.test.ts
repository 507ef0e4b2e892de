import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { ImageError } from './errors.ts';
import { probeImage } from './open-image.ts';
import { readCurrentPixels } from './current-pixels.ts';
import { CHELSEA, orientedP3Jpeg, temporaryDirectory } from './test-images.ts';

async function rejectsWith(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<ImageError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof ImageError, `expected ImageError, got ${e}`);
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    assert.doesNotMatch(e.message, /\n\s+at /, 'no stack trace in the message');
    return e;
  }
  assert.fail('expected a rejection');
}

test('real photo: size, colour, pixels as stored', async () => {
  const info = await probeImage(CHELSEA);
  assert.equal(info.width, 451);
  assert.equal(info.height, 300);
  assert.equal(info.colour, 'native');
  const region = { x: 100, y: 50, width: 40, height: 30 };
  const pixels = await readCurrentPixels({ imagePath: CHELSEA, patches: [] }, info, region);
  assert.equal(pixels.channels, 3);
  const want = await sharp(CHELSEA).extract({ left: 100, top: 50, width: 40, height: 30 }).raw().toBuffer();
  assert.deepEqual(Buffer.from(pixels.data), want);
});

test('EXIF orientation 6 is applied: shown size and the red corner at the top right', async (t) => {
  const dir = temporaryDirectory(t);
  const file = await orientedP3Jpeg(dir);
  const info = await probeImage(file);
  assert.deepEqual([info.width, info.height], [600, 900]);
  assert.equal(info.colour, 'native');
  assert.ok(info.iccProfile && info.iccProfile.subarray(16, 20).toString('latin1') === 'RGB ', 'RGB profile kept');
  const corner = await readCurrentPixels({ imagePath: file, patches: [] }, info, { x: 560, y: 20, width: 20, height: 20 });
  const other = await readCurrentPixels({ imagePath: file, patches: [] }, info, { x: 20, y: 20, width: 20, height: 20 });
  assert.ok(corner.data[0] > 180 && corner.data[1] < 90, `red at the shown top-right, got ${corner.data.subarray(0, 3)}`);
  assert.ok(!(other.data[0] > 180 && other.data[1] < 90), 'not at the shown top-left');
});

test('16-bit, greyscale, CMYK, palette and alpha become 8-bit RGB(A)', async (t) => {
  const dir = temporaryDirectory(t);
  const w = 32, h = 16;
  const raw = Buffer.alloc(w * h * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 37) & 255;
  const make = () => sharp(raw, { raw: { width: w, height: h, channels: 3 } });
  const cases: [string, () => Promise<unknown>, 3 | 4][] = [
    ['rgb16.png', () => make().toColourspace('rgb16').png().toFile(path.join(dir, 'rgb16.png')), 3],
    ['grey16.png', () => make().toColourspace('grey16').png().toFile(path.join(dir, 'grey16.png')), 3],
    ['grey.jpg', () => make().toColourspace('b-w').jpeg().toFile(path.join(dir, 'grey.jpg')), 3],
    ['cmyk.jpg', () => make().toColourspace('cmyk').jpeg().toFile(path.join(dir, 'cmyk.jpg')), 3],
    ['palette.png', () => make().png({ palette: true }).toFile(path.join(dir, 'palette.png')), 3],
    ['rgba.webp', () => make().ensureAlpha(0.5).webp({ lossless: true }).toFile(path.join(dir, 'rgba.webp')), 4],
    ['greya.png', () => make().toColourspace('b-w').ensureAlpha(0.5).png().toFile(path.join(dir, 'greya.png')), 4],
  ];
  for (const [name, write, channels] of cases) {
    await write();
    const info = await probeImage(path.join(dir, name));
    const pixels = await readCurrentPixels({ imagePath: info.path, patches: [] }, info, { x: 0, y: 0, width: w, height: h });
    assert.equal(pixels.channels, channels, name);
    assert.equal(pixels.data.length, w * h * channels, `${name}: 8 bits per channel`);
  }
  const rgb16 = await probeImage(path.join(dir, 'rgb16.png'));
  const pixels = await readCurrentPixels({ imagePath: rgb16.path, patches: [] }, rgb16, { x: 0, y: 0, width: w, height: h });
  for (let i = 0; i < raw.length; i++) assert.ok(Math.abs(pixels.data[i] - raw[i]) <= 1, '16-bit scaled to 8-bit');
  assert.equal((await probeImage(path.join(dir, 'cmyk.jpg'))).colour, 'converted');
  assert.equal((await probeImage(path.join(dir, 'grey16.png'))).colour, 'grey');
});

test('corrupt, truncated, missing and unsupported files are typed bad-image errors', async (t) => {
  const dir = temporaryDirectory(t);
  const garbage = path.join(dir, 'garbage.jpg');
  fs.writeFileSync(garbage, Buffer.from('this is not an image at all, just text pretending'));
  await rejectsWith(probeImage(garbage), 'bad-image', /Cannot read the image "garbage\.jpg": .*unsupported image format/i);

  const truncated = path.join(dir, 'truncated.png');
  const png = fs.readFileSync(CHELSEA);
  fs.writeFileSync(truncated, png.subarray(0, png.length >> 1));
  const info = await probeImage(truncated); // the header is intact...
  await rejectsWith(
    readCurrentPixels({ imagePath: truncated, patches: [] }, info, { x: 0, y: 0, width: info.width, height: info.height }),
    'bad-image',
    /Cannot read the image "truncated\.png"/,
  ); // ...the pixel data is not

  await rejectsWith(probeImage(path.join(dir, 'missing.png')), 'bad-image', /missing\.png.*(missing|not exist|No such)/i);

  const gif = path.join(dir, 'anim.gif');
  await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } }).gif().toFile(gif);
  await rejectsWith(probeImage(gif), 'bad-image', /gif files are not supported/);
});

test('pixel limit: refused with the size and the limit in the message', async () => {
  await rejectsWith(probeImage(CHELSEA, { maxPixels: 100_000 }), 'too-large', /451×300 \(0\.1 MP\), above the 0\.1 MP limit/);
  const info = await probeImage(CHELSEA, { maxPixels: 451 * 300 });
  assert.equal(info.width, 451);
});

test('a patch that does not fit the photo, or whose file does not match its record, is refused', async (t) => {
  const dir = temporaryDirectory(t);
  const info = await probeImage(CHELSEA);
  const patchPath = path.join(dir, 'p.png');
  await sharp({ create: { width: 10, height: 10, channels: 3, background: '#0f0' } }).png().toFile(patchPath);
  const region = { x: 0, y: 0, width: 451, height: 300 };
  await rejectsWith(
    readCurrentPixels({ imagePath: CHELSEA, patches: [{ path: patchPath, x: 445, y: 0, width: 10, height: 10 }] }, info, region),
    'bad-request',
    /does not fit/,
  );
  await rejectsWith(
    readCurrentPixels({ imagePath: CHELSEA, patches: [{ path: patchPath, x: 0, y: 0, width: 12, height: 10 }] }, info, region),
    'bad-request',
    /is 10×10, but its record says 12×10/,
  );
  const ok = await readCurrentPixels({ imagePath: CHELSEA, patches: [{ path: patchPath, x: 5, y: 5, width: 10, height: 10 }] }, info, region);
  const i = (7 * 451 + 7) * 3;
  assert.deepEqual([...ok.data.subarray(i, i + 3)], [0, 255, 0]);
});
