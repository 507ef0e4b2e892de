/**
 * The inputs and outputs the engine feeds and reads for each graph of a stage, and the check of a
 * loaded session against them, so a mismatched graph fails at load with a clear message instead
 * of at the first edit.
 */
import type * as ort from 'onnxruntime-node';
import { BundleError } from '../errors.ts';
import type { Stage, StageName } from './schema.ts';

/** A dimension: a fixed size, or BATCH (must be dynamic: the engine runs batch 1 and 2). */
export type DimSpec = number | typeof BATCH;
export const BATCH = 'batch';

export interface TensorSpec {
  name: string;
  type: ort.Tensor.Type;
  dims: DimSpec[];
  /** Where a fixed size comes from, for the message. */
  source?: string;
}

export interface GraphSpec {
  role: 'text encoder' | 'denoiser';
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export function textEncoderSpec(name: StageName, s: Stage): GraphSpec {
  const src = `stages.${name}`;
  return {
    role: 'text encoder',
    inputs: [
      { name: 'tokens', type: 'int64', dims: [BATCH, s.textCtx], source: `${src}.textCtx` },
      { name: 'token_mask', type: 'bool', dims: [BATCH, s.textCtx], source: `${src}.textCtx` },
    ],
    outputs: [
      { name: 'xf_proj', type: 'float32', dims: [BATCH, s.embDim], source: `${src}.embDim` },
      { name: 'xf_out', type: 'float32', dims: [BATCH, s.xfWidth, s.textCtx], source: `${src}.xfWidth, textCtx` },
    ],
  };
}

export function denoiserSpec(name: StageName, s: Stage): GraphSpec {
  const src = `stages.${name}`;
  const image = (n: string, channels: number): TensorSpec =>
    ({ name: n, type: 'float32', dims: [BATCH, channels, s.imageSize, s.imageSize], source: `${src}.imageSize` });
  const inputs: TensorSpec[] = [
    image('x_t', 3),
    { name: 'timesteps', type: 'int64', dims: [BATCH] },
    { name: 'xf_proj', type: 'float32', dims: [BATCH, s.embDim], source: `${src}.embDim` },
    { name: 'xf_out', type: 'float32', dims: [BATCH, s.xfWidth, s.textCtx], source: `${src}.xfWidth, textCtx` },
    image('inpaint_image', 3),
    image('inpaint_mask', 1),
  ];
  if (s.lowResSize !== undefined) {
    inputs.push({ name: 'low_res', type: 'float32', dims: [BATCH, 3, s.lowResSize, s.lowResSize], source: `${src}.lowResSize` });
  }
  // eps (3 channels) then the learned variance (3); the spatial size may be symbolic in the graph.
  return { role: 'denoiser', inputs, outputs: [image('out', 6)] };
}

const list = (names: readonly string[]) => (names.length ? names.join(', ') : 'none');
const dimText = (d: number | string) => (typeof d === 'number' && d >= 0 ? String(d) : '?');
const isDynamic = (d: number | string) => typeof d === 'string' || d < 0;

/** Throws a BundleError naming `file` if the session does not take and give what the engine uses. */
export function checkGraphIo(file: string, stage: StageName, session: ort.InferenceSession, spec: GraphSpec): void {
  const what = `${file} (the ${stage} ${spec.role})`;
  const expectedIn = spec.inputs.map((t) => t.name);
  const missing = expectedIn.filter((n) => !session.inputNames.includes(n));
  const extra = session.inputNames.filter((n) => !expectedIn.includes(n));
  if (missing.length || extra.length) {
    throw new BundleError(
      `${what} has inputs [${list(session.inputNames)}] but the engine feeds [${list(expectedIn)}] `
      + `(missing: ${list(missing)}; unexpected: ${list(extra)}). The bundle's graphs do not match its bundle.json.`,
    );
  }
  const missingOut = spec.outputs.map((t) => t.name).filter((n) => !session.outputNames.includes(n));
  if (missingOut.length) {
    throw new BundleError(`${what} has outputs [${list(session.outputNames)}] but the engine reads [${list(spec.outputs.map((t) => t.name))}] (missing: ${list(missingOut)}).`);
  }
  // Metadata (onnxruntime-node >= 1.22): types and fixed sizes.
  const check = (kind: 'input' | 'output', metadata: readonly ort.InferenceSession.ValueMetadata[] | undefined, specs: TensorSpec[]) => {
    for (const t of specs) {
      const m = metadata?.find((v) => v.name === t.name);
      if (!m) continue;
      if (!m.isTensor) throw new BundleError(`${what}: ${kind} "${t.name}" is not a tensor.`);
      if (m.type !== t.type) throw new BundleError(`${what}: ${kind} "${t.name}" is ${m.type}, the engine uses ${t.type}.`);
      if (m.shape.length === 0) continue; // shape not recorded in the graph
      const shown = `[${m.shape.map(dimText).join(', ')}]`;
      const wanted = `[${t.dims.map((d) => (d === BATCH ? 'batch' : d)).join(', ')}]`;
      if (m.shape.length !== t.dims.length) throw new BundleError(`${what}: ${kind} "${t.name}" has shape ${shown}, the engine uses ${wanted}.`);
      t.dims.forEach((want, i) => {
        const got = m.shape[i];
        if (want === BATCH) {
          if (!isDynamic(got)) throw new BundleError(`${what}: ${kind} "${t.name}" has a fixed batch size of ${got}; the engine needs a dynamic batch.`);
        } else if (!isDynamic(got) && got !== want) {
          throw new BundleError(`${what}: ${kind} "${t.name}" has shape ${shown}, but bundle.json says ${wanted}${t.source ? ` (${t.source})` : ''}.`);
        }
      });
    }
  };
  check('input', session.inputMetadata, spec.inputs);
  check('output', session.outputMetadata, spec.outputs);
}
