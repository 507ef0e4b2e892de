/**
 * The one contract between the renderer and its host (Electron's main process through the preload,
 * or the serve-mode server through a WebSocket). Every request, response and event is named here
 * with a zod schema; the host parses each request with it before a handler runs (see
 * main/host/register-handlers.ts) and the renderer's client parses responses and events.
 *
 * It lives in main/ beside engine/protocol.ts because the host owns it, but imports nothing except
 * zod, that protocol and mask-ops.ts (both zod only), so the preload and the renderer bundle it as they are.
 *
 * Images move as URLs the host serves (custom protocol in Electron, /files/... in serve mode) or as
 * encoded bytes (Uint8Array of PNG/JPEG/WebP); never as JSON arrays of pixels.
 */
import { z } from 'zod';
import { Detail, EditSettings, ImageFormat, ProviderChoice, ProviderInfo, ResolvedSettings, SamplerName } from './engine/protocol.ts';
import { CanvasPadding, MASK_OPS, MAX_EXTEND } from './mask-ops.ts';

/** The engine's vocabulary the renderer needs too, so that it imports only this contract. */
export { CanvasPadding, Detail, ImageFormat, MAX_EXTEND, ProviderChoice, ProviderInfo, ResolvedSettings, SamplerName };

// Any Uint8Array (Node Buffers included); z.instanceof would narrow it to ArrayBuffer-backed ones.
const Bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, "expected bytes (a Uint8Array)");
/** Ids minted by the host (documents, candidates, edits) or by the renderer (runs, history entries). */
export const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
/** A URL the host serves: `app-image://…` in Electron, `/files/<key>` in serve mode. */
const ImageUrl = z.string().min(1).max(2048);
const Int = z.number().int();

/**
 * An opened photo. width/height are full resolution after EXIF orientation; display is a downscaled copy
 * (its URL may answer only once the host has written it); preview, for large JPEGs, a small copy ready at
 * once, to show while the display copy loads.
 */
export const DocumentInfo = z.object({
  docId: Id,
  name: z.string(),
  format: ImageFormat,
  width: Int.positive(),
  height: Int.positive(),
  fileBytes: Int.nonnegative(),
  display: z.object({ url: ImageUrl, width: Int.positive(), height: Int.positive() }),
  preview: z.object({ url: ImageUrl, width: Int.positive(), height: Int.positive() }).optional(),
});
export type DocumentInfo = z.infer<typeof DocumentInfo>;

/**
 * What the person sets for a run: the engine's EditSettings as the window sends them. Absent
 * guidance/steps/sampler/detail mean the model's defaults (the engine fills them in), a null seed a random
 * one (the host picks it); no preview switch (the window always shows them).
 */
export const RunSettings = EditSettings.pick({ guidanceScale: true, steps: true, sampler: true, detail: true }).extend({
  prompt: z.string().max(2000),
  seed: EditSettings.shape.seed.nullable(),
  candidates: EditSettings.shape.candidates.unwrap(),
});
export type RunSettings = z.infer<typeof RunSettings>;

/** Mask operations and edits, as the renderer's history holds them (data, not pixels). */
export const Stroke = z.object({
  kind: z.literal('stroke'),
  mode: z.enum(['paint', 'erase']),
  /** Diameter in full-resolution image pixels. */
  width: z.number().positive().max(10_000),
  hardness: z.number().min(0).max(1),
  /** Flat x0, y0, x1, y1, … in full-resolution image pixels. */
  points: z.array(z.number()).min(2).max(400_000),
});
export type Stroke = z.infer<typeof Stroke>;

const MASK_ENTRIES = [Stroke, ...MASK_OPS, z.object({ kind: z.literal('clear') }), z.object({ kind: z.literal('invert') })] as const;

/** Everything in the history that makes the mask (and the canvas): all entries but accepted edits. */
export const MaskEntry = z.discriminatedUnion('kind', [...MASK_ENTRIES]);
export type MaskEntry = z.infer<typeof MaskEntry>;

