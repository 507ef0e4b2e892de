/**
 * The document's current pixels in a region: the original photo with its accepted patches laid over
 * it in order (`ImageSource`). The photo is decoded once and kept for the next runs (decoded-photo.ts;
 * above its size limit only the region is decoded, so memory follows the region); of each patch only
 * the part that overlaps the region is decoded.
 *
 * Patches replace RGB and leave alpha alone (editing never changes transparency). They are pasted
 * byte for byte here rather than through sharp's composite, whose alpha blending is not exact.
 */
import path from 'node:path';
import sharp from 'sharp';
import type { ImageSource, Patch } from '../protocol.ts';
import { intersectBoxes, type Box } from './box.ts';
import { copyRegion, keptPhoto } from './decoded-photo.ts';
import { ImageError, decoding } from './errors.ts';
import { decodePipeline, readerOptions, type ImageInfo } from './open-image.ts';
import type { RawImage } from './raw-image.ts';

export function checkPatchPlacement(patch: Patch, info: ImageInfo): void {
  if (patch.x + patch.width > info.width || patch.y + patch.height > info.height) {
    throw new ImageError(
      'bad-request',
      `The edit "${path.basename(patch.path)}" at ${patch.x},${patch.y} (${patch.width}×${patch.height}) ` +
        `does not fit the ${info.width}×${info.height} image.`,
    );
  }
}

/** sharp options for reading a patch: its numbers as stored, like the photo's. */
export function patchReaderOptions(maxPixels: number) {
  return { ...readerOptions(maxPixels), ignoreIcc: true };
}

/** Reads a patch file's header and checks it matches its record; returns whether it has alpha. */
export async function checkPatchFile(patch: Patch, maxPixels: number): Promise<{ hasAlpha: boolean }> {
  const name = `the edit "${path.basename(patch.path)}"`;
  const meta = await decoding(name, () => sharp(patch.path, patchReaderOptions(maxPixels)).metadata());
  if (meta.width !== patch.width || meta.height !== patch.height) {
    throw new ImageError(
      'bad-request',
      `The edit "${path.basename(patch.path)}" is ${meta.width}×${meta.height}, but its record says ${patch.width}×${patch.height}.`,
    );
  }
  return { hasAlpha: meta.hasAlpha };
}

/** Decodes a patch's RGB inside `part` (document coordinates). */
async function readPatchPart(patch: Patch, part: Box, maxPixels: number): Promise<Buffer> {
  await checkPatchFile(patch, maxPixels);
  return decoding(`the edit "${path.basename(patch.path)}"`, () =>
    sharp(patch.path, patchReaderOptions(maxPixels))
      .extract({ left: part.x - patch.x, top: part.y - patch.y, width: part.width, height: part.height })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer(),
  );
}

/**
 * The document's pixels in `region`: the photo with the patches laid over it. Read-only: where the region
 * is the whole photo and no patch covers it, this is the kept decode itself (decoded-photo.ts), not a
 * copy (a stroke across a 24 MP photo crops all of it: a 72 MB copy, ~0.1 s on the click's path).
 */
export async function readCurrentPixels(source: ImageSource, info: ImageInfo, region: Box): Promise<RawImage> {
  const whole = { x: 0, y: 0, width: info.width, height: info.height };
  const inside = intersectBoxes(region, whole);
  if (!inside || inside.width !== region.width || inside.height !== region.height) {
    throw new ImageError('bad-request', `Region ${JSON.stringify(region)} is outside the ${info.width}×${info.height} image.`);
  }
  const photo = await keptPhoto(info);
  let data: Buffer;
  let channels: 3 | 4;
  const wholePhoto = region.x === 0 && region.y === 0 && region.width === info.width && region.height === info.height;
  if (photo && wholePhoto && !source.patches.length && photo.width === info.width && photo.height === info.height) {
    data = Buffer.from(photo.data.buffer, photo.data.byteOffset, photo.data.byteLength);
    channels = photo.channels as 3 | 4;
  } else if (photo) {
    data = copyRegion(photo, region);
    channels = photo.channels as 3 | 4;
  } else {
    const name = `the image "${path.basename(info.path)}"`;
    const decoded = await decoding(name, () => decodePipeline(info, region).raw().toBuffer({ resolveWithObject: true }));
    data = decoded.data;
    channels = decoded.info.channels as 3 | 4;
  }
  for (const patch of source.patches) {
    checkPatchPlacement(patch, info);
    const part = intersectBoxes(region, patch);
    if (!part) continue;
    const rgb = await readPatchPart(patch, part, info.maxPixels);
    for (let y = 0; y < part.height; y++) {
      let to = ((part.y - region.y + y) * region.width + (part.x - region.x)) * channels;
      let from = y * part.width * 3;
      for (let x = 0; x < part.width; x++, to += channels, from += 3) {
        data[to] = rgb[from];
        data[to + 1] = rgb[from + 1];
        data[to + 2] = rgb[from + 2];
      }
    }
  }
  return { data, width: region.width, height: region.height, channels };
}
