import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  classifierFreeGuidance, createSchedule, ddimStep, dpmSolverStep, pMeanVariance, pSample, samplingIndices,
  spaceTimesteps, respacingWithSteps, type Dims4, type NoiseScheduleName, type Schedule,
} from './sampler.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const refDir = path.resolve(repoRoot, '../shared/reference/glide');
const readJson = (name: string) => JSON.parse(fs.readFileSync(path.join(refDir, name), 'utf8'));

const TOL = 1e-9;

function flat(v: unknown): number[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v as number];
}

/** Relative error, exact when the reference value is 0. */
function maxRelErr(got: ArrayLike<number>, want: number[]): number {
  assert.equal(got.length, want.length, 'length');
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    const e = want[i] === 0 ? d : d / Math.abs(want[i]);
    if (!(e <= worst)) worst = e; // also catches NaN
  }
  return worst;
}

const scheduleFields: Record<string, keyof Schedule> = {
  betas: 'betas',
  alphas_cumprod: 'alphasCumprod',
  alphas_cumprod_prev: 'alphasCumprodPrev',
  posterior_variance: 'posteriorVariance',
  posterior_log_variance_clipped: 'posteriorLogVarianceClipped',
  posterior_mean_coef1: 'posteriorMeanCoef1',
  posterior_mean_coef2: 'posteriorMeanCoef2',
  sqrt_recip_alphas_cumprod: 'sqrtRecipAlphasCumprod',
  sqrt_recipm1_alphas_cumprod: 'sqrtRecipm1AlphasCumprod',
};

test('schedules.json: every schedule, respacing and array', () => {
  const ref = readJson('schedules.json') as Record<string, Record<string, number[]>>;
  const keys = Object.keys(ref);
  assert.ok(keys.length >= 10, `expected 10 schedule entries, got ${keys.length}`);
  let worst = 0;
  for (const key of keys) {
    const [name, respacing] = key.split('/') as [NoiseScheduleName, string];
    const s = createSchedule(name, respacing);
    const want = ref[key];
    const refFields = Object.keys(want).filter((k) => k !== 'timestep_map');
    assert.deepEqual(refFields.sort(), Object.keys(scheduleFields).sort(), `${key}: fields`);
    assert.deepEqual(Array.from(s.timestepMap), want.timestep_map, `${key}: timestep_map`);
    for (const [refName, ours] of Object.entries(scheduleFields)) {
      const e = maxRelErr(s[ours] as Float64Array, want[refName]);
      assert.ok(e <= TOL, `${key} ${refName}: rel err ${e}`);
      worst = Math.max(worst, e);
    }
  }
  console.log(`schedules: ${keys.length} entries, max rel err ${worst.toExponential(2)}`);
});

test('sampler_step.json: mean, log_variance, pred_xstart, p_sample, ddim eta 0 and 1', () => {
  const ref = readJson('sampler_step.json');
  const shape: Dims4 = [2, 3, 4, 4];
  const x = Float64Array.from(flat(ref.x));
  const modelOutput = Float64Array.from(flat(ref.model_output));
  const knownRegion = {
    image: Float64Array.from(flat(ref.inpaint_image)),
    mask: Float64Array.from(flat(ref.inpaint_mask)),
  };
  const noise = Float64Array.from(flat(ref.noise));
  const s = createSchedule('squaredcos_cap_v2', '100');
  const input = { x, modelOutput, shape, knownRegion };
  const steps = Object.keys(ref.steps);
  assert.deepEqual(steps, ['0', '1', '57', '99']);
  const worst: Record<string, number> = {};
  for (const k of steps) {
    const index = Number(k);
    const want = ref.steps[k];
    const mv = pMeanVariance(s, index, input);
    const got: Record<string, Float64Array> = {
      mean: mv.mean,
      log_variance: mv.logVariance,
      pred_xstart: mv.predXstart,
      p_sample: pSample(s, index, input, noise).sample,
      ddim_eta0: ddimStep(s, index, input, 0).sample,
      ddim_eta1: ddimStep(s, index, input, 1, noise).sample,
    };
    assert.deepEqual(Object.keys(want).sort(), Object.keys(got).sort());
    for (const [name, arr] of Object.entries(got)) {
      const e = maxRelErr(arr, flat(want[name]));
      assert.ok(e <= TOL, `index ${k} ${name}: rel err ${e}`);
      worst[name] = Math.max(worst[name] ?? 0, e);
    }
  }
  console.log('sampler step max rel err:', Object.entries(worst).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(', '));
});

