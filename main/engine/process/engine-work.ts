/**
 * What the dispatcher asks of the engine's real work (bundles, sampling, compositing). An interface
 * so the dispatcher's protocol rules (parsing, one edit at a time, cancel, error codes) are tested
 * without models, and so engine-main.ts is the one place that wires the real implementations.
 */
import type { z } from 'zod';
import type { BundleInfo, Candidate, EditRequest, EngineEvent, ExportRequest, ProviderChoice, ProviderInfo, ResolvedSettings } from '../protocol.ts';

export type { EditRequest, ExportRequest };
/** A progress event without its request id (the dispatcher adds it). */
export type EditProgress = Omit<Extract<EngineEvent, { type: 'progress' }>, 'type' | 'id'>;

export interface EngineWork {
  load(bundleDir: string, provider: ProviderChoice): Promise<{ bundle: BundleInfo; provider: z.infer<typeof ProviderInfo> }>;
  /** Must stop within one step once `signal` aborts, throwing CancelledError (errors.ts). */
  /**
   * Resolves with the patches and the settings they were made with (the bundle's defaults filled in);
   * inferenceMs: the model's sampling time alone (absent where the work does not measure it).
   */
  edit(req: EditRequest, signal: AbortSignal, onProgress: (p: EditProgress) => void): Promise<{ candidates: Candidate[]; settings: ResolvedSettings; inferenceMs?: number }>;
  exportImage(req: ExportRequest): Promise<{ outPath: string; bytes: number }>;
  /** Decodes the photo and keeps it for the next edits (compositing/decoded-photo.ts). */
  preparePhoto(imagePath: string): Promise<void>;
  /** Frees sessions before the process exits. */
  dispose(): Promise<void>;
}
