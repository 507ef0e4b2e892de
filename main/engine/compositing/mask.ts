/**
 * The edit mask: a PNG where white marks the pixels to generate, covering the photo or only a box of
 * it (`origin`: where its top-left lies; outside it everything is kept), so a small mask on a big
 * photo crosses as a small PNG.
 *
 * Hard masks (the default): "white" means every channel > 127, alpha included when there is one, so a
 * canvas with white strokes on transparent works too; the blend then feathers itself outside the
 * mask. (A bitwise AND of the bands has its top bit set exactly then; libvips does that in one cheap
 * pass, where a greyscale conversion of a 100 MP RGBA mask takes seconds.)
 * Soft masks (`soft`: the person feathered it): the same AND's value is the blend weight itself, and
 * every pixel above 0 is generated, so nothing outside the feathered mask changes.
 */
import sharp from 'sharp';
import type { Box, Size } from './box.ts';
import { ImageError, decoding } from './errors.ts';
import { readerOptions } from './open-image.ts';

export interface Mask {
  /** The photo's size. */
  width: number;
  height: number;
  /** The part of the photo the PNG covered; outside it every pixel keeps. */
  region: Box;
  /** One byte per region pixel: 255 = generate, 0 = keep. */
  data: Uint8Array;
  /** Soft masks: the blend weight (0..255) per region pixel; null for hard masks. */
  coverage: Uint8Array | null;
  /** Smallest box (photo coordinates) holding every generate pixel. */
  bbox: Box;
}

export interface MaskPlacement {
  /** Where the PNG's top-left lies in the photo; absent: the PNG is the photo's size. */
  origin?: { x: number; y: number };
  soft?: boolean;
}

export async function decodeMask(png: Uint8Array, image: Size, maxPixels: number, placement: MaskPlacement = {}): Promise<Mask> {
  // Check the size from the header first: no point decoding a mask of the wrong photo.
  const meta = await decoding('the mask', () => sharp(png, readerOptions(maxPixels)).metadata());
  const origin = placement.origin ?? { x: 0, y: 0 };
  const fits = placement.origin
    ? origin.x + meta.width! <= image.width && origin.y + meta.height! <= image.height
    : meta.width === image.width && meta.height === image.height;
  if (!fits) {
    throw new ImageError(
      'bad-request',
      placement.origin
        ? `The mask (${meta.width}×${meta.height} at ${origin.x},${origin.y}) reaches outside the ${image.width}×${image.height} image.`
        : `The mask is ${meta.width}×${meta.height} but the image is ${image.width}×${image.height}; they must match.`,
    );
  }
  const region = { x: origin.x, y: origin.y, width: meta.width!, height: meta.height! };
  const values = await decoding('the mask', async () => {
    let input = sharp(png, readerOptions(maxPixels));
    if (meta.depth !== 'uchar') {
      // The threshold below works on stored values: bring a 16-bit mask to 8 bits first.
      const { data: bytes, info } = await input.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
      input = sharp(bytes, { raw: { width: info.width, height: info.height, channels: info.channels } });
    }
    input = (meta.channels > 1 ? input.bandbool('and') : input).extractChannel(0); // one band out (sharp would otherwise hand back RGB)
    if (!placement.soft) input = input.threshold(128, { grayscale: false }); // > 127 -> 255, else 0
    return input.raw().toBuffer();
  });
  let data: Uint8Array = values;
  let coverage: Uint8Array | null = null;
  if (placement.soft) {
    coverage = values;
    data = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) if (values[i]) data[i] = 255;
  }
  // Bounding box with native byte searches per row: a 100 MP mask is 100 M pixels.
  const { width, height } = region;
  let x0 = width, y0 = -1, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = data.subarray(y * width, (y + 1) * width);
    const first = row.indexOf(255);
    if (first < 0) continue;
    if (y0 < 0) y0 = y;
    y1 = y;
    x0 = Math.min(x0, first);
    x1 = Math.max(x1, row.lastIndexOf(255));
  }
  if (y0 < 0) {
    throw new ImageError('empty-mask', 'The mask is empty: paint over the part of the photo to change, then run again.');
  }
  const bbox = { x: origin.x + x0, y: origin.y + y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
  return { width: image.width, height: image.height, region, data, coverage, bbox };
}

/** The mask inside a box of the photo, one byte per pixel: 1 = generate, 0 = keep. */
export function cropMask(mask: Mask, box: Box): Uint8Array {
  const out = new Uint8Array(box.width * box.height);
  // The region's rows copied natively, then 255 -> 1 four bytes at a time (data holds only 0 and 255):
  // a pixel-by-pixel copy was ~150-230 ms of the click's path for a stroke across a 24 MP photo.
  copyRegion(mask, mask.data, box, out);
  // Only the rows the mask's PNG covered (the rest of the box stays 0), in whole words.
  const r = mask.region;
  const start = Math.max(0, r.y - box.y) * box.width, end = Math.min(box.height, r.y + r.height - box.y) * box.width;
  if (end <= start) return out;
  const w0 = start >> 2, w1 = (end + 3) >> 2;
  const words = new Uint32Array(out.buffer, out.byteOffset, out.length >> 2);
  for (let i = w0; i < Math.min(w1, words.length); i++) words[i] &= 0x01010101;
  for (let i = words.length << 2; i < out.length; i++) out[i] &= 1;
  return out;
}

/** A soft mask's blend weights (0..255) inside a box of the photo; null for a hard mask. */
export function cropCoverage(mask: Mask, box: Box): Uint8Array | null {
  if (!mask.coverage) return null;
  const out = new Uint8Array(box.width * box.height);
  copyRegion(mask, mask.coverage, box, out);
  return out;
}

/** Copies the mask's region rows that overlap `box` into `out` (box-sized, zero elsewhere). */
function copyRegion(mask: Mask, from: Uint8Array, box: Box, out: Uint8Array): void {
  const r = mask.region;
  const x0 = Math.max(box.x, r.x), x1 = Math.min(box.x + box.width, r.x + r.width);
  if (x1 <= x0) return;
  for (let y = 0; y < box.height; y++) {
    const my = box.y + y - r.y;
    if (my < 0 || my >= r.height) continue;
    const start = my * r.width + (x0 - r.x);
    out.set(from.subarray(start, start + (x1 - x0)), y * box.width + (x0 - box.x));
  }
}
