/**
 * GLIDE's diffusion sampler as plain math on typed arrays (no model, no I/O).
 *
 * Follows the behaviour of openai/glide-text2im's gaussian_diffusion.py + respace.py:
 * noise schedules, respacing, the learned-range variance, x0 prediction from eps,
 * the known-region (inpainting) hook, DDPM p_sample and DDIM steps, and the
 * classifier-free guidance combination the reference notebooks use.
 *
 * How the engine drives it (one image, batch 1):
 *
 *   const s = createSchedule('squaredcos_cap_v2', '25');   // upsampler: ('linear', 'fast27')
 *   let x = xT;                                             // [1, 3, H, W] starting noise
 *   for (const i of samplingIndices(s)) {                   // numSteps-1 down to 0
 *     // model called on [x, x] with tokens [prompt, empty prompt] at timestep s.timestepMap[i]
 *     const out = runModel(x, s.timestepMap[i]);            // [2, 6, H, W]
 *     const modelOutput = classifierFreeGuidance(out, [2, 6, H, W], guidance); // [1, 6, H, W]
 *     const input = { x, modelOutput, shape: [1, 3, H, W], knownRegion: { image, mask } };
 *     x = ddimStep(s, i, input, 0).sample;                  // or pSample(s, i, input, noise_i)
 *   }
 *
 * DPM-Solver++(2M) (dpmSolverStep) is the third sampler: a second-order multistep solver of the
 * probability-flow ODE in the data-prediction form (Lu et al. 2022, arXiv 2211.01095), which reaches
 * DDIM's result in far fewer steps. It takes the same guided model output and the same hooked x0
 * prediction as DDIM, plus the previous step's x0, and suits the "trailingN" spacing (below).
 *
 * Indices are positions in the respaced schedule; only the model sees timestepMap[i].
 * Schedule arrays are exact float64. Like the reference (its _extract_into_tensor casts to
 * float32), a step first rounds the constants it reads to float32 and does the scalar DDIM
 * arithmetic (sigma and its coefficients) in float32; per-pixel math is float64. Results are
 * stored in arrays of the same type as `x`, so a Float32Array loop behaves like the float32
 * reference and a Float64Array one reproduces the reference's float64 test vectors exactly.
 */

export type FloatArray = Float32Array | Float64Array;
export type NoiseScheduleName = 'squaredcos_cap_v2' | 'linear';
/** NCHW dimensions. */
export type Dims4 = readonly [number, number, number, number];

// ---------------------------------------------------------------------------
// Noise schedules and respacing

/** Betas of the original (un-respaced) process. */
export function betasForSchedule(name: NoiseScheduleName, numTimesteps: number): Float64Array {
  const betas = new Float64Array(numTimesteps);
  if (name === 'linear') {
    // Ho et al.'s linear schedule, scaled so any step count spans the same range as 1000 steps.
    const scale = 1000 / numTimesteps;
    const start = scale * 0.0001;
    const end = scale * 0.02;
    // Same arithmetic as numpy.linspace (i*step + start, last value exactly `end`).
    const step = (end - start) / (numTimesteps - 1);
    for (let i = 0; i < numTimesteps; i++) betas[i] = i * step + start;
    betas[numTimesteps - 1] = end;
  } else if (name === 'squaredcos_cap_v2') {
    // Cosine alpha-bar (Nichol & Dhariwal); beta capped at 0.999 to avoid a singular last step.
    const alphaBar = (t: number) => Math.cos(((t + 0.008) / 1.008) * Math.PI / 2) ** 2;
    for (let i = 0; i < numTimesteps; i++) {
      const t1 = i / numTimesteps;
      const t2 = (i + 1) / numTimesteps;
      betas[i] = Math.min(1 - alphaBar(t2) / alphaBar(t1), 0.999);
    }
  } else {
    throw new Error(`unknown noise schedule: ${String(name)}`);
  }
  return betas;
}

