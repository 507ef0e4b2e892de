/**
 * An in-process stand-in for the engine host in unit tests: edits write solid-colour patches over
 * the mask's bounding box (after emitting progress), exports composite the patches with sharp.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { EditInput, EngineEvent, ExportInput, ProviderChoice, ResolvedSettings } from '../../engine/protocol.ts';
import type { EngineHostLike, EngineProgress, EngineResult } from '../engine-session.ts';

type StatusListener = Parameters<EngineHostLike['onStatus']>[0];

/** The fake model's defaults, which its edits fill in as the engine does from a bundle. */
const DEFAULTS: ResolvedSettings = { guidanceScale: 3, steps: 4, sampler: 'ddim' };

export class FakeEngineHost implements EngineHostLike {
  readonly calls: { type: string; req?: unknown }[] = [];
  statusListeners: StatusListener[] = [];
  /** When set, edits wait for this before finishing (to test cancel mid-run). */
  hold: Promise<void> | null = null;
  failLoad: Error | null = null;
  private cancelled = new Set<string>();
  private nextId = 0;

  async start(): Promise<void> {
    this.calls.push({ type: 'start' });
  }

  async load(bundleDir: string, provider: ProviderChoice = 'auto'): Promise<Extract<EngineEvent, { type: 'loaded' }>> {
    this.calls.push({ type: 'load', req: { bundleDir, provider } });
    if (this.failLoad) throw this.failLoad;
    return {
      type: 'loaded',
      id: 'l1',
      bundle: {
        dir: bundleDir,
        name: 'fake-model',
        sha256: 'ab'.repeat(32),
        stages: ['base'],
        imageSize: 64,
        defaults: DEFAULTS,
        license: 'MIT',
      },
      provider: { name: 'cpu', reason: 'test' },
    };
  }

  edit(req: EditInput, onProgress?: (e: EngineProgress) => void): { id: string; done: Promise<EngineResult> } {
    const id = `e${++this.nextId}`;
    this.calls.push({ type: 'edit', req });
    const done = (async (): Promise<EngineResult> => {
      const settings: ResolvedSettings = {
        guidanceScale: req.settings.guidanceScale ?? DEFAULTS.guidanceScale,
        steps: req.settings.steps ?? DEFAULTS.steps,
        sampler: req.settings.sampler ?? DEFAULTS.sampler,
      };
      const steps = settings.steps;
      const candidateCount = req.settings.candidates ?? 1;
      const { info, data } = await sharp(req.mask).greyscale().raw().toBuffer({ resolveWithObject: true });
      let x0 = info.width, y0 = info.height, x1 = -1, y1 = -1;
      for (let y = 0; y < info.height; y++)
        for (let x = 0; x < info.width; x++)
          if (data[y * info.width + x] > 127) {
            x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
          }
      if (x1 < 0) throw Object.assign(new Error('The mask is empty: paint over the area to change.'), { name: 'EngineError', code: 'empty-mask' });
      const box = { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
      for (let step = 1; step <= steps; step++) {
        if (this.cancelled.has(id)) throw Object.assign(new Error('cancelled'), { name: 'EditCancelledError' });
        onProgress?.({ type: 'progress', id, candidate: 0, stage: 'base', step, totalSteps: steps, crop: box });
        await new Promise((r) => setTimeout(r, 1));
      }
      if (this.hold) await this.hold;
      if (this.cancelled.has(id)) throw Object.assign(new Error('cancelled'), { name: 'EditCancelledError' });
      const candidates = [];
      for (let i = 0; i < candidateCount; i++) {
        const p = path.join(req.outDir, `candidate-${i}.png`);
        await sharp({ create: { width: box.width, height: box.height, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toFile(p);
        candidates.push({ path: p, ...box, seed: req.settings.seed + i });
      }
      return { type: 'result', id, candidates, settings, millis: 5 };
    })();
    return { id, done };
  }

  cancel(id: string): void {
    this.calls.push({ type: 'cancel', req: id });
    this.cancelled.add(id);
  }

  async exportImage(req: ExportInput) {
    this.calls.push({ type: 'export', req });
    const composed = sharp(req.source.imagePath).rotate().composite((req.source.patches ?? []).map((p) => ({ input: p.path, left: p.x, top: p.y })));
    const out = await composed.toFormat(req.format).toBuffer();
    await writeFile(req.outPath, out);
    return { type: 'exported' as const, id: 'x', outPath: req.outPath, bytes: out.byteLength };
  }

  async preparePhoto(imagePath: string): Promise<void> {
    this.calls.push({ type: 'prepare', req: imagePath });
  }

  onStatus(listener: StatusListener): void {
    this.statusListeners.push(listener);
  }

  emitStatus(s: Parameters<StatusListener>[0]): void {
    for (const l of this.statusListeners) l(s);
  }

  async stop(): Promise<void> {
    this.calls.push({ type: 'stop' });
  }
}
