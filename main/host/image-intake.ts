/**
 * Reads a photo the person opened: checks it is a JPEG, PNG or WebP within the pixel limit, and
 * writes the downscaled, EXIF-oriented display copy the canvas shows. Full-resolution pixels stay
 * on the host; the renderer only ever needs the display copy and the full size.
 *
 * A large JPEG also gets a preview copy first: decoded at 1/2, 1/4 or 1/8 scale inside the JPEG
 * decoder (libvips' shrink-on-load), it is ready in a fraction of the display copy's time (24 MP:
 * ~150 ms against ~530 ms), so the window shows the photo at once and swaps in the display copy,
 * which is written in the background, when it is ready.
 */
import sharp, { type Metadata } from 'sharp';
import { HostError, ImageFormat } from '../contract.ts';

/** Photos up to 50 MP are supported; a margin above that for odd aspect ratios. */
export const MAX_PIXELS = 60_000_000;
/** Long side of the display copy: sharp enough to paint on, small enough for a 50 MP photo to open fast. */
export const DISPLAY_MAX_SIDE = 4096;
/** The preview's long side is at least this (a fitted view of a large window); JPEGs too small to shrink by 2 to it get none. */
export const PREVIEW_MIN_SIDE = 1024;

export interface Size {
  width: number;
  height: number;
}

export interface IntakeResult {
  format: ImageFormat;
  /** Full resolution, after EXIF orientation. */
  width: number;
  height: number;
  display: Size;
  /** The preview copy's size, where one was written (large JPEGs). */
  preview?: Size;
  /** Settles when the display copy is written: at once where there is no preview; rejects if it could not be. */
  displayWritten: Promise<void>;
}

/** The display copy's size: the photo inside DISPLAY_MAX_SIDE, never enlarged. */
export function displaySize(width: number, height: number): Size {
  const scale = Math.min(1, DISPLAY_MAX_SIDE / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * The JPEG decoder's shrink (8, 4 or 2) for the preview: the largest that keeps its long side at least
 * PREVIEW_MIN_SIDE; 0 when not even 2 does (the display copy is then cheap enough to wait for).
 */
export function previewShrink(width: number, height: number): number {
  const long = Math.max(width, height);
  return [8, 4, 2].find((s) => Math.floor(long / s) >= PREVIEW_MIN_SIDE) ?? 0;
}

export async function readPhoto(filePath: string, displayPath: string, name: string, previewPath?: string): Promise<IntakeResult> {
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
  const display = displaySize(width, height);
  const shrink = format === 'jpeg' && previewPath ? previewShrink(width, height) : 0;
  if (!shrink) {
    await writeCopy(filePath, displayPath, display, name);
    return { format, width, height, display, displayWritten: Promise.resolve() };
  }
  // The preview reads every byte of the JPEG's data as the display copy would (only the transform is
  // scaled), so a damaged file is refused here just the same.
  const preview = { width: Math.max(1, Math.floor(width / shrink)), height: Math.max(1, Math.floor(height / shrink)) };
  await writeCopy(filePath, previewPath!, preview, name, 85);
  const displayWritten = writeCopy(filePath, displayPath, display, name);
  displayWritten.catch(() => {}); // whoever serves the display copy learns of a failure
  return { format, width, height, display, preview, displayWritten };
}

/** An EXIF-oriented JPEG copy of the photo at exactly `size` (alpha flattened on white). */
async function writeCopy(filePath: string, target: string, size: Size, name: string, quality = 90): Promise<void> {
  try {
    // failOn 'truncated' also rejects photos whose data stops early (a damaged download).
    await sharp(filePath, { failOn: 'truncated', limitInputPixels: MAX_PIXELS })
      .rotate()
      .resize(size.width, size.height, { fit: 'fill' })
      .flatten({ background: '#ffffff' })
      // No Huffman optimisation: the copy only crosses to the window on this machine, and the extra
      // pass was a third of opening (24 MP: 742-827 -> 513-544 ms CPU, file 2.18 -> 2.26 MB).
      .jpeg({ quality, chromaSubsampling: quality >= 90 ? '4:4:4' : '4:2:0', optimiseCoding: false })
      .toFile(target);
  } catch {
    throw unreadable(name);
  }
}

function unreadable(name: string): HostError {
  return new HostError('bad-image', `"${name}" could not be read as an image: it may be damaged or not a JPEG, PNG or WebP. Try another file.`);
}