/** Python's round(): halves go to the even neighbour (matters for exact .5 strides). */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Which original timesteps to keep, ascending. `sectionCounts` is "N" or "a,b,c" (the process is
 * cut into equal sections, each strided to that many steps), "ddimN" (one integer stride giving
 * exactly N steps), "fast27" ("10,10,3,2,2" with the last step moved to T-3) or "trailingN".
 *
 * "trailingN" (Lin et al. 2023, arXiv 2305.08891) keeps round(T - k*T/N) - 1 for k = 0..N-1: the first
 * step is the noisiest timestep T-1, where the starting noise really is pure noise, and the steps are
 * uniform in time down to T/N - 1, from which the last step predicts x0. The "N" spacing spends its
 * last model call at timestep 0, where nothing is left to denoise, and "ddimN" starts at T - T/N, where
 * the model expects some signal the starting noise does not have. For the cosine schedule uniform in
 * time is close to uniform in log-SNR except at the two ends, which log-SNR spacing would crowd with
 * steps that change little; DPM-Solver's authors advise uniform time steps for guided sampling.
 *
 * "logsnrN" (needs `schedule`) keeps the timesteps nearest to N+1 points uniform in log-SNR from the
 * noisiest timestep to timestep 0, the last point left out (it would denoise nothing), as DPM-Solver's
 * "logSNR" steps. For the linear schedule (the upsampler's) log-SNR falls fast near t = 0, where the fine
 * detail forms, so these steps gather there (6 steps: 999, 824, 603, 302, 73, 11) where trailing steps would
 * leave the last x0 prediction to t = 166. Not for the cosine schedule, whose capped
 * last beta puts its noisiest log-SNR far out and crowds the first steps at t > 990. Below a start
 * (createSchedule's `below`, an upsampler starting from its noised low-res input) the points run from
 * timestep below-1 instead, in the whole schedule's log-SNR (3 steps below 401: 400, 101, 14).
 */
export function spaceTimesteps(numTimesteps: number, sectionCounts: string | readonly number[], schedule?: NoiseScheduleName): number[] {
  let counts: number[];
  if (typeof sectionCounts === 'string' && sectionCounts.startsWith('logsnr')) {
    const n = logSnrCount(sectionCounts, numTimesteps);
    if (!schedule) throw new Error(`respacing ${sectionCounts} needs the noise schedule`);
    return logSnrTimesteps(betasForSchedule(schedule, numTimesteps), n);
  }
  if (typeof sectionCounts === 'string') {
    if (sectionCounts.startsWith('ddim')) {
      const desired = Number.parseInt(sectionCounts.slice(4), 10);
      const stride = ddimStride(numTimesteps, desired);
      if (stride === undefined) throw new Error(`cannot create exactly ${desired} steps with an integer stride`);
      const steps: number[] = [];
      for (let t = 0; t < numTimesteps; t += stride) steps.push(t);
      return steps;
    }
    if (sectionCounts.startsWith('trailing')) {
      const n = Number(sectionCounts.slice(8));
      if (!Number.isInteger(n) || n < 1 || n > numTimesteps) throw new Error(`bad respacing: ${sectionCounts}`);
      const steps = new Set<number>();
      for (let k = 0; k < n; k++) steps.add(roundHalfEven(numTimesteps - (k * numTimesteps) / n) - 1); // numpy's round, as diffusers
      if (steps.size !== n) throw new Error(`cannot create exactly ${n} trailing steps of ${numTimesteps}`);
      return [...steps].sort((a, b) => a - b);
    }
    if (sectionCounts === 'fast27') {
      // The reference drops the noisiest step to reduce DDIM artifacts.
      const steps = new Set(spaceTimesteps(numTimesteps, '10,10,3,2,2'));
      steps.delete(numTimesteps - 1);
      steps.add(numTimesteps - 3);
      return [...steps].sort((a, b) => a - b);
    }
    counts = sectionCounts.split(',').map((s) => {
      const n = Number(s.trim());
      if (!Number.isInteger(n) || n < 0 || s.trim() === '') throw new Error(`bad respacing: ${sectionCounts}`);
      return n;
    });
  } else {
    counts = [...sectionCounts];
  }
  const sizePer = Math.floor(numTimesteps / counts.length);
  const extra = numTimesteps % counts.length;
  const all = new Set<number>();
  let startIdx = 0;
  counts.forEach((count, i) => {
    const size = sizePer + (i < extra ? 1 : 0);
    if (size < count) throw new Error(`cannot divide section of ${size} steps into ${count}`);
    const fracStride = count <= 1 ? 1 : (size - 1) / (count - 1);
    let cur = 0;
    for (let k = 0; k < count; k++) {
      all.add(startIdx + roundHalfEven(cur));
      cur += fracStride; // accumulated like the reference, so rounding matches
    }
    startIdx += size;
  });
  return [...all].sort((a, b) => a - b);
}

/** N of "logsnrN", at most `numTimesteps`. */
function logSnrCount(respacing: string, numTimesteps: number): number {
  const n = Number(respacing.slice(6));
  if (!Number.isInteger(n) || n < 1 || n > numTimesteps) throw new Error(`bad respacing: ${respacing}`);
  return n;
}

/**
 * N timesteps nearest to log-SNR points uniform from timestep `last` (default the noisiest) to timestep 0
 * (excluded).
 */
function logSnrTimesteps(betas: Float64Array, n: number, last = betas.length - 1): number[] {
  const lambda = new Float64Array(betas.length);
  let ab = 1;
  for (let t = 0; t < betas.length; t++) {
    ab *= 1 - betas[t];
    lambda[t] = 0.5 * (Math.log(ab) - Math.log(1 - ab));
  }
  const steps = new Set<number>();
  let t = last;
  for (let k = 0; k < n; k++) {
    const target = lambda[last] + (k * (lambda[0] - lambda[last])) / n;
    while (t > 0 && Math.abs(lambda[t - 1] - target) < Math.abs(lambda[t] - target)) t--; // lambda rises as t falls
    steps.add(t);
    if (t > 0) t--; // distinct timesteps, still descending
  }
  if (steps.size !== n) throw new Error(`cannot create exactly ${n} log-SNR steps of ${betas.length}`);
  return [...steps].sort((a, b) => a - b);
}

/**
 * A bundle's default respacing at another step count (a person chose `steps`): "ddimK" stays in its
 * family ("ddimN", whose integer stride never samples the noisiest timestep; small models predict x0
 * there badly) when a stride gives exactly N steps, "trailingK" becomes "trailingN"; anything else
 * becomes the reference's "N".
 */
export function respacingWithSteps(defaultRespacing: string, steps: number, numTimesteps: number): string {
  if (defaultRespacing.startsWith('trailing')) return `trailing${steps}`;
  if (defaultRespacing.startsWith('logsnr')) return `logsnr${steps}`;
  return defaultRespacing.startsWith('ddim') && ddimStride(numTimesteps, steps) !== undefined ? `ddim${steps}` : String(steps);
}

/** The integer stride that gives exactly `steps` of `numTimesteps` ("ddimN"), if there is one. */
function ddimStride(numTimesteps: number, steps: number): number | undefined {
  for (let stride = 1; stride < numTimesteps; stride++) {
    if (Math.ceil(numTimesteps / stride) === steps) return stride;
  }
  return undefined;
}

/** Respaced process constants, indexed by the respaced step index. All float64. */
export interface Schedule {
  readonly numSteps: number;
  /** Model timestep (in the original process) for each respaced index. */
  readonly timestepMap: Int32Array;
  readonly betas: Float64Array;
  readonly logBetas: Float64Array;
  readonly alphasCumprod: Float64Array;
  readonly alphasCumprodPrev: Float64Array;
  readonly posteriorVariance: Float64Array;
  readonly posteriorLogVarianceClipped: Float64Array;
  readonly posteriorMeanCoef1: Float64Array;
  readonly posteriorMeanCoef2: Float64Array;
  readonly sqrtRecipAlphasCumprod: Float64Array;
  readonly sqrtRecipm1AlphasCumprod: Float64Array;
}

/** Derived constants for a beta sequence (already respaced, if respacing). */
export function scheduleFromBetas(betas: Float64Array, timestepMap?: ArrayLike<number>): Schedule {
  const n = betas.length;
  if (n === 0) throw new Error('empty schedule');
  const f = () => new Float64Array(n);
  const logBetas = f(), ac = f(), acPrev = f(), postVar = f(), postLogVar = f();
  const coef1 = f(), coef2 = f(), sra = f(), srm1 = f();
  let prod = 1;
  for (let i = 0; i < n; i++) {
    const b = betas[i];
    if (!(b > 0 && b <= 1)) throw new Error(`beta out of (0, 1] at ${i}: ${b}`);
    acPrev[i] = prod;
    prod *= 1 - b;
    ac[i] = prod;
  }
  for (let i = 0; i < n; i++) {
    const b = betas[i];
    logBetas[i] = Math.log(b);
    sra[i] = Math.sqrt(1 / ac[i]);
    srm1[i] = Math.sqrt(1 / ac[i] - 1);
    postVar[i] = (b * (1 - acPrev[i])) / (1 - ac[i]);
    coef1[i] = (b * Math.sqrt(acPrev[i])) / (1 - ac[i]);
    coef2[i] = ((1 - acPrev[i]) * Math.sqrt(1 - b)) / (1 - ac[i]);
  }
  // The posterior variance is 0 at index 0; its log borrows index 1's value (as the reference).
  for (let i = 0; i < n; i++) postLogVar[i] = Math.log(i === 0 && n > 1 ? postVar[1] : postVar[i]);
  const map = new Int32Array(n);
  for (let i = 0; i < n; i++) map[i] = timestepMap ? timestepMap[i] : i;
  return {
    numSteps: n, timestepMap: map, betas: Float64Array.from(betas), logBetas,
    alphasCumprod: ac, alphasCumprodPrev: acPrev, posteriorVariance: postVar,
    posteriorLogVarianceClipped: postLogVar, posteriorMeanCoef1: coef1, posteriorMeanCoef2: coef2,
    sqrtRecipAlphasCumprod: sra, sqrtRecipm1AlphasCumprod: srm1,
  };
}

/** A named schedule respaced to `respacing` (e.g. "100", "25", "fast27", "ddim50"). */
export function createSchedule(name: NoiseScheduleName, respacing: string, numTimesteps = 1000, below = numTimesteps): Schedule {
  const base = betasForSchedule(name, numTimesteps);
  // `below` < numTimesteps: the respacing spreads over timesteps [0, below) only, for sampling that starts
  // from a partly noised image rather than from pure noise (the upsampler's start, upsample-plan.ts).
  if (!Number.isInteger(below) || below < 1 || below > numTimesteps) throw new RangeError(`a schedule cannot start below timestep ${below} of ${numTimesteps}`);
  // "logsnrN" below the start: uniform in the whole schedule's log-SNR from timestep below-1 to 0 (a schedule
  // of `below` steps would be another one: the linear schedule's betas scale with the step count).
  const keep = new Set(below < numTimesteps && respacing.startsWith('logsnr')
    ? logSnrTimesteps(base, logSnrCount(respacing, below), below - 1)
    : spaceTimesteps(below, respacing, name));
  // New betas reproduce the original alphas_cumprod at the kept timesteps.
  const betas: number[] = [];
  const map: number[] = [];
  let acBase = 1;
  let lastKept = 1;
  for (let t = 0; t < numTimesteps; t++) {
    acBase *= 1 - base[t];
    if (keep.has(t)) {
      betas.push(1 - acBase / lastKept);
      lastKept = acBase;
      map.push(t);
    }
  }
  return scheduleFromBetas(Float64Array.from(betas), map);
}

/** Respaced indices in sampling order: numSteps-1 down to 0. */
export function samplingIndices(schedule: Schedule): number[] {
  return Array.from({ length: schedule.numSteps }, (_, k) => schedule.numSteps - 1 - k);
}

// ---------------------------------------------------------------------------
// One step

/** Inpainting: where mask is 1 the known image replaces the x0 prediction. */
export interface KnownRegion {
  /** [N or 1, C, H, W] in [-1, 1]. */
  image: FloatArray;
  /** [N or 1, 1, H, W]; 1 = keep the known pixel, 0 = generate. */
  mask: FloatArray;
}

export interface StepInput<T extends FloatArray> {
  /** Current sample at this respaced index, [N, C, H, W]. */
  x: T;
  /** [N, 2C, H, W]: eps, then the learned-range variance value v in [-1, 1]. */
  modelOutput: FloatArray;
  /** Dimensions of x. */
  shape: Dims4;
  knownRegion?: KnownRegion;
  /** Clip the x0 prediction to [-1, 1] (after the known region); default true. */
  clipDenoised?: boolean;
  /** Changes the x0 prediction of one image [C, H, W] in place, after the known region, before clipping. */
  adjustXstart?: (x0: Float64Array, batchIndex: number) => void;
}

export interface MeanVariance<T extends FloatArray> {
  mean: T;
  logVariance: T;
  predXstart: T;
}

export interface StepResult<T extends FloatArray> {
  sample: T;
  predXstart: T;
}

const f32 = Math.fround;

function like<T extends FloatArray>(a: T, n: number): T {
  return (a instanceof Float32Array ? new Float32Array(n) : new Float64Array(n)) as T;
}

function checkIndex(s: Schedule, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= s.numSteps) {
    throw new Error(`step index ${index} outside 0..${s.numSteps - 1}`);
  }
}

function checkInput<T extends FloatArray>(input: StepInput<T>): void {
  const [n, c, h, w] = input.shape;
  const size = n * c * h * w;
  if (input.x.length !== size) throw new Error(`x has ${input.x.length} values, shape says ${size}`);
  if (input.modelOutput.length !== 2 * size) {
    throw new Error(`modelOutput has ${input.modelOutput.length} values, expected ${2 * size} ([N, 2C, H, W])`);
  }
  const kr = input.knownRegion;
  if (kr) {
    if (kr.image.length !== size && kr.image.length !== c * h * w) throw new Error('known-region image size mismatch');
    if (kr.mask.length !== n * h * w && kr.mask.length !== h * w) throw new Error('known-region mask size mismatch');
  }
}

/**
 * Mean and log-variance of p(x_{t-1} | x_t) and the (hooked, clipped) x0 prediction.
 * x0 = sqrt(1/ab)*x - sqrt(1/ab - 1)*eps; log var = lerp(posterior log var, log beta, (v+1)/2).
 */
export function pMeanVariance<T extends FloatArray>(s: Schedule, index: number, input: StepInput<T>): MeanVariance<T> {
  checkIndex(s, index);
  checkInput(input);
  const { x, modelOutput, knownRegion } = input;
  const clip = input.clipDenoised ?? true;
  const [n, c, h, w] = input.shape;
  const hw = h * w;
  const chw = c * hw;
  const mean = like(x, x.length), logVariance = like(x, x.length), predXstart = like(x, x.length);
  const sra = f32(s.sqrtRecipAlphasCumprod[index]), srm1 = f32(s.sqrtRecipm1AlphasCumprod[index]);
  const minLog = f32(s.posteriorLogVarianceClipped[index]), maxLog = f32(s.logBetas[index]);
  const c1 = f32(s.posteriorMeanCoef1[index]), c2 = f32(s.posteriorMeanCoef2[index]);
  const imgBatched = knownRegion ? knownRegion.image.length === n * chw : false;
  const maskBatched = knownRegion ? knownRegion.mask.length === n * hw : false;
  const x0s = new Float64Array(chw); // one image's x0, in double as the per-pixel math
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const xo = b * chw + ch * hw; // offset in x
      const eo = b * 2 * chw + ch * hw; // eps channel in model output
      for (let p = 0; p < hw; p++) {
        let x0 = sra * x[xo + p] - srm1 * modelOutput[eo + p];
        if (knownRegion) {
          const m = knownRegion.mask[(maskBatched ? b * hw : 0) + p];
          const im = knownRegion.image[(imgBatched ? b * chw : 0) + ch * hw + p];
          x0 = x0 * (1 - m) + im * m;
        }
        x0s[ch * hw + p] = x0;
      }
    }
    input.adjustXstart?.(x0s, b);
    for (let ch = 0; ch < c; ch++) {
      const xo = b * chw + ch * hw;
      const vo = b * 2 * chw + ch * hw + chw; // the matching variance channel in model output
      for (let p = 0; p < hw; p++) {
        let x0 = x0s[ch * hw + p];
        if (clip) x0 = x0 < -1 ? -1 : x0 > 1 ? 1 : x0;
        const frac = (modelOutput[vo + p] + 1) / 2;
        predXstart[xo + p] = x0;
        mean[xo + p] = c1 * x0 + c2 * x[xo + p];
        logVariance[xo + p] = frac * maxLog + (1 - frac) * minLog;
      }
    }
  }
  return { mean, logVariance, predXstart };
}

