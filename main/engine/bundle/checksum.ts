/**
 * SHA-256 of bundle files, streamed (graphs are up to ~1.5 GB), with an in-memory cache keyed by
 * path, size, mtime and inode so loading the same bundle again does not re-read it.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('hex');
}

export class ChecksumCache {
  private readonly entries = new Map<string, string>();
  /** Files actually read, and answers served from the cache (for tests and logs). */
  hashed = 0;
  reused = 0;

  async sha256(file: string): Promise<string> {
    const s = await stat(file, { bigint: true });
    const key = `${path.resolve(file)}\0${s.size}\0${s.mtimeNs}\0${s.ino}`;
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      this.reused++;
      return cached;
    }
    const digest = await sha256File(file);
    this.hashed++;
    this.entries.set(key, digest);
    return digest;
  }
}

/** The process-wide cache loadBundle uses unless given another. */
export const sharedChecksums = new ChecksumCache();