test('float32 inputs give float32 outputs close to the float64 path', () => {
  const s = createSchedule('squaredcos_cap_v2', '25');
  const shape: Dims4 = [1, 3, 2, 2];
  const x64 = Float64Array.from({ length: 12 }, (_, i) => Math.sin(i + 1));
  const mo64 = Float64Array.from({ length: 24 }, (_, i) => Math.cos(3 * i) * 0.9);
  const a = ddimStep(s, 10, { x: x64, modelOutput: mo64, shape }, 0).sample;
  const b = ddimStep(s, 10, { x: Float32Array.from(x64), modelOutput: Float32Array.from(mo64), shape }, 0).sample;
  assert.ok(b instanceof Float32Array);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-5);
});

test('respacingWithSteps keeps a ddim default in its family where a stride allows', () => {
  assert.equal(respacingWithSteps('ddim25', 40, 1000), 'ddim40');
  assert.equal(spaceTimesteps(1000, respacingWithSteps('ddim25', 40, 1000)).at(-1), 975); // not 999
  assert.equal(respacingWithSteps('ddim25', 999, 1000), '999'); // no integer stride gives 999 steps
  assert.equal(respacingWithSteps('25', 40, 1000), '40');
  assert.equal(respacingWithSteps('fast27', 30, 1000), '30');
  assert.equal(respacingWithSteps('trailing10', 12, 1000), 'trailing12');
});

test('spaceTimesteps: trailingN starts at the noisiest timestep, uniform in time', () => {
  assert.deepEqual(spaceTimesteps(1000, 'trailing10'), [99, 199, 299, 399, 499, 599, 699, 799, 899, 999]);
  // 1000/16 = 62.5: halves round to even, as numpy's round in diffusers' "trailing"
  assert.deepEqual(spaceTimesteps(1000, 'trailing16').slice(-3), [874, 937, 999]);
  assert.deepEqual(spaceTimesteps(1000, 'trailing6'), [166, 332, 499, 666, 832, 999]);
  assert.equal(spaceTimesteps(1000, 'trailing1000').length, 1000);
  assert.throws(() => spaceTimesteps(1000, 'trailing0'));
  assert.throws(() => spaceTimesteps(10, 'trailing11'));
  assert.throws(() => spaceTimesteps(1000, 'trailingx'));
  const s = createSchedule('squaredcos_cap_v2', 'trailing8');
  assert.equal(s.numSteps, 8);
  assert.equal(s.timestepMap[7], 999);
});

test('spaceTimesteps: logsnrN gathers the linear schedule\'s steps at low noise; it needs the schedule', () => {
  assert.deepEqual(spaceTimesteps(1000, 'logsnr6', 'linear'), [11, 73, 302, 603, 824, 999]);
  assert.equal(new Set(spaceTimesteps(1000, 'logsnr40', 'linear')).size, 40);
  assert.throws(() => spaceTimesteps(1000, 'logsnr6'), /noise schedule/);
  assert.equal(createSchedule('linear', 'logsnr6').numSteps, 6);
  assert.equal(respacingWithSteps('logsnr6', 8, 1000), 'logsnr8');
});

test('dpmSolverStep: without history it is DDIM eta 0; the last step returns x0; bad history and missing noise are refused', () => {
  const s = createSchedule('squaredcos_cap_v2', 'trailing10');
  const shape: Dims4 = [1, 3, 2, 2];
  const x = Float64Array.from({ length: 12 }, (_, i) => Math.sin(i + 1));
  const modelOutput = Float64Array.from({ length: 24 }, (_, i) => Math.cos(3 * i) * 0.9);
  const knownRegion = { image: new Float64Array(12).fill(0.25), mask: Float64Array.from([1, 0, 0, 1]) };
  const input = { x, modelOutput, shape, knownRegion };
  for (const index of [9, 5, 1]) {
    const a = dpmSolverStep(s, index, input, null).sample;
    const b = ddimStep(s, index, input, 0).sample;
    // DDIM rounds its scalar coefficients to float32 as the reference does; the solver keeps float64.
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-6, `index ${index}: ${a[i]} vs ${b[i]}`);
  }
  const last = dpmSolverStep(s, 0, input, { index: 1, predXstart: new Float64Array(12) });
  assert.deepEqual(Array.from(last.sample), Array.from(last.predXstart));
  assert.equal(last.predXstart[0], 0.25, 'the known region is written into x0');
  const prev = { index: 6, predXstart: new Float64Array(12) };
  assert.throws(() => dpmSolverStep(s, 4, input, prev), /history/);
  assert.throws(() => dpmSolverStep(s, 5, input, null, 0.5), /noise/);
  // The second-order term: D = x0 + (x0 - x0_prev) h / (2 h_prev), so a history equal to x0 changes nothing.
  const first = dpmSolverStep(s, 5, input, null);
  const same = dpmSolverStep(s, 5, input, { index: 6, predXstart: first.predXstart });
  assert.deepEqual(Array.from(same.sample), Array.from(first.sample));
  const other = dpmSolverStep(s, 5, input, prev);
  assert.ok(other.sample.some((v, i) => Math.abs(v - first.sample[i]) > 1e-3), 'a different history changes the step');
});