/** DDPM ancestral step: mean + exp(logvar/2) * noise; no noise at index 0. */
export function pSample<T extends FloatArray>(
  s: Schedule, index: number, input: StepInput<T>, noise: FloatArray,
): StepResult<T> {
  const { mean, logVariance, predXstart } = pMeanVariance(s, index, input);
  if (noise.length !== mean.length) throw new Error('noise size mismatch');
  const sample = like(input.x, mean.length);
  for (let i = 0; i < mean.length; i++) {
    sample[i] = index === 0 ? mean[i] : mean[i] + Math.exp(0.5 * logVariance[i]) * noise[i];
  }
  return { sample, predXstart };
}

/**
 * DDIM step (Song et al. eq. 12). eps is re-derived from the hooked/clipped x0, so the known
 * region steers the trajectory. eta 0 is deterministic (noise may be omitted).
 */
export function ddimStep<T extends FloatArray>(
  s: Schedule, index: number, input: StepInput<T>, eta: number, noise?: FloatArray | null,
): StepResult<T> {
  const { predXstart } = pMeanVariance(s, index, input);
  const x = input.x;
  const ab = f32(s.alphasCumprod[index]), abPrev = f32(s.alphasCumprodPrev[index]);
  // float32 op by op, as the reference computes these scalars on float32 tensors.
  const sigma = f32(
    f32(eta * f32(Math.sqrt(f32(f32(1 - abPrev) / f32(1 - ab)))))
    * f32(Math.sqrt(f32(1 - f32(ab / abPrev)))),
  );
  const useNoise = index !== 0 && sigma !== 0;
  if (useNoise && (!noise || noise.length !== x.length)) throw new Error('ddimStep with eta > 0 needs noise of x\'s size');
  const sra = f32(s.sqrtRecipAlphasCumprod[index]), srm1 = f32(s.sqrtRecipm1AlphasCumprod[index]);
  const sqrtAbPrev = f32(Math.sqrt(abPrev));
  const dirCoef = f32(Math.sqrt(f32(f32(1 - abPrev) - f32(sigma * sigma))));
  const sample = like(x, x.length);
  for (let i = 0; i < x.length; i++) {
    const eps = (sra * x[i] - predXstart[i]) / srm1;
    const meanPred = predXstart[i] * sqrtAbPrev + dirCoef * eps;
    sample[i] = useNoise ? meanPred + sigma * noise![i] : meanPred;
  }
  return { sample, predXstart };
}

