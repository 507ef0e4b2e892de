/**
 * GLIDE inpainting at model resolution: the base stage, then the upsampler when the bundle has one, once
 * per pass of the upsample plan (upsample-plan.ts), each pass upsampling the one before. A Fill on a bundle with
 * fillTexture runs the base stage only, then draws the hole at the last pass's size from the photo (fill-texture.ts);
 * with backgroundTexture, a prompted edit's hole around the object it drew (drawn-object.ts) is re-drawn so too.
 * Crops, resizing and blending into the photo happen elsewhere; this takes and returns model-sized
 * float images in [-1, 1].
 *
 * Randomness: the base stage's starting noise, its step noise (DDPM, or DDIM with eta > 0), then
 * the upsampler's (pass by pass), drawn in that order from one stream seeded by `seed`, so the same seed, prompt,
 * settings and bundle give the same bytes. `options.noise` replaces that stream (to reproduce
 * reference runs whose noise is given).
 */
import type { LoadedBundle } from './bundle/load.ts';
import type { Box } from './compositing/box.ts';
import { enlargeBilinear } from './bilinear.ts';
import { drawnObject } from './drawn-object.ts';
import { textureFromSurroundings } from './fill-texture.ts';
import { finishHole } from './hole-finish.ts';
import { CancelledError } from './errors.ts';
import { cutWindow, lowResWindow, passWindow, pasteWindow } from './pass-window.ts';
import { type NoiseSource, SeededNoise } from './rng.ts';
import type { SeamToneOptions } from './seam-tone.ts';
import { createSchedule } from './sampler.ts';
import { type SamplerName, type StageProgress, runStage } from './stage-runner.ts';

export type { SamplerName, StageProgress };

/** A step of either stage, counted also over the whole edit (every stage and pass) for progress bars. */
export interface InpaintProgress extends StageProgress {
  /** 0-based upsampler pass (0 for the base stage). */
  pass: number;
  overallStep: number;
  overallTotal: number;
}

/** The crop at one upsampler pass's output size. */
export interface UpsamplerPass {
  size: number;
  /** [1, 3, size, size] in [-1, 1] */
  image: Float32Array;
  /** [1, 1, size, size]: 1 keep, 0 generate. */
  mask: Float32Array;
  /** The part of the square inside the photo, in this size's pixels (the rest repeats the photo's edge); default: all of it. */
  photo?: Box;
}

/** GLIDE's notebook values, used if a bundle with an upsampler leaves them out. */
const UPSAMPLER_RESPACING = 'fast27';
const UPSAMPLER_TEMPERATURE = 0.997;

export interface InpaintRequest {
  /** The crop at the base stage's size, [1, 3, S, S] in [-1, 1]. */
  image: Float32Array;
  /** [1, 1, S, S]: 1 keep, 0 generate. */
  mask: Float32Array;
  /** The same crop and mask at each upsampler pass's size, in order; required when the bundle has an upsampler. */
  upsampler?: UpsamplerPass[];
  /** The upsampler's respacing (every pass); the bundle's default when absent. */
  upsamplerRespacing?: string;
  /** Fewer steps for a pass over many pixels (schema.ts largePass); the bundle's when absent, none when null. */
  largePass?: { pixels: number; respacing: string } | null;
  /** Start the upsampler below this timestep, from its low-res input (schema.ts); the bundle's default when absent. */
  upsamplerStart?: number;
  prompt: string;
  /** Classifier-free guidance of the base stage; 1 runs without the empty prompt. */
  guidanceScale: number;
  /** Base-stage steps. */
  steps: number;
  /**
   * How those steps spread over the base schedule: a respacing of `steps` steps ("25", "ddim25"; see
   * spaceTimesteps). Default "<steps>", the reference's, whose first step is the noisiest timestep.
   */
  respacing?: string;
  /** The base stage's, and the upsampler's unless `upsamplerSampler` or the bundle's `defaults.upsamplerSampler` says otherwise. */
  sampler: SamplerName;
  /** DDIM's eta (0: deterministic given the starting noise); the bundle's default when absent. */
  eta?: number;
  /** The upsampler's sampler and eta (every pass); absent: the bundle's `defaults.upsamplerSampler`, else the base's. */
  upsamplerSampler?: SamplerName;
  upsamplerEta?: number;
  /** Match the hole's tone to its border at every base-stage step (seam-tone.ts); the bundle's default when absent. */
  seamTone?: boolean | SeamToneOptions;
  seed: number;
  /** Pull the hole toward its surroundings on the base stage (fill-guide.ts); default: when the prompt is empty. */
  fill?: boolean;
  /** With fill: pull toward the hole completed from patches (fill-completion.ts); default: the bundle's fillPatches. */
  fillPatches?: boolean;
  /**
   * With fill and an upsampler: the hole at the last pass's size drawn with patches of the photo on the base
   * stage's layout (fill-texture.ts), and no upsampler pass run; default: the bundle's fillTexture.
   */
  fillTexture?: boolean;
  /**
   * With a prompt and an upsampler: after the last pass, the hole's refilled background (drawn-object.ts: what is
   * not the object the prompt drew) re-drawn with patches of the photo (fill-texture.ts); default: the bundle's.
   */
  backgroundTexture?: boolean;
}