test('dpmSolverStep with eta > 0 adds noise of the SDE variant\'s size and keeps float32 arrays', () => {
  const s = createSchedule('squaredcos_cap_v2', 'trailing10');
  const shape: Dims4 = [1, 3, 2, 2];
  const x = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i + 1));
  const modelOutput = Float32Array.from({ length: 24 }, (_, i) => Math.cos(3 * i) * 0.9);
  const noise = new Float32Array(12).fill(1);
  const quiet = dpmSolverStep(s, 5, { x, modelOutput, shape }, null, 1, new Float32Array(12));
  const noisy = dpmSolverStep(s, 5, { x, modelOutput, shape }, null, 1, noise);
  assert.ok(noisy.sample instanceof Float32Array);
  const abNext = s.alphasCumprodPrev[5], ab = s.alphasCumprod[5];
  const h = 0.5 * Math.log(abNext / (1 - abNext)) - 0.5 * Math.log(ab / (1 - ab));
  const want = Math.sqrt(1 - abNext) * Math.sqrt(1 - Math.exp(-2 * h));
  for (let i = 0; i < 12; i++) assert.ok(Math.abs(noisy.sample[i] - quiet.sample[i] - want) < 1e-6);
});

test('spaceTimesteps: ddimN, section strings and errors', () => {
  assert.deepEqual(spaceTimesteps(1000, 'ddim50'), Array.from({ length: 50 }, (_, i) => i * 20));
  assert.deepEqual(spaceTimesteps(1000, 'ddim25').length, 25);
  assert.deepEqual(spaceTimesteps(10, '2,3'), [0, 4, 5, 7, 9]);
  assert.deepEqual(spaceTimesteps(10, [2, 3]), [0, 4, 5, 7, 9]);
  assert.throws(() => spaceTimesteps(1000, 'ddim999'));
  assert.throws(() => spaceTimesteps(10, '11'));
  assert.throws(() => spaceTimesteps(10, 'abc'));
  const s = createSchedule('linear', 'ddim50');
  assert.equal(s.numSteps, 50);
  assert.deepEqual(samplingIndices(s).slice(0, 3), [49, 48, 47]);
  assert.equal(samplingIndices(s).at(-1), 0);
});

test('classifierFreeGuidance: guided eps, variance from the prompted half', () => {
  const shape: Dims4 = [2, 4, 1, 2]; // B=1, C=2
  const cond = [1, 2, 3, 4, 0.5, 0.6, 0.7, 0.8];
  const uncond = [0, 1, 1, 1, -0.5, -0.6, -0.7, -0.8];
  const out = classifierFreeGuidance(Float32Array.from([...cond, ...uncond]), shape, 3);
  assert.ok(out instanceof Float32Array);
  assert.deepEqual(Array.from(out), [3, 4, 7, 10, 0.5, 0.6, 0.7, 0.8].map(Math.fround));
  assert.throws(() => classifierFreeGuidance(new Float32Array(8), [1, 8, 1, 1], 3));
});

test('step input validation', () => {
  const s = createSchedule('squaredcos_cap_v2', '25');
  const shape: Dims4 = [1, 3, 2, 2];
  const x = new Float64Array(12);
  assert.throws(() => pMeanVariance(s, 0, { x, modelOutput: new Float64Array(12), shape }));
  assert.throws(() => pMeanVariance(s, 25, { x, modelOutput: new Float64Array(24), shape }));
  assert.throws(() => ddimStep(s, 5, { x, modelOutput: new Float64Array(24), shape }, 1));
  // broadcast known region (batch 1 image/mask) is accepted
  const kr = { image: new Float64Array(12).fill(0.5), mask: new Float64Array(4).fill(1) };
  const r = pMeanVariance(s, 3, { x, modelOutput: new Float64Array(24), shape, knownRegion: kr });
  assert.deepEqual(Array.from(r.predXstart), new Array(12).fill(0.5));
});

