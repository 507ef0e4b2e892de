/**
 * The model bundle manifest (`bundle.json`), the one schema of the bundle format.
 * Written by models/glide/bundle.py, documented in models/README.md, validated here by the engine.
 */
import { z } from 'zod';
import { Detail, SamplerName } from '../protocol.ts';

const fileName = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9._-]+$/, 'a plain file name inside the bundle folder')
  .refine((n) => n !== '.' && n !== '..', 'a plain file name inside the bundle folder');

const respacing = z.string().regex(/^(\d+(,\d+)*|ddim\d+|trailing\d+|fast27)$/, 'a respacing like "100", "fast27", "ddim50" or "trailing10"');
/** The upsampler's may also be "logsnrN" (sampler.ts: steps uniform in log-SNR, for its linear schedule). */
const upsamplerRespacing = z.string().regex(/^(\d+(,\d+)*|ddim\d+|trailing\d+|logsnr\d+|fast27)$/, 'a respacing like "fast27", "trailing10" or "logsnr6"');

export const StageSchema = z.object({
  imageSize: z.number().int().positive(),
  /** Present on the upsampler: the size of the image it upsamples. */
  lowResSize: z.number().int().positive().optional(),
  /**
   * A fully convolutional upsampler: its graphs take any square side that is a multiple of `multiple` up to
   * `maxSize` (imageSize is the size it trained at), and a low-res input up to `maxFactor` times smaller.
   * The engine then upsamples at the crop's own resolution (upsample-plan.ts).
   */
  resizable: z.object({
    multiple: z.number().int().positive(),
    maxSize: z.number().int().positive().max(8192),
    maxFactor: z.number().min(1).max(16),
  }).optional(),
  textCtx: z.number().int().positive(),
  xfWidth: z.number().int().positive(),
  embDim: z.number().int().positive(),
  noiseSchedule: z.enum(['squaredcos_cap_v2', 'linear']),
  diffusionSteps: z.number().int().positive(),
  graphs: z.object({ textEncoder: fileName, denoiser: fileName }),
  /** The model's constructor options, as in OpenAI's checkpoints. */
  modelOptions: z.record(z.string(), z.unknown()),
  parameters: z.number().int().nonnegative(),
});

/** schema.ts defaults.largePass: fewer upsampler steps for a pass over many pixels. */
const LargePass = z.object({ pixels: z.number().int().positive(), respacing: upsamplerRespacing }).strict();

