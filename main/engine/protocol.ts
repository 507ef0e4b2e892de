/**
 * Messages between the engine process and its parent (Electron's main process, or the serve-mode
 * server, or a test). The parent sends requests; the engine answers each with events carrying the
 * request's id. Both sides parse every message with these schemas.
 *
 * Images cross as file paths (full-resolution photos are large) or PNG bytes (Uint8Array, structured
 * clone: Electron utilityProcess, or child_process with serialization 'advanced').
 *
 * An edit's result is a set of candidate patches: each is a PNG of the edited crop box, already
 * blended, to be laid over the document at (x, y). Pixels outside every patch are never touched, so
 * a document is its original photo plus the patches of its accepted edits, in order.
 */
import { z } from 'zod';

export const ProviderChoice = z.enum(['auto', 'cpu', 'cuda', 'dml', 'coreml']);
export type ProviderChoice = z.infer<typeof ProviderChoice>;

export const Patch = z.object({
  path: z.string().min(1), // PNG (RGB or RGBA) of the edited crop box
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
export type Patch = z.infer<typeof Patch>;

/** The document's current pixels: the original photo with accepted patches laid over it in order. */
export const ImageSource = z.object({
  imagePath: z.string().min(1),
  patches: z.array(Patch).max(10000).default([]),
});
export type ImageSource = z.infer<typeof ImageSource>;

/**
 * How both stages sample (main/engine/sampler.ts): DDIM (eta from the bundle), the original DDPM chain, or
 * DPM-Solver++(2M) ('dpmpp2m', second order, for few steps). The one list of them.
 */
export const SamplerName = z.enum(['ddim', 'ddpm', 'dpmpp2m']);
export type SamplerName = z.infer<typeof SamplerName>;

/** The encodings an export may have. */
export const ImageFormat = z.enum(['jpeg', 'png', 'webp']);
export type ImageFormat = z.infer<typeof ImageFormat>;

/**
 * How large a resizable upsampler may generate (upsample-plan.ts): "standard" up to 1024 px, "high" up to
 * 1536 px, each never beyond the crop's own resolution. Bundles with a fixed-size upsampler ignore it.
 */
export const Detail = z.enum(['standard', 'high']);
export type Detail = z.infer<typeof Detail>;

/** What an edit asks for. Absent guidance, steps or sampler: the bundle's defaults, resolved by the engine alone (run-edit.ts) and reported in the result. */
export const EditSettings = z.object({
  prompt: z.string().max(100_000),
  guidanceScale: z.number().min(0).max(50).optional(), // bundle default when absent
  steps: z.number().int().min(1).max(1000).optional(), // base-stage steps; bundle default when absent
  sampler: SamplerName.optional(),
  detail: Detail.optional(), // bundle default when absent
  seed: z.number().int().min(0).max(2 ** 32 - 1),
  candidates: z.number().int().min(1).max(8).default(1),
  preview: z.boolean().default(true),
});
export type EditSettings = z.infer<typeof EditSettings>;

/** The settings an edit ran with, the bundle's defaults filled in: what a recipe records. */
export const ResolvedSettings = z.object({
  guidanceScale: z.number(),
  steps: z.number().int(),
  sampler: SamplerName,
  /** Only for bundles whose upsampler is resizable. */
  detail: Detail.optional(),
});
export type ResolvedSettings = z.infer<typeof ResolvedSettings>;

export const EditRequest = z.object({
  type: z.literal('edit'),
  id: z.string(),
  source: ImageSource,
  mask: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes (a Uint8Array)'), // PNG at the photo's full resolution (or of maskOrigin's box); white (>127) = generate
  /** Where the mask PNG's top-left lies when it covers only a box of the photo (outside it: keep). */
  maskOrigin: z.object({ x: z.number().int().nonnegative(), y: z.number().int().nonnegative() }).optional(),
  /** The mask's grey levels are the blend weights (the person feathered it); every pixel above 0 generates. */
  softMask: z.boolean().default(false),
  settings: EditSettings,
  outDir: z.string().min(1), // where candidate patches are written
});
export type EditRequest = z.infer<typeof EditRequest>;

export const ExportRequest = z.object({
  type: z.literal('export'),
  id: z.string(),
  source: ImageSource,
  outPath: z.string().min(1),
  format: ImageFormat,
  quality: z.number().int().min(1).max(100).default(92),
  /** Recipes of the edits, recorded in the file (PNG text chunk; XMP for JPEG/WebP). */
  parameters: z.string().max(1_000_000).optional(),
});
export type ExportRequest = z.infer<typeof ExportRequest>;

/** What a parent passes for an edit or an export (EngineHost adds type and id; defaults may be left out). */
export type EditInput = Omit<z.input<typeof EditRequest>, 'type' | 'id'>;
export type ExportInput = Omit<z.input<typeof ExportRequest>, 'type' | 'id'>;

export const EngineRequest = z.discriminatedUnion('type', [
  /** Load (or switch to) a bundle and create its sessions on the chosen execution provider. */
  z.object({ type: z.literal('load'), id: z.string(), bundleDir: z.string().min(1), provider: ProviderChoice.default('auto') }),
  EditRequest,
  z.object({ type: z.literal('cancel'), id: z.string() }), // id of the edit to cancel
  ExportRequest,
  /** Decode a photo and keep it for its first edit (the host asks when a document opens), so a run does not wait for it. */
  z.object({ type: z.literal('prepare'), id: z.string(), imagePath: z.string().min(1) }),
  z.object({ type: z.literal('shutdown'), id: z.string() }),
]);
export type EngineRequest = z.infer<typeof EngineRequest>;

export const BundleInfo = z.object({
  dir: z.string(),
  name: z.string(),
  sha256: z.string(), // hash of bundle.json, which lists every file's hash
  stages: z.array(z.enum(['base', 'upsampler'])),
  imageSize: z.number().int(),
  defaults: ResolvedSettings,
  license: z.string(),
});
export type BundleInfo = z.infer<typeof BundleInfo>;

export const ProviderInfo = z.object({
  name: z.enum(['cpu', 'cuda', 'dml', 'coreml']),
  /** Why this one, in words, with what to do where that helps: shown to the user. */
  reason: z.string(),
  /** onnxruntime's own message when a GPU provider could not be used (the window keeps it behind a toggle). */
  detail: z.string().optional(),
});
export type ProviderInfo = z.infer<typeof ProviderInfo>;

export const Candidate = Patch.extend({ seed: z.number().int() });
export type Candidate = z.infer<typeof Candidate>;

/** What an engine 'error' event (and the EngineError behind it, errors.ts) says went wrong. */
export const EngineErrorCode = z.enum(['bad-request', 'bad-bundle', 'no-bundle', 'bad-image', 'empty-mask', 'too-large', 'busy', 'model-failure', 'internal']);
export type EngineErrorCode = z.infer<typeof EngineErrorCode>;

export const EngineEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), pid: z.number().int() }), // sent once when the process is up
  z.object({ type: z.literal('loaded'), id: z.string(), bundle: BundleInfo, provider: ProviderInfo }),
  z.object({
    type: z.literal('progress'),
    id: z.string(),
    candidate: z.number().int(),
    stage: z.enum(['base', 'upsampler']),
    step: z.number().int(), // 1-based, within the stage (and its pass, for an upsampler run more than once)
    totalSteps: z.number().int(),
    /** 1-based over the whole candidate, every stage and pass counted: what a progress bar shows. */
    overallStep: z.number().int().positive().optional(),
    overallTotal: z.number().int().positive().optional(),
    /** Small PNG of the predicted result inside the crop, when previews are on. */
    preview: z.instanceof(Uint8Array).optional(),
    crop: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }).optional(),
  }),
  /** millis: the whole edit in the engine (crop, sampling, paste-back); inferenceMs: the sampling alone. */
  z.object({ type: z.literal('result'), id: z.string(), candidates: z.array(Candidate), settings: ResolvedSettings, millis: z.number(), inferenceMs: z.number().optional() }),
  z.object({ type: z.literal('exported'), id: z.string(), outPath: z.string(), bytes: z.number().int() }),
  z.object({ type: z.literal('cancelled'), id: z.string() }),
  z.object({ type: z.literal('prepared'), id: z.string() }),
  z.object({
    type: z.literal('error'),
    id: z.string(),
    code: EngineErrorCode,
    message: z.string(), // says what happened and what to do, for the user
  }),
]);
export type EngineEvent = z.infer<typeof EngineEvent>;
