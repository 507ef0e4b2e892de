/**
 * Test-only reader for numpy .npy / .npz files (an .npz is a zip of .npy files, stored or
 * deflated). C-order arrays of <f4, <f8, <i8, <i4, |u1, |b1 (as 0/1 bytes) and <U (strings).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';

export type NpyData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | string[];

export interface NpyArray<D extends NpyData = NpyData> {
  /** numpy dtype string, e.g. '<f4', '|b1', '<U12'. */
  dtype: string;
  /** [] for a scalar. */
  shape: number[];
  data: D;
}

const TYPED: Record<string, { bytes: number; make: (buf: ArrayBuffer) => NpyData }> = {
  '<f4': { bytes: 4, make: (b) => new Float32Array(b) },
  '<f8': { bytes: 8, make: (b) => new Float64Array(b) },
  '<i8': { bytes: 8, make: (b) => new BigInt64Array(b) },
  '<i4': { bytes: 4, make: (b) => new Int32Array(b) },
  '|u1': { bytes: 1, make: (b) => new Uint8Array(b) },
  '|b1': { bytes: 1, make: (b) => new Uint8Array(b) },
};

/** Parse one .npy file. */
export function parseNpy(bytes: Uint8Array): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (!magic.every((v, i) => bytes[i] === v)) throw new Error('not a .npy file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new Error(`bad .npy header: ${header}`);
  if (fortran === 'True') throw new Error('Fortran-order arrays are not supported');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const body = bytes.subarray(headerStart + headerLen);

  const str = /^<U(\d+)$/.exec(descr);
  if (str) {
    const width = Number(str[1]);
    const data: string[] = [];
    for (let i = 0; i < count; i++) {
      const cells = new DataView(body.buffer, body.byteOffset + i * width * 4, width * 4);
      let s = '';
      for (let k = 0; k < width; k++) {
        const cp = cells.getUint32(k * 4, true);
        if (cp === 0) break; // numpy pads with NULs
        s += String.fromCodePoint(cp);
      }
      data.push(s);
    }
    return { dtype: descr, shape, data };
  }
  const kind = TYPED[descr];
  if (!kind) throw new Error(`unsupported dtype ${descr}`);
  const nbytes = count * kind.bytes;
  if (body.byteLength < nbytes) throw new Error(`.npy body has ${body.byteLength} bytes, expected ${nbytes}`);
  // Copy into a fresh buffer: the body is rarely aligned for a typed-array view (and a
  // Node Buffer's slice() would not copy).
  const copy = new Uint8Array(nbytes);
  copy.set(body.subarray(0, nbytes));
  return { dtype: descr, shape, data: kind.make(copy.buffer) };
}

/** Unpack a zip archive's files (stored or deflated), by name. */
export function unzip(zip: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  // End of central directory: last signature 0x06054b50 (followed by an optional comment).
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('not a zip file');
  let entries = view.getUint16(eocd + 10, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  if (entries === 0xffff || cdOffset === 0xffffffff) {
    // Zip64: the locator just before the EOCD points at the zip64 EOCD record.
    const loc = eocd - 20;
    if (view.getUint32(loc, true) !== 0x07064b50) throw new Error('zip64 locator missing');
    const z64 = Number(view.getBigUint64(loc + 8, true));
    entries = Number(view.getBigUint64(z64 + 32, true));
    cdOffset = Number(view.getBigUint64(z64 + 48, true));
  }
  const files = new Map<string, Uint8Array>();
  let p = cdOffset;
  for (let e = 0; e < entries; e++) {
    if (view.getUint32(p, true) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = view.getUint16(p + 10, true);
    let compSize = view.getUint32(p + 20, true);
    let size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    let localOffset = view.getUint32(p + 42, true);
    const name = new TextDecoder().decode(zip.subarray(p + 46, p + 46 + nameLen));
    // Zip64 extra field (id 1): 8-byte values, only for the fields that overflowed, in this order.
    for (let x = p + 46 + nameLen; x < p + 46 + nameLen + extraLen;) {
      const id = view.getUint16(x, true), len = view.getUint16(x + 2, true);
      if (id === 1) {
        let q = x + 4;
        if (size === 0xffffffff) { size = Number(view.getBigUint64(q, true)); q += 8; }
        if (compSize === 0xffffffff) { compSize = Number(view.getBigUint64(q, true)); q += 8; }
        if (localOffset === 0xffffffff) { localOffset = Number(view.getBigUint64(q, true)); }
      }
      x += 4 + len;
    }
    if (view.getUint32(localOffset, true) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    // The local header's own name/extra lengths (numpy writes a zip64 extra only there).
    const start = localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    const raw = zip.subarray(start, start + compSize);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else if (method === 8) data = zlib.inflateRawSync(raw);
    else throw new Error(`${name}: unsupported zip compression method ${method}`);
    if (data.length !== size) throw new Error(`${name}: expected ${size} bytes, got ${data.length}`);
    files.set(name, data);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

/** All arrays of an .npz file, keyed by name without the .npy suffix. */
export function loadNpz(file: string): Record<string, NpyArray> {
  const out: Record<string, NpyArray> = {};
  for (const [name, bytes] of unzip(fs.readFileSync(file))) {
    if (name.endsWith('.npy')) out[name.slice(0, -4)] = parseNpy(bytes);
  }
  return out;
}

/** A single .npy file. */
export function loadNpy(file: string): NpyArray {
  return parseNpy(fs.readFileSync(file));
}

type DtypeData = { '<f4': Float32Array; '<f8': Float64Array; '<i8': BigInt64Array; '<i4': Int32Array; '|u1': Uint8Array; '|b1': Uint8Array };

/** Typed access with a dtype check: npzArray(npz, 'x_T', '<f4').data is a Float32Array. */
export function npzArray<K extends keyof DtypeData>(npz: Record<string, NpyArray>, key: string, dtype: K): NpyArray<DtypeData[K]> {
  const a = npz[key];
  if (!a) throw new Error(`no array ${key} (have ${Object.keys(npz).join(', ')})`);
  if (a.dtype !== dtype) throw new Error(`${key} is ${a.dtype}, not ${dtype}`);
  return a as NpyArray<DtypeData[K]>;
}
