/**
 * Opening the document's photo: a cheap header probe (size, colour, limits) and the one decode
 * pipeline every reader uses, so the engine, the crop and the export all see the same pixels:
 * EXIF orientation applied, 8-bit, sRGB-interpreted RGB, plus alpha when the file has it.
 *
 * Colour policy. RGB files keep their numbers exactly (their ICC profile is ignored while decoding and
 * carried over on export, where it still describes those numbers). Greyscale becomes RGB by copying the
 * grey value. CMYK and other spaces are converted to sRGB through their profile, which then no longer
 * applies and is dropped on export.
 */
import sharp, { type Sharp } from 'sharp';
import path from 'node:path';
import { ImageFormat } from '../protocol.ts';
import type { Box } from './box.ts';
import { ImageError, decoding } from './errors.ts';

export const DEFAULT_MAX_PIXELS = 120_000_000;

export interface DecodeOptions {
  /** Refuse images with more pixels than this (width × height). Default 120 MP. */
  maxPixels?: number;
}


export interface ImageInfo {
  path: string;
  format: ImageFormat;
  /** Size after EXIF orientation: the document's coordinate system. */
  width: number;
  height: number;
  hasAlpha: boolean;
  /** 'native': RGB numbers kept as stored; 'grey': grey copied to RGB; 'converted': CMYK/other turned into sRGB. */
  colour: 'native' | 'grey' | 'converted';
  /** Stored 8 bits per channel and RGB(A) already, so no conversion at all happens on decode. */
  plain8BitRgb: boolean;
  /** The file's ICC profile when it still describes the decoded numbers (native RGB only). */
  iccProfile?: Buffer;
  maxPixels: number;
}

export function maxPixelsOf(options: DecodeOptions | undefined): number {
  const max = options?.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!(Number.isInteger(max) && max > 0)) throw new ImageError('bad-request', `Invalid pixel limit: ${max}.`);
  return max;
}

/** sharp options for any file we read: the pixel limit, and truncated or broken data is an error. */
export function readerOptions(maxPixels: number) {
  return { limitInputPixels: maxPixels, failOn: 'error' as const };
}

function iccColourSpace(icc: Buffer | undefined): string | undefined {
  return icc && icc.length >= 20 ? icc.subarray(16, 20).toString('latin1').trim() : undefined;
}

function formatMegapixels(pixels: number): string {
  return `${(pixels / 1e6).toFixed(1)} MP`;
}

/** Reads only the header: dimensions, format, colour; refuses what we will not decode. */
export async function probeImage(imagePath: string, options?: DecodeOptions): Promise<ImageInfo> {
  const maxPixels = maxPixelsOf(options);
  const name = `the image "${path.basename(imagePath)}"`;
  // The header read itself is not limited, so that an oversized photo gets the message below.
  const meta = await decoding(name, () => sharp(imagePath, { ...readerOptions(maxPixels), limitInputPixels: false }).metadata());
  const format = ImageFormat.safeParse(meta.format);
  if (!format.success) {
    throw new ImageError('bad-image', `Cannot open ${name}: ${meta.format} files are not supported (use JPEG, PNG or WebP).`);
  }
  const pixels = meta.width * meta.height;
  if (pixels > maxPixels) {
    throw new ImageError(
      'too-large',
      `The image "${path.basename(imagePath)}" is ${meta.width}×${meta.height} (${formatMegapixels(pixels)}), ` +
        `above the ${formatMegapixels(maxPixels)} limit. Reduce it in another editor first, or raise the limit.`,
    );
  }
  const rgbSpace = meta.space === 'srgb' || meta.space === 'rgb16' || meta.space === 'rgb';
  const iccSpace = iccColourSpace(meta.icc);
  const native = rgbSpace && (iccSpace === undefined || iccSpace === 'RGB');
  const grey = meta.space === 'b-w' || meta.space === 'grey16';
  return {
    path: imagePath,
    format: format.data,
    width: meta.autoOrient.width,
    height: meta.autoOrient.height,
    hasAlpha: meta.hasAlpha,
    colour: native ? 'native' : grey ? 'grey' : 'converted',
    plain8BitRgb: meta.space === 'srgb' && meta.depth === 'uchar',
    iccProfile: native ? meta.icc : undefined,
    maxPixels,
  };
}

/**
 * The decode every reader shares, optionally limited to a region (document coordinates): only that
 * region is resampled and handed back, so memory follows the region rather than the photo.
 * Callers add `.raw()` (or an encoder); channels are 3, or 4 when the image has alpha.
 */
export function decodePipeline(info: ImageInfo, region?: Box): Sharp {
  // Only a conversion (CMYK, Lab...) needs the profile; RGB and grey numbers are taken as they are.
  const ignoreIcc = info.colour !== 'converted';
  let pipeline = sharp(info.path, { ...readerOptions(info.maxPixels), autoOrient: true, ignoreIcc });
  if (region) pipeline = pipeline.extract({ left: region.x, top: region.y, width: region.width, height: region.height });
  return pipeline.toColourspace('srgb');
}
