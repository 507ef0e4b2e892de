/**
 * The real-photo evaluation's measures (npm run models:eval-photos, issue 20): an edit of a round hole
 * compared with the untouched photo. Pure functions on RGB pixels; the e2e Fill test uses `novelty` too.
 *
 * Regions, in units of the hole's radius r (distance of a pixel's centre from the hole's centre):
 *   hole    d < r (the mask itself: `inHole` is also how the evaluation draws it)
 *   inner   d < r - 2 px (the hole without the pixels whose Laplacian reaches across the border)
 *   border  |d - r| <= 1.5 px (a 3-px band on the mask's edge)
 *   ring    1.4 r <= d < 1.7 r: the surroundings, beyond the engine's feather (with its default 0.3
 *           context and 0.03 feather the blend ends within about 3 sigma = 0.29 r of the hole), so
 *           there the edit is the photo.
 *   around  r <= d < 1.7 r, of the untouched photo: the colours a Fill may continue (novelty). It starts at
 *           the hole's edge because what a fill continues is first of all the pixels touching the hole
 *           (a shadow, the rest of the removed object's surroundings), and it reads the photo, not the
 *           edit, so the feather does not matter there.
 */

export interface RgbImage {
  width: number;
  height: number;
  /** RGB, 3 bytes a pixel, row by row. */
  data: Uint8Array;
}

export interface Hole {
  cx: number;
  cy: number;
  r: number;
}

export type Rgb = readonly [number, number, number];

export const RING: readonly [number, number] = [1.4, 1.7];
export const AROUND: readonly [number, number] = [1.0, RING[1]];
const INNER_MARGIN = 2;
const BORDER_HALF_WIDTH = 1.5;

export function distance(hole: Hole, x: number, y: number): number {
  return Math.hypot(x + 0.5 - hole.cx, y + 0.5 - hole.cy);
}

export function inHole(hole: Hole, x: number, y: number): boolean {
  return distance(hole, x, y) < hole.r;
}

/** Indices (y * width + x) of the pixels with lo <= d < hi, inside the image. */
export function annulus(width: number, height: number, hole: Hole, lo: number, hi: number): Int32Array {
  const out: number[] = [];
  const y0 = Math.max(0, Math.floor(hole.cy - hi));
  const y1 = Math.min(height - 1, Math.ceil(hole.cy + hi));
  const x0 = Math.max(0, Math.floor(hole.cx - hi));
  const x1 = Math.min(width - 1, Math.ceil(hole.cx + hi));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const d = distance(hole, x, y);
      if (d >= lo && d < hi) out.push(y * width + x);
    }
  }
  return Int32Array.from(out);
}

export const holePixels = (img: RgbImage, hole: Hole) => annulus(img.width, img.height, hole, 0, hole.r);
export const ringPixels = (img: RgbImage, hole: Hole) => annulus(img.width, img.height, hole, RING[0] * hole.r, RING[1] * hole.r);

function luma(img: RgbImage, x: number, y: number): number {
  const cx = Math.min(img.width - 1, Math.max(0, x));
  const cy = Math.min(img.height - 1, Math.max(0, y));
  const i = (cy * img.width + cx) * 3;
  return 0.299 * img.data[i] + 0.587 * img.data[i + 1] + 0.114 * img.data[i + 2];
}

/** Mean |4-neighbour Laplacian| of luminance over the pixels (edges replicated). */
export function meanAbsLaplacian(img: RgbImage, pixels: Int32Array): number {
  let sum = 0;
  for (const i of pixels) {
    const x = i % img.width;
    const y = (i - x) / img.width;
    sum += Math.abs(4 * luma(img, x, y) - luma(img, x - 1, y) - luma(img, x + 1, y) - luma(img, x, y - 1) - luma(img, x, y + 1));
  }
  return pixels.length ? sum / pixels.length : Number.NaN;
}

/** Mean luminance gradient magnitude (central differences) over the pixels. */
export function meanGradient(img: RgbImage, pixels: Int32Array): number {
  let sum = 0;
  for (const i of pixels) {
    const x = i % img.width;
    const y = (i - x) / img.width;
    sum += Math.hypot(luma(img, x + 1, y) - luma(img, x - 1, y), luma(img, x, y + 1) - luma(img, x, y - 1)) / 2;
  }
  return pixels.length ? sum / pixels.length : Number.NaN;
}

/**
 * (|Laplacian| inside the hole / in the ring) of the edit over the same ratio of the photo: 1 when the
 * hole has the photo's own amount of fine detail, below 1 when it is softer. NaN on a detail-free hole.
 */
export function sharpness(photo: RgbImage, edit: RgbImage, hole: Hole): number {
  const inner = annulus(photo.width, photo.height, hole, 0, hole.r - INNER_MARGIN);
  const ring = ringPixels(photo, hole);
  const ratio = (img: RgbImage) => meanAbsLaplacian(img, inner) / meanAbsLaplacian(img, ring);
  return ratio(edit) / ratio(photo);
}