export interface InpaintOptions {
  signal?: AbortSignal;
  onProgress?: (progress: InpaintProgress) => void;
  /** Include each step's x0 prediction in progress events. */
  preview?: boolean;
  /** Replaces the noise seeded by request.seed. */
  noise?: NoiseSource;
}

export interface InpaintResult {
  /** [1, 3, size, size] in [-1, 1]: the last upsampler pass's output when there is one. */
  image: Float32Array;
  size: number;
  /** The base stage's output, [1, 3, S, S]. */
  baseImage: Float32Array;
}

/** What the upsampler sees of the base result: the 8-bit image it would be if saved (as the reference). */
export function quantize8Bit(x: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = Math.fround(Math.fround(x[i] + 1) * 127.5);
    const r = Math.round(v);
    // torch.round: halves to even
    const even = v - Math.floor(v) === 0.5 && r % 2 !== 0 ? r - 1 : r;
    out[i] = Math.fround(even / 127.5) - 1;
  }
  return out;
}

/** The crop at `pass`'s size with its hole re-drawn from patches of the photo, the base result enlarged as the layout. */
function textureOnBase(pass: UpsamplerPass, baseImage: Float32Array, baseSize: number, signal?: AbortSignal): Float32Array {
  const image = pass.image.slice();
  const layout = enlargeBilinear(baseImage, baseSize, pass.size);
  const plane = pass.size * pass.size;
  for (let c = 0; c < 3; c++) for (let p = 0; p < plane; p++) if (pass.mask[p] < 0.5) image[c * plane + p] = layout[c * plane + p];
  textureFromSurroundings(image, pass.mask, pass.size, signal, pass.photo);
  return image;
}

/** `image` (at `pass`'s size) with the hole's pixels outside `object` (at `baseSize`) re-drawn from patches of the photo, the object kept. */
function textureAroundObject(image: Float32Array, pass: UpsamplerPass, object: Uint8Array, baseSize: number, signal?: AbortSignal): void {
  const size = pass.size;
  const keep = new Float32Array(size * size).fill(1);
  const drawn = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    const row = Math.floor((y * baseSize) / size) * baseSize;
    for (let x = 0; x < size; x++) {
      const p = y * size + x;
      if (pass.mask[p] >= 0.5) continue;
      if (object[row + Math.floor((x * baseSize) / size)]) drawn[p] = 1;
      else keep[p] = 0;
    }
  }
  textureFromSurroundings(image, keep, size, signal, pass.photo, drawn);
}

