/**
 * Extending the canvas (outpainting): the photo as every reader decodes it (decodePipeline: EXIF
 * orientation applied, 8-bit, its RGB numbers), laid at (left, top) of a larger canvas whose new
 * pixels are opaque mid-grey, written as a lossless PNG. That file then stands in for the photo as an
 * ImageSource's image, so crops, runs and exports read the grown canvas and the photo's own pixels
 * stay exactly what they were. The photo's RGB profile (iCCP) and EXIF are carried over, as an export
 * of the photo itself would keep them.
 */
import path from 'node:path';
import { writeFileAtomically } from './atomic-write.ts';
import { ImageError, decoding } from './errors.ts';
import { decodePipeline, probeImage, type DecodeOptions } from './open-image.ts';
import { iccProfileChunk, insertPngChunks } from './png-chunks.ts';

export interface Padding {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The colour of canvas pixels nothing has filled yet (what the editor shows there too). */
export const EMPTY_CANVAS_GREY = 128;

/** Writes the photo extended by `padding` to `outPath` (PNG); returns the canvas's size. */
export async function writeExtendedImage(imagePath: string, padding: Padding, outPath: string, options: DecodeOptions = {}): Promise<{ width: number; height: number }> {
  const info = await probeImage(imagePath, options);
  const width = info.width + padding.left + padding.right;
  const height = info.height + padding.top + padding.bottom;
  if (width * height > info.maxPixels) {
    throw new ImageError('too-large', `The extended canvas would be ${width}×${height} (${((width * height) / 1e6).toFixed(1)} MP), above the ${(info.maxPixels / 1e6).toFixed(0)} MP limit.`);
  }
  const grey = EMPTY_CANVAS_GREY;
  let pipeline = decodePipeline(info).extend({ ...padding, background: { r: grey, g: grey, b: grey, alpha: 1 } });
  if (info.colour === 'native') pipeline = pipeline.keepExif();
  // Level 1: a fraction of level 6's time on a 24 MP photo, for a file that lives only while the document is open.
  const png = await decoding(`the image "${path.basename(imagePath)}"`, () => pipeline.png({ compressionLevel: 1 }).toBuffer());
  await writeFileAtomically(outPath, info.iccProfile ? insertPngChunks(png, [iccProfileChunk(info.iccProfile)]) : png);
  return { width, height };
}