test('adjustXstart sees each image\'s x0 after the known region and before clipping; the step uses its result', () => {
  const s = createSchedule('squaredcos_cap_v2', '25');
  const shape: Dims4 = [2, 3, 2, 2];
  const x = new Float64Array(24).fill(0.1);
  const modelOutput = new Float64Array(48);
  // Pixel 0 kept (0.5), the rest generated.
  const knownRegion = { image: new Float64Array(12).fill(0.5), mask: Float64Array.from([1, 0, 0, 0]) };
  const plain = pMeanVariance(s, 3, { x, modelOutput, shape, knownRegion });
  const seen: number[][] = [];
  const adjusted = pMeanVariance(s, 3, {
    x, modelOutput, shape, knownRegion,
    adjustXstart: (x0, b) => {
      seen.push([b, x0[0], x0[1]]);
      for (let i = 1; i < 4; i++) x0[i] += b === 0 ? 5 : -0.25; // channel 0 only
    },
  });
  assert.deepEqual(seen.map((v) => v[0]), [0, 1], 'called once per image, in order');
  for (const [, kept, generated] of seen) {
    assert.equal(kept, 0.5, 'the known pixel is already written');
    assert.equal(generated, plain.predXstart[1], 'the generated pixel is the model\'s x0');
  }
  assert.deepEqual(Array.from(adjusted.predXstart.subarray(0, 4)), [0.5, 1, 1, 1], 'image 0: clipped after the hook');
  for (let i = 1; i < 4; i++) assert.ok(Math.abs(adjusted.predXstart[12 + i] - (plain.predXstart[12 + i] - 0.25)) < 1e-12, 'image 1 shifted');
  assert.deepEqual(Array.from(adjusted.predXstart.subarray(4, 12)), Array.from(plain.predXstart.subarray(4, 12)), 'other channels untouched');
  const step = ddimStep(s, 3, { x, modelOutput, shape, knownRegion, adjustXstart: (x0) => x0.fill(0) }, 0);
  assert.ok(step.predXstart.every((v) => v === 0), 'DDIM steps from the adjusted x0');
});

test('a schedule may start below pure noise: the respacing spreads over [0, below), alphas kept', () => {
  const full = createSchedule('linear', '1000', 1000);
  const s = createSchedule('linear', 'ddim5', 1000, 500);
  assert.deepEqual(Array.from(s.timestepMap), [0, 100, 200, 300, 400]);
  for (let i = 0; i < 5; i++) assert.ok(Math.abs(s.alphasCumprod[i] - full.alphasCumprod[s.timestepMap[i]]) < 1e-12);
  assert.deepEqual(Array.from(createSchedule('linear', 'trailing4', 1000, 401).timestepMap), [99, 199, 300, 400]);
  assert.throws(() => createSchedule('linear', 'ddim5', 1000, 0), RangeError);
});

test('logsnrN below a start: uniform in the whole schedule\'s log-SNR from timestep below-1 down toward 0', () => {
  const full = createSchedule('linear', '1000', 1000);
  const lambda = (t: number) => 0.5 * Math.log(full.alphasCumprod[t] / (1 - full.alphasCumprod[t]));
  const s = createSchedule('linear', 'logsnr3', 1000, 401);
  assert.deepEqual(Array.from(s.timestepMap), [14, 101, 400]);
  // Equal steps in log-SNR, to the timestep nearest each point (lambda(0) the end, left out).
  const h = (lambda(0) - lambda(400)) / 3;
  for (const [k, t] of [[1, 101], [2, 14]]) {
    for (const u of [t - 1, t + 1]) assert.ok(Math.abs(lambda(t) - lambda(400) - k * h) <= Math.abs(lambda(u) - lambda(400) - k * h));
  }
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(s.alphasCumprod[i] - full.alphasCumprod[s.timestepMap[i]]) < 1e-12);
  // The whole schedule's spacing is unchanged.
  assert.deepEqual(Array.from(createSchedule('linear', 'logsnr5', 1000, 1000).timestepMap), spaceTimesteps(1000, 'logsnr5', 'linear'));
  assert.throws(() => createSchedule('linear', 'logsnr402', 1000, 401), /bad respacing/);
});
