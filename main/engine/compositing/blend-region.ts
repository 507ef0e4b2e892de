/**
 * The blend of one model output into the crop, done only where it can change anything: the mask's
 * box grown by the feather's reach (checked: widened if the weights reach its cut edges; a soft mask's
 * own weights reach no farther than the mask), not the whole crop box, whose context around the mask
 * is there for the model alone. What does not depend on the output (planBlend) can be worked out
 * before the output exists. A stroke across a 24 MP
 * photo has a crop of the whole photo but a blend of about 40% of it, so resizing the output, the
 * feather, the seam correction and the blend all cost the edit's size.
 */
import { coveredBox } from '../../../wire/covered-box.ts';
import { blendThroughFeather } from './blend.ts';
import type { Box } from './box.ts';
import type { CropPlan } from './crop-plan.ts';
import { featherAlpha, featherReach, featherSigma } from './feather.ts';
import { modelOutputToBox } from './from-model.ts';
import type { RawImage } from './raw-image.ts';
import { measureSeamTone, type SeamCorrectionOptions } from './seam-correction.ts';

/** What the blend needs of an edit's crop (edit-crop.ts's EditCrop). */
export interface BlendSource {
  plan: CropPlan;
  /** The document's pixels in plan.box. */
  original: RawImage;
  /** 1 = generate, over plan.box. */
  mask: Uint8Array;
  /** The smallest box holding every generate pixel, in plan.box's coordinates. */
  maskBox: Box;
  /** A soft mask's blend weights over plan.box; null: the blend feathers the hard mask itself. */
  coverage: Uint8Array | null;
  inputs: readonly { size: number; keep: Float32Array }[];
}

export interface BlendOptions extends SeamCorrectionOptions {
  /** Feather sigma as a fraction of the crop's side. Default 0.03. */
  featherFraction?: number;
  /** Match the generated tone to the photo at the seam. Default true. */
  seamCorrection?: boolean;
}

export interface BlendedRegion {
  /** Where the blend can differ from the photo, in the crop box's coordinates. */
  region: Box;
  /** The blended RGB pixels of the region. */
  rgb: Uint8Array;
  /** The blend weight per region pixel (0: the photo's pixel, unchanged). */
  alpha: Uint8Array;
}