export const HistoryEntry = z.discriminatedUnion('kind', [...MASK_ENTRIES, z.object({ kind: z.literal('edit'), editId: Id, label: z.string().max(2000) })]);
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/**
 * What a run does: 'prompt' paints what the prompt says; 'fill' (an empty prompt) removes what is
 * masked and continues the photo from its surroundings. The Run button says "Fill" for it.
 */
export const EditMode = z.enum(['prompt', 'fill']);
export type EditMode = z.infer<typeof EditMode>;
export const editModeOf = (prompt: string): EditMode => (prompt.trim() === '' ? 'fill' : 'prompt');

/**
 * Everything needed to replay an accepted edit (the mask's pixels are also kept beside it by the
 * host). canvas: how far the canvas reached beyond the photo when it ran (absent: the photo itself);
 * the edit's box is in that canvas's pixels. mask: the operations that made the run's mask, in order
 * (the canvas's extensions, then everything since the mask was last cleared or replaced), each in
 * the pixels of the canvas of its time: replayed over the photo (renderer/mask/placed-ops.ts) they
 * give the mask again.
 */
export const Recipe = ResolvedSettings.extend({
  prompt: z.string(),
  /** editModeOf(prompt); absent in recipes written before Fill existed (their prompts were never empty). */
  mode: EditMode.optional(),
  seed: Int,
  model: z.object({ name: z.string(), sha256: z.string() }),
  createdAt: z.string(),
  canvas: CanvasPadding.optional(),
  mask: z.array(MaskEntry).max(100_000).optional(),
});
export type Recipe = z.infer<typeof Recipe>;

const Box = { x: Int.nonnegative(), y: Int.nonnegative(), width: Int.positive(), height: Int.positive() };

/** One result of a run: a patch (PNG of the edited crop box) to lay over the document at x, y. */
export const CandidateInfo = z.object({ candidateId: Id, url: ImageUrl, seed: Int, ...Box });
export type CandidateInfo = z.infer<typeof CandidateInfo>;

/** millis: the engine's whole edit; inferenceMs: the model's sampling alone (when the engine says). */
export const EditResult = z.object({ runId: Id, candidates: z.array(CandidateInfo), millis: z.number(), inferenceMs: z.number().optional() });
export type EditResult = z.infer<typeof EditResult>;

/** An accepted candidate: part of the document for as long as the renderer's history applies it. */
export const AcceptedEdit = z.object({ editId: Id, url: ImageUrl, recipe: Recipe, ...Box });
export type AcceptedEdit = z.infer<typeof AcceptedEdit>;

/** The renderer's history: entries[0, position) are applied; the rest can be redone. */
export const EditorState = z.object({
  entries: z.array(HistoryEntry).max(100_000),
  position: Int.nonnegative(),
});
export type EditorState = z.infer<typeof EditorState>;

export const OpenedProject = z.object({ document: DocumentInfo, edits: z.array(AcceptedEdit), state: EditorState });
export type OpenedProject = z.infer<typeof OpenedProject>;

/**
 * A file the host wrote for the person: saved where they chose (Electron) or offered as a download
 * (serve mode). null in place of this means they cancelled the save dialog.
 */
export const SavedFile = z.object({
  fileName: z.string(),
  bytes: Int.nonnegative(),
  savedPath: z.string().nullable(),
  downloadUrl: ImageUrl.nullable(),
});
export type SavedFile = z.infer<typeof SavedFile>;

