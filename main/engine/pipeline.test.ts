/**
 * The inpainting pipeline through the tiny exported graphs in onnxruntime-node: the reference's own
 * sampling loops (pipeline-base.npz, pipeline-upsample.npz) with their noise injected, then the
 * engine's behaviour: determinism, cancellation, progress, batch 1 without guidance, NaN guard.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type * as ort from 'onnxruntime-node';
import { type LoadedBundle, type StageGraphs, loadBundle } from './bundle/load.ts';
import { CancelledError, ModelFailureError } from './errors.ts';
import { type InpaintRequest, inpaint, quantize8Bit } from './pipeline.ts';
import type { NoiseSource } from './rng.ts';
import { type SolverHistory, type StepResult, classifierFreeGuidance, createSchedule, dpmSolverStep } from './sampler.ts';
import type { StageProgress } from './stage-runner.ts';
import { tokenizeBatch } from './tokenizer.ts';
import { loadNpz, npzArray } from '../../test-support/npz.ts';
import { REFERENCE_DIR, tinyBundleDir } from '../../test-support/paths.ts';

const baseRef = loadNpz(path.join(REFERENCE_DIR, 'pipeline-base.npz'));
const upRef = loadNpz(path.join(REFERENCE_DIR, 'pipeline-upsample.npz'));
const f32 = (z: typeof baseRef, key: string) => npzArray(z, key, '<f4').data;
const BASE_N = 3 * 64 * 64;
const BOUND = 2e-3;

let bundle: LoadedBundle;
/** The tiny bundle without its upsampler, for base-stage tests. */
let baseOnly: Pick<LoadedBundle, 'manifest' | 'stages'>;

before(async () => {
  bundle = await loadBundle(tinyBundleDir(), { provider: 'cpu' });
  baseOnly = { manifest: bundle.manifest, stages: { base: bundle.stages.base } };
});
after(async () => bundle.release());

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d; // NaN too
  }
  return m;
}

/** The reference's noise: row 0 of x_T and of each step's noise. */
const referenceNoise: NoiseSource = {
  next(draw, length) {
    if (draw.stage === 'upsampler') {
      assert.equal(draw.kind, 'start', 'the upsampler (DDIM eta 0) draws only its starting noise');
      return f32(upRef, 'x_T').slice();
    }
    assert.equal(length, BASE_N);
    if (draw.kind === 'start') return f32(baseRef, 'x_T').slice(0, BASE_N);
    const o = draw.step * 2 * BASE_N;
    return f32(baseRef, 'ddpm25_step_noise').slice(o, o + BASE_N);
  },
};

const referenceRequest = (sampler: InpaintRequest['sampler']): InpaintRequest => ({
  image: f32(baseRef, 'source'),
  mask: f32(baseRef, 'inpaint_mask'),
  prompt: baseRef.prompt.data[0] as string,
  guidanceScale: npzArray(baseRef, 'guidance', '<f8').data[0],
  steps: 25,
  sampler,
  seed: 0,
});

/** A random-ish request at the tiny base size, for behaviour tests. */
function smallRequest(overrides: Partial<InpaintRequest> = {}): InpaintRequest {
  return { ...referenceRequest('ddim'), steps: 3, ...overrides };
}

