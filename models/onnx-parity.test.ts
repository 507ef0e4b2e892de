/**
 * Our exported graphs in onnxruntime-node against OpenAI's reference outputs: the tiny random-weight
 * models, exported by models/glide/export_tiny.py, must reproduce `tiny-*-io.npz` to 1e-4.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { BundleSchema } from '../main/engine/bundle/schema.ts';
import { loadNpz, type NpyArray } from '../test-support/npz.ts';
import { REFERENCE_DIR, tinyBundleDir } from '../test-support/paths.ts';

function tensor(a: NpyArray): ort.Tensor {
  if (a.dtype === '<f4') return new ort.Tensor('float32', a.data as Float32Array, a.shape);
  if (a.dtype === '<i8') return new ort.Tensor('int64', a.data as BigInt64Array, a.shape);
  if (a.dtype === '|b1') return new ort.Tensor('bool', a.data as Uint8Array, a.shape);
  throw new Error(`unexpected dtype ${a.dtype}`);
}

function maxAbsDiff(a: ort.Tensor, b: NpyArray): number {
  assert.deepEqual([...a.dims], b.shape);
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

const bundleDir = tinyBundleDir();
const bundle = BundleSchema.parse(JSON.parse(readFileSync(path.join(bundleDir, 'bundle.json'), 'utf8')));

for (const [stage, name] of [['base', 'tiny-base-inpaint'], ['upsampler', 'tiny-upsample-inpaint']] as const) {
  test(`${name}: text encoder and denoiser graphs match the reference outputs`, async () => {
    const graphs = bundle.stages[stage]!.graphs;
    const io = loadNpz(path.join(REFERENCE_DIR, `${name}-io.npz`));
    const text = await ort.InferenceSession.create(path.join(bundleDir, graphs.textEncoder));
    const denoiser = await ort.InferenceSession.create(path.join(bundleDir, graphs.denoiser));
    const enc = await text.run({ tokens: tensor(io.tokens), token_mask: tensor(io.mask) });
    const feeds: Record<string, ort.Tensor> = {
      x_t: tensor(io.x),
      timesteps: tensor(io.timesteps),
      xf_proj: enc.xf_proj,
      xf_out: enc.xf_out,
      inpaint_image: tensor(io.inpaint_image),
      inpaint_mask: tensor(io.inpaint_mask),
    };
    if (stage === 'upsampler') feeds.low_res = tensor(io.low_res);
    assert.deepEqual([...denoiser.inputNames].sort(), Object.keys(feeds).sort());
    const { out } = await denoiser.run(feeds);
    for (const [key, value] of [['xf_proj', enc.xf_proj], ['xf_out', enc.xf_out], ['out', out]] as const) {
      const diff = maxAbsDiff(value, io[key]);
      console.log(`${name} ${key}: max abs diff ${diff.toExponential(2)}`);
      assert.ok(diff <= 1e-4, `${key} differs by ${diff}`);
    }
  });
}

test('the exported graphs take any batch size', async () => {
  const graphs = bundle.stages.base.graphs;
  const text = await ort.InferenceSession.create(path.join(bundleDir, graphs.textEncoder));
  const ctx = bundle.stages.base.textCtx;
  for (const n of [1, 3]) {
    const enc = await text.run({
      tokens: new ort.Tensor('int64', new BigInt64Array(n * ctx).fill(50256n), [n, ctx]),
      token_mask: new ort.Tensor('bool', new Uint8Array(n * ctx), [n, ctx]),
    });
    assert.deepEqual([...enc.xf_out.dims], [n, bundle.stages.base.xfWidth, ctx]);
  }
});
