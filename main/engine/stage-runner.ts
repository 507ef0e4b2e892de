/**
 * One diffusion stage of an edit, composed from the stage's two graphs and the sampler math: the
 * text encoder once, then the denoiser once per step (prompt and empty prompt at batch 2 when
 * guided), the known region re-imposed on every x0 prediction, DDIM, DDPM or DPM-Solver++(2M) steps.
 */
import * as ort from 'onnxruntime-node';
import type { StageGraphs } from './bundle/load.ts';
import type { Stage, StageName } from './bundle/schema.ts';
import { CancelledError, ModelFailureError } from './errors.ts';
import type { SamplerName } from './protocol.ts';
import type { NoiseSource } from './rng.ts';
import { type Dims4, type Schedule, type SolverHistory, type StepResult, classifierFreeGuidance, ddimStep, dpmSolverStep, pSample, samplingIndices } from './sampler.ts';
import { FillGuide } from './fill-guide.ts';
import { type SeamToneOptions, SeamToneMatcher } from './seam-tone.ts';
import { tokenizeBatch } from './tokenizer.ts';

export type { SamplerName };

export interface StageProgress {
  stage: StageName;
  /** 1-based, within the stage. */
  step: number;
  totalSteps: number;
  /** The side this stage (pass) generates at. */
  size: number;
  /** This step's x0 prediction, [1, 3, S, S] in [-1, 1]; only when previews were asked for. */
  predXstart?: Float32Array;
}

export interface StageRun {
  graphs: StageGraphs;
  prompt: string;
  /** 1: the prompt alone at batch 1; otherwise uncond + scale*(cond - uncond) at batch 2. */
  guidanceScale: number;
  schedule: Schedule;
  sampler: SamplerName;
  /** DDIM's eta, or DPM-Solver++'s SDE noise (0: deterministic); ignored by DDPM. */
  eta: number;
  /** Source crop [1, 3, S, S] in [-1, 1]. */
  image: Float32Array;
  /** [1, 1, S, S]: 1 keep, 0 generate. */
  mask: Float32Array;
  /** The upsampler's low-resolution input [1, 3, L, L]. */
  lowRes?: Float32Array;
  /** The side to generate at: the stage's imageSize unless the stage is resizable (upsample-plan.ts). */
  size?: number;
  /** L, the low-resolution input's side: the stage's lowResSize unless the stage is resizable. */
  lowResSize?: number;
  /** Fill: pull the hole's x0 toward the surroundings over the first steps (fill-guide.ts). */
  fill?: boolean;
  /** With fill: the target is the hole completed from patches of the surroundings (fill-completion.ts), not only the membrane. */
  fillPatches?: boolean;
  /** Match the hole's tone to its border on every x0 prediction (seam-tone.ts). */
  seamTone?: boolean | SeamToneOptions;
  /** Multiplies the starting noise (the upsampler's temperature). */
  startNoiseScale: number;
  /**
   * [1, 3, S, S]: sampling starts from this image noised to the schedule's first timestep (the low-res
   * image enlarged, for an upsampler whose schedule starts below pure noise) instead of from noise alone.
   */
  startImage?: Float32Array;
  noise: NoiseSource;
  signal?: AbortSignal;
  onProgress?: (progress: StageProgress) => void;
  preview?: boolean;
}

type Feeds = Record<string, ort.Tensor>;

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

function checkFinite(data: Float32Array, what: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new ModelFailureError(`The model produced NaN/Inf ${what}. Try another seed or prompt; if it persists, the bundle may be broken.`);
  }
}

/** `data` repeated `batch` times along a new leading axis, as a float32 tensor. */
function repeated(data: Float32Array, batch: number, dims: number[]): ort.Tensor {
  const out = new Float32Array(batch * data.length);
  for (let b = 0; b < batch; b++) out.set(data, b * data.length);
  return new ort.Tensor('float32', out, [batch, ...dims]);
}

async function runGraph(session: ort.InferenceSession, feeds: Feeds, what: string): Promise<ort.InferenceSession.ReturnType> {
  try {
    return await session.run(feeds);
  } catch (e) {
    throw new ModelFailureError(`The ${what} failed: ${(e as Error).message}`, { cause: e });
  }
}

/** The sizes a stage runs at for a requested output and low-res side; throws where its graphs cannot. */
export function stageRunsAt(stage: Pick<Stage, 'imageSize' | 'lowResSize' | 'resizable'>, size?: number, lowResSize?: number): { size: number; low?: number } {
  const r = stage.resizable;
  const s = size ?? stage.imageSize;
  const low = stage.lowResSize === undefined ? undefined : (lowResSize ?? stage.lowResSize);
  if (!r) {
    if (s !== stage.imageSize || low !== stage.lowResSize) throw new RangeError(`this stage runs only at ${stage.imageSize} px`);
    return { size: s, low };
  }
  if (s % r.multiple || s > r.maxSize) throw new RangeError(`the upsampler runs at multiples of ${r.multiple} up to ${r.maxSize} px, not ${s}`);
  if (low !== undefined && (low > s || low * r.maxFactor < s)) throw new RangeError(`the upsampler enlarges ${low} px by at most ${r.maxFactor}x, not to ${s}`);
  return { size: s, low };
}

