import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { loadNpz, npzArray, parseNpy, unzip } from './npz.ts';
import { tokenizePrompt } from '../main/engine/tokenizer.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const refDir = path.resolve(repoRoot, '../shared/reference/glide');

test('pipeline-base.npz: keys, dtypes, shapes and a few values', () => {
  const npz = loadNpz(path.join(refDir, 'pipeline-base.npz'));
  for (const [k, a] of Object.entries(npz)) console.log(`  ${k}: ${a.dtype} [${a.shape.join(', ')}]`);
  const shapes = Object.fromEntries(Object.entries(npz).map(([k, a]) => [k, a.shape]));
  assert.deepEqual(shapes, {
    prompt: [], guidance: [], tokens: [2, 128], token_mask: [2, 128], source: [1, 3, 64, 64],
    inpaint_mask: [1, 1, 64, 64], x_T: [2, 3, 64, 64], ddim25_eta0: [1, 3, 64, 64],
    ddpm25: [1, 3, 64, 64], ddpm25_step_noise: [25, 2, 3, 64, 64],
  });
  assert.deepEqual(npz.prompt.data, ['a red circle']);
  assert.deepEqual(Array.from(npzArray(npz, 'guidance', '<f8').data), [3]);
  const xT = npzArray(npz, 'x_T', '<f4').data;
  assert.equal(xT.length, 2 * 3 * 64 * 64);
  assert.ok(xT.every(Number.isFinite));
  const src = npzArray(npz, 'source', '<f4').data;
  assert.ok(src.every((v) => v >= -1 && v <= 1));
  const mask = npzArray(npz, 'inpaint_mask', '<f4').data;
  assert.ok(mask.every((v) => v === 0 || v === 1) && mask.includes(0) && mask.includes(1));
  // Cross-check with our tokenizer: row 0 the prompt, row 1 the empty prompt.
  const tokens = Array.from(npzArray(npz, 'tokens', '<i8').data, Number);
  const tmask = Array.from(npzArray(npz, 'token_mask', '|b1').data, (v) => v === 1);
  const p = tokenizePrompt('a red circle', 128), e = tokenizePrompt('', 128);
  assert.deepEqual(tokens, [...p.tokens, ...e.tokens]);
  assert.deepEqual(tmask, [...p.mask, ...e.mask]);
});

test('the other reference npz files load', () => {
  for (const f of ['pipeline-upsample.npz', 'tiny-base-inpaint-io.npz', 'tiny-upsample-inpaint-io.npz']) {
    const npz = loadNpz(path.join(refDir, f));
    for (const [k, a] of Object.entries(npz)) {
      const n = a.shape.reduce((x, y) => x * y, 1);
      assert.equal(a.data.length, n, `${f} ${k}`);
    }
  }
  const io = loadNpz(path.join(refDir, 'tiny-base-inpaint-io.npz'));
  assert.deepEqual(io.out.shape, [2, 6, 64, 64]);
  assert.equal(io.timesteps.dtype, '<i8');
});

/** A minimal zip writer for the test (stored or deflated entries, no zip64). */
function makeZip(files: Record<string, Uint8Array>, deflate: boolean): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const body = deflate ? zlib.deflateRawSync(data) : Buffer.from(data);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(deflate ? 8 : 0, 10);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(data.length, 24);
    cd.writeUInt16LE(nameBytes.length, 28);
    cd.writeUInt32LE(offset, 42);
    parts.push(local, nameBytes, body);
    central.push(cd, nameBytes);
    offset += 30 + nameBytes.length + body.length;
  }
  const cdBytes = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(Object.keys(files).length, 8);
  eocd.writeUInt16LE(Object.keys(files).length, 10);
  eocd.writeUInt32LE(cdBytes.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, cdBytes, eocd]));
}

function makeNpy(descr: string, shape: number[], body: Uint8Array): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  pre.writeUInt16LE(header.length, 8);
  return new Uint8Array(Buffer.concat([pre, Buffer.from(header, 'latin1'), body]));
}

test('stored and deflated entries, every supported dtype', () => {
  const f8 = new Float64Array([1.5, -2, 1e-300]);
  const i8 = new BigInt64Array([1n, -2n, 50256n, 9007199254740993n]);
  const b1 = new Uint8Array([1, 0, 1, 1, 0, 0]);
  const f4 = new Float32Array([0.25, -0.5]);
  const files = {
    'a.npy': makeNpy('<f8', [3], new Uint8Array(f8.buffer)),
    'b.npy': makeNpy('<i8', [2, 2], new Uint8Array(i8.buffer)),
    'c.npy': makeNpy('|b1', [2, 3], b1),
    'd.npy': makeNpy('<f4', [1, 2], new Uint8Array(f4.buffer)),
  };
  for (const deflate of [false, true]) {
    const entries = unzip(makeZip(files, deflate));
    const arrays = Object.fromEntries([...entries].map(([k, v]) => [k, parseNpy(v)]));
    assert.deepEqual(Array.from(arrays['a.npy'].data as Float64Array), Array.from(f8));
    assert.deepEqual(arrays['b.npy'].shape, [2, 2]);
    assert.deepEqual(Array.from(arrays['b.npy'].data as BigInt64Array), Array.from(i8));
    assert.deepEqual(Array.from(arrays['c.npy'].data as Uint8Array), Array.from(b1));
    assert.deepEqual(arrays['d.npy'].shape, [1, 2]);
    assert.deepEqual(Array.from(arrays['d.npy'].data as Float32Array), [0.25, -0.5]);
  }
  assert.throws(() => parseNpy(makeNpy('>f4', [1], new Uint8Array(4))), /unsupported dtype/);
  assert.throws(() => parseNpy(new Uint8Array(16)), /not a .npy/);
});
