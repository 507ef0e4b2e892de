/**
 * The two ends of an edit at photo scale, for the engine's pipeline:
 *   prepareEditCrop: photo + patches + mask -> the crop plan and the model inputs for each stage size;
 *   pasteBack: a model output -> the blended crop, written as a candidate patch.
 * Everything between (tokenizing, sampling, the upsampler) happens in model space.
 */
import type { ImageSource, Patch } from '../protocol.ts';
import { planCrop, type CropPlan, type CropPlanOptions } from './crop-plan.ts';
import { readCurrentPixels } from './current-pixels.ts';
import { blendThroughFeather } from './blend.ts';
import type { Box } from './box.ts';
import { featherAlpha, featherSigma } from './feather.ts';
import { modelOutputToBox } from './from-model.ts';
import { keepMaskForModel } from './keep-mask.ts';
import { cropCoverage, cropMask, decodeMask, type MaskPlacement } from './mask.ts';
import { probeImage, type DecodeOptions, type ImageInfo } from './open-image.ts';
import { writePatch } from './patch-file.ts';
import type { RawImage } from './raw-image.ts';
import { correctSeamTone, type SeamCorrectionOptions } from './seam-correction.ts';
import { cropToModelImage } from './to-model.ts';

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
  const mask = cropMask(fullMask, plan.box);
  const coverage = cropCoverage(fullMask, plan.box);
  const original = await readCurrentPixels(source, image, plan.box);
  const inputs: ModelInput[] = [];
  for (const size of typeof sizes === 'function' ? sizes(plan) : sizes) {
    inputs.push({
      size,
      image: await cropToModelImage(original, plan, size),
      keep: keepMaskForModel(mask, plan, size, options.keepMaskDilation ?? 1),
    });
  }
  return { image, plan, original, mask, coverage, inputs };
}

export interface PasteBackOptions extends SeamCorrectionOptions {
  /** Feather sigma as a fraction of the crop's side. Default 0.03. */
  featherFraction?: number;
  /** Match the generated tone to the photo at the seam. Default true. */
  seamCorrection?: boolean;
}

/** 1 per box pixel whose model cell was generated (keep-mask 0): where the output is the model's own. */
function generatedByModel(keep: Float32Array, size: number, plan: CropPlan): Uint8Array {
  const { box, pad, square } = plan;
  const cell = (p: number) => Math.min(size - 1, Math.floor((p * size) / square.width));
  const out = new Uint8Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    const row = cell(y + pad.top) * size;
    for (let x = 0; x < box.width; x++) out[y * box.width + x] = keep[row + cell(x + pad.left)] === 0 ? 1 : 0;
  }
  return out;
}

/** The blended RGB pixels of the crop box for one model output [1,3,S,S] in [-1, 1]. */
export async function blendModelOutput(
  crop: EditCrop,
  output: Float32Array,
  outputSize: number,
  options: PasteBackOptions = {},
): Promise<Uint8Array> {
  return (await blendWithWeights(crop, output, outputSize, options)).rgb;
}

async function blendWithWeights(crop: EditCrop, output: Float32Array, outputSize: number, options: PasteBackOptions): Promise<{ rgb: Uint8Array; alpha: Uint8Array }> {
  const { plan } = crop;
  const generated = await modelOutputToBox(output, outputSize, plan);
  const sigma = featherSigma(plan.square.width, options.featherFraction);
  // A soft mask is the person's own feather: blend by it exactly, so nothing outside it changes.
  const alpha = crop.coverage ?? (await featherAlpha(crop.mask, plan.box.width, plan.box.height, sigma));
  if (options.seamCorrection ?? true) {
    const input = crop.inputs.find((i) => i.size === outputSize);
    const modelGenerated = input ? generatedByModel(input.keep, outputSize, plan) : undefined;
    correctSeamTone(generated, crop.original, crop.mask, alpha, options, modelGenerated);
  }
  return { rgb: blendThroughFeather(crop.original, generated, alpha), alpha };
}

/** The part of the box (box coordinates) where the blend weight is above 0: every pixel outside it is the photo's. */
export function changedBox(alpha: Uint8Array, width: number, height: number): Box {
  let x0 = width, y0 = -1, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = alpha.subarray(y * width, (y + 1) * width);
    let first = -1;
    for (let x = 0; x < width; x++) if (row[x]) { first = x; break; }
    if (first < 0) continue;
    let last = first;
    for (let x = width - 1; x > first; x--) if (row[x]) { last = x; break; }
    if (y0 < 0) y0 = y;
    y1 = y;
    x0 = Math.min(x0, first);
    x1 = Math.max(x1, last);
  }
  return y0 < 0 ? { x: 0, y: 0, width, height } : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
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
): Promise<Patch> {
  const { rgb, alpha } = await blendWithWeights(crop, output, outputSize, options);
  const { box } = crop.plan;
  const part = changedBox(alpha, box.width, box.height);
  let pixels = rgb;
  if (part.width !== box.width || part.height !== box.height) {
    pixels = new Uint8Array(part.width * part.height * 3);
    for (let y = 0; y < part.height; y++) {
      const from = ((part.y + y) * box.width + part.x) * 3;
      pixels.set(rgb.subarray(from, from + part.width * 3), y * part.width * 3);
    }
  }
  return writePatch(pixels, { x: box.x + part.x, y: box.y + part.y, width: part.width, height: part.height }, outDir, crop.image.iccProfile);
}
