/**
 * A PyTorch checkpoint (torch.save's zip format) opened for reading one tensor at a time, as float32.
 * The pickle goes through the restricted unpickler; storages are read from the archive on demand.
 */
import path from 'node:path';
import { CheckpointError } from './checkpoint-error.ts';
import { float16ToFloat32 } from './float16.ts';
import { type StorageDtype, type StorageRef, type TensorRef, unpickleStateDict } from './restricted-unpickler.ts';
import { type ZipArchive as Archive, ZipArchive, type ZipEntry } from './zip-archive.ts';

const ITEM_BYTES: Record<StorageDtype, number> = { float32: 4, float16: 2 };

export class TorchCheckpoint {
  private constructor(
    readonly file: string,
    private readonly zip: Archive,
    private readonly prefix: string,
    readonly tensors: Map<string, TensorRef>,
  ) {}

  /** Opens `file`; every failure is a CheckpointError whose message starts with the file's name. */
  static async open(file: string): Promise<TorchCheckpoint> {
    const name = path.basename(file);
    let zip: ZipArchive | undefined;
    try {
      zip = await ZipArchive.open(file);
      const pkl = [...zip.entries.keys()].find((n) => /^[^/]+\/data\.pkl$/.test(n));
      if (!pkl) throw new CheckpointError('it has no data.pkl: not a PyTorch checkpoint');
      const prefix = pkl.slice(0, -'data.pkl'.length);
      const order = zip.entries.get(`${prefix}byteorder`);
      if (order && (await zip.read(order)).toString() !== 'little') throw new CheckpointError('it was saved big-endian');
      const pklEntry = zip.entries.get(pkl)!;
      if (pklEntry.size > 64 << 20) throw new CheckpointError('its pickle is implausibly large for a state dict');
      const archive = zip;
      const storages = new Map<string, StorageRef>();
      const tensors = unpickleStateDict(await zip.read(pklEntry), (key, dtype, numel) => {
        let s = storages.get(key);
        if (!s) {
          const entry = archive.entries.get(`${prefix}data/${key}`);
          if (!entry) throw new CheckpointError(`its storage ${key} is missing`);
          if (entry.size < numel * ITEM_BYTES[dtype]) throw new CheckpointError(`its storage ${key} is shorter than its tensors say`);
          s = { key, dtype, numel };
          storages.set(key, s);
        } else if (s.dtype !== dtype || s.numel !== numel) {
          throw new CheckpointError(`its storage ${key} is described two ways`);
        }
        return s;
      });
      return new TorchCheckpoint(file, zip, prefix, tensors);
    } catch (e) {
      await zip?.close();
      if (e instanceof CheckpointError) throw new CheckpointError(`${name}: ${e.message}`, { cause: e });
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') throw new CheckpointError(`${name} not found in ${path.dirname(file)}`, { cause: e });
      throw new CheckpointError(`${name} cannot be read: ${err.message}`, { cause: e });
    }
  }

  private entry(t: TensorRef): ZipEntry {
    return this.zip.entries.get(`${this.prefix}data/${t.storage.key}`)!;
  }

  /** The tensor's values, float32, in C order (row-major) whatever its strides. */
  async readFloat32(key: string): Promise<Float32Array> {
    const t = this.tensors.get(key);
    if (!t) throw new CheckpointError(`${path.basename(this.file)} has no ${key}`);
    let bytes: Buffer;
    try {
      bytes = await this.zip.read(this.entry(t));
    } catch (e) {
      throw new CheckpointError(`${path.basename(this.file)}: ${(e as Error).message}`, { cause: e });
    }
    const itemBytes = ITEM_BYTES[t.storage.dtype];
    // Copy into an aligned buffer: zip entries are 64-byte aligned by torch, but not by every writer.
    const aligned = new Uint8Array(t.storage.numel * itemBytes);
    aligned.set(bytes.subarray(0, aligned.length));
    const storage =
      t.storage.dtype === 'float32' ? new Float32Array(aligned.buffer) : float16ToFloat32(new Uint16Array(aligned.buffer));
    return gather(storage, t);
  }

  close(): Promise<void> {
    return this.zip.close();
  }
}

/** Copies a strided view into a contiguous array (the common contiguous case is one slice). */
function gather(storage: Float32Array, t: TensorRef): Float32Array {
  const count = t.shape.reduce((a, b) => a * b, 1);
  let contiguous = true;
  for (let i = t.shape.length - 1, expect = 1; i >= 0; i--) {
    if (t.shape[i] !== 1 && t.stride[i] !== expect) contiguous = false;
    expect *= t.shape[i];
  }
  if (contiguous) return storage.slice(t.offset, t.offset + count);
  const out = new Float32Array(count);
  const index = new Array(t.shape.length).fill(0);
  for (let n = 0; n < count; n++) {
    let at = t.offset;
    for (let d = 0; d < index.length; d++) at += index[d] * t.stride[d];
    out[n] = storage[at];
    for (let d = index.length - 1; d >= 0; d--) {
      if (++index[d] < t.shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}