export const Settings = z.object({
  run: z.object({
    guidanceScale: z.number().min(0).max(50).nullable(), // null: the model's default
    steps: Int.min(1).max(1000).nullable(),
    candidates: Int.min(1).max(8),
    seedMode: z.enum(['random', 'fixed']),
    seed: Int.min(0).max(2 ** 32 - 1),
  }),
  brush: z.object({ size: z.number().min(1).max(2000), hardness: z.number().min(0).max(1) }),
  overlay: z.object({ colour: z.string().regex(/^#[0-9a-fA-F]{6}$/), opacity: z.number().min(0).max(1) }),
  export: z.object({ format: ImageFormat, quality: Int.min(1).max(100) }),
  engine: z.object({ bundleDir: z.string().nullable(), provider: ProviderChoice }),
  window: z.object({ width: Int.min(400), height: Int.min(300) }).nullable(),
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = {
  run: { guidanceScale: null, steps: null, candidates: 2, seedMode: 'random', seed: 0 },
  brush: { size: 64, hardness: 0.8 },
  overlay: { colour: '#ff3366', opacity: 0.5 },
  export: { format: 'png', quality: 92 },
  engine: { bundleDir: null, provider: 'auto' },
  window: null,
};

/** A partial update: each section replaced field by field. */
export const SettingsPatch = z.object({
  run: Settings.shape.run.partial().optional(),
  brush: Settings.shape.brush.partial().optional(),
  overlay: Settings.shape.overlay.partial().optional(),
  export: Settings.shape.export.partial().optional(),
  engine: Settings.shape.engine.partial().optional(),
  window: Settings.shape.window.optional(),
});
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export const EngineStatus = z.object({
  state: z.enum(['starting', 'loading', 'ready', 'crashed', 'restarting', 'failed']),
  /** For the person: what is happening and, when it failed, what to do. */
  message: z.string(),
  model: z.object({ name: z.string(), sha256: z.string(), imageSize: Int, license: z.string() }).nullable(),
  provider: ProviderInfo.nullable(),
  defaults: ResolvedSettings.nullable(),
});
export type EngineStatus = z.infer<typeof EngineStatus>;

export const AppInfo = z.object({
  mode: z.enum(['electron', 'serve']),
  /** True where the host shows native open/save dialogs; false: the renderer uses a file input and downloads. */
  nativeDialogs: z.boolean(),
  version: z.string(),
  maxPixels: Int.positive(),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** A model bundle the Models panel lists: installed in the app's models folder, added by folder, or built in. */
export const InstalledModel = z.object({
  id: Id,
  name: z.string(),
  stages: z.array(z.enum(['base', 'upsampler'])),
  /** Size on disk. */
  bytes: Int.nonnegative(),
  license: z.string(),
  /** Where it came from: an address, a folder, "built in". */
  source: z.string(),
  inUse: z.boolean(),
  /** 'installed': in the app's models folder (Remove deletes it); 'added': a folder of the person's (Remove forgets it); 'built-in'. */
  kind: z.enum(['installed', 'added', 'built-in']),
});
export type InstalledModel = z.infer<typeof InstalledModel>;

export const OfficialVariant = z.enum(['base', 'pair']);
export type OfficialVariant = z.infer<typeof OfficialVariant>;

/** A download-and-convert (or import) of a model, as the Models panel shows it. */
export const ModelInstallState = z.object({
  jobId: Id,
  kind: z.enum(['official', 'import']),
  variant: OfficialVariant.nullable(),
  phase: z.enum(['downloading', 'paused', 'converting', 'done', 'failed', 'cancelled']),
  file: z.string().nullable(),
  bytesDone: Int.nonnegative(),
  bytesTotal: Int.nonnegative().nullable(),
  bytesPerSecond: z.number().nonnegative().nullable(),
  secondsLeft: z.number().nonnegative().nullable(),
  /** For the person: what is happening; when failed, what happened and what to do. */
  message: z.string(),
});
export type ModelInstallState = z.infer<typeof ModelInstallState>;

export const ModelsOverview = z.object({
  installed: z.array(InstalledModel),
  /** The download or conversion under way, paused (also from an earlier launch), or just finished. */
  job: ModelInstallState.nullable(),
  /** Whether Import checkpoint files… and Add bundle folder… can open native dialogs here. */
  dialogs: z.boolean(),
});
export type ModelsOverview = z.infer<typeof ModelsOverview>;

/** What Get OpenAI GLIDE shows before anything starts. */
export const OfficialOffer = z.object({
  name: z.string(),
  source: z.string(),
  variants: z.array(z.object({ id: OfficialVariant, label: z.string(), downloadBytes: Int.positive(), detail: z.string() })),
  license: z.object({ name: z.string(), text: z.string() }),
  intendedUse: z.string(),
  limitations: z.string(),
});
export type OfficialOffer = z.infer<typeof OfficialOffer>;

const Empty = z.object({}).strict();
const Nothing = z.null();
const FileBytes = z.object({ name: z.string().max(1024), bytes: Bytes });

/** The run panel as the person left it (part of an autosave). */
export const RunPanel = z.object({
  prompt: z.string().max(2000),
  guidanceScale: z.number().min(0).max(50).nullable(),
  steps: Int.min(1).max(1000).nullable(),
  detail: EditSettings.shape.detail.unwrap().nullable().default(null), // absent in autosaves before Detail existed
  seedMode: z.enum(['random', 'fixed']),
  seed: Int.min(0).max(2 ** 32 - 1),
  candidates: Int.min(1).max(8),
});
export type RunPanel = z.infer<typeof RunPanel>;

/** A run's candidates waiting to be accepted or discarded, by id (the host keeps their patches). */
export const StagingState = z.object({
  runId: Id,
  candidateIds: z.array(Id).min(1).max(8),
  selected: Int.nonnegative(),
  settings: RunSettings,
  millis: z.number().nonnegative(),
});
export type StagingState = z.infer<typeof StagingState>;

/** What a recovery offers before the person chooses: which photo, when, how much work. */
export const RecoveryInfo = z.object({ name: z.string(), savedAt: z.string(), entries: Int.nonnegative(), edits: Int.nonnegative() });
export type RecoveryInfo = z.infer<typeof RecoveryInfo>;

export const RecoveredDocument = z.object({
  project: OpenedProject,
  run: RunPanel,
  staging: z.object({ runId: Id, candidates: z.array(CandidateInfo), selected: Int.nonnegative(), settings: RunSettings, millis: z.number() }).nullable(),
});
export type RecoveredDocument = z.infer<typeof RecoveredDocument>;

/** Requests: the renderer invokes a channel with input and receives its output (or a HostError). */
export const requests = {
  'app:info': { input: Empty, output: AppInfo },
  'image:open-bytes': { input: FileBytes, output: DocumentInfo },
  'image:open-path': { input: z.object({ path: z.string().min(1).max(4096) }), output: DocumentInfo },
  /** Native dialog, then open; null when cancelled. Serve mode answers 'unsupported'. */
  'image:open-dialog': { input: Empty, output: DocumentInfo.nullable() },
  'document:close': { input: z.object({ docId: Id }), output: Nothing },
  /**
   * Run the model over the masked area of the document as the listed accepted edits leave it.
   * runId is chosen by the renderer so it can cancel before the answer; progress comes as
   * 'edit:progress' events; resolves when the candidates are ready (or rejects: 'cancelled', …).
   */
  'edit:run': {
    input: z.object({
      docId: Id,
      runId: Id,
      editIds: z.array(Id).max(10_000),
      /** PNG at the photo's full resolution, or of a box of it at maskOrigin; white (>127) = generate. */
      mask: Bytes,
      /** The mask PNG covers only a box of the photo with its top-left here (outside: keep). */
      maskOrigin: z.object({ x: Int.nonnegative(), y: Int.nonnegative() }).optional(),
      /** The mask's grey levels are the blend weights (a feathered mask): every pixel above 0 generates. */
      softMask: z.boolean().optional(),
      /** The canvas the history has grown to around the photo (absent: the photo itself); mask and edits are in its pixels. */
      canvas: CanvasPadding.optional(),
      /** The operations that drew the mask (the recipe records them: Recipe.mask). */
      maskOps: z.array(MaskEntry).max(100_000).optional(),
      settings: RunSettings,
    }),
    output: EditResult,
  },
  'edit:cancel': { input: z.object({ runId: Id }), output: Nothing },
  'candidate:accept': { input: z.object({ docId: Id, candidateId: Id }), output: AcceptedEdit },
  'candidate:discard': { input: z.object({ docId: Id, candidateIds: z.array(Id).max(64) }), output: Nothing },
  'export:image': {
    input: z.object({
      docId: Id,
      editIds: z.array(Id).max(10_000),
      format: ImageFormat,
      quality: Int.min(1).max(100).optional(),
      /** The canvas the history has grown to around the photo (absent: the photo itself). */
      canvas: CanvasPadding.optional(),
    }),
    output: SavedFile.nullable(),
  },
  'project:save': { input: z.object({ docId: Id, state: EditorState }), output: SavedFile.nullable() },
  'project:open-bytes': { input: FileBytes, output: OpenedProject },
  'project:open-path': { input: z.object({ path: z.string().min(1).max(4096) }), output: OpenedProject },
  'project:open-dialog': { input: Empty, output: OpenedProject.nullable() },
  /** Electron: pick a model bundle's bundle.json; the engine switches to that folder. Null if cancelled. */
  'model:choose-dialog': { input: Empty, output: Settings.nullable() },
  /** The Models panel: installed bundles and the install job, if any. */
  'models:list': { input: Empty, output: ModelsOverview },
  'models:use': { input: z.object({ id: Id }), output: Settings },
  'models:remove': { input: z.object({ id: Id }), output: ModelsOverview },
  'models:official-offer': { input: Empty, output: OfficialOffer },
  /** Starts (or resumes) downloading OpenAI's checkpoints, then converts them; progress comes as 'models:install' events. */
  'models:get-official': { input: z.object({ variant: OfficialVariant, fp16: z.boolean() }), output: ModelInstallState },
  'models:install-control': { input: z.object({ action: z.enum(['pause', 'resume', 'cancel']) }), output: ModelInstallState.nullable() },
  /** Native dialog for base_inpaint.pt (upsample_inpaint.pt beside it is used too), then convert. Null if cancelled. */
  'models:import-dialog': { input: z.object({ fp16: z.boolean() }), output: ModelInstallState.nullable() },
  /** Native dialog for a bundle's bundle.json; the folder is added to the list. Null if cancelled. */
  'models:add-folder-dialog': { input: Empty, output: ModelsOverview.nullable() },
  'settings:get': { input: Empty, output: Settings },
  'settings:set': { input: SettingsPatch, output: Settings },
  'engine:status': { input: Empty, output: EngineStatus },
  'engine:restart': { input: Empty, output: EngineStatus },
  /**
   * Autosave: the open document as it stands, kept in the app's data folder after each change that
   * matters; dirty says it holds work not saved in a project (only then is it offered at the next start).
   */
  'autosave:write': {
    input: z.object({ docId: Id, state: EditorState, dirty: z.boolean(), run: RunPanel, staging: StagingState.nullable() }).strict(),
    output: z.object({ bytes: Int.nonnegative(), millis: z.number() }),
  },
  /** The unsaved work an earlier launch left, or null. */
  'autosave:check': { input: Empty, output: RecoveryInfo.nullable() },
  'autosave:restore': { input: Empty, output: RecoveredDocument },
  'autosave:discard': { input: Empty, output: Nothing },
} as const;

/** Events: the host pushes these to every renderer it serves. */
export const events = {
  'edit:progress': z.object({
    runId: Id,
    candidate: Int.nonnegative(),
    candidates: Int.positive(),
    stage: z.enum(['base', 'upsampler']),
    step: Int,
    totalSteps: Int,
    /** Over both stages and every upsampler pass of this candidate (1-based), when the engine counts them. */
    overallStep: Int.positive().optional(),
    overallTotal: Int.positive().optional(),
    /** Small PNG of the predicted result, to draw inside crop (full-resolution image coordinates). */
    preview: Bytes.optional(),
    crop: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }).optional(),
  }),
  'engine:status': EngineStatus,
  'models:install': ModelInstallState,
  /** Native menu items (Electron) that the renderer carries out. */
  'menu:command': z.union([
    z.object({
      command: z.enum(['open-image', 'open-project', 'save-project', 'export', 'undo', 'redo', 'fit', 'actual-size', 'zoom-in', 'zoom-out']),
    }),
    z.object({ command: z.literal('open-recent'), path: z.string().min(1).max(4096), kind: z.enum(['image', 'project']) }),
  ]),
} as const;

export type Channel = keyof typeof requests;
export const CHANNELS = Object.keys(requests) as Channel[];
/** What the renderer passes (defaults not yet applied). */
export type RequestInput<C extends Channel> = z.input<(typeof requests)[C]['input']>;
/** What a handler receives: the parsed input. */
export type ParsedInput<C extends Channel> = z.output<(typeof requests)[C]['input']>;
export type Response<C extends Channel> = z.output<(typeof requests)[C]['output']>;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;
export type HostEvent = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];

export const HostErrorCode = z.enum([
  'bad-request', // malformed input: a bug, not the person's doing
  'forbidden', // the sender is not our page
  'unsupported', // not available in this mode (e.g. native dialogs in serve mode)
  'not-found', // unknown document, candidate or edit (closed, or from another launch)
  'bad-image',
  'too-large',
  'empty-mask',
  'bad-project',
  'engine-unavailable', // starting, restarting or failed to load a model
  'engine-crashed', // the engine died during this request
  'busy',
  'cancelled',
  'model-failure',
  'io',
  'internal',
]);
export type HostErrorCode = z.infer<typeof HostErrorCode>;
export const HostErrorBody = z.object({ code: HostErrorCode, message: z.string() });

/** Every request is answered with an envelope so the code and message survive any transport. */
export const Envelope = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: HostErrorBody }),
]);
export type Envelope = z.infer<typeof Envelope>;

