/**
 * The smallest useful ONNX model, y = x + x on a float32 [1, 4] tensor, as bytes. Creating and
 * running a session of it tells whether an execution provider works on this machine, without
 * shipping a model file. Hand-encoded protobuf (ModelProto, onnx.proto3): varints and
 * length-delimited fields only.
 */

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** A varint field (wire type 0). */
const int = (field: number, value: number) => [...varint(field << 3), ...varint(value)];
/** A length-delimited field (wire type 2): bytes, string or sub-message. */
function bytes(field: number, payload: number[] | string): number[] {
  const body = typeof payload === 'string' ? [...new TextEncoder().encode(payload)] : payload;
  return [...varint((field << 3) | 2), ...varint(body.length), ...body];
}

const FLOAT = 1; // TensorProto.DataType.FLOAT

function tensorValueInfo(name: string, dims: number[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, int(1, d))); // TensorShapeProto.dim { dim_value }
  const tensorType = [...int(1, FLOAT), ...bytes(2, shape)]; // TypeProto.Tensor { elem_type, shape }
  return [...bytes(1, name), ...bytes(2, bytes(1, tensorType))]; // ValueInfoProto { name, type { tensor_type } }
}

export const PROBE_INPUT = 'x';
export const PROBE_OUTPUT = 'y';
export const PROBE_DIMS = [1, 4] as const;

/** The model's bytes: ir_version 8, opset 13, one Add node. */
export function probeModelBytes(): Uint8Array {
  const node = [...bytes(1, PROBE_INPUT), ...bytes(1, PROBE_INPUT), ...bytes(2, PROBE_OUTPUT), ...bytes(3, 'add'), ...bytes(4, 'Add')];
  const graph = [
    ...bytes(1, node),
    ...bytes(2, 'provider-probe'),
    ...bytes(11, tensorValueInfo(PROBE_INPUT, [...PROBE_DIMS])),
    ...bytes(12, tensorValueInfo(PROBE_OUTPUT, [...PROBE_DIMS])),
  ];
  const model = [...int(1, 8), ...bytes(2, 'glide-inpaint-editor'), ...bytes(7, graph), ...bytes(8, int(2, 13))];
  return Uint8Array.from(model);
}
