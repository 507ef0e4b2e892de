import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { greyPng } from './grey-png.ts';

test('a grey PNG decodes back to the same bytes (Up-filtered rows, the browser\'s zlib)', async () => {
  for (const [width, height] of [[1, 1], [37, 23], [1200, 900]]) {
    const grey = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) grey[y * width + x] = (x - width / 2) ** 2 + (y - height / 3) ** 2 < (width * width) / 9 ? 255 : (x * 7 + y * 13) % 256 < 20 ? 128 : 0;
    const png = await greyPng(grey, width, height);
    const meta = await sharp(png).metadata();
    assert.deepEqual([meta.width, meta.height, meta.channels, meta.depth], [width, height, 1, 'uchar']);
    const data = await sharp(png).extractChannel(0).raw().toBuffer();
    assert.ok(Buffer.from(grey).equals(data), `${width}×${height} round trip`);
  }
});
