import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { HostError } from '../contract.ts';
import { hostFixture, photoPng, type HostFixture } from './testing/host-fixture.ts';

let f: HostFixture;
before(async () => (f = await hostFixture()));
after(() => f.close());

test('opening PNG bytes gives full size and a display copy served by URL', async () => {
  const doc = await f.host.handlers['image:open-bytes']({ name: 'gradient.png', bytes: await photoPng(320, 200) });
  assert.equal(doc.format, 'png');
  assert.deepEqual([doc.width, doc.height], [320, 200]);
  assert.deepEqual([doc.display.width, doc.display.height], [320, 200]);
  const served = f.files.resolveUrl(doc.display.url);
  assert.ok(served);
  assert.equal(served.mime, 'image/jpeg');
  const meta = await sharp(await readFile(served.path)).metadata();
  assert.deepEqual([meta.width, meta.height], [320, 200]);
});

test('a large photo gets a display copy of at most 4096 px on its long side', async () => {
  const bytes = await sharp({ create: { width: 6000, height: 1000, channels: 3, background: '#336699' } }).jpeg().toBuffer();
  const doc = await f.host.handlers['image:open-bytes']({ name: 'wide.jpg', bytes });
  assert.deepEqual([doc.width, doc.height, doc.display.width, doc.display.height], [6000, 1000, 4096, 683]);
});

/** A JPEG that compresses like a photo (noise), so decoding it costs what a real one's would. */
async function noisyJpeg(width: number, height: number): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  let seed = 7;
  for (let i = 0; i < data.length; i++) data[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  return sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

test('a large JPEG gets a preview copy at once (decoded at 1/4 scale) and its display copy is served once written', async () => {
  const doc = await f.host.handlers['image:open-bytes']({ name: 'big.jpg', bytes: await noisyJpeg(4200, 2800) });
  assert.deepEqual([doc.width, doc.height, doc.display.width, doc.display.height], [4200, 2800, 4096, 2731]);
  assert.ok(doc.preview, 'a preview copy');
  assert.deepEqual([doc.preview.width, doc.preview.height], [1050, 700]);
  const preview = f.files.resolveUrl(doc.preview.url)!;
  const previewMeta = await sharp(preview.path).metadata();
  assert.deepEqual([previewMeta.width, previewMeta.height], [1050, 700]);
  const display = f.files.resolveUrl(doc.display.url)!;
  assert.ok(display.ready, 'the display copy is served once it is written');
  await display.ready;
  const meta = await sharp(display.path).metadata();
  assert.deepEqual([meta.width, meta.height], [4096, 2731]);
  // Small photos and PNGs (no shrink on load) show their display copy straight away.
  const png = await f.host.handlers['image:open-bytes']({ name: 'big.png', bytes: await photoPng(3000, 2000) });
  assert.equal(png.preview, undefined);
  const small = await f.host.handlers['image:open-bytes']({ name: 'small.jpg', bytes: await noisyJpeg(2000, 1500) });
  assert.equal(small.preview, undefined);
});

test('a damaged large JPEG is refused even though only its preview is made before answering', async () => {
  const jpeg = await noisyJpeg(4200, 2800);
  await assert.rejects(async () => f.host.handlers['image:open-bytes']({ name: 'cut.jpg', bytes: jpeg.subarray(0, jpeg.length >> 1) }), (e: HostError) => {
    assert.equal(e.code, 'bad-image');
    return true;
  });
});

test('EXIF orientation is honoured: a rotated JPEG opens upright with swapped sides', async () => {
  const bytes = await sharp(await photoPng(300, 100)).jpeg().withMetadata({ orientation: 6 }).toBuffer();
  const doc = await f.host.handlers['image:open-bytes']({ name: 'portrait.jpg', bytes });
  assert.deepEqual([doc.width, doc.height], [100, 300]);
  assert.deepEqual([doc.display.width, doc.display.height], [100, 300]);
});

test('a damaged or unsupported file is refused with a message that says what to do', async () => {
  const png = await photoPng(64, 64);
  const cases: [string, Uint8Array][] = [
    ['garbage.jpg', new TextEncoder().encode('this is not an image at all')],
    ['truncated.png', png.subarray(0, png.length / 2)],
    ['anim.gif', await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).gif().toBuffer()],
  ];
  for (const [name, bytes] of cases) {
    await assert.rejects(async () => f.host.handlers['image:open-bytes']({ name, bytes }), (e: HostError) => {
      assert.equal(e.code, 'bad-image', name);
      assert.match(e.message, new RegExp(name.replace('.', '\\.')));
      assert.match(e.message, /JPEG, PNG or WebP/);
      return true;
    });
  }
});

test('photos above the pixel limit are refused as too large', async () => {
  const bytes = await sharp({ create: { width: 8000, height: 8000, channels: 3, background: '#000' } }).jpeg({ quality: 10 }).toBuffer();
  await assert.rejects(async () => f.host.handlers['image:open-bytes']({ name: 'huge.jpg', bytes }), (e: HostError) => {
    assert.equal(e.code, 'too-large');
    assert.match(e.message, /64 megapixels.*50 megapixels/);
    return true;
  });
});

test('a closed document is gone, and its files are no longer served', async () => {
  const doc = await f.host.handlers['image:open-bytes']({ name: 'a.png', bytes: await photoPng(32, 32) });
  await f.host.handlers['document:close']({ docId: doc.docId });
  assert.equal(f.files.resolveUrl(doc.display.url), undefined);
  assert.throws(() => f.host.docs.get(doc.docId), /no longer open/);
});

test('opening a missing path answers io', async () => {
  await assert.rejects(async () => f.host.handlers['image:open-path']({ path: '/nonexistent/x.png' }), (e: HostError) => e.code === 'io');
});
