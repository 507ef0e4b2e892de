import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeWire, encodeWire } from './websocket-frames.ts';

test('messages with bytes round-trip as raw parts, not JSON arrays', () => {
  const mask = new Uint8Array(100_000).fill(7);
  const preview = Uint8Array.from([1, 2, 3]);
  const frame = encodeWire({ t: 'req', id: 3, channel: 'edit:run', input: { docId: 'd', mask, nested: [{ preview }], prompt: 'a red circle' } });
  assert.ok(frame.byteLength < 100_000 + 200, 'bytes are carried raw');
  const back = decodeWire(frame) as { t: 'req'; input: { mask: Uint8Array; nested: { preview: Uint8Array }[]; prompt: string } };
  assert.equal(back.t, 'req');
  assert.deepEqual(back.input.mask, mask);
  assert.deepEqual(back.input.nested[0].preview, preview);
  assert.equal(back.input.prompt, 'a red circle');
});

test('Buffer views of a larger pool encode only their own bytes', () => {
  const pool = Buffer.alloc(64, 9);
  const view = new Uint8Array(pool.buffer, pool.byteOffset + 10, 5);
  const back = decodeWire(encodeWire({ t: 'evt', event: 'x', payload: { b: view, buf: pool.subarray(0, 3) } })) as {
    payload: { b: Uint8Array; buf: Uint8Array };
  };
  assert.deepEqual([...back.payload.b], [9, 9, 9, 9, 9]);
  assert.ok(back.payload.buf instanceof Uint8Array, 'a Buffer travels as bytes too, not as its toJSON array');
  assert.deepEqual([...back.payload.buf], [9, 9, 9]);
});

test('malformed frames are rejected', () => {
  assert.throws(() => decodeWire(new Uint8Array(2)));
  const frame = encodeWire({ t: 'res', id: 1, envelope: { ok: true, value: { b: new Uint8Array(4) } } });
  assert.throws(() => decodeWire(frame.subarray(0, frame.byteLength - 2)), /overruns/);
  const lying = new Uint8Array(8);
  new DataView(lying.buffer).setUint32(0, 1000, true);
  assert.throws(() => decodeWire(lying), /overruns/);
});
