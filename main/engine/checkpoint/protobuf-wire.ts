/**
 * The protobuf wire format, as far as filling ONNX templates needs: split a message into its fields
 * (kept as raw bytes so unchanged fields are copied verbatim) and encode tags, varints and
 * length-delimited fields.
 */

export interface WireField {
  field: number;
  wireType: number;
  /** The whole field: tag, length prefix and payload. */
  raw: Uint8Array;
  /** The payload: a varint's value, or the bytes of a length-delimited field. */
  value: number | Uint8Array;
}

export function readVarint(buf: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buf.length && i < at + 10; i++) {
    const b = buf[i];
    value += (b & 0x7f) * scale;
    scale *= 128;
    if (!(b & 0x80)) return [value, i + 1];
  }
  throw new Error('malformed protobuf varint');
}

export function splitFields(buf: Uint8Array): WireField[] {
  const out: WireField[] = [];
  let p = 0;
  while (p < buf.length) {
    const start = p;
    const [tag, afterTag] = readVarint(buf, p);
    p = afterTag;
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    let value: number | Uint8Array;
    if (wireType === 0) [value, p] = readVarint(buf, p);
    else if (wireType === 1) (value = buf.subarray(p, p + 8)), (p += 8);
    else if (wireType === 5) (value = buf.subarray(p, p + 4)), (p += 4);
    else if (wireType === 2) {
      const [len, afterLen] = readVarint(buf, p);
      value = buf.subarray(afterLen, afterLen + len);
      p = afterLen + len;
    } else throw new Error(`unsupported protobuf wire type ${wireType}`);
    if (p > buf.length) throw new Error('truncated protobuf message');
    out.push({ field, wireType, raw: buf.subarray(start, p), value });
  }
  return out;
}

export function varint(value: number): Uint8Array {
  const bytes: number[] = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return Uint8Array.from(bytes);
}

export function tag(field: number, wireType: number): Uint8Array {
  return varint(field * 8 + wireType);
}

/** Tag and length of a length-delimited field whose payload (written separately) is `length` bytes. */
export function lengthPrefix(field: number, length: number): Uint8Array {
  return Buffer.concat([tag(field, 2), varint(length)]);
}

export function bytesField(field: number, payload: Uint8Array): Uint8Array {
  return Buffer.concat([lengthPrefix(field, payload.length), payload]);
}

export function varintField(field: number, value: number): Uint8Array {
  return Buffer.concat([tag(field, 0), varint(value)]);
}
