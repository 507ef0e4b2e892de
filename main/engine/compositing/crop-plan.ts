/**
 * Where to cut the model's square from the photo: the mask's bounding box plus context on every side,
 * made square (the model is square), and moved (never shrunk) to stay inside the photo. Only when the
 * photo itself is narrower than the square does the square reach outside it; those parts are filled
 * by replicating the edge pixels and cut away again after generation.
 */
import type { Box, Size } from './box.ts';
import { ImageError } from './errors.ts';

export interface CropPlanOptions {
  /** Context added on each side, as a fraction of the mask box's longer side. Default 0.3. */
  contextFraction?: number;
  /** At least this much context on each side, in photo pixels. Default 8. */
  minContext?: number;
  /** Smallest square side, so a tiny mask still shows the model its surroundings. Default 64. */
  minSide?: number;
}

export interface CropPlan {
  /** The square the model sees, in photo coordinates; it may reach outside the photo. */
  square: Box;
  /** The part of the square inside the photo: what is read, and what the patch covers. */
  box: Box;
  /** Replicated edge pixels around `box` that complete the square. */
  pad: { left: number; top: number; right: number; bottom: number };
}

/** sharp's extend() takes at most this many pixels per edge. */
const MAX_PAD = 10_000;

/** Start of a `side`-long span centred on [start, start+length) and kept inside [0, limit) when it fits. */
function placeSpan(start: number, length: number, side: number, limit: number): number {
  if (side > limit) return -Math.floor((side - limit) / 2); // photo narrower than the square: centre it
  const centred = start - Math.floor((side - length) / 2);
  return Math.min(Math.max(centred, 0), limit - side);
}

export function planCrop(maskBox: Box, image: Size, options: CropPlanOptions = {}): CropPlan {
  const contextFraction = options.contextFraction ?? 0.3;
  const minContext = options.minContext ?? 8;
  const minSide = options.minSide ?? 64;
  const longer = Math.max(maskBox.width, maskBox.height);
  const context = Math.max(minContext, Math.ceil(longer * contextFraction));
  // Context beyond the photo's longer side is never real pixels: cap there.
  const side = Math.min(Math.max(longer + 2 * context, minSide), Math.max(image.width, image.height));
  const square = {
    x: placeSpan(maskBox.x, maskBox.width, side, image.width),
    y: placeSpan(maskBox.y, maskBox.height, side, image.height),
    width: side,
    height: side,
  };
  const box = {
    x: Math.max(square.x, 0),
    y: Math.max(square.y, 0),
    width: Math.min(side, image.width),
    height: Math.min(side, image.height),
  };
  const pad = {
    left: box.x - square.x,
    top: box.y - square.y,
    right: square.x + side - (box.x + box.width),
    bottom: square.y + side - (box.y + box.height),
  };
  if (Math.max(pad.left, pad.top, pad.right, pad.bottom) > MAX_PAD) {
    throw new ImageError('too-large', `The image is too elongated (${image.width}×${image.height}) to edit with a mask this large.`);
  }
  return { square, box, pad };
}
