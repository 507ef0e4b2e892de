/**
 * One edit request, photo to patches: compositing cuts the crop and makes the model inputs, the
 * pipeline samples each candidate (seeds seed, seed+1, ...), compositing pastes each result back as
 * a patch file. Progress events carry a small preview of the predicted result and the square of the
 * photo it covers. The one place where settings the request left out get the bundle's defaults.
 */
import type { LoadedBundle } from '../bundle/load.ts';
import type { Bundle } from '../bundle/schema.ts';
import type { BlendPlans } from '../compositing/blend-region.ts';
import type { Box } from '../compositing/box.ts';
import type { CropPlan } from '../compositing/crop-plan.ts';
import { prepareEditCrop, pasteBack } from '../compositing/edit-crop.ts';
import { previewPng } from '../compositing/preview.ts';
import { CancelledError, EngineError } from '../errors.ts';
import { type InpaintProgress, inpaint } from '../pipeline.ts';
import type { Candidate, EditSettings, ResolvedSettings, SamplerName } from '../protocol.ts';
import { respacingWithSteps, spaceTimesteps } from '../sampler.ts';
import { BACKGROUND_TEXTURE_MAX_SIZE, upsamplerSizes } from '../upsample-plan.ts';
import type { EditProgress, EditRequest } from './engine-work.ts';

/** How an edit samples: the settings a recipe records, and what they imply for this bundle. */
export interface Sampling {
  resolved: Pick<ResolvedSettings, 'guidanceScale' | 'steps' | 'sampler'>;
  /** The base stage's respacing. */
  respacing: string;
  eta: number;
  /** The upsampler's respacing (undefined: the bundle's, or the pipeline's default). */
  upsamplerRespacing?: string;
  /** Below which timestep the upsampler starts (undefined: the bundle's, or from pure noise). */
  upsamplerStart?: number;
  /** The upsampler's sampler and eta: the sampler's own or the bundle's `upsamplerSampler`, else the base's. */
  upsamplerSampler: SamplerName;
  upsamplerEta: number;
  /** Fill's target from patches of the surroundings (the sampler's own setting, else the bundle's). */
  fillPatches: boolean;
  /** Fill's hole drawn with patches of the photo on the base's layout (the sampler's own setting, else the bundle's). */
  fillTexture: boolean;
  /** A prompted edit's background re-drawn from the photo's patches (the sampler's own setting, else the bundle's). */
  backgroundTexture: boolean;
  /** Fewer upsampler steps for a pass over many pixels (the sampler's own, else the bundle's; null: none). */
  largePass: { pixels: number; respacing: string } | null;
}

/**
 * The bundle's defaults filled into what the request left out. A sampler takes its own spacing, eta and
 * upsampler spacing, start and sampler from `defaults.samplers` where the bundle gives them (else the
 * defaults'), so a recipe (guidance, steps, sampler) replays as it ran after the bundle's default sampler or
 * upsampler sampling changed; a person's step
 * count keeps that spacing's family (respacingWithSteps).
 */
export function resolveSampling(
  defaults: Bundle['defaults'],
  settings: Pick<EditSettings, 'guidanceScale' | 'steps' | 'sampler'>,
  diffusionSteps: number,
): Sampling {
  const sampler = settings.sampler ?? defaults.sampler;
  const own = defaults.samplers?.[sampler] ?? {};
  const baseRespacing = own.baseRespacing ?? defaults.baseRespacing;
  const respacing = settings.steps === undefined ? baseRespacing : respacingWithSteps(baseRespacing, settings.steps, diffusionSteps);
  const eta = own.eta ?? defaults.eta;
  return {
    resolved: { guidanceScale: settings.guidanceScale ?? defaults.guidanceScale, steps: spaceTimesteps(diffusionSteps, respacing).length, sampler },
    respacing,
    eta,
    upsamplerRespacing: own.upsamplerRespacing ?? defaults.upsamplerRespacing,
    upsamplerStart: own.upsamplerStart ?? defaults.upsamplerStart,
    upsamplerSampler: own.upsamplerSampler?.sampler ?? defaults.upsamplerSampler?.sampler ?? sampler,
    upsamplerEta: own.upsamplerSampler?.eta ?? defaults.upsamplerSampler?.eta ?? eta,
    fillPatches: own.fillPatches ?? defaults.fillPatches ?? false,
    fillTexture: own.fillTexture ?? defaults.fillTexture ?? false,
    backgroundTexture: own.backgroundTexture ?? defaults.backgroundTexture ?? false,
    largePass: own.largePass === undefined ? (defaults.largePass ?? null) : own.largePass,
  };
}