/** The previous DPM-Solver step: its respaced index and its x0 prediction. */
export interface SolverHistory {
  index: number;
  predXstart: FloatArray;
}

/** alpha_t (signal scale), sigma_t (noise scale) and lambda_t = log(alpha_t / sigma_t) at a cumulative alpha. */
function noiseLevel(alphaBar: number): { alpha: number; sigma: number; lambda: number } {
  const alpha = Math.sqrt(alphaBar), sigma = Math.sqrt(1 - alphaBar);
  return { alpha, sigma, lambda: Math.log(alpha) - Math.log(sigma) };
}

/**
 * DPM-Solver++(2M) step from respaced index `index` to index-1 (x0 itself after index 0), Lu et al.
 * 2022 (arXiv 2211.01095) Algorithm 2, with h = lambda_next - lambda_now and D the x0 estimate:
 *
 *   x_next = (sigma_next / sigma_now) e^(-eta h) x + alpha_next (1 - e^(-(1+eta) h)) D
 *            + sigma_next sqrt(1 - e^(-2 eta h)) noise
 *   D = x0 + (x0 - x0_prev) / (2r),  r = h_prev / h   (D = x0 on the first step, without history)
 *
 * x0 is pMeanVariance's: the known region written in, `adjustXstart` applied, clipped, so the
 * known region steers the trajectory as in DDIM. eta 0 is the probability-flow ODE solver; eta > 0
 * its SDE variant (eta 1: SDE-DPM-Solver++(2M), the reverse SDE), whose noise must be given. The
 * last step (to alpha_bar 1, where h is infinite) returns x0: the first-order step there, as the
 * solver's authors do. With `previous` null every step is first order, which is DDIM (eta 0).
 * Scalar coefficients are float64; per-pixel math float64, stored in x's array type.
 */
