/**
 * The TypeScript checkpoint importer against our PyTorch tools, on small models with the official layout
 * (models/glide/import_fixtures.py): checkpoints written by torch.save, converted here, give in
 * onnxruntime-node the outputs of our PyTorch GLIDE (fp32 <= 1e-4 relative; fp16 reported); the bundle
 * is byte for byte the Python converter's; float16 checkpoints, base-only folders; pickles naming
 * os.system or builtins.eval are refused and run nothing; it runs with no python3 reachable.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { EngineHost, nodeEngineLauncher } from '../../engine-host/engine-host.ts';
import { loadBundle } from '../bundle/load.ts';
import { CHELSEA, ellipseMask } from '../compositing/test-images.ts';
import { importFixturesDir, REPO_ROOT } from '../../../test-support/paths.ts';
import { loadNpz, type NpyArray } from '../../../test-support/npz.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { importCheckpoints } from './import-checkpoints.ts';

const fx = importFixturesDir();
const templatesDir = path.join(fx, 'templates');
const io = loadNpz(path.join(fx, 'io.npz'));
let tmp: string;
let outs = 0;

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'checkpoint-import-test-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function convert(src: string, fp16 = false): Promise<string> {
  const outDir = path.join(tmp, `bundle-${outs++}`);
  await importCheckpoints({ sourceDir: path.join(fx, src), outDir, templatesDir, fp16 });
  return outDir;
}

function tensor(a: NpyArray): ort.Tensor {
  if (a.dtype === '<f4') return new ort.Tensor('float32', a.data as Float32Array, a.shape);
  if (a.dtype === '<i8') return new ort.Tensor('int64', a.data as BigInt64Array, a.shape);
  if (a.dtype === '|b1') return new ort.Tensor('bool', a.data as Uint8Array, a.shape);
  throw new Error(`unexpected dtype ${a.dtype}`);
}

/** max |a - b| / max |b|: the error relative to the output's scale. */
function relError(a: ort.Tensor, b: NpyArray): number {
  assert.deepEqual([...a.dims], b.shape);
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return diff / scale;
}

/** Runs a bundle's graphs on the fixture inputs; returns the relative error of each output against PyTorch's `tag` outputs. */
async function parity(bundleDir: string, tag: 'fp32' | 'fp16'): Promise<Record<string, number>> {
  const manifest = JSON.parse(await readFile(path.join(bundleDir, 'bundle.json'), 'utf8'));
  const errors: Record<string, number> = {};
  for (const stage of Object.keys(manifest.stages) as ('base' | 'upsampler')[]) {
    const g = manifest.stages[stage].graphs;
    const text = await ort.InferenceSession.create(path.join(bundleDir, g.textEncoder));
    const denoiser = await ort.InferenceSession.create(path.join(bundleDir, g.denoiser));
    const enc = await text.run({ tokens: tensor(io[`${stage}.tokens`]), token_mask: tensor(io[`${stage}.token_mask`]) });
    const feeds: Record<string, ort.Tensor> = { xf_proj: enc.xf_proj, xf_out: enc.xf_out };
    for (const name of ['x_t', 'timesteps', 'inpaint_image', 'inpaint_mask', 'low_res']) {
      if (io[`${stage}.${name}`]) feeds[name] = tensor(io[`${stage}.${name}`]);
    }
    const { out } = await denoiser.run(feeds);
    errors[`${stage} xf_proj`] = relError(enc.xf_proj, io[`${stage}.${tag}.xf_proj`]);
    errors[`${stage} xf_out`] = relError(enc.xf_out, io[`${stage}.${tag}.xf_out`]);
    errors[`${stage} out`] = relError(out, io[`${stage}.${tag}.out`]);
    await text.release();
    await denoiser.release();
  }
  return errors;
}

function printErrors(label: string, errors: Record<string, number>): void {
  console.log(`${label}: ${Object.entries(errors).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(', ')}`);
}

