/**
 * The engine's real work behind the dispatcher: the loaded bundle (one at a time; sessions created
 * once and reused), edits through compositing and the sampling pipeline, exports.
 */
import { loadBundle, type LoadedBundle } from '../bundle/load.ts';
import { keptPhoto } from '../compositing/decoded-photo.ts';
import { exportImage } from '../compositing/export-image.ts';
import { probeImage } from '../compositing/open-image.ts';
import { EngineError } from '../errors.ts';
import type { ProviderChoice } from '../protocol.ts';
import { bundleInfo } from './bundle-info.ts';
import type { EditProgress, EditRequest, EngineWork, ExportRequest } from './engine-work.ts';
import { runEdit } from './run-edit.ts';

export class RealEngineWork implements EngineWork {
  private bundle?: LoadedBundle;

  async load(bundleDir: string, provider: ProviderChoice) {
    const next = await loadBundle(bundleDir, { provider });
    // Switch only once the new bundle is fully open: a failed load keeps the old one usable.
    const previous = this.bundle;
    this.bundle = next;
    await previous?.release();
    return { bundle: bundleInfo(next), provider: next.provider };
  }

  edit(req: EditRequest, signal: AbortSignal, onProgress: (p: EditProgress) => void) {
    return runEdit(this.loaded(), req, signal, onProgress);
  }

  async exportImage(req: ExportRequest) {
    const { outPath, bytes } = await exportImage(req.source, req.outPath, req.format, req.quality, req.parameters);
    return { outPath, bytes };
  }

  async preparePhoto(imagePath: string): Promise<void> {
    await keptPhoto(await probeImage(imagePath));
  }

  async dispose(): Promise<void> {
    await this.bundle?.release();
    this.bundle = undefined;
  }

  private loaded(): LoadedBundle {
    if (!this.bundle) throw new EngineError('no-bundle', 'No model is loaded. Choose a model bundle in Settings, then run the edit again.');
    return this.bundle;
  }
}