/** The crop box's part that the blend can change: the mask's box, grown by `margin`, inside the box. */
export function reachOf(maskBox: Box, margin: number, box: { width: number; height: number }): Box {
  const x0 = Math.max(0, maskBox.x - margin), y0 = Math.max(0, maskBox.y - margin);
  const x1 = Math.min(box.width, maskBox.x + maskBox.width + margin), y1 = Math.min(box.height, maskBox.y + maskBox.height + margin);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Rows of a one-byte-per-pixel raster (the box's width) cut to a region. */
function cutBytes(from: Uint8Array, width: number, r: Box): Uint8Array {
  if (r.x === 0 && r.y === 0 && r.width === width && from.length === r.width * r.height) return from;
  const out = new Uint8Array(r.width * r.height);
  for (let y = 0; y < r.height; y++) out.set(from.subarray((r.y + y) * width + r.x, (r.y + y) * width + r.x + r.width), y * r.width);
  return out;
}

function cutImage(image: RawImage, r: Box): RawImage {
  const c = image.channels;
  if (r.x === 0 && r.y === 0 && r.width === image.width && r.height === image.height) return image;
  const data = new Uint8Array(r.width * r.height * c);
  for (let y = 0; y < r.height; y++) {
    const from = ((r.y + y) * image.width + r.x) * c;
    data.set(image.data.subarray(from, from + r.width * c), y * r.width * c);
  }
  return { data, width: r.width, height: r.height, channels: c };
}

/** 1 per region pixel whose model cell was generated (keep-mask 0): where the output is the model's own. */
function generatedByModel(keep: Float32Array, size: number, plan: CropPlan, r: Box): Uint8Array {
  const { pad, square } = plan;
  const cell = (p: number) => Math.min(size - 1, Math.floor((p * size) / square.width));
  const columnCell = new Int32Array(r.width); // the cell of each column, worked out once, not per pixel
  for (let x = 0; x < r.width; x++) columnCell[x] = cell(r.x + x + pad.left);
  const out = new Uint8Array(r.width * r.height);
  for (let y = 0; y < r.height; y++) {
    const row = cell(r.y + y + pad.top) * size;
    const at = y * r.width;
    for (let x = 0; x < r.width; x++) if (keep[row + columnCell[x]] === 0) out[at + x] = 1;
  }
  return out;
}

/** Whether a weight above 0 lies on an edge of `region` that is not the crop box's own edge (the feather may reach past it). */
function reachesCut(alpha: Uint8Array, region: Box, box: { width: number; height: number }): boolean {
  const { width, height } = region;
  const row = (y: number) => alpha.subarray(y * width, (y + 1) * width).some((v) => v > 0);
  const column = (x: number) => {
    for (let y = 0; y < height; y++) if (alpha[y * width + x]) return true;
    return false;
  };
  return (
    (region.y > 0 && row(0)) ||
    (region.y + height < box.height && row(height - 1)) ||
    (region.x > 0 && column(0)) ||
    (region.x + width < box.width && column(width - 1))
  );
}

/** The part of the box (box coordinates) where the blend weight is above 0: every pixel outside it is the photo's. */
export function changedBox(alpha: Uint8Array, width: number, height: number): Box {
  return coveredBox(alpha, width, height) ?? { x: 0, y: 0, width, height };
}

/** The hard mask's feather weights over the smallest region that holds all of them. */
async function featheredRegion(crop: BlendSource, sigma: number): Promise<{ region: Box; mask: Uint8Array; alpha: Uint8Array }> {
  const { box } = crop.plan;
  for (let margin = featherReach(sigma); ; margin *= 2) {
    const region = reachOf(crop.maskBox, margin, box);
    const mask = cutBytes(crop.mask, box.width, region);
    const alpha = await featherAlpha(mask, region.width, region.height, sigma);
    const whole = region.width === box.width && region.height === box.height;
    if (whole || !reachesCut(alpha, region, box)) return { region, mask, alpha };
  }
}

/**
 * The part of the blend that does not depend on the model's output (where it can change the photo, the
 * weights, the photo's pixels there, which pixels the model generated): worked out while the model
 * samples (run-edit.ts), so only the output's own work is left once it is done.
 */
export interface BlendPlan {
  /** The model output size it was made for. */
  outputSize: number;
  region: Box;
  /** The hard mask over the region (1 = generate). */
  mask: Uint8Array;
  /** The blend weight per region pixel (0: the photo's pixel, unchanged). */
  alpha: Uint8Array;
  /** The document's pixels over the region. */
  original: RawImage;
  /** 1 where the model generated the output (its keep-mask at outputSize said generate); absent when that input is unknown. */
  modelGenerated?: Uint8Array;
  /** The part of the region (its coordinates) where the weight is above 0 (changedBox). */
  part: Box;
}

export async function planBlend(crop: BlendSource, outputSize: number, options: BlendOptions = {}): Promise<BlendPlan> {
  const { plan } = crop;
  const { box } = plan;
  const sigma = featherSigma(plan.square.width, options.featherFraction);
  // A soft mask is the person's own feather: blend by it exactly, so nothing outside it changes.
  const { region, mask, alpha } = crop.coverage
    ? { region: crop.maskBox, mask: cutBytes(crop.mask, box.width, crop.maskBox), alpha: cutBytes(crop.coverage, box.width, crop.maskBox) }
    : await featheredRegion(crop, sigma);
  const input = options.seamCorrection === false ? undefined : crop.inputs.find((i) => i.size === outputSize);
  const modelGenerated = input ? generatedByModel(input.keep, outputSize, plan, region) : undefined;
  const part = changedBox(alpha, region.width, region.height);
  return { outputSize, region, mask, alpha, original: cutImage(crop.original, region), modelGenerated, part };
}

/** Blend plans of one crop by output size, kept across its candidates (the plan does not depend on the output). */
export type BlendPlans = Map<number, BlendPlan>;

/**
 * One model output blended into the crop over the plan's region. Without a plan for this output size in
 * `plans`, it is worked out here while libvips enlarges the output over the region it is expected to
 * cover (the feather's estimated reach; enlarged again only if the feather reached farther), and kept in
 * `plans` for the next candidate.
 */
export async function blendRegion(crop: BlendSource, output: Float32Array, outputSize: number, options: BlendOptions = {}, plans?: BlendPlans): Promise<BlendedRegion & { plan: BlendPlan }> {
  let blend = plans?.get(outputSize);
  let generated: RawImage;
  if (blend) {
    generated = await modelOutputToBox(output, outputSize, crop.plan, blend.region);
  } else {
    const { plan } = crop;
    const expected = crop.coverage ? crop.maskBox : reachOf(crop.maskBox, featherReach(featherSigma(plan.square.width, options.featherFraction)), plan.box);
    const enlarging = modelOutputToBox(output, outputSize, plan, expected);
    enlarging.catch(() => {}); // awaited below; a failure is reported there
    blend = await planBlend(crop, outputSize, options);
    plans?.set(outputSize, blend);
    const r = blend.region;
    const same = r.x === expected.x && r.y === expected.y && r.width === expected.width && r.height === expected.height;
    generated = same ? await enlarging : await modelOutputToBox(output, outputSize, plan, r);
  }
  const { region, mask, alpha, original, modelGenerated } = blend;
  // The seam's shift is measured here and applied by the blend as it goes (one pass, not two).
  const seam = (options.seamCorrection ?? true) ? measureSeamTone(generated, original, mask, alpha, options, modelGenerated) : null;
  return { region, rgb: blendThroughFeather(original, generated, alpha, seam?.shift), alpha, plan: blend };
}
