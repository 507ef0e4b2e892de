/** Everything the editor window shows, as one immutable snapshot (React panels and the canvas read it). */
import {
  DEFAULT_SETTINGS,
  type AcceptedEdit,
  type AppInfo,
  type CandidateInfo,
  type DocumentInfo,
  type EngineStatus,
  type ProviderChoice,
  type RecoveryInfo,
  type RunSettings,
  type Settings,
} from '../../main/contract.ts';
import { History, type MaskEntry } from './history.ts';

export type Tool = 'brush' | 'eraser' | 'rect' | 'lasso' | 'wand';

/** The selection tools' options (rectangle, lasso, wand) and the grow/feather amounts being tried. */
export interface MaskToolOptions {
  lassoMode: 'freehand' | 'polygon';
  wandTolerance: number;
  wandContiguous: boolean;
  /** Grow (> 0) / shrink (< 0) and feather amounts in photo pixels, previewed live until applied. */
  grow: number;
  feather: number;
}

export interface RunProgress {
  runId: string;
  candidate: number;
  candidates: number;
  stage: 'base' | 'upsampler';
  step: number;
  totalSteps: number;
  /** Over both stages and every upsampler pass of the candidate (0 until the engine reports it). */
  overallStep: number;
  overallTotal: number;
  /** Object URL of the latest preview PNG, drawn inside crop. */
  previewUrl: string | null;
  crop: { x: number; y: number; width: number; height: number } | null;
  startedAt: number;
  cancelling: boolean;
}

export interface Staging {
  runId: string;
  candidates: CandidateInfo[];
  selected: number;
  /** What produced them, for "retry with a new seed". */
  settings: RunSettings;
  millis: number;
}

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  message: string;
}

export interface EditorSnapshot {
  /** The WebSocket to the serve-mode server dropped (it reconnects by itself). */
  connectionLost: boolean;
  app: AppInfo | null;
  doc: DocumentInfo | null;
  /** Accepted edits known to this window, by id (the history says which apply). */
  edits: Readonly<Record<string, AcceptedEdit>>;
  history: History;
  /** The history as last opened or saved in a project (null: restored work, never saved). */
  savedHistory: History | null;
  /** Unsaved work an earlier launch left, offered until the person restores or discards it. */
  recovery: RecoveryInfo | null;
  tool: Tool;
  maskTools: MaskToolOptions;
  /** A mask operation shown on the overlay but not yet in the history (grow/feather being adjusted). */
  maskPreview: Extract<MaskEntry, { kind: 'grow' | 'feather' }> | null;
  brush: { size: number; hardness: number };
  overlay: { colour: string; opacity: number; visible: boolean };
  run: {
    prompt: string;
    guidanceScale: number | null;
    steps: number | null;
    /** How large the upsampler may generate; null: the model's default. */
    detail: NonNullable<RunSettings['detail']> | null;
    seedMode: 'random' | 'fixed';
    seed: number;
    candidates: number;
  };
  running: RunProgress | null;
  staging: Staging | null;
  /** Before/after: holding the compare key shows the photo without the candidate; amount fades it. */
  compare: { holding: boolean; amount: number };
  engine: EngineStatus;
  exportSettings: Settings['export'];
  /** Which execution provider the engine should use (it applies on the next engine start). */
  providerSetting: ProviderChoice;
  busy: null | 'opening' | 'exporting' | 'saving' | 'preparing-mask';
  notices: Notice[];
  /** millis: the engine's edit; inferenceMs: its sampling alone; clickToResultMs: what the person waited. */
  lastRun: { millis: number; clickToResultMs: number; inferenceMs: number | null } | null;
}

export const initialSnapshot: EditorSnapshot = {
  connectionLost: false,
  app: null,
  doc: null,
  edits: {},
  history: History.empty,
  savedHistory: History.empty,
  recovery: null,
  tool: 'brush',
  maskTools: { lassoMode: 'freehand', wandTolerance: 32, wandContiguous: true, grow: 0, feather: 0 },
  maskPreview: null,
  brush: { ...DEFAULT_SETTINGS.brush },
  overlay: { ...DEFAULT_SETTINGS.overlay, visible: true },
  run: { prompt: '', guidanceScale: null, steps: null, detail: null, seedMode: 'random', seed: 0, candidates: DEFAULT_SETTINGS.run.candidates },
  running: null,
  staging: null,
  compare: { holding: false, amount: 1 },
  engine: { state: 'starting', message: 'Connecting to the engine…', model: null, provider: null, defaults: null },
  exportSettings: { ...DEFAULT_SETTINGS.export },
  providerSetting: DEFAULT_SETTINGS.engine.provider,
  busy: null,
  notices: [],
  lastRun: null,
};

/** Work a close or a crash would lose without the autosave: history changed since open or save, or candidates waiting. */
export function hasUnsavedWork(s: EditorSnapshot): boolean {
  return s.doc !== null && (s.history !== s.savedHistory || s.staging !== null);
}
