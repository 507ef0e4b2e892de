/**
 * Runs edits for the renderer: turns a request (document, accepted edits, mask, settings) into an
 * engine edit, forwards its progress as events, and keeps the candidate patches it returns until
 * the person accepts or discards them. An accepted candidate becomes an edit with its recipe.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { editModeOf, HostError, type AcceptedEdit, type EditResult, type HostEvent, type ParsedInput, type Recipe } from '../contract.ts';
import { compactPatch } from '../engine/compositing/patch-file.ts';
import { canvasSize, isPadded } from './document-canvas.ts';
import type { DocumentStore, StoredPatch } from './document-store.ts';
import type { EngineSession } from './engine-session.ts';
import type { FileUrls } from './file-urls.ts';

export interface EditRunnerDeps {
  docs: DocumentStore;
  engine: EngineSession;
  files: FileUrls;
  emit: (e: HostEvent) => void;
  randomSeed?: () => number;
  now?: () => Date;
}

interface ActiveRun {
  engineId: string | null;
  cancelRequested: boolean;
}

export class EditRunner {
  private readonly active = new Map<string, ActiveRun>();

  constructor(private readonly deps: EditRunnerDeps) {}

  async run(input: ParsedInput<'edit:run'>): Promise<EditResult> {
    const { docs, engine, files, emit } = this.deps;
    const doc = docs.get(input.docId);
    if (this.active.has(input.runId)) throw new HostError('bad-request', 'This run is already going.');
    const loaded = engine.requireReady();
    await checkMask(input.mask, canvasSize(doc.info, input.canvas), input.maskOrigin);
    const source = await docs.sourceFor(doc, input.editIds, input.canvas);
    const run: ActiveRun = { engineId: null, cancelRequested: false };
    this.active.set(input.runId, run);
    try {
      const runDir = path.join(doc.dir, 'runs', input.runId);
      await mkdir(runDir, { recursive: true });
      const maskPath = path.join(runDir, 'mask.png');
      await writeFile(maskPath, input.mask);
      // Guidance, steps and sampler the person left to the model are filled in by the engine, which
      // reports what it used; the host only picks the random seed.
      const settings = { ...input.settings, seed: input.settings.seed ?? (this.deps.randomSeed ?? (() => randomInt(2 ** 32 - 1)))(), preview: true };
      if (run.cancelRequested) throw new HostError('cancelled', 'The run was cancelled.');
      const job = engine.host.edit({ source, mask: input.mask, maskOrigin: input.maskOrigin, softMask: input.softMask, settings, outDir: runDir }, (p) =>
        emit({
          event: 'edit:progress',
          payload: {
            runId: input.runId,
            candidate: p.candidate,
            candidates: settings.candidates,
            stage: p.stage,
            step: p.step,
            totalSteps: p.totalSteps,
            overallStep: p.overallStep,
            overallTotal: p.overallTotal,
            preview: p.preview,
            crop: p.crop,
          },
        }),
      );
      run.engineId = job.id;
      if (run.cancelRequested) engine.host.cancel(job.id);
      const result = await job.done;
      const createdAt = (this.deps.now?.() ?? new Date()).toISOString();
      const model = { name: loaded.bundle.name, sha256: loaded.bundle.sha256 };
      const candidates = result.candidates.map((c) => {
        const recipe: Recipe = {
          ...result.settings,
          prompt: settings.prompt,
          mode: editModeOf(settings.prompt),
          seed: c.seed,
          model,
          createdAt,
          ...(isPadded(input.canvas) ? { canvas: input.canvas } : {}),
          ...(input.maskOps ? { mask: input.maskOps } : {}),
        };
        const stored: StoredPatch = {
          id: randomUUID(),
          path: c.path,
          url: files.register({ path: c.path, mime: 'image/png' }),
          x: c.x,
          y: c.y,
          width: c.width,
          height: c.height,
          seed: c.seed,
          recipe,
          maskPath,
        };
        doc.candidates.set(stored.id, stored);
        return { candidateId: stored.id, url: stored.url, seed: c.seed, x: c.x, y: c.y, width: c.width, height: c.height };
      });
      return { runId: input.runId, candidates, millis: result.millis, inferenceMs: result.inferenceMs };
    } finally {
      this.active.delete(input.runId);
    }
  }

  /** Asks the engine to stop the run within a step; the run's request then answers 'cancelled'. */
  cancel(runId: string): void {
    const run = this.active.get(runId);
    if (!run) return;
    run.cancelRequested = true;
    if (run.engineId) this.deps.engine.host.cancel(run.engineId);
  }

  accept(docId: string, candidateId: string): AcceptedEdit {
    const doc = this.deps.docs.get(docId);
    const candidate = doc.candidates.get(candidateId);
    if (!candidate) throw new HostError('not-found', 'That candidate is no longer available. Run the edit again.');
    doc.candidates.delete(candidateId);
    doc.edits.set(candidate.id, candidate);
    // The engine writes candidates uncompressed, for speed; the one kept is compacted now, off the run's path.
    const compacting = compactPatch(candidate.path)
      .catch(() => {}) // a patch that cannot be compacted stays as it was written
      .finally(() => doc.background.delete(compacting));
    doc.background.add(compacting);
    return acceptedEdit(candidate);
  }

  async discard(docId: string, candidateIds: readonly string[]): Promise<void> {
    const doc = this.deps.docs.get(docId);
    for (const id of candidateIds) {
      const candidate = doc.candidates.get(id);
      if (!candidate) continue;
      doc.candidates.delete(id);
      this.deps.files.revoke(candidate.url);
      await rm(candidate.path, { force: true });
    }
  }
}

export function acceptedEdit(p: StoredPatch): AcceptedEdit {
  return { editId: p.id, url: p.url, recipe: p.recipe, x: p.x, y: p.y, width: p.width, height: p.height };
}

/** A cheap header check, so a wrong-sized mask gets a clear answer before the engine starts. */
async function checkMask(mask: Uint8Array, canvas: { width: number; height: number }, origin?: { x: number; y: number }): Promise<void> {
  let meta: Metadata;
  try {
    meta = await sharp(mask).metadata();
  } catch {
    throw new HostError('bad-request', 'The mask could not be read as a PNG.');
  }
  if (meta.format !== 'png') throw new HostError('bad-request', 'The mask must be a PNG.');
  if (origin) {
    if (origin.x + meta.width! > canvas.width || origin.y + meta.height! > canvas.height) {
      throw new HostError('bad-request', `The mask (${meta.width}×${meta.height} at ${origin.x},${origin.y}) reaches outside the ${canvas.width}×${canvas.height} photo.`);
    }
  } else if (meta.width !== canvas.width || meta.height !== canvas.height) {
    throw new HostError('bad-request', `The mask is ${meta.width}×${meta.height} but the photo is ${canvas.width}×${canvas.height}; they must match.`);
  }
}