/** The part of the plan's square inside the photo (its box), in the pixels of the square at `size`. */
function photoInSquare(plan: CropPlan, size: number): Box {
  const k = size / plan.square.width;
  return { x: plan.pad.left * k, y: plan.pad.top * k, width: plan.box.width * k, height: plan.box.height * k };
}

export async function runEdit(
  bundle: LoadedBundle,
  req: EditRequest,
  signal: AbortSignal,
  onProgress: (p: EditProgress) => void,
): Promise<{ candidates: Candidate[]; settings: ResolvedSettings; inferenceMs: number }> {
  const { manifest, stages } = bundle;
  const { settings } = req;
  const baseSize = stages.base.stage.imageSize;
  const up = stages.upsampler?.stage;
  const T = stages.base.stage.diffusionSteps;
  if (settings.steps !== undefined && settings.steps > T) {
    throw new EngineError('bad-request', `This model takes at most ${T} steps; choose fewer steps.`);
  }
  const sampling = resolveSampling(manifest.defaults, settings, T);
  const { respacing, eta, upsamplerRespacing, upsamplerStart, upsamplerSampler, upsamplerEta, fillPatches, fillTexture, backgroundTexture, largePass } = sampling;
  const steps = sampling.resolved.steps;
  const resolved: ResolvedSettings = {
    ...sampling.resolved,
    ...(up?.resizable ? { detail: settings.detail ?? manifest.defaults.detail ?? 'standard' } : {}),
  };
  // The upsampler's passes follow the crop's side in photo pixels (upsample-plan.ts).
  const sizesFor = (cropSide: number) => [baseSize, ...(up ? upsamplerSizes(up, baseSize, cropSide, resolved.detail ?? 'standard') : [])];
  const crop = await prepareEditCrop(req.source, req.mask, (plan) => sizesFor(plan.square.width), {}, { origin: req.maskOrigin, soft: req.softMask });
  const [baseInput, ...upInputs] = crop.inputs;
  const square = crop.plan.square;
  // What the paste-back works out apart from the output (feather weights, the photo's pixels there) is
  // kept for the next candidate. (Worked out during the last pass instead, it took the cores from the
  // model: on 2 cores its time moved into the sampling, click to result unchanged.)
  const blendPlans: BlendPlans = new Map();

  const candidates: Candidate[] = [];
  // The model's own time (sampling, both stages), apart from cutting the crop and pasting back.
  let inferenceMs = 0;
  for (let candidate = 0; candidate < settings.candidates; candidate++) {
    if (signal.aborted) throw new CancelledError();
    const seed = settings.seed + candidate;
    // Previews encode off the sampling thread; chained so events leave in step order.
    let previews: Promise<void> = Promise.resolve();
    const progress = (p: InpaintProgress) => {
      const event: EditProgress = { candidate, stage: p.stage, step: p.step, totalSteps: p.totalSteps, overallStep: p.overallStep, overallTotal: p.overallTotal, crop: square };
      const x0 = p.predXstart;
      previews = previews.then(async () => onProgress(x0 ? { ...event, preview: new Uint8Array(await previewPng(x0, p.size)) } : event));
    };
    const sampleStart = performance.now();
    const result = await inpaint(
      bundle,
      {
        image: baseInput.image,
        mask: baseInput.keep,
        upsampler: up ? upInputs.map((u) => ({ size: u.size, image: u.image, mask: u.keep, photo: photoInSquare(crop.plan, u.size) })) : undefined,
        prompt: settings.prompt,
        guidanceScale: resolved.guidanceScale,
        steps,
        respacing,
        sampler: resolved.sampler,
        eta,
        upsamplerRespacing,
        largePass,
        upsamplerStart,
        fillPatches,
        fillTexture,
        backgroundTexture: backgroundTexture && up !== undefined && upInputs[upInputs.length - 1].size <= BACKGROUND_TEXTURE_MAX_SIZE[resolved.detail ?? 'standard'],
        upsamplerSampler,
        upsamplerEta,
        seed,
      },
      { signal, onProgress: progress, preview: settings.preview },
    );
    inferenceMs += performance.now() - sampleStart;
    await previews;
    if (signal.aborted) throw new CancelledError();
    const patch = await pasteBack(crop, result.image, result.size, req.outDir, {}, blendPlans);
    candidates.push({ ...patch, seed });
  }
  return { candidates, settings: resolved, inferenceMs: Math.round(inferenceMs) };
}
