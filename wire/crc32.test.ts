import assert from 'node:assert/strict';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { crc32 } from './crc32.ts';

test("crc32 is zlib's CRC-32, over one part or several taken as one", () => {
  assert.equal(crc32(new TextEncoder().encode('IEND')), 0xae426082); // every PNG's last chunk
  assert.equal(crc32(), 0);
  let seed = 9;
  const bytes = new Uint8Array(10_000).map(() => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
  assert.equal(crc32(bytes), zlib.crc32(bytes) >>> 0);
  assert.equal(crc32(bytes.subarray(0, 17), bytes.subarray(17, 4000), bytes.subarray(4000)), zlib.crc32(bytes) >>> 0);
});
