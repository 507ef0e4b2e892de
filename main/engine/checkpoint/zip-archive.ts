/**
 * Reads the directory of a zip archive (torch.save's format) and the stored bytes of its entries,
 * straight from the file: nothing is decompressed (torch stores every entry uncompressed) and only
 * the entry asked for is read, so a 1.6 GB checkpoint never sits in memory whole. Zip64 is supported.
 */
import { type FileHandle, open } from 'node:fs/promises';
import zlib from 'node:zlib';
import { CheckpointError } from './checkpoint-error.ts';

export interface ZipEntry {
  name: string;
  /** Offset of the entry's data in the file (past its local header). */
  dataOffset: number;
  size: number;
  crc32: number;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function u64(b: Buffer, at: number): number {
  const v = b.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new CheckpointError('a zip size or offset is too large');
  return Number(v);
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw new CheckpointError('the file ends early (truncated download?)');
    done += bytesRead;
  }
  return buf;
}

export class ZipArchive {
  private constructor(
    private readonly fh: FileHandle,
    readonly entries: Map<string, ZipEntry>,
  ) {}

  static async open(file: string): Promise<ZipArchive> {
    const fh = await open(file, 'r');
    try {
      return new ZipArchive(fh, await readDirectory(fh));
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  /** The entry's bytes, checked against the CRC-32 the archive records. */
  async read(entry: ZipEntry): Promise<Buffer> {
    const bytes = await readAt(this.fh, entry.dataOffset, entry.size);
    if (zlib.crc32(bytes) >>> 0 !== entry.crc32) throw new CheckpointError(`${entry.name} is damaged (its CRC-32 does not match)`);
    return bytes;
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

async function readDirectory(fh: FileHandle): Promise<Map<string, ZipEntry>> {
  const { size } = await fh.stat();
  const tailLength = Math.min(size, 65557);
  const tail = await readAt(fh, size - tailLength, tailLength);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new CheckpointError('it is not a zip archive (PyTorch checkpoints saved since PyTorch 1.6 are)');
  let count = tail.readUInt16LE(at + 10);
  let dirSize = tail.readUInt32LE(at + 12);
  let dirOffset = tail.readUInt32LE(at + 16);
  if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
    const loc = at - 20;
    if (loc < 0 || tail.readUInt32LE(loc) !== EOCD64_LOCATOR) throw new CheckpointError('its zip64 directory is missing');
    const rec = await readAt(fh, u64(tail, loc + 8), 56);
    if (rec.readUInt32LE(0) !== EOCD64) throw new CheckpointError('its zip64 directory is damaged');
    count = u64(rec, 32);
    dirSize = u64(rec, 40);
    dirOffset = u64(rec, 48);
  }
  if (dirOffset + dirSize > size) throw new CheckpointError('the file ends early (truncated download?)');
  const dir = await readAt(fh, dirOffset, dirSize);
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) throw new CheckpointError('its zip directory is damaged');
    const method = dir.readUInt16LE(p + 10);
    const crc32 = dir.readUInt32LE(p + 16);
    let compressed = dir.readUInt32LE(p + 20);
    let plain = dir.readUInt32LE(p + 24);
    const nameLength = dir.readUInt16LE(p + 28);
    const extraLength = dir.readUInt16LE(p + 30);
    const commentLength = dir.readUInt16LE(p + 32);
    let localOffset = dir.readUInt32LE(p + 42);
    const name = dir.toString('utf8', p + 46, p + 46 + nameLength);
    // Zip64 extended information: the 64-bit values of the fields set to 0xffffffff, in this order.
    let x = p + 46 + nameLength;
    const extraEnd = x + extraLength;
    while (x + 4 <= extraEnd) {
      const id = dir.readUInt16LE(x);
      const len = dir.readUInt16LE(x + 2);
      if (id === 0x0001) {
        let q = x + 4;
        if (plain === 0xffffffff) (plain = u64(dir, q)), (q += 8);
        if (compressed === 0xffffffff) (compressed = u64(dir, q)), (q += 8);
        if (localOffset === 0xffffffff) localOffset = u64(dir, q);
      }
      x += 4 + len;
    }
    if (method !== 0 || compressed !== plain) throw new CheckpointError(`${name} is compressed; PyTorch stores checkpoint entries uncompressed`);
    const local = await readAt(fh, localOffset, 30);
    if (local.readUInt32LE(0) !== LOCAL) throw new CheckpointError('its zip entries are damaged');
    const dataOffset = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (dataOffset + plain > size) throw new CheckpointError('the file ends early (truncated download?)');
    entries.set(name, { name, dataOffset, size: plain, crc32 });
    p = extraEnd + commentLength;
  }
  return entries;
}
