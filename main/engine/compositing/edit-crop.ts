/**
 * The two ends of an edit at photo scale, for the engine's pipeline:
 *   prepareEditCrop: photo + patches + mask -> the crop plan and the model inputs for each stage size;
 *   pasteBack: a model output -> the blended crop, written as a candidate patch.
 * Everything between (tokenizing, sampling, the upsampler) happens in model space.
 */
import type { ImageSource, Patch } from '../protocol.ts';
import { planCrop, type CropPlan, type CropPlanOptions } from './crop-plan.ts';
import { readCurrentPixels } from './current-pixels.ts';
import { blendRegion, type BlendOptions, type BlendPlans } from './blend-region.ts';
import type { Box } from './box.ts';
import { keepMaskForModel, maskRuns } from './keep-mask.ts';
import { cropCoverage, cropMask, decodeMask, type MaskPlacement } from './mask.ts';
import { probeImage, type DecodeOptions, type ImageInfo } from './open-image.ts';
import { writePatch } from './patch-file.ts';
import type { RawImage } from './raw-image.ts';
import { cropToModelImage, squarePixels } from './to-model.ts';

export interface EditCropOptions extends DecodeOptions, CropPlanOptions {
  /** Model cells the generated region grows by in the keep-mask. Default 1. */
  keepMaskDilation?: number;
}

export interface ModelInput {
  size: number;
  /** [1,3,S,S] in [-1, 1] */
  image: Float32Array;
  /** [1,1,S,S], 1 = keep, 0 = generate */
  keep: Float32Array;
}

export interface EditCrop {
  image: ImageInfo;
  plan: CropPlan;
  /** The document's current pixels inside plan.box (RGB, or RGBA when the photo has alpha). */
  original: RawImage;
  /** The mask inside plan.box, 1 = generate. */
  mask: Uint8Array;
  /** The smallest box holding every generate pixel, in plan.box's coordinates. */
  maskBox: Box;
  /** A soft mask's blend weights inside plan.box (0..255); null: the blend feathers the hard mask itself. */
  coverage: Uint8Array | null;
  /** One per requested size, in the order asked for. */
  inputs: ModelInput[];
}

export async function prepareEditCrop(
  source: ImageSource,
  maskPng: Uint8Array,
  /** Model sizes to prepare, or a function of the crop plan giving them (an upsampler working at the crop's resolution). */
  sizes: readonly number[] | ((plan: CropPlan) => readonly number[]),
  options: EditCropOptions = {},
  placement: MaskPlacement = {},
): Promise<EditCrop> {
  const image = await probeImage(source.imagePath, options);
  const fullMask = await decodeMask(maskPng, image, image.maxPixels, placement);
  const plan = planCrop(fullMask.bbox, image, options);
  const original = await readCurrentPixels(source, image, plan.box);
  const wanted = typeof sizes === 'function' ? sizes(plan) : sizes;
  // libvips (its own threads) makes the padded square (once for every size: on a 24 MP crop it is 108 MB)
  // and resizes it to each size at once, while this thread works out the masks.
  const resized = (async () => {
    const square = wanted.length > 1 ? await squarePixels(original, plan) : undefined;
    return Promise.all(wanted.map((size) => cropToModelImage(original, plan, size, square)));
  })();
  resized.catch(() => {}); // awaited below
  const mask = cropMask(fullMask, plan.box);
  const coverage = cropCoverage(fullMask, plan.box);
  const maskBox = { ...fullMask.bbox, x: fullMask.bbox.x - plan.box.x, y: fullMask.bbox.y - plan.box.y };
  const runs = maskRuns(mask, plan.box.width, plan.box.height, maskBox); // scanned once, over the mask's own box, for every size
  const keeps = wanted.map((size) => keepMaskForModel(runs, plan, size, options.keepMaskDilation ?? 1));
  const images = await resized;
  const inputs: ModelInput[] = wanted.map((size, i) => ({ size, image: images[i], keep: keeps[i] }));
  return { image, plan, original, mask, maskBox, coverage, inputs };
}

export type PasteBackOptions = BlendOptions;

/** The blended RGB pixels of the whole crop box for one model output [1,3,S,S] in [-1, 1]. */
export async function blendModelOutput(
  crop: EditCrop,
  output: Float32Array,
  outputSize: number,
  options: PasteBackOptions = {},
): Promise<Uint8Array> {
  const { region, rgb } = await blendRegion(crop, output, outputSize, options);
  const { original } = crop;
  const { width, height } = crop.plan.box;
  const oc = original.channels;
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = original.data[i * oc + c];
  for (let y = 0; y < region.height; y++) out.set(rgb.subarray(y * region.width * 3, (y + 1) * region.width * 3), ((region.y + y) * width + region.x) * 3);
  return out;
}

/**
 * Blends one model output into the crop and writes it to `outDir` as a patch: only the part of the
 * box the blend changed (weight above 0), so encoding, storing and showing it follow the edit's size,
 * not the context around it.
 */
export async function pasteBack(
  crop: EditCrop,
  output: Float32Array,
  outputSize: number,
  outDir: string,
  options: PasteBackOptions = {},
  /** The blend plans of this crop (and options) by output size: used where present, added to where not (every candidate of a run shares them). */
  plans?: BlendPlans,
): Promise<Patch> {
  const { region, rgb, plan } = await blendRegion(crop, output, outputSize, options, plans);
  const { box } = crop.plan;
  const { part } = plan;
  let pixels = rgb;
  if (part.width !== region.width || part.height !== region.height) {
    pixels = new Uint8Array(part.width * part.height * 3);
    for (let y = 0; y < part.height; y++) {
      const from = ((part.y + y) * region.width + part.x) * 3;
      pixels.set(rgb.subarray(from, from + part.width * 3), y * part.width * 3);
    }
  }
  const placed = { x: box.x + region.x + part.x, y: box.y + region.y + part.y, width: part.width, height: part.height };
  return writePatch(pixels, placed, outDir, crop.image.iccProfile);
}