test('torch.save checkpoints converted in TypeScript give our PyTorch GLIDE outputs in onnxruntime-node (fp32: <= 1e-4)', async () => {
  const dir = await convert('src');
  const errors = await parity(dir, 'fp32');
  printErrors('fp32 bundle vs PyTorch (relative to the output scale)', errors);
  for (const [k, e] of Object.entries(errors)) assert.ok(e <= 1e-4, `${k}: relative error ${e}`);
  const loaded = await loadBundle(dir, { provider: 'cpu' }); // the engine's own checks: schema, hashes, graph inputs and outputs
  assert.deepEqual(Object.keys(loaded.stages).sort(), ['base', 'upsampler']);
  await loaded.release();
});

test('the TypeScript bundle is the Python converter\'s, byte for byte in every graph (fp32 and fp16)', async () => {
  for (const [fp16, python] of [[false, 'python-bundle'], [true, 'python-bundle-fp16']] as const) {
    const ours = await convert('src', fp16);
    const theirs = path.join(fx, python);
    const a = JSON.parse(await readFile(path.join(ours, 'bundle.json'), 'utf8'));
    const b = JSON.parse(await readFile(path.join(theirs, 'bundle.json'), 'utf8'));
    assert.deepEqual(a.files, b.files, `${python}: graph sizes and hashes`);
    for (const key of ['format', 'formatVersion', 'family', 'name', 'description', 'tokenizer', 'stages', 'defaults', 'license']) {
      assert.deepEqual(a[key], b[key], `${python}: bundle.json ${key}`);
    }
    assert.deepEqual((await readdir(ours)).sort(), (await readdir(theirs)).sort());
  }
});

test('float16 storages are read, and fp16 bundles stay close to PyTorch (reported)', async () => {
  const fromHalf = await convert('src-fp16');
  const errors = await parity(fromHalf, 'fp16');
  printErrors('fp32 bundle from a float16 checkpoint vs PyTorch on the same float16 weights', errors);
  for (const [k, e] of Object.entries(errors)) assert.ok(e <= 1e-4, `${k}: relative error ${e}`);
  const halfBundle = await convert('src', true);
  const halfErrors = await parity(halfBundle, 'fp32');
  printErrors('fp16 bundle vs PyTorch in float32 (weights rounded to fp16)', halfErrors);
  for (const [k, e] of Object.entries(halfErrors)) assert.ok(e < 0.05, `${k}: relative error ${e}`);
  const full = await convert('src');
  const size = async (d: string) => JSON.parse(await readFile(path.join(d, 'bundle.json'), 'utf8')).files;
  const bytes = (files: Record<string, { bytes: number }>) => Object.values(files).reduce((s, f) => s + f.bytes, 0);
  console.log(`bundle sizes: fp32 ${bytes(await size(full))} bytes, fp16 ${bytes(await size(halfBundle))} bytes`);
});

test('a folder with base_inpaint.pt alone gives a base-only bundle that the engine loads', async () => {
  const dir = await convert('src-base');
  const manifest = JSON.parse(await readFile(path.join(dir, 'bundle.json'), 'utf8'));
  assert.deepEqual(Object.keys(manifest.stages), ['base']);
  assert.match(manifest.name, /base only/);
  const loaded = await loadBundle(dir, { provider: 'cpu' });
  assert.equal(loaded.stages.upsampler, undefined);
  await loaded.release();
});

test('a base-only bundle converted in TypeScript edits a photo end to end (engine process, as the app runs it)', async () => {
  const dir = await convert('src-base');
  const host = new EngineHost(nodeEngineLauncher());
  try {
    await host.start();
    await host.load(dir, 'cpu');
    const { width, height } = await sharp(CHELSEA).metadata();
    const box = { x: 150, y: 80, width: 120, height: 100 };
    const mask = new Uint8Array(await ellipseMask(width!, height!, box));
    const outDir = path.join(tmp, 'edit-out');
    await mkdir(outDir);
    let steps = 0;
    const result = await host.edit({ source: { imagePath: CHELSEA }, mask, outDir, settings: { prompt: 'a red circle', steps: 3, seed: 5 } }, () => steps++).done;
    assert.equal(result.candidates.length, 1);
    const patch = result.candidates[0];
    assert.ok(existsSync(patch.path));
    const meta = await sharp(patch.path).metadata();
    assert.deepEqual([meta.width, meta.height], [patch.width, patch.height]);
    assert.ok(patch.x + patch.width <= width! && patch.y + patch.height <= height!, 'the patch lies in the photo');
    assert.ok(patch.x <= box.x && patch.y <= box.y && patch.x + patch.width >= box.x + box.width && patch.y + patch.height >= box.y + box.height, 'the patch covers the mask');
    assert.ok(steps >= 3, `progress events: ${steps}`);
    console.log(`converted base-only bundle: one candidate ${patch.width}x${patch.height} at (${patch.x}, ${patch.y}), ${steps} progress events, ${result.millis} ms`);
  } finally {
    await host.stop();
  }
});