/** A failure with a message written for the person (what happened, what to do). */
export class HostError extends Error {
  override readonly name = 'HostError';
  constructor(
    readonly code: HostErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The renderer's view of the host: `window.api`. The preload (Electron) and the WebSocket client (serve) implement it. */
export interface Api {
  invoke<C extends Channel>(channel: C, input: RequestInput<C>): Promise<Response<C>>;
  /** Returns a function that removes the listener. */
  onEvent(listener: (e: HostEvent) => void): () => void;
}

/**
 * The thin transport a client needs: send a request, get the envelope; hear raw events. Each
 * transport adapts to this and `createApiClient` does the parsing, so both behave the same.
 */
export interface ApiTransport {
  request(channel: Channel, input: unknown): Promise<unknown>;
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
}

export function createApiClient(transport: ApiTransport): Api {
  return {
    async invoke(channel, input) {
      if (!(channel in requests)) throw new HostError('bad-request', `Unknown request ${String(channel)}.`);
      const envelope = Envelope.parse(await transport.request(channel, input));
      if (!envelope.ok) throw new HostError(envelope.error.code, envelope.error.message);
      return requests[channel].output.parse(envelope.value) as never;
    },
    onEvent(listener) {
      return transport.subscribe((event, payload) => {
        if (!(event in events)) return;
        const parsed = events[event as EventName].safeParse(payload);
        if (parsed.success) listener({ event, payload: parsed.data } as HostEvent);
        else console.error(`host event ${event} did not match the contract`, parsed.error);
      });
    },
  };
}
