/**
 * Loading a bundle: the tiny exported bundle loads; damaged copies of it each fail with a
 * BundleError whose message names the file or field; a good bundle loads again afterwards.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { BundleError } from '../errors.ts';
import { ChecksumCache } from './checksum.ts';
import { type LoadedBundle, loadBundle } from './load.ts';
import { tinyBundleDir } from '../../../test-support/paths.ts';

const tiny = tinyBundleDir();
let tmp: string;
let copies = 0;

before(async () => { tmp = await mkdtemp(path.join(os.tmpdir(), 'bundle-load-test-')); });
after(async () => { await rm(tmp, { recursive: true, force: true }); });

type Manifest = { files: Record<string, { sha256: string; bytes: number }>; [k: string]: any };

/** A copy of the tiny bundle, changed by `damage` (which may edit the manifest it is given). */
async function damagedCopy(damage: (dir: string, manifest: Manifest) => Promise<void>): Promise<string> {
  const dir = path.join(tmp, `copy-${copies++}`);
  await cp(tiny, dir, { recursive: true });
  const manifest = JSON.parse(await readFile(path.join(dir, 'bundle.json'), 'utf8')) as Manifest;
  await damage(dir, manifest);
  await writeFile(path.join(dir, 'bundle.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

/** Records a file's real size and hash in the manifest, as if the bundle had been made that way. */
async function relist(dir: string, manifest: Manifest, name: string): Promise<void> {
  const bytes = await readFile(path.join(dir, name));
  manifest.files[name] = { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
}

async function loadError(dir: string): Promise<BundleError> {
  let loaded: LoadedBundle | undefined;
  try {
    loaded = await loadBundle(dir, { provider: 'cpu' });
  } catch (e) {
    assert.ok(e instanceof BundleError, `expected a BundleError, got ${String(e)}`);
    assert.equal(e.code, 'bad-bundle');
    console.log(`  -> ${e.message}`);
    return e;
  }
  await loaded.release();
  assert.fail('the bundle loaded');
}

test('the tiny bundle loads with both stages, their sessions and the manifest hash', async () => {
  const b = await loadBundle(tiny, { provider: 'cpu' });
  try {
    assert.equal(b.dir, path.resolve(tiny));
    assert.equal(b.provider.name, 'cpu');
    assert.equal(b.manifest.stages.base.imageSize, 64);
    assert.ok(b.stages.upsampler);
    assert.deepEqual([...b.stages.upsampler.denoiser.inputNames].sort(),
      ['inpaint_image', 'inpaint_mask', 'low_res', 'timesteps', 'x_t', 'xf_out', 'xf_proj']);
    const json = await readFile(path.join(tiny, 'bundle.json'));
    assert.equal(b.manifestSha256, createHash('sha256').update(json).digest('hex'));
  } finally {
    await b.release();
  }
});

test('loading again reuses the checksums instead of re-reading the files', async () => {
  const cache = new ChecksumCache();
  const first = await loadBundle(tiny, { provider: 'cpu', checksums: cache });
  await first.release();
  assert.deepEqual([cache.hashed, cache.reused], [4, 0]);
  const second = await loadBundle(tiny, { provider: 'cpu', checksums: cache });
  await second.release();
  assert.deepEqual([cache.hashed, cache.reused], [4, 4]);
});

test('a folder without bundle.json', async () => {
  const e = await loadError(path.join(tmp, 'nowhere'));
  assert.match(e.message, /no bundle\.json/);
});

test('(a) a listed file that is missing', async () => {
  const dir = await damagedCopy((d) => unlink(path.join(d, 'upsampler.text.onnx')));
  const e = await loadError(dir);
  assert.match(e.message, /upsampler\.text\.onnx.*missing/);
});

test('(b) a flipped byte: checksum error naming the file', async () => {
  const dir = await damagedCopy(async (d) => {
    const file = path.join(d, 'base.denoiser.onnx');
    const bytes = await readFile(file);
    bytes[bytes.length >> 1] ^= 0x01;
    await writeFile(file, bytes);
  });
  const e = await loadError(dir);
  assert.match(e.message, /base\.denoiser\.onnx is damaged: its SHA-256 \([0-9a-f]{12}…\) differs from the one in bundle\.json \(b0c04f9f1743…\)/);
});

test('a truncated file: size error naming the file', async () => {
  const dir = await damagedCopy((d) => truncate(path.join(d, 'base.text.onnx'), 1000));
  const e = await loadError(dir);
  assert.match(e.message, /base\.text\.onnx is 1000 bytes but bundle\.json says 6611183/);
});

test('(c) a wrong field in bundle.json: the message names the field', async () => {
  const dir = await damagedCopy(async (_d, m) => { m.stages.base.imageSize = '64'; });
  const e = await loadError(dir);
  assert.match(e.message, /field "stages\.base\.imageSize": .*expected number/);

  const files = await damagedCopy(async (_d, m) => { m.files['base.text.onnx'].sha256 = 'abc'; });
  assert.match((await loadError(files)).message, /field "files\["base\.text\.onnx"\]\.sha256"/);

  const missing = await damagedCopy(async (_d, m) => { delete m.defaults.sampler; });
  assert.match((await loadError(missing)).message, /field "defaults\.sampler"/);
});

test('bundle.json that is not JSON, or from a newer format', async () => {
  const broken = await damagedCopy(async () => undefined);
  await writeFile(path.join(broken, 'bundle.json'), '{"format": ');
  assert.match((await loadError(broken)).message, /bundle\.json is not valid JSON/);
  const newer = await damagedCopy(async (_d, m) => { m.formatVersion = 2; });
  assert.match((await loadError(newer)).message, /format version 2.*Update the app/);
});

test('(d) a graph replaced by garbage with a matching checksum: onnxruntime load error naming the file', async () => {
  const dir = await damagedCopy(async (d, m) => {
    await writeFile(path.join(d, 'base.text.onnx'), Buffer.from('this is not an onnx model'.repeat(100)));
    await relist(d, m, 'base.text.onnx');
  });
  const e = await loadError(dir);
  assert.match(e.message, /onnxruntime could not load base\.text\.onnx/);
});

test('(e) base and upsampler denoisers swapped (checksums fixed): input-name error naming the file', async () => {
  const dir = await damagedCopy(async (d, m) => {
    const a = path.join(d, 'base.denoiser.onnx'), b = path.join(d, 'upsampler.denoiser.onnx');
    const [ba, bb] = await Promise.all([readFile(a), readFile(b)]);
    await Promise.all([writeFile(a, bb), writeFile(b, ba)]);
    await relist(d, m, 'base.denoiser.onnx');
    await relist(d, m, 'upsampler.denoiser.onnx');
  });
  const e = await loadError(dir);
  assert.match(e.message, /base\.denoiser\.onnx \(the base denoiser\) has inputs .* unexpected: low_res/);
});

test('a graph whose fixed sizes disagree with bundle.json: error naming the file, tensor and field', async () => {
  const dir = await damagedCopy(async (_d, m) => { m.stages.base.textCtx = 64; });
  const e = await loadError(dir);
  assert.match(e.message, /base\.text\.onnx \(the base text encoder\): input "tokens" has shape \[\?, 128\], but bundle\.json says \[batch, 64\] \(stages\.base\.textCtx\)/);
});

test('a good bundle still loads after the failures', async () => {
  const b = await loadBundle(tiny, { provider: 'cpu' });
  await b.release();
});