export function dpmSolverStep<T extends FloatArray>(
  s: Schedule, index: number, input: StepInput<T>, previous: SolverHistory | null, eta = 0, noise?: FloatArray | null,
): StepResult<T> {
  const { predXstart } = pMeanVariance(s, index, input);
  const x = input.x;
  const sample = like(x, x.length);
  if (s.alphasCumprodPrev[index] >= 1) {
    sample.set(predXstart);
    return { sample, predXstart };
  }
  if (!(eta >= 0)) throw new Error(`eta must be >= 0, got ${eta}`);
  const now = noiseLevel(s.alphasCumprod[index]);
  const next = noiseLevel(s.alphasCumprodPrev[index]);
  const h = next.lambda - now.lambda;
  const useNoise = eta > 0;
  if (useNoise && (!noise || noise.length !== x.length)) throw new Error('dpmSolverStep with eta > 0 needs noise of x\'s size');
  const xCoef = (next.sigma / now.sigma) * Math.exp(-eta * h);
  const dCoef = next.alpha * -Math.expm1(-(1 + eta) * h);
  const noiseCoef = useNoise ? next.sigma * Math.sqrt(-Math.expm1(-2 * eta * h)) : 0;
  let correction = 0; // weight of (x0 - x0_prev) in D
  let prev: FloatArray | null = null;
  if (previous) {
    if (previous.index !== index + 1) throw new Error(`dpmSolverStep at ${index} needs the step at ${index + 1} as history, got ${previous.index}`);
    if (previous.predXstart.length !== x.length) throw new Error('history x0 size mismatch');
    const hPrev = now.lambda - noiseLevel(s.alphasCumprod[previous.index]).lambda;
    correction = h / (2 * hPrev); // 1 / (2r)
    prev = previous.predXstart;
  }
  for (let i = 0; i < x.length; i++) {
    const x0 = predXstart[i];
    const d = prev ? x0 + correction * (x0 - prev[i]) : x0;
    const v = xCoef * x[i] + dCoef * d;
    sample[i] = useNoise ? v + noiseCoef * noise![i] : v;
  }
  return { sample, predXstart };
}

