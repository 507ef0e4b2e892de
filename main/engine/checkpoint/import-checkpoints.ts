/**
 * OpenAI's GLIDE inpainting checkpoints -> a model bundle, in TypeScript (no Python, no torch.load).
 *
 * 1. Each checkpoint is opened through the restricted unpickler and checked strictly: exactly the keys
 *    and shapes its stage's template lists, float32 or float16 storages. Nothing is written before
 *    every checkpoint passes.
 * 2. Each graph is written from its template (graph-template.ts) front to back, one weight in memory at
 *    a time, hashing as it goes; the bundle is assembled in `<out>.partial` and renamed into place only
 *    when complete, so no half-written bundle is ever seen.
 * base_inpaint.pt alone gives a base-only bundle; with upsample_inpaint.pt both stages.
 */
import { createHash } from 'node:crypto';
import { type FileHandle, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CheckpointError } from './checkpoint-error.ts';
import { float32ToFloat16 } from './float16.ts';
import { type GraphPlan, planGraph, type WeightHole } from './graph-template.ts';
import { TorchCheckpoint } from './torch-checkpoint.ts';
import { readTemplateSet, type StageTemplate, type TemplateSet } from './templates.ts';

export type ImportPhase = 'checking' | 'writing' | 'done';

export interface ImportProgress {
  phase: ImportPhase;
  bytesDone: number;
  bytesTotal: number;
  file?: string;
}

export interface ImportOptions {
  /** Folder holding base_inpaint.pt and optionally upsample_inpaint.pt. */
  sourceDir: string;
  /** The bundle folder to create (must not exist, or be an earlier bundle, which is replaced). */
  outDir: string;
  templatesDir: string;
  /** Store weights as float16 (computed in float32): about half the size. */
  fp16?: boolean;
  /** Where the checkpoints came from, for the bundle's provenance (default: the source folder). */
  source?: string;
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
}

export interface ImportResult {
  outDir: string;
  stages: string[];
  bytes: number;
  seconds: number;
}

type StageName = 'base' | 'upsampler';
const WRITE_CHUNK = 8 << 20;

function checkKeys(ckpt: TorchCheckpoint, stage: StageName, t: StageTemplate): void {
  const ours = Object.keys(t.keys);
  const missing = ours.filter((k) => !ckpt.tensors.has(k));
  const unexpected = [...ckpt.tensors.keys()].filter((k) => !Object.hasOwn(t.keys, k));
  const wrong = ours.filter((k) => ckpt.tensors.has(k) && ckpt.tensors.get(k)!.shape.join(',') !== t.keys[k].join(','));
  if (missing.length || unexpected.length || wrong.length) {
    const eg = (a: string[]) => (a.length ? ` (e.g. ${a.slice(0, 3).join(', ')})` : '');
    throw new CheckpointError(
      `${path.basename(ckpt.file)} is not the official ${stage} inpainting checkpoint: ${missing.length} keys missing${eg(missing)}, ` +
        `${unexpected.length} unexpected${eg(unexpected)}, ${wrong.length} with other shapes${eg(wrong)}. ` +
        `Use OpenAI's ${t.checkpoint} unchanged.`,
    );
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** The weight's values as the graph wants them (transposed if so recorded), encoded for raw_data. */
async function weightBytes(ckpt: TorchCheckpoint, hole: WeightHole): Promise<Uint8Array> {
  const values = await ckpt.readFloat32(hole.source.key);
  let out = values;
  if (hole.source.transform === 'transpose') {
    const [rows, cols] = ckpt.tensors.get(hole.source.key)!.shape;
    out = new Float32Array(values.length);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j];
  }
  const count = hole.dims.reduce((a, b) => a * b, 1);
  if (out.length !== count) throw new CheckpointError(`${hole.source.key} has ${out.length} values, the graph wants ${count}`);
  const encoded = hole.fp16 ? float32ToFloat16(out) : out;
  return new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength);
}

class HashingWriter {
  readonly hash = createHash('sha256');
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  written = 0;
  constructor(private readonly fh: FileHandle) {}

  async write(bytes: Uint8Array): Promise<void> {
    this.hash.update(bytes);
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.written += bytes.length;
    if (this.pendingBytes >= WRITE_CHUNK) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.pendingBytes) return;
    const chunk = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    await this.fh.write(chunk);
  }
}

async function writeGraph(file: string, plan: GraphPlan, ckpt: TorchCheckpoint, progress: (bytes: number) => void, signal?: AbortSignal): Promise<string> {
  const fh = await open(file, 'wx');
  try {
    const w = new HashingWriter(fh);
    for (const s of plan.segments) {
      signal?.throwIfAborted();
      if (s instanceof Uint8Array) await w.write(s);
      else {
        await w.write(await weightBytes(ckpt, s));
        progress(s.bytes);
      }
    }
    await w.flush();
    if (w.written !== plan.bytes) throw new Error(`wrote ${w.written} bytes of ${file}, planned ${plan.bytes}`);
    await fh.sync();
    return w.hash.digest('hex');
  } finally {
    await fh.close();
  }
}

