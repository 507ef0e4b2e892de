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