export const BundleSchema = z
  .object({
    format: z.literal('glide-inpaint-bundle'),
    formatVersion: z.literal(1),
    family: z.literal('glide-inpaint'),
    name: z.string().min(1),
    description: z.string(),
    tokenizer: z.literal('gpt2-bpe'),
    stages: z.object({ base: StageSchema, upsampler: StageSchema.optional() }),
    defaults: z.object({
      guidanceScale: z.number().min(0).max(50),
      sampler: SamplerName,
      eta: z.number().min(0).max(1),
      /** Match the hole's tone to its border on every base-stage step (main/engine/seam-tone.ts); default false. */
      seamTone: z.boolean().optional(),
      baseRespacing: respacing,
      upsamplerRespacing: upsamplerRespacing.optional(),
      /**
       * A pass that runs over at least `pixels` pixels (its square: pass-window.ts) takes `respacing` instead
       * of upsamplerRespacing: fewer steps where each costs most (a 12 MP photo's hole at 1024 px), so an
       * edit's time stays within Standard's budget (bench:engine).
       */
      largePass: LargePass.optional(),
      upsamplerTemperature: z.number().positive().max(2).optional(),
      /**
       * The upsampler starts from its low-res input enlarged and noised to a timestep below this one, its
       * respacing spread over [0, upsamplerStart); absent: from pure noise (GLIDE's).
       */
      upsamplerStart: z.number().int().positive().optional(),
      /**
       * The upsampler's own sampler and eta, whatever sampler the base stage runs (the person's choice or
       * `sampler`); absent: the base's. For an upsampler sampled its own way (the default model's: DDIM, eta 0.5,
       * 3 steps from t = 400), so the base's default can change without changing what it adds.
       */
      upsamplerSampler: z.object({ sampler: SamplerName, eta: z.number().min(0).max(1) }).strict().optional(),
      /** After the last upsampler pass, the hole's local colour means are the base stage's (detail-match.ts lockLowFrequencies). */
      lockBaseColours: z.boolean().optional(),
      /** Scale the hole's generated fine detail down to its surroundings' level after the last pass (detail-match.ts). */
      matchDetail: z.boolean().optional(),
      /** With matchDetail: how far the hole's fine detail may be raised toward its surroundings' (1, the default: only lowered). */
      detailGainMax: z.number().min(1).max(4).optional(),
      /**
       * With matchDetail: each part of the hole is matched to the band within this many px of it (at the last
       * pass's size) instead of the whole band, so a hole across a sky and a meadow keeps the meadow's grain.
       */
      detailWindow: z.number().int().min(8).max(1024).optional(),
      /** With matchDetail: the hole's coarser detail (8-32 px blotches) also scaled down to its surroundings' level (matchCoarseDetail). */
      matchCoarseDetail: z.boolean().optional(),
      /** The hole's colour (not brightness) smoothed after the last pass, with boxes of this radius in px (detail-match.ts smoothChroma); absent: not. */
      chromaRadius: z.number().int().min(1).max(8).optional(),
      /** Fill pulls toward the hole completed from patches of its surroundings, not only the smooth membrane of its border (fill-completion.ts). */
      fillPatches: z.boolean().optional(),
      /**
       * Fill's hole is drawn with patches of the photo at the last pass's size, on the base stage's layout,
       * instead of by the upsampler (fill-texture.ts). Needs an upsampler's plan (its output size).
       */
      fillTexture: z.boolean().optional(),
      /**
       * A prompted edit's refilled background (what is not the drawn object: drawn-object.ts) re-drawn with patches
       * of the photo after the upsampler's last pass (fill-texture.ts), where that pass is no larger than its Detail
       * setting allows (upsample-plan.ts BACKGROUND_TEXTURE_MAX_SIZE).
       */
      backgroundTexture: z.boolean().optional(),
      /** How large a resizable upsampler may work (upsample-plan.ts); default "standard". */
      detail: Detail.optional(),
      /**
       * A sampler's own spacing and eta (and its upsampler's spacing, start, sampler and eta) where they differ
       * from the ones above (which are `sampler`'s): what a run with that sampler gets, e.g. an old recipe's
       * DDIM after the default became DPM-Solver++, so it replays as it ran. Keys left out fall back to the ones above.
       */
      samplers: z.partialRecord(SamplerName, z.object({
        baseRespacing: respacing.optional(),
        eta: z.number().min(0).max(1).optional(),
        upsamplerRespacing: upsamplerRespacing.optional(),
        upsamplerStart: z.number().int().positive().optional(),
        upsamplerSampler: z.object({ sampler: SamplerName, eta: z.number().min(0).max(1) }).strict().optional(),
        /** null: every pass takes the sampler's upsamplerRespacing (a recipe from before largePass). */
        largePass: LargePass.nullable().optional(),
        fillPatches: z.boolean().optional(),
        fillTexture: z.boolean().optional(),
        backgroundTexture: z.boolean().optional(),
      }).strict()).optional(),
    }),
    files: z.record(fileName, z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() })),
    license: z.object({ name: z.string().min(1), text: z.string() }),
    provenance: z.record(z.string(), z.unknown()),
  })
  .superRefine((b, ctx) => {
    const stages = Object.entries(b.stages).filter(([, s]) => s !== undefined) as [string, z.infer<typeof StageSchema>][];
    for (const [name, stage] of stages) {
      for (const graph of Object.values(stage.graphs)) {
        if (!(graph in b.files)) ctx.addIssue({ code: 'custom', path: ['stages', name, 'graphs'], message: `${graph} is not listed in files` });
      }
    }
    const up = b.stages.upsampler;
    if (b.stages.base.resizable) ctx.addIssue({ code: 'custom', path: ['stages', 'base', 'resizable'], message: 'only an upsampler may be resizable' });
    if (up && up.lowResSize !== b.stages.base.imageSize) {
      ctx.addIssue({ code: 'custom', path: ['stages', 'upsampler', 'lowResSize'], message: `must equal the base stage's imageSize (${b.stages.base.imageSize})` });
    }
  });

export type Bundle = z.infer<typeof BundleSchema>;
export type Stage = z.infer<typeof StageSchema>;
export type StageName = 'base' | 'upsampler';