async function prepareOut(outDir: string): Promise<void> {
  if ((await exists(outDir)) && !(await exists(path.join(outDir, 'bundle.json')))) {
    throw new CheckpointError(`${outDir} exists and is not a model bundle; choose a new folder for the bundle.`);
  }
}

export async function importCheckpoints(options: ImportOptions): Promise<ImportResult> {
  const t0 = performance.now();
  const templates: TemplateSet = await readTemplateSet(options.templatesDir);
  const fp16 = options.fp16 ?? false;
  const report = options.onProgress ?? (() => {});
  await prepareOut(options.outDir);

  const stages: StageName[] = ['base'];
  const upTemplate = templates.stages.upsampler;
  if (upTemplate && (await exists(path.join(options.sourceDir, upTemplate.checkpoint)))) stages.push('upsampler');

  const opened: TorchCheckpoint[] = [];
  const tmp = `${options.outDir}.partial`;
  try {
    const work: { stage: StageName; t: StageTemplate; ckpt: TorchCheckpoint; plans: Record<'textEncoder' | 'denoiser', GraphPlan> }[] = [];
    for (const stage of stages) {
      const t = templates.stages[stage]!;
      report({ phase: 'checking', bytesDone: 0, bytesTotal: 0, file: t.checkpoint });
      const ckpt = await TorchCheckpoint.open(path.join(options.sourceDir, t.checkpoint));
      opened.push(ckpt);
      checkKeys(ckpt, stage, t);
      const plans = {
        textEncoder: planGraph(await readFile(path.join(options.templatesDir, t.graphs.textEncoder.template)), t.graphs.textEncoder.weights, fp16),
        denoiser: planGraph(await readFile(path.join(options.templatesDir, t.graphs.denoiser.template)), t.graphs.denoiser.weights, fp16),
      };
      work.push({ stage, t, ckpt, plans });
    }
    const bytesTotal = work.reduce((a, w) => a + w.plans.textEncoder.bytes + w.plans.denoiser.bytes, 0);
    let bytesDone = 0;

    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    const files: Record<string, { sha256: string; bytes: number }> = {};
    const stageEntries: Record<string, unknown> = {};
    const transforms: Record<string, number> = {};
    for (const { stage, t, ckpt, plans } of work) {
      for (const kind of ['textEncoder', 'denoiser'] as const) {
        const g = t.graphs[kind];
        const sha256 = await writeGraph(
          path.join(tmp, g.file),
          plans[kind],
          ckpt,
          (n) => {
            bytesDone += n;
            report({ phase: 'writing', bytesDone, bytesTotal, file: g.file });
          },
          options.signal,
        );
        files[g.file] = { sha256, bytes: plans[kind].bytes };
        for (const w of Object.values(g.weights)) transforms[w.transform] = (transforms[w.transform] ?? 0) + 1;
      }
      stageEntries[stage] = t.entry;
    }
    const manifest = {
      format: 'glide-inpaint-bundle',
      formatVersion: 1,
      family: 'glide-inpaint',
      name: stages.length === 1 ? `${templates.name} (base only)` : templates.name,
      description: stages.length === 1 ? templates.descriptionBaseOnly : templates.description,
      tokenizer: 'gpt2-bpe',
      stages: stageEntries,
      defaults: templates.defaults,
      files,
      license: templates.license,
      provenance: {
        createdAt: new Date().toISOString().replace(/\.\d+Z$/, '+00:00'),
        source: options.source ?? path.resolve(options.sourceDir),
        checkpoints: Object.fromEntries(work.map((w) => [w.stage, w.t.checkpoint])),
        converter: 'main/engine/checkpoint/import-checkpoints.ts (TypeScript, graph templates from models/glide/graph_templates.py)',
        weights: fp16 ? 'stored as float16, computed in float32' : 'float32',
        // How template initializers were made from checkpoint keys (transpose: Linear weights torch folded into MatMul).
        transforms,
        convertSeconds: Math.round((performance.now() - t0) / 100) / 10,
      },
    };
    await writeFile(path.join(tmp, 'bundle.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(options.outDir, { recursive: true, force: true });
    await rename(tmp, options.outDir);
    report({ phase: 'done', bytesDone: bytesTotal, bytesTotal });
    return { outDir: options.outDir, stages, bytes: bytesTotal, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
    throw e;
  } finally {
    await Promise.all(opened.map((c) => c.close().catch(() => {})));
  }
}
