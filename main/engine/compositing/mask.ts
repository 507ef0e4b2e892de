/**
 * The edit mask: a PNG at the photo's full resolution where white marks the pixels to generate.
 * "White" means every channel > 127, alpha included when there is one, so a canvas with white strokes
 * on transparent works too. (A bitwise AND of the bands has its top bit set exactly then; libvips does
 * that in one cheap pass, where a greyscale conversion of a 100 MP RGBA mask takes seconds.)
 */
import sharp from 'sharp';
import type { Box, Size } from './box.ts';
import { ImageError, decoding } from './errors.ts';
import { readerOptions } from './open-image.ts';

export interface Mask {
  width: number;
  height: number;
  /** One byte per pixel: 255 = generate, 0 = keep. */
  data: Uint8Array;
  /** Smallest box holding every generate pixel. */
  bbox: Box;
}

export async function decodeMask(png: Uint8Array, image: Size, maxPixels: number): Promise<Mask> {
  // Check the size from the header first: no point decoding a mask of the wrong photo.
  const meta = await decoding('the mask', () => sharp(png, readerOptions(maxPixels)).metadata());
  if (meta.width !== image.width || meta.height !== image.height) {
    throw new ImageError(
      'bad-request',
      `The mask is ${meta.width}×${meta.height} but the image is ${image.width}×${image.height}; they must match.`,
    );
  }
  const data = await decoding('the mask', async () => {
    let input = sharp(png, readerOptions(maxPixels));
    if (meta.depth !== 'uchar') {
      // The threshold below works on stored values: bring a 16-bit mask to 8 bits first.
      const { data: bytes, info } = await input.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
      input = sharp(bytes, { raw: { width: info.width, height: info.height, channels: info.channels } });
    }
    return (meta.channels > 1 ? input.bandbool('and') : input)
      .extractChannel(0) // one band out (sharp would otherwise hand back RGB)
      .threshold(128, { grayscale: false }) // > 127 -> 255, else 0
      .raw()
      .toBuffer();
  });
  // Bounding box with native byte searches per row: a 100 MP mask is 100 M pixels.
  const { width, height } = image;
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
  return { width, height, data, bbox: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 } };
}

/** The mask inside a box (which must lie inside the mask), one byte per pixel: 1 = generate, 0 = keep. */
export function cropMask(mask: Mask, box: Box): Uint8Array {
  const out = new Uint8Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    const start = (box.y + y) * mask.width + box.x;
    const row = mask.data.subarray(start, start + box.width);
    for (let x = 0; x < box.width; x++) out[y * box.width + x] = row[x] ? 1 : 0;
  }
  return out;
}
