/**
 * Model output -> photo pixels: Float32 [1,3,S,S] in [-1, 1] quantised to 8-bit RGB, resized to the
 * square's size in photo pixels and cut to the plan's box (dropping any edge padding).
 */
import sharp from 'sharp';
import type { Box } from './box.ts';
import type { CropPlan } from './crop-plan.ts';
import { ImageError } from './errors.ts';
import type { RawImage } from './raw-image.ts';
import { ENLARGE_OUTPUT_KERNEL, REDUCE_OUTPUT_KERNEL } from './resize-kernels.ts';

/** [1,3,S,S] in [-1, 1] -> interleaved RGB bytes (S×S×3). */
export function quantiseModelImage(image: Float32Array, size: number): Uint8Array {
  const plane = size * size;
  if (image.length !== 3 * plane) {
    throw new ImageError('model-failure', `The model returned ${image.length} values; expected 3×${size}×${size}.`);
  }
  const out = new Uint8Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < plane; i++) {
      const v = image[c * plane + i];
      if (Number.isNaN(v)) throw new ImageError('model-failure', 'The model returned NaN pixels.');
      out[3 * i + c] = Math.min(255, Math.max(0, Math.round((v + 1) * 127.5)));
    }
  }
  return out;
}

/**
 * The output resized to the square and cut to the plan's box, or to `region` of it (box coordinates).
 * After resize(), extract() cuts the resized square, so only what is asked for is ever materialised.
 */
/** Enlargements beyond this factor go through an intermediate of this many times the output's size… */
const TWO_STAGE_FACTOR = 8;
/** …when that intermediate is small (the filter makes all of it, not only the region asked for). */
const TWO_STAGE_MAX_MID = 1024;

export async function modelOutputToBox(image: Float32Array, size: number, plan: CropPlan, region?: Box): Promise<RawImage> {
  const rgb = quantiseModelImage(image, size);
  const side = plan.square.width;
  const { box, pad } = plan;
  const r = region ?? { x: 0, y: 0, width: box.width, height: box.height };
  let pipeline = sharp(rgb, { raw: { width: size, height: size, channels: 3 } });
  if (side > size * TWO_STAGE_FACTOR && size * TWO_STAGE_FACTOR <= TWO_STAGE_MAX_MID) {
    // A large enlargement in two steps: the filter to 8× the output's size (a small square), then
    // linear the rest of the way, which at that oversampling adds nothing the filter would not (mean
    // difference about one level on a photo's 64 px output) for under half the time on a 24 MP crop.
    const mid = size * TWO_STAGE_FACTOR;
    const smooth = await pipeline.resize(mid, mid, { fit: 'fill', kernel: ENLARGE_OUTPUT_KERNEL }).raw().toBuffer();
    pipeline = sharp(smooth, { raw: { width: mid, height: mid, channels: 3 } }).resize(side, side, { fit: 'fill', kernel: 'linear' });
  } else if (side !== size) {
    const kernel = side > size ? ENLARGE_OUTPUT_KERNEL : REDUCE_OUTPUT_KERNEL;
    pipeline = pipeline.resize(side, side, { fit: 'fill', kernel });
  }
  const data = await pipeline.extract({ left: pad.left + r.x, top: pad.top + r.y, width: r.width, height: r.height }).raw().toBuffer();
  return { data, width: r.width, height: r.height, channels: 3 };
}