/** Runs the stage; returns its sample [1, 3, S, S] in [-1, 1]. */
export async function runStage(run: StageRun): Promise<Float32Array> {
  const { graphs, schedule, noise, signal } = run;
  const stage = graphs.name;
  const { size, low } = stageRunsAt(graphs.stage, run.size, run.lowResSize);
  const pixels = size * size;
  const n = 3 * pixels;
  if (run.image.length !== n) throw new RangeError(`${stage}: image has ${run.image.length} values, expected [1, 3, ${size}, ${size}]`);
  if (run.mask.length !== pixels) throw new RangeError(`${stage}: mask has ${run.mask.length} values, expected [1, 1, ${size}, ${size}]`);
  if ((low !== undefined) !== (run.lowRes !== undefined)) throw new RangeError(`${stage}: low_res must be given exactly when the stage has lowResSize`);
  if (low !== undefined && run.lowRes!.length !== 3 * low * low) throw new RangeError(`${stage}: low_res has ${run.lowRes!.length} values, expected [1, 3, ${low}, ${low}]`);
  checkAborted(signal);

  const guided = run.guidanceScale !== 1;
  const batch = guided ? 2 : 1;
  const textCtx = graphs.stage.textCtx;
  const tokens = tokenizeBatch(guided ? [run.prompt, ''] : [run.prompt], textCtx);
  const text = await runGraph(graphs.textEncoder, {
    tokens: new ort.Tensor('int64', tokens.tokens, tokens.dims),
    token_mask: new ort.Tensor('bool', tokens.mask, tokens.dims),
  }, `${stage} text encoder`);
  checkFinite(text.xf_proj.data as Float32Array, `in the ${stage} text encoder`);
  checkFinite(text.xf_out.data as Float32Array, `in the ${stage} text encoder`);

  // As the reference: the model's inpaint_image is the source times the keep-mask, and the same
  // array is the known region written into every x0 prediction.
  const known = new Float32Array(n);
  for (let c = 0; c < 3; c++) for (let p = 0; p < pixels; p++) known[c * pixels + p] = run.image[c * pixels + p] * run.mask[p];
  const constant: Feeds = {
    xf_proj: text.xf_proj,
    xf_out: text.xf_out,
    inpaint_image: repeated(known, batch, [3, size, size]),
    inpaint_mask: repeated(run.mask, batch, [1, size, size]),
  };
  if (low !== undefined) constant.low_res = repeated(run.lowRes!, batch, [3, low, low]);

  // Scaled in float32, as torch multiplies a float32 tensor by a Python float.
  const scale = Math.fround(run.startNoiseScale);
  let x: Float32Array = noise.next({ stage, kind: 'start' }, n).map((v) => v * scale);
  if (run.startImage) {
    const first = schedule.alphasCumprod[schedule.numSteps - 1];
    const a = Math.sqrt(first), b = Math.sqrt(1 - first);
    const start = run.startImage;
    x = x.map((v, i) => a * start[i] + b * v);
  }

  const shape: Dims4 = [1, 3, size, size];
  const outShape: Dims4 = [batch, 6, size, size];
  const indices = samplingIndices(schedule);
  const tone = run.seamTone ? new SeamToneMatcher(run.mask, shape, run.seamTone === true ? undefined : run.seamTone) : null;
  const fill = run.fill ? new FillGuide(known, run.mask, shape, indices.length, run.fillPatches ?? false) : null;
  let history: SolverHistory | null = null; // DPM-Solver's previous x0
  for (let k = 0; k < indices.length; k++) {
    checkAborted(signal);
    const index = indices[k];
    const t = BigInt(schedule.timestepMap[index]);
    const result = await runGraph(graphs.denoiser, {
      ...constant,
      x_t: repeated(x, batch, [3, size, size]),
      timesteps: new ort.Tensor('int64', new BigInt64Array(batch).fill(t), [batch]),
    }, `${stage} denoiser at step ${k + 1}`);
    const out = result.out;
    if (out.dims.join() !== outShape.join()) {
      throw new ModelFailureError(`The ${stage} denoiser returned shape [${out.dims.join(', ')}], expected [${outShape.join(', ')}].`);
    }
    const raw = out.data as Float32Array;
    checkFinite(raw, `at step ${k + 1} of the ${stage} stage`);
    const modelOutput = guided ? classifierFreeGuidance(raw, outShape, run.guidanceScale) : raw;
    const adjustXstart = fill?.active || tone?.active
      ? (x0: Float64Array) => { fill?.apply(x0, k); if (tone?.active) tone.apply(x0); }
      : undefined;
    const input = { x, modelOutput, shape, knownRegion: { image: known, mask: run.mask }, adjustXstart };
    const stepNoise = () => noise.next({ stage, kind: 'step', step: k }, n);
    // DDIM's and DPM-Solver++'s step to t = 0 adds no noise: none is drawn for it (1.5 million values at 1024 px).
    const noisy = run.eta > 0 && index !== 0;
    const step: StepResult<Float32Array> = run.sampler === 'ddpm'
      ? pSample(schedule, index, input, stepNoise())
      : run.sampler === 'dpmpp2m'
        ? dpmSolverStep(schedule, index, input, history, run.eta, noisy ? stepNoise() : null)
        : ddimStep(schedule, index, input, run.eta, noisy ? stepNoise() : null);
    history = { index, predXstart: step.predXstart };
    x = step.sample;
    run.onProgress?.({ stage, step: k + 1, totalSteps: indices.length, size, predXstart: run.preview ? step.predXstart : undefined });
  }
  return x;
}