export async function inpaint(
  bundle: Pick<LoadedBundle, 'manifest' | 'stages'>,
  request: InpaintRequest,
  options: InpaintOptions = {},
): Promise<InpaintResult> {
  const { base, upsampler } = bundle.stages;
  const defaults = bundle.manifest.defaults;
  const steps = request.steps;
  if (!Number.isInteger(steps) || steps < 1 || steps > base.stage.diffusionSteps) {
    throw new RangeError(`steps must be an integer in 1..${base.stage.diffusionSteps}, got ${steps}`);
  }
  const planned = upsampler ? (request.upsampler ?? []) : [];
  if (upsampler && !planned.length) throw new RangeError('this bundle has an upsampler: the request needs the crop at its size');
  // An empty prompt is Fill: continue the surroundings, draw nothing new (fill-guide.ts).
  const fill = request.fill ?? request.prompt.trim() === '';
  // Fill's texture from the photo instead of the upsampler (fill-texture.ts): the passes only give its size.
  const texture = fill && planned.length > 0 && (request.fillTexture ?? defaults.fillTexture ?? false);
  const passes = texture ? [] : planned;
  const baseSchedule = createSchedule(base.stage.noiseSchedule, request.respacing ?? String(steps), base.stage.diffusionSteps);
  if (baseSchedule.numSteps !== steps) throw new RangeError(`respacing ${request.respacing} does not give ${steps} steps`);
  // Below the schedule's end, the upsampler starts from its low-res input enlarged and noised (not from noise).
  const upStart = request.upsamplerStart ?? defaults.upsamplerStart ?? upsampler?.stage.diffusionSteps;
  const upRespacing = request.upsamplerRespacing ?? defaults.upsamplerRespacing ?? UPSAMPLER_RESPACING;
  const large = request.largePass === undefined ? defaults.largePass : request.largePass;
  // Each pass: the square the model runs on (pass-window.ts: where the graph can, the hole's), and its schedule.
  const plans = passes.map((pass, i) => {
    const low = i === 0 ? base.stage.imageSize : passes[i - 1].size;
    const multiple = upsampler!.stage.resizable?.multiple;
    const window = multiple ? passWindow(pass.mask, pass.size, low, multiple) : null;
    const side = window?.side ?? pass.size;
    const respacing = large && side * side >= large.pixels ? large.respacing : upRespacing;
    return { window, schedule: createSchedule(upsampler!.stage.noiseSchedule, respacing, upsampler!.stage.diffusionSteps, upStart) };
  });
  const noise = options.noise ?? new SeededNoise(request.seed);
  const overallTotal = steps + plans.reduce((sum, p) => sum + p.schedule.numSteps, 0);
  const progressFor = (pass: number) => {
    const before = pass === 0 ? 0 : steps + plans.slice(0, pass - 1).reduce((sum, p) => sum + p.schedule.numSteps, 0);
    return (p: StageProgress) => options.onProgress?.({ ...p, pass, overallStep: before + p.step, overallTotal });
  };
  const common = { noise, signal: options.signal, preview: options.preview, sampler: request.sampler, eta: request.eta ?? defaults.eta };

  let image = await runStage({
    ...common,
    onProgress: progressFor(0),
    graphs: base,
    prompt: request.prompt,
    guidanceScale: request.guidanceScale,
    schedule: baseSchedule,
    image: request.image,
    mask: request.mask,
    seamTone: request.seamTone ?? defaults.seamTone ?? false,
    fill,
    fillPatches: request.fillPatches ?? defaults.fillPatches ?? false,
    startNoiseScale: 1,
  });
  const baseImage = image;
  let size = base.stage.imageSize;
  for (const [i, pass] of passes.entries()) {
    if (options.signal?.aborted) throw new CancelledError();
    const lowRes = quantize8Bit(image);
    // Outside the pass's square (where there is one) the output is the crop's own pixels.
    const { window, schedule } = plans[i];
    const startImage = upStart !== undefined && upStart < upsampler!.stage.diffusionSteps ? enlargeBilinear(lowRes, size, pass.size, window ?? undefined) : undefined;
    const cut = (x: Float32Array, channels: number) => (window ? cutWindow(x, channels, pass.size, window) : x);
    const lowWindow = window && lowResWindow(window, pass.size / size);
    const onProgress = progressFor(i + 1);
    const generated = await runStage({
      ...common,
      onProgress: window ? (p) => onProgress({ ...p, size: pass.size, predXstart: p.predXstart && pasteWindow(pass.image, p.predXstart, 3, pass.size, window) }) : onProgress,
      graphs: upsampler!,
      sampler: request.upsamplerSampler ?? defaults.upsamplerSampler?.sampler ?? common.sampler,
      eta: request.upsamplerEta ?? defaults.upsamplerSampler?.eta ?? common.eta,
      prompt: request.prompt,
      guidanceScale: 1, // the upsampler runs on the prompt alone
      schedule,
      image: cut(pass.image, 3),
      mask: cut(pass.mask, 1),
      size: window?.side ?? pass.size,
      lowRes: lowWindow ? cutWindow(lowRes, 3, size, lowWindow) : lowRes,
      lowResSize: lowWindow?.side ?? size,
      startImage,
      startNoiseScale: defaults.upsamplerTemperature ?? UPSAMPLER_TEMPERATURE,
    });
    image = window ? pasteWindow(pass.image, generated, 3, pass.size, window) : generated;
    size = pass.size;
  }
  // The base's result as the upsampler saw it: what the finishing, the object and Fill's layout read.
  const baseSeen = quantize8Bit(baseImage);
  if (passes.length) finishHole(image, passes[passes.length - 1].mask, size, baseSeen, base.stage.imageSize, defaults);
  if (passes.length && !fill && (request.backgroundTexture ?? defaults.backgroundTexture ?? false)) {
    const object = drawnObject(baseSeen, request.image, request.mask, base.stage.imageSize);
    if (object) textureAroundObject(image, passes[passes.length - 1], object, base.stage.imageSize, options.signal);
  }
  if (texture) {
    const last = planned[planned.length - 1];
    image = textureOnBase(last, baseSeen, base.stage.imageSize, options.signal);
    size = last.size;
  }
  return { image, size, baseImage };
}
