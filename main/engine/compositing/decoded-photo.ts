/**
 * The photo decoded once and kept: the engine edits one document at a time, and every run reads its
 * crop from the same photo (a JPEG must be decoded from its top down to the crop's last row, so
 * reading a crop costs most of a whole decode). The last photo read is kept as raw pixels, keyed by
 * its path, size and modification time, and a crop is copied out of it. Photos above
 * MAX_KEPT_PIXELS are not kept (memory follows the crop for them, as before).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { decoding } from './errors.ts';
import { decodePipeline, type ImageInfo } from './open-image.ts';
import type { RawImage } from './raw-image.ts';

/** The editor opens photos up to 60 MP; keeping one costs 3-4 bytes a pixel (180-240 MB at the limit). */
export const MAX_KEPT_PIXELS = 64_000_000;

let kept: { key: string; image: Promise<RawImage> } | null = null;

async function keyOf(info: ImageInfo): Promise<string> {
  const s = await stat(info.path);
  return `${path.resolve(info.path)}:${s.size}:${s.mtimeMs}`;
}

/**
 * The whole photo as the decode pipeline gives it, decoded at most once while it stays the last one
 * read (a decode in flight is shared: the host's prepare and a run's crop); null when too large to keep.
 */
export async function keptPhoto(info: ImageInfo): Promise<RawImage | null> {
  if (info.width * info.height > MAX_KEPT_PIXELS) return null;
  const key = await keyOf(info);
  if (kept?.key === key) return kept.image;
  kept = null; // let the previous photo go before decoding the next
  const name = `the image "${path.basename(info.path)}"`;
  const image = decoding(name, () => decodePipeline(info).raw().toBuffer({ resolveWithObject: true })).then(
    ({ data, info: out }): RawImage => ({ data, width: out.width, height: out.height, channels: out.channels as 3 | 4 }),
  );
  const entry = { key, image };
  kept = entry;
  image.catch(() => {
    if (kept === entry) kept = null; // a failed decode is not kept: the next call tries again
  });
  return image;
}

/** Forgets the kept photo (tests; or to free its memory). */
export function forgetKeptPhoto(): void {
  kept = null;
}

/** A region of a raw image, copied (the caller may change it). */
export function copyRegion(image: RawImage, region: { x: number; y: number; width: number; height: number }): Buffer {
  const c = image.channels;
  const out = Buffer.allocUnsafe(region.width * region.height * c);
  const rowBytes = region.width * c;
  for (let y = 0; y < region.height; y++) {
    const from = ((region.y + y) * image.width + region.x) * c;
    out.set(image.data.subarray(from, from + rowBytes), y * rowBytes);
  }
  return out;
}