// ---------------------------------------------------------------------------
// Classifier-free guidance

/**
 * The model ran on batch 2B: rows 0..B-1 with the prompt, rows B..2B-1 with the empty prompt
 * (both on the same x). Returns [B, 2C, H, W]: eps = uncond + scale*(cond - uncond) and the
 * learned-variance channels of the prompted rows, as the reference sampling code does.
 * `shape` is the model output's: [2B, 2C, H, W].
 */
export function classifierFreeGuidance<T extends FloatArray>(modelOutput: T, shape: Dims4, scale: number): T {
  const [n2, c2, h, w] = shape;
  if (n2 % 2 !== 0 || c2 % 2 !== 0) throw new Error(`guidance needs even batch and channels, got [${shape.join(', ')}]`);
  const rowSize = c2 * h * w;
  if (modelOutput.length !== n2 * rowSize) throw new Error('model output size does not match its shape');
  const b = n2 / 2;
  const epsSize = (c2 / 2) * h * w;
  const out = like(modelOutput, b * rowSize);
  for (let r = 0; r < b; r++) {
    const co = r * rowSize, uo = (r + b) * rowSize;
    for (let i = 0; i < epsSize; i++) {
      const cond = modelOutput[co + i], uncond = modelOutput[uo + i];
      out[co + i] = uncond + scale * (cond - uncond);
    }
    for (let i = epsSize; i < rowSize; i++) out[co + i] = modelOutput[co + i];
  }
  return out;
}
