/**
 * Photo crop -> model input: the square resized to S×S as Float32 [1,3,S,S] in [-1, 1].
 * Lanczos3 both ways: the model should see the context as sharp as the photo allows.
 */
import sharp from 'sharp';
import type { CropPlan } from './crop-plan.ts';
import type { RawImage } from './raw-image.ts';
import { INPUT_KERNEL } from './resize-kernels.ts';

/** The box's RGB pixels with the plan's edge replication around them: the full square (side × side × 3). */
export async function squarePixels(region: RawImage, plan: CropPlan): Promise<Buffer> {
  let pipeline = sharp(region.data, { raw: { width: region.width, height: region.height, channels: region.channels } });
  if (region.channels === 4) pipeline = pipeline.removeAlpha();
  const { left, top, right, bottom } = plan.pad;
  // sharp extends after resizing, so padding is a pass of its own (only when the photo is smaller than the square).
  if (left + top + right + bottom > 0) pipeline = pipeline.extend({ left, top, right, bottom, extendWith: 'copy' });
  return pipeline.raw().toBuffer();
}

/**
 * The model's input at `size`: the square (squarePixels; pass it when preparing several sizes, so it
 * is made once) resized to S×S as [1,3,S,S] in [-1, 1].
 */
export async function cropToModelImage(region: RawImage, plan: CropPlan, size: number, square?: Buffer): Promise<Float32Array> {
  const side = plan.square.width;
  const pixels = await (async () => {
    const full = square ?? (await squarePixels(region, plan));
    return side === size ? full : sharp(full, { raw: { width: side, height: side, channels: 3 } }).resize(size, size, { fit: 'fill', kernel: INPUT_KERNEL }).raw().toBuffer();
  })();
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    out[i] = pixels[3 * i] / 127.5 - 1;
    out[plane + i] = pixels[3 * i + 1] / 127.5 - 1;
    out[2 * plane + i] = pixels[3 * i + 2] / 127.5 - 1;
  }
  return out;
}
