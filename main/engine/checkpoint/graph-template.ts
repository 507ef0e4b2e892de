/**
 * An ONNX graph template (models/glide/graph_templates.py: the exported graph with its weight
 * initializers emptied) turned into a write plan: the template's bytes, copied verbatim, with a hole
 * where each weight's raw_data goes. Every length is known before a weight is read, so the graph is
 * written front to back in one pass, one tensor in memory at a time.
 *
 * Protobuf writes fields in field-number order and a TensorProto from onnx.numpy_helper.from_array
 * holds dims, data_type, name, raw_data in that order; appending raw_data to an emptied tensor
 * therefore gives the very bytes onnx.save writes for the full graph.
 *
 * With fp16, every float32 initializer of at least 1024 elements is stored as float16 under
 * `<name>__fp16` and a Cast node in front of the graph turns it back into `<name>` (what
 * models/glide/export_onnx.py store_weights_as_fp16 does; ORT folds the casts when it loads the graph).
 */
import { float32ToFloat16 } from './float16.ts';
import { bytesField, lengthPrefix, splitFields, varintField, type WireField } from './protobuf-wire.ts';

/** ONNX TensorProto.DataType */
const FLOAT = 1;
const FLOAT16 = 10;
export const FP16_MIN_ELEMENTS = 1024;

// ModelProto.graph, GraphProto.node / initializer, TensorProto fields, NodeProto and AttributeProto fields.
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const TENSOR_DIMS = 1;
const TENSOR_DATA_TYPE = 2;
const TENSOR_NAME = 8;
const TENSOR_RAW_DATA = 9;

export interface WeightSource {
  key: string;
  transform: 'identity' | 'transpose';
}

/** A weight to write: its values (float32, C order, already transformed) as `fp16` or float32 raw_data. */
export interface WeightHole {
  initializer: string;
  source: WeightSource;
  dims: number[];
  fp16: boolean;
  bytes: number;
}

export type Segment = Uint8Array | WeightHole;

export interface GraphPlan {
  segments: Segment[];
  bytes: number;
  weights: number;
}

function segmentBytes(s: Segment): number {
  return s instanceof Uint8Array ? s.length : s.bytes;
}

function castNode(from: string, to: string): Uint8Array {
  const enc = (s: string) => Buffer.from(s, 'utf8');
  // onnx.helper.make_node("Cast", [from], [to], to=FLOAT): input, output, op_type, attribute{name, i, type=INT}
  const attribute = Buffer.concat([bytesField(1, enc('to')), varintField(3, FLOAT), varintField(20, 2)]);
  return Buffer.concat([bytesField(1, enc(from)), bytesField(2, enc(to)), bytesField(4, enc('Cast')), bytesField(5, attribute)]);
}

interface TensorInfo {
  name: string;
  dataType: number;
  dims: number[];
  fields: WireField[];
}

function tensorInfo(bytes: Uint8Array): TensorInfo {
  const fields = splitFields(bytes);
  const info: TensorInfo = { name: '', dataType: 0, dims: [], fields };
  for (const f of fields) {
    if (f.field === TENSOR_NAME) info.name = Buffer.from(f.value as Uint8Array).toString('utf8');
    else if (f.field === TENSOR_DATA_TYPE) info.dataType = f.value as number;
    else if (f.field === TENSOR_DIMS && f.wireType === 0) info.dims.push(f.value as number);
  }
  return info;
}

/** The tensor's fields before raw_data, renamed and retyped for fp16 storage when asked. */
function tensorHead(t: TensorInfo, fp16: boolean): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of t.fields) {
    if (f.field === TENSOR_RAW_DATA) continue;
    if (fp16 && f.field === TENSOR_DATA_TYPE) parts.push(varintField(TENSOR_DATA_TYPE, FLOAT16));
    else if (fp16 && f.field === TENSOR_NAME) parts.push(bytesField(TENSOR_NAME, Buffer.from(`${t.name}__fp16`, 'utf8')));
    else parts.push(f.raw);
  }
  return Buffer.concat(parts);
}

/**
 * Plans one graph. `weights` maps initializer names to checkpoint keys; every one must be an emptied
 * float32 initializer of the template (checked), and every emptied initializer must be in `weights`.
 */
export function planGraph(template: Uint8Array, weights: Record<string, WeightSource>, fp16: boolean): GraphPlan {
  const model = splitFields(template);
  const graphField = model.find((f) => f.field === MODEL_GRAPH);
  if (!graphField) throw new Error('the template has no graph');
  const graphSegments: Segment[] = [];
  const casts: Uint8Array[] = [];
  const filled = new Set<string>();
  let firstNode = -1;
  for (const f of splitFields(graphField.value as Uint8Array)) {
    if (f.field === GRAPH_NODE && firstNode < 0) firstNode = graphSegments.length;
    if (f.field !== GRAPH_INITIALIZER) {
      graphSegments.push(f.raw);
      continue;
    }
    const t = tensorInfo(f.value as Uint8Array);
    const count = t.dims.reduce((a, b) => a * b, 1);
    const raw = t.fields.find((x) => x.field === TENSOR_RAW_DATA)?.value as Uint8Array | undefined;
    const source = Object.hasOwn(weights, t.name) ? weights[t.name] : undefined;
    const half = fp16 && t.dataType === FLOAT && count >= FP16_MIN_ELEMENTS;
    if (half) casts.push(castNode(`${t.name}__fp16`, t.name));
    if (source) {
      if (t.dataType !== FLOAT || raw !== undefined) throw new Error(`template initializer ${t.name} is not an emptied float32 tensor`);
      filled.add(t.name);
      const head = tensorHead(t, half);
      const dataBytes = count * (half ? 2 : 4);
      const dataPrefix = lengthPrefix(TENSOR_RAW_DATA, dataBytes);
      const hole: WeightHole = { initializer: t.name, source, dims: t.dims, fp16: half, bytes: dataBytes };
      graphSegments.push(lengthPrefix(GRAPH_INITIALIZER, head.length + dataPrefix.length + dataBytes), head, dataPrefix, hole);
    } else if (half && raw !== undefined) {
      // A constant of the template itself (no weight), stored as fp16 like the weights.
      const values = new Float32Array(Uint8Array.from(raw).buffer);
      const data = bytesField(TENSOR_RAW_DATA, new Uint8Array(float32ToFloat16(values).buffer));
      graphSegments.push(bytesField(GRAPH_INITIALIZER, Buffer.concat([tensorHead(t, true), data])));
    } else {
      if (raw === undefined && t.dataType === FLOAT && count > 0 && !t.fields.some((x) => x.field === 4)) {
        throw new Error(`template initializer ${t.name} is empty but no weight fills it`);
      }
      if (half) throw new Error(`template initializer ${t.name} holds no raw data to store as fp16`);
      graphSegments.push(f.raw);
    }
  }
  const missing = Object.keys(weights).filter((n) => !filled.has(n));
  if (missing.length) throw new Error(`the template lacks initializers ${missing.slice(0, 3).join(', ')}`);
  if (casts.length) graphSegments.splice(firstNode < 0 ? 0 : firstNode, 0, ...casts.map((c) => bytesField(GRAPH_NODE, c)));

  const graphBytes = graphSegments.reduce((a, s) => a + segmentBytes(s), 0);
  const segments: Segment[] = [];
  for (const f of model) {
    if (f === graphField) segments.push(lengthPrefix(MODEL_GRAPH, graphBytes), ...graphSegments);
    else segments.push(f.raw);
  }
  return { segments, bytes: segments.reduce((a, s) => a + segmentBytes(s), 0), weights: filled.size };
}