for (const [dir, global] of [['evil-os-system', 'posix.system'], ['evil-eval', '__builtin__.eval']] as const) {
  test(`a checkpoint whose pickle names ${global} is refused and runs nothing`, async () => {
    const marker = path.join(tmp, `pwned-${dir}`);
    // The fixture is real: torch.load runs it.
    execFileSync('/usr/bin/python3', ['-c', `import torch, sys; torch.load(sys.argv[1])`, path.join(fx, dir, 'base_inpaint.pt')], {
      env: { ...process.env, GLIDE_PWNED_MARKER: marker },
      stdio: 'ignore',
    });
    assert.ok(existsSync(marker), 'torch.load ran the pickle');
    await rm(marker);
    process.env.GLIDE_PWNED_MARKER = marker;
    const outDir = path.join(tmp, `out-${dir}`);
    try {
      await assert.rejects(importCheckpoints({ sourceDir: path.join(fx, dir), outDir, templatesDir }), (e: Error) => {
        assert.ok(e instanceof CheckpointError);
        assert.match(e.message, new RegExp(`base_inpaint\\.pt: its pickle names ${global.replace('.', '\\.')}`));
        assert.match(e.message, /refused without running anything/);
        return true;
      });
    } finally {
      delete process.env.GLIDE_PWNED_MARKER;
    }
    assert.ok(!existsSync(marker), 'nothing ran');
    assert.ok(!existsSync(outDir) && !existsSync(`${outDir}.partial`), 'nothing written');
  });
}

test('wrong keys, a truncated file and a file that is not a checkpoint each get a clear message and write nothing', async () => {
  const bad = path.join(tmp, 'bad');
  await mkdir(bad);
  const base = await readFile(path.join(fx, 'src/base_inpaint.pt'));
  const cases: [Uint8Array | string, RegExp][] = [
    [await readFile(path.join(fx, 'src/upsample_inpaint.pt')), /base_inpaint\.pt is not the official base inpainting checkpoint: \d+ keys missing/],
    [base.subarray(0, base.length - 5000), /base_inpaint\.pt: (it is not a zip archive|the file ends early)/],
    ['just text', /base_inpaint\.pt: it is not a zip archive/],
  ];
  for (const [bytes, message] of cases) {
    await writeFile(path.join(bad, 'base_inpaint.pt'), bytes);
    const outDir = path.join(tmp, 'bad-out');
    await assert.rejects(importCheckpoints({ sourceDir: bad, outDir, templatesDir }), message);
    assert.ok(!existsSync(outDir) && !existsSync(`${outDir}.partial`));
  }
});

test('npm run models:import works with no python3 reachable', async () => {
  const bin = path.join(tmp, 'bin-without-python');
  await mkdir(bin);
  await symlink(process.execPath, path.join(bin, 'node'));
  const outDir = path.join(tmp, 'cli-out');
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/models-import.ts'), path.join(fx, 'src-base'), '--out', outDir, '--templates', templatesDir],
    { cwd: REPO_ROOT, env: { PATH: bin, HOME: tmp }, encoding: 'utf8' },
  );
  assert.equal(spawnSync('python3', ['--version'], { env: { PATH: bin } }).error?.message.includes('ENOENT'), true, 'python3 is unreachable');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /bundle written to .*cli-out \(base, /);
  const files = await readdir(outDir);
  assert.deepEqual(files.sort(), ['base.denoiser.onnx', 'base.text.onnx', 'bundle.json']);
});
