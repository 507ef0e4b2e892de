/**
 * Reads a photo the person opened: checks it is a JPEG, PNG or WebP within the pixel limit, and
 * writes the downscaled, EXIF-oriented display copy the canvas shows. Full-resolution pixels stay
 * on the host; the renderer only ever needs the display copy and the full size.
 */
import sharp, { type Metadata } from 'sharp';
import { HostError, ImageFormat } from '../contract.ts';

/** Photos up to 50 MP are supported; a margin above that for odd aspect ratios. */
export const MAX_PIXELS = 60_000_000;
/** Long side of the display copy: sharp enough to paint on, small enough for a 50 MP photo to open fast. */
export const DISPLAY_MAX_SIDE = 4096;

export interface IntakeResult {
  format: ImageFormat;
  /** Full resolution, after EXIF orientation. */
  width: number;
  height: number;
  display: { width: number; height: number };
}

export async function readPhoto(filePath: string, displayPath: string, name: string): Promise<IntakeResult> {
  let meta: Metadata;
  try {
    meta = await sharp(filePath, { limitInputPixels: false }).metadata();
  } catch {
    throw unreadable(name);
  }
  const format = ImageFormat.safeParse(meta.format).data;
  if (!format) {
    throw new HostError('bad-image', `"${name}" is a ${meta.format ?? 'unknown'} file; open a JPEG, PNG or WebP photo instead.`);
  }
  if (!meta.width || !meta.height) throw unreadable(name);
  if ((meta.pages ?? 1) > 1) throw new HostError('bad-image', `"${name}" is animated; open a still photo instead.`);
  const pixels = meta.width * meta.height;
  if (pixels > MAX_PIXELS) {
    throw new HostError(
      'too-large',
      `"${name}" is ${(pixels / 1e6).toFixed(0)} megapixels; photos up to 50 megapixels are supported. Downscale it and open it again.`,
    );
  }
  const rotated = (meta.orientation ?? 1) >= 5; // orientations 5-8 swap width and height
  const width = rotated ? meta.height : meta.width;
  const height = rotated ? meta.width : meta.height;
  try {
    // failOn 'truncated' also rejects photos whose data stops early (a damaged download).
    const info = await sharp(filePath, { failOn: 'truncated', limitInputPixels: MAX_PIXELS })
      .rotate()
      .resize({ width: DISPLAY_MAX_SIDE, height: DISPLAY_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      // No Huffman optimisation: the copy only crosses to the window on this machine, and the extra
      // pass was a third of opening (24 MP: 742-827 -> 513-544 ms CPU, file 2.18 -> 2.26 MB).
      .jpeg({ quality: 90, chromaSubsampling: '4:4:4', optimiseCoding: false })
      .toFile(displayPath);
    return { format, width, height, display: { width: info.width, height: info.height } };
  } catch {
    throw unreadable(name);
  }
}

function unreadable(name: string): HostError {
  return new HostError('bad-image', `"${name}" could not be read as an image: it may be damaged or not a JPEG, PNG or WebP. Try another file.`);
}