/** Mean gradient magnitude along the mask's edge, edit over photo: below 1 a blurred border, above 1 a visible step. */
export function seam(photo: RgbImage, edit: RgbImage, hole: Hole): number {
  const band = annulus(photo.width, photo.height, hole, hole.r - BORDER_HALF_WIDTH, hole.r + BORDER_HALF_WIDTH);
  return meanGradient(edit, band) / meanGradient(photo, band);
}

function colourBin(data: Uint8Array, i: number, levels: number): number {
  const q = (v: number) => Math.floor((v * levels) / 256);
  return (q(data[3 * i]) * levels + q(data[3 * i + 1])) * levels + q(data[3 * i + 2]);
}

/**
 * Share of the hole's pixels in `edit` whose colour, quantised to `levels` per channel, occurs nowhere
 * around the hole in `surroundings` (the untouched photo, AROUND): what was drawn that the photo does not
 * have around the hole. 0 for a fill that only continues its surroundings.
 */
export function novelty(edit: RgbImage, surroundings: RgbImage, hole: Hole, levels = 16): number {
  const seen = new Uint8Array(levels ** 3);
  const around = annulus(surroundings.width, surroundings.height, hole, AROUND[0] * hole.r, AROUND[1] * hole.r);
  for (const i of around) seen[colourBin(surroundings.data, i, levels)] = 1;
  const inside = holePixels(edit, hole);
  let fresh = 0;
  for (const i of inside) if (!seen[colourBin(edit.data, i, levels)]) fresh++;
  return inside.length ? fresh / inside.length : Number.NaN;
}

function nearestName(data: Uint8Array, i: number, names: string[], palette: Record<string, Rgb>): string {
  let best = names[0];
  let bestD = Number.POSITIVE_INFINITY;
  for (const name of names) {
    const [r, g, b] = palette[name];
    const d = (data[3 * i] - r) ** 2 + (data[3 * i + 1] - g) ** 2 + (data[3 * i + 2] - b) ** 2;
    if (d < bestD) {
      bestD = d;
      best = name;
    }
  }
  return best;
}

export interface ColourAdherence {
  /** The named colour is the one whose share of the hole grew most. */
  hit: boolean;
  /** The colour name whose share of the hole grew most from photo to edit ('none' when none grew). */
  dominant: string;
  /** Share of the hole's pixels nearest the named colour in the edit, minus that in the photo. */
  gain: number;
}

/**
 * Each hole pixel is labelled with its nearest palette colour (RGB distance; the palette is the
 * training set's 10 named colours). The edit drew the named colour when that colour's share of the
 * hole grew more than any other's: a red object on green grass turns green pixels red, and red
 * already in the photo's hole does not count.
 */
export function colourAdherence(photo: RgbImage, edit: RgbImage, hole: Hole, named: string, palette: Record<string, Rgb>): ColourAdherence {
  const names = Object.keys(palette);
  if (!names.includes(named)) throw new Error(`${named} is not one of the palette's colours (${names.join(', ')})`);
  const gain = new Map(names.map((n) => [n, 0]));
  const inside = holePixels(photo, hole);
  for (const i of inside) {
    const before = nearestName(photo.data, i, names, palette);
    const after = nearestName(edit.data, i, names, palette);
    gain.set(before, (gain.get(before) ?? 0) - 1);
    gain.set(after, (gain.get(after) ?? 0) + 1);
  }
  // Nothing grew (the edit left the hole's colours as they were): no colour was drawn.
  let dominant = 'none';
  let most = 0;
  for (const n of names) {
    const g = gain.get(n) ?? 0;
    if (g > most) {
      most = g;
      dominant = n;
    }
  }
  return { hit: dominant === named, dominant, gain: (gain.get(named) ?? 0) / Math.max(1, inside.length) };
}

export interface ChangedPixels {
  /** Pixels at d >= r + reach that differ from the photo in any channel: must be 0. */
  beyond: number;
  /** The farthest changed pixel's distance from the hole's centre, over r (0: nothing changed). */
  farthest: number;
}

export function changedPixels(photo: RgbImage, edit: RgbImage, hole: Hole, reach: number): ChangedPixels {
  if (photo.width !== edit.width || photo.height !== edit.height) throw new Error('the edit and the photo differ in size');
  let beyond = 0;
  let farthest = 0;
  const { width, height } = photo;
  const a = photo.data;
  const b = edit.data;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      if (a[i] === b[i] && a[i + 1] === b[i + 1] && a[i + 2] === b[i + 2]) continue;
      const d = distance(hole, x, y);
      if (d >= hole.r + reach) beyond++;
      farthest = Math.max(farthest, d / hole.r);
    }
  }
  return { beyond, farthest };
}