/** Wraps a stage's denoiser so tests can watch or change what it returns. */
function spyDenoiser(
  graphs: StageGraphs,
  onRun: (feeds: Record<string, ort.Tensor>, out: ort.InferenceSession.ReturnType) => ort.InferenceSession.ReturnType | void,
): StageGraphs {
  const real = graphs.denoiser;
  const denoiser = new Proxy(real, {
    get(target, prop) {
      if (prop === 'run') {
        return async (feeds: Record<string, ort.Tensor>) => {
          const out = await target.run(feeds);
          return onRun(feeds, out) ?? out;
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { ...graphs, denoiser };
}

test('the reference prompt tokenizes to the reference tokens', () => {
  const t = tokenizeBatch(['a red circle', ''], 128);
  assert.deepEqual([...t.tokens], [...npzArray(baseRef, 'tokens', '<i8').data]);
  assert.deepEqual([...t.mask], [...npzArray(baseRef, 'token_mask', '|b1').data]);
});

test('base stage reproduces the reference DDIM loop (guidance 3, cosine 25, eta 0)', async () => {
  const t0 = performance.now();
  let steps = 0;
  const r = await inpaint(baseOnly, referenceRequest('ddim'), { noise: referenceNoise, onProgress: () => steps++ });
  const ms = (performance.now() - t0) / steps;
  const diff = maxAbsDiff(r.image, f32(baseRef, 'ddim25_eta0'));
  console.log(`base DDIM 25: max abs diff ${diff.toExponential(2)}; ${ms.toFixed(0)} ms per step (batch 2, 64 px, CPU)`);
  assert.equal(r.size, 64);
  assert.ok(diff <= BOUND, `differs by ${diff}`);
});

test('base stage reproduces the reference DDPM loop with its step noise', async () => {
  const r = await inpaint(baseOnly, referenceRequest('ddpm'), { noise: referenceNoise });
  const diff = maxAbsDiff(r.image, f32(baseRef, 'ddpm25'));
  console.log(`base DDPM 25: max abs diff ${diff.toExponential(2)}`);
  assert.ok(diff <= BOUND, `differs by ${diff}`);
});

test('with the upsampler: reproduces the reference upsampler loop (linear fast27, temperature 0.997, DDIM eta 0)', async () => {
  const progress: StageProgress[] = [];
  const times: number[] = [];
  const r = await inpaint(bundle, {
    ...referenceRequest('ddim'),
    upsampler: [{ size: bundle.stages.upsampler!.stage.imageSize, image: f32(upRef, 'source'), mask: f32(upRef, 'inpaint_mask') }],
  }, { noise: referenceNoise, onProgress: (p) => { progress.push(p); times.push(performance.now()); } });
  // The upsampler's low_res is the quantised base result, exactly as the reference's.
  assert.equal(maxAbsDiff(quantize8Bit(r.baseImage), f32(upRef, 'low_res')), 0);
  const diff = maxAbsDiff(r.image, f32(upRef, 'ddim_fast27_eta0'));
  const upTimes = times.filter((_, i) => progress[i].stage === 'upsampler');
  const ms = (upTimes[upTimes.length - 1] - upTimes[0]) / (upTimes.length - 1);
  console.log(`upsampler fast27: max abs diff ${diff.toExponential(2)}; ${ms.toFixed(0)} ms per step (batch 1, 256 px, CPU)`);
  assert.equal(r.size, 256);
  assert.equal(r.image.length, 3 * 256 * 256);
  assert.ok(diff <= BOUND, `differs by ${diff}`);
  // One progress event per step, in order, per stage.
  const count = (stage: string) => progress.filter((p) => p.stage === stage);
  assert.deepEqual(count('base').map((p) => p.step), Array.from({ length: 25 }, (_, i) => i + 1));
  assert.deepEqual(count('upsampler').map((p) => p.step), Array.from({ length: 27 }, (_, i) => i + 1));
  assert.ok(progress.every((p) => p.totalSteps === (p.stage === 'base' ? 25 : 27) && p.predXstart === undefined));
});

test('same seed gives identical bytes; another seed gives another image (both stages, DDPM)', async () => {
  // Two upsampler steps keep this quick; the noise stream is the same code either way.
  const quick = { manifest: { ...bundle.manifest, defaults: { ...bundle.manifest.defaults, upsamplerRespacing: '2' } }, stages: bundle.stages };
  const request = (seed: number): InpaintRequest => ({
    ...smallRequest({ sampler: 'ddpm', steps: 2, seed }),
    upsampler: [{ size: bundle.stages.upsampler!.stage.imageSize, image: f32(upRef, 'source'), mask: f32(upRef, 'inpaint_mask') }],
  });
  const a = await inpaint(quick, request(7));
  const b = await inpaint(quick, request(7));
  const c = await inpaint(quick, request(8));
  assert.ok(Buffer.from(a.image.buffer).equals(Buffer.from(b.image.buffer)), 'same seed, same bytes');
  assert.ok(Buffer.from(a.baseImage.buffer).equals(Buffer.from(b.baseImage.buffer)));
  assert.ok(maxAbsDiff(a.baseImage, c.baseImage) > 1e-2, 'another seed changes the base result');
  assert.ok(maxAbsDiff(a.image, c.image) > 1e-2, 'another seed changes the final result');
});

test("the upsampler's own sampler and eta (request, or the bundle's upsamplerSampler) leave the base stage as it was", async () => {
  const withDefaults = (extra: object) => ({ manifest: { ...bundle.manifest, defaults: { ...bundle.manifest.defaults, upsamplerRespacing: '2', ...extra } }, stages: bundle.stages });
  const request = (extra: Partial<InpaintRequest> = {}): InpaintRequest => ({
    ...smallRequest({ sampler: 'dpmpp2m', eta: 0, steps: 2, seed: 3 }),
    upsampler: [{ size: bundle.stages.upsampler!.stage.imageSize, image: f32(upRef, 'source'), mask: f32(upRef, 'inpaint_mask') }],
    ...extra,
  });
  const same = await inpaint(withDefaults({}), request());
  const own = await inpaint(withDefaults({}), request({ upsamplerSampler: 'ddim', upsamplerEta: 0.5 }));
  const fromBundle = await inpaint(withDefaults({ upsamplerSampler: { sampler: 'ddim', eta: 0.5 } }), request());
  assert.ok(Buffer.from(own.baseImage.buffer).equals(Buffer.from(same.baseImage.buffer)), 'the base stage is unchanged');
  assert.ok(maxAbsDiff(own.image, same.image) > 1e-3, 'the upsampler ran another sampler');
  assert.ok(Buffer.from(fromBundle.image.buffer).equals(Buffer.from(own.image.buffer)), "the bundle's upsamplerSampler is the request's");
});

test('progress carries the x0 prediction when previews are asked for', async () => {
  const previews: (Float32Array | undefined)[] = [];
  await inpaint(baseOnly, smallRequest({ steps: 2 }), { preview: true, onProgress: (p) => previews.push(p.predXstart) });
  assert.equal(previews.length, 2);
  assert.ok(previews.every((p) => p instanceof Float32Array && p.length === BASE_N));
});

test('cancelling stops before the next step and rejects with CancelledError', async () => {
  const controller = new AbortController();
  const seen: number[] = [];
  await assert.rejects(
    inpaint(baseOnly, smallRequest({ steps: 10 }), {
      signal: controller.signal,
      onProgress: (p) => { seen.push(p.step); if (p.step === 2) controller.abort(); },
    }),
    CancelledError,
  );
  assert.deepEqual(seen, [1, 2]);
});

test('an abort during a denoiser run ends the run within one step', async () => {
  const controller = new AbortController();
  let runs = 0;
  let runsAtAbort = -1;
  const graphs = spyDenoiser(bundle.stages.base, () => {
    runs++;
    if (runs === 3) {
      // Abort while the next run is in flight, from outside the sampling loop.
      setTimeout(() => { runsAtAbort = runs; controller.abort(); }, 0);
    }
  });
  await assert.rejects(
    inpaint({ manifest: bundle.manifest, stages: { base: graphs } }, smallRequest({ steps: 10 }), { signal: controller.signal }),
    CancelledError,
  );
  assert.ok(runsAtAbort >= 3 && runs <= runsAtAbort + 1, `${runs} runs, abort after ${runsAtAbort}`);
});

test('an already aborted signal runs nothing', async () => {
  let runs = 0;
  const graphs = spyDenoiser(bundle.stages.base, () => { runs++; });
  await assert.rejects(
    inpaint({ manifest: bundle.manifest, stages: { base: graphs } }, smallRequest(), { signal: AbortSignal.abort() }),
    CancelledError,
  );
  assert.equal(runs, 0);
});

test('guidance 1 runs the denoiser at batch 1; other scales at batch 2', async () => {
  for (const [scale, batch] of [[1, 1], [3, 2]] as const) {
    const batches: number[] = [];
    const graphs = spyDenoiser(bundle.stages.base, (feeds) => {
      batches.push(feeds.x_t.dims[0]);
      for (const name of ['timesteps', 'xf_proj', 'xf_out', 'inpaint_image', 'inpaint_mask']) assert.equal(feeds[name].dims[0], batch, name);
    });
    await inpaint({ manifest: bundle.manifest, stages: { base: graphs } }, smallRequest({ steps: 2, guidanceScale: scale }));
    assert.deepEqual(batches, [batch, batch]);
  }
});

test('a model output with NaN is a clear ModelFailureError naming the step', async () => {
  let runs = 0;
  const graphs = spyDenoiser(bundle.stages.base, (_feeds, out) => {
    if (++runs === 2) (out.out.data as Float32Array)[5] = Number.NaN;
  });
  await assert.rejects(
    inpaint({ manifest: bundle.manifest, stages: { base: graphs } }, smallRequest()),
    (e: unknown) => e instanceof ModelFailureError && e.code === 'model-failure' && /NaN\/Inf at step 2 /.test(e.message),
  );
});

test('a bundle with an upsampler needs the crop at its size', async () => {
  await assert.rejects(inpaint(bundle, smallRequest()), /upsampler/);
});

test('quantize8Bit matches torch: round((x+1)*127.5)/127.5-1 in float32, halves to even', () => {
  // float32 inputs whose (x+1)*127.5 is exactly 64.5, 65.5, 66.5, 67.5; outputs from PyTorch 2.
  const x = Float32Array.from([-0.4941176474094391, -0.48627451062202454, -0.47843137383461, -0.47058823704719543]);
  const torch = Float32Array.from([-0.498039186000824, -0.4823529124259949, -0.4823529124259949, -0.46666663885116577]);
  assert.deepEqual([...quantize8Bit(x)], [...torch]);
});

test('a ddim respacing samples its own timesteps, never the noisiest; a respacing of another length is refused', async () => {
  const seen: bigint[] = [];
  const graphs = spyDenoiser(bundle.stages.base, (feeds) => { seen.push((feeds.timesteps.data as BigInt64Array)[0]); });
  const staged = { manifest: bundle.manifest, stages: { base: graphs } };
  await inpaint(staged, smallRequest({ steps: 4, respacing: 'ddim4' }));
  assert.deepEqual(seen, [750n, 500n, 250n, 0n]);
  seen.length = 0;
  await inpaint(staged, smallRequest({ steps: 4 }));
  assert.deepEqual(seen, [999n, 666n, 333n, 0n]); // the reference's "4"
  await assert.rejects(inpaint(staged, smallRequest({ steps: 3, respacing: 'ddim4' })), RangeError);
});

test('dpmpp2m on trailing steps: each step carries the previous x0 (the stage is the solver on the recorded model outputs)', async () => {
  const calls: { x: Float32Array; t: bigint; out: Float32Array }[] = [];
  const graphs = spyDenoiser(bundle.stages.base, (feeds, out) => {
    calls.push({ x: (feeds.x_t.data as Float32Array).slice(0, BASE_N), t: (feeds.timesteps.data as BigInt64Array)[0], out: (out.out.data as Float32Array).slice() });
  });
  const request = smallRequest({ steps: 4, respacing: 'trailing4', sampler: 'dpmpp2m', eta: 0 });
  const r = await inpaint({ manifest: bundle.manifest, stages: { base: graphs } }, request);
  assert.deepEqual(calls.map((c) => c.t), [999n, 749n, 499n, 249n]);
  const s = createSchedule('squaredcos_cap_v2', 'trailing4');
  const known = request.image.map((v, i) => v * request.mask[i % (64 * 64)]);
  let x: Float32Array = calls[0].x;
  let history: SolverHistory | null = null;
  let ddimOnly = calls[0].x;
  for (let k = 0; k < 4; k++) {
    assert.deepEqual(calls[k].x, x, `step ${k + 1} starts where the solver left x`);
    const modelOutput = classifierFreeGuidance(calls[k].out, [2, 6, 64, 64], request.guidanceScale);
    const input = { x, modelOutput, shape: [1, 3, 64, 64] as const, knownRegion: { image: known, mask: request.mask } };
    const step: StepResult<Float32Array> = dpmSolverStep(s, 3 - k, input, history, 0);
    history = { index: 3 - k, predXstart: step.predXstart };
    x = step.sample;
    if (k < 3) ddimOnly = dpmSolverStep(s, 3 - k, input, null, 0).sample;
  }
  assert.deepEqual(r.image, x);
  assert.ok(maxAbsDiff(calls[3].x, ddimOnly) > 1e-3, 'the second-order term moved the trajectory');
});

test('with noise in its steps, DDIM and DPM-Solver++ draw none for the step to t = 0 (it adds none); DDPM draws every step', async () => {
  for (const [sampler, eta, expected] of [['ddim', 0.5, [0, 1]], ['dpmpp2m', 0.5, [0, 1]], ['ddpm', 0, [0, 1, 2]]] as const) {
    const steps: number[] = [];
    const counting: NoiseSource = { next(draw, length) { if (draw.kind === 'step') steps.push(draw.step); return new Float32Array(length).fill(0.1); } };
    await inpaint(baseOnly, smallRequest({ sampler, eta, steps: 3 }), { noise: counting });
    assert.deepEqual(steps, expected, sampler);
  }
});
