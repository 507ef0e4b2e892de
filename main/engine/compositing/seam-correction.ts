/**
 * Tone match at the seam. In a thin band just outside the mask, where the photo is known and the model
 * generated its own pixels (its keep-mask's dilation), the difference photo − generated measures how
 * far the model's colours drifted. (Further out the output is the known photo handed back, resampled:
 * counting it would only dilute the measurement.) That difference is averaged on a coarse grid, spread
 * smoothly over the crop (normalised Gaussian convolution, falling back to the band's mean offset far
 * from any band pixel), clamped, and added to the generated pixels. Only a low-frequency shift per channel: the model's
 * texture and content are left alone, while the brightness/colour step at the seam disappears.
 */
import type { RawImage } from './raw-image.ts';

export interface SeamCorrectionOptions {
  /** Largest shift applied to a channel, in 8-bit levels. Default 40. */
  maxShift?: number;
  /** Grid cells along the crop's longer side. Default 32. */
  gridCells?: number;
  /** Smoothing of the offset field, in grid cells. Default 3. */
  sigmaCells?: number;
}

export interface SeamCorrection {
  bandPixels: number;
  /** The band's mean photo − generated difference per channel (before clamping). */
  meanOffset: [number, number, number];
}

/** Fewer band pixels than this say nothing reliable about tone. */
const MIN_BAND_PIXELS = 16;

function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.ceil(3 * sigma);
  const k = new Float64Array(2 * radius + 1);
  for (let i = -radius; i <= radius; i++) k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  return k; // not normalised: the field divides weighted sums by weighted counts
}

/** Separable convolution of `planes` grids of gw×gh, zero outside. */
function blurGrid(grid: Float64Array, gw: number, gh: number, planes: number, kernel: Float64Array): Float64Array {
  const r = (kernel.length - 1) / 2;
  const tmp = new Float64Array(grid.length);
  const out = new Float64Array(grid.length);
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < gh; y++) {
      for (let x = 0; x < gw; x++) {
        let s = 0;
        for (let d = -r; d <= r; d++) {
          const xx = x + d;
          if (xx >= 0 && xx < gw) s += kernel[d + r] * grid[(y * gw + xx) * planes + p];
        }
        tmp[(y * gw + x) * planes + p] = s;
      }
    }
    for (let y = 0; y < gh; y++) {
      for (let x = 0; x < gw; x++) {
        let s = 0;
        for (let d = -r; d <= r; d++) {
          const yy = y + d;
          if (yy >= 0 && yy < gh) s += kernel[d + r] * tmp[(yy * gw + x) * planes + p];
        }
        out[(y * gw + x) * planes + p] = s;
      }
    }
  }
  return out;
}

/** The smooth per-channel shift measured at the seam, on a coarse grid (gw×gh cells of `cell` pixels, RGB per cell). */
export interface SeamField {
  field: Float32Array;
  gw: number;
  gh: number;
  cell: number;
}

/**
 * Shifts `generated` (RGB, the box's size) in place wherever `alpha` > 0.
 * @param original the photo's pixels in the box (RGB or RGBA)
 * @param boxMask 1 = generate
 * @param alpha the feather weights (0..255)
 * @param modelGenerated 1 where the model generated the output pixel (its keep-mask said generate);
 *   absent: every pixel of the feather is measured
 * @returns what was measured, or null when the band is too small to measure (nothing changed)
 */
export function correctSeamTone(
  generated: RawImage,
  original: RawImage,
  boxMask: Uint8Array,
  alpha: Uint8Array,
  options: SeamCorrectionOptions = {},
  modelGenerated?: Uint8Array,
): SeamCorrection | null {
  const measured = measureSeamTone(generated, original, boxMask, alpha, options, modelGenerated);
  if (!measured) return null;
  applySeamField(generated, alpha, measured.shift);
  return { bandPixels: measured.bandPixels, meanOffset: measured.meanOffset };
}

/**
 * What correctSeamTone measures, without applying it: the shift field, for a blend that applies it
 * as it goes (blendThroughFeather's `shift`, the same bytes in one pass); null when the band is too
 * small to measure.
 */
export function measureSeamTone(
  generated: RawImage,
  original: RawImage,
  boxMask: Uint8Array,
  alpha: Uint8Array,
  options: SeamCorrectionOptions = {},
  modelGenerated?: Uint8Array,
): (SeamCorrection & { shift: SeamField }) | null {
  const maxShift = options.maxShift ?? 40;
  const { width, height } = generated;
  const oc = original.channels;
  const cell = Math.max(1, Math.ceil(Math.max(width, height) / (options.gridCells ?? 32)));
  const gw = Math.ceil(width / cell);
  const gh = Math.ceil(height / cell);
  const sums = new Float64Array(gw * gh * 3);
  const counts = new Float64Array(gw * gh);
  const total = [0, 0, 0];
  let bandPixels = 0;
  const columnCell = new Int32Array(width);
  for (let x = 0; x < width; x++) columnCell[x] = (x / cell) | 0;
  // The band is measured on a sparser lattice when cells are large (a cell's mean needs no more than
  // a few hundred of its pixels): every step-th row and column, step at most cell / 8.
  const step = Math.max(1, Math.floor(cell / 8));
  for (let y = 0; y < height; y += step) {
    const rowCell = ((y / cell) | 0) * gw;
    for (let x = 0, i = y * width; x < width; x += step, i += step) {
      if (boxMask[i] || !alpha[i] || (modelGenerated && !modelGenerated[i])) continue;
      const g = rowCell + columnCell[x];
      for (let c = 0; c < 3; c++) {
        const d = original.data[i * oc + c] - generated.data[i * 3 + c];
        sums[g * 3 + c] += d;
        total[c] += d;
      }
      counts[g] += 1;
      bandPixels++;
    }
  }
  const measured = bandPixels;
  bandPixels *= step * step; // the band's size, from its measured lattice
  if (bandPixels < MIN_BAND_PIXELS || measured === 0) return null;
  const mean: [number, number, number] = [total[0] / measured, total[1] / measured, total[2] / measured];

  const kernel = gaussianKernel(options.sigmaCells ?? 3);
  const sumField = blurGrid(sums, gw, gh, 3, kernel);
  const countField = blurGrid(counts, gw, gh, 1, kernel);
  // Prior weight for the band's mean: where few band pixels are near, the offset tends to the mean.
  const prior = 0.25 * (cell / step) ** 2; // in measured pixels
  const field = new Float32Array(gw * gh * 3);
  for (let g = 0; g < gw * gh; g++) {
    for (let c = 0; c < 3; c++) {
      const v = (sumField[g * 3 + c] + prior * mean[c]) / (countField[g] + prior);
      field[g * 3 + c] = Math.max(-maxShift, Math.min(maxShift, v));
    }
  }

  return { bandPixels, meanOffset: mean, shift: { field, gw, gh, cell } };
}

/**
 * The column cells of a field for a row of `width` pixels: each pixel's two cells (offsets into a row
 * of the field, RGB) and its weight between them. Shared by the shift below and the blend that applies it.
 */
export function fieldColumns(width: number, f: SeamField): { fx0: Int32Array; fx1: Int32Array; ftx: Float32Array } {
  const { gw, cell } = f;
  const fx0 = new Int32Array(width), fx1 = new Int32Array(width), ftx = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const fx = Math.min(Math.max((x + 0.5) / cell - 0.5, 0), gw - 1);
    const x0 = Math.floor(fx);
    fx0[x] = x0 * 3;
    fx1[x] = Math.min(x0 + 1, gw - 1) * 3;
    ftx[x] = fx - x0;
  }
  return { fx0, fx1, ftx };
}

/** The field interpolated vertically for row y (one value per cell and channel), into rowField. */
export function fieldRow(f: SeamField, y: number, rowField: Float32Array): void {
  const { field, gw, gh, cell } = f;
  const fy = Math.min(Math.max((y + 0.5) / cell - 0.5, 0), gh - 1);
  const y0 = Math.floor(fy);
  const y1 = Math.min(y0 + 1, gh - 1);
  const ty = fy - y0;
  for (let k = 0; k < gw * 3; k++) rowField[k] = field[y0 * gw * 3 + k] * (1 - ty) + field[y1 * gw * 3 + k] * ty;
}

/**
 * Bilinear between cell centres, applied only where the generated pixels will show: per row, the
 * field is first interpolated vertically (one value per cell and channel), then along the row.
 */
export function applySeamField(generated: RawImage, alpha: Uint8Array, f: SeamField): void {
  const { width, height } = generated;
  const { fx0, fx1, ftx } = fieldColumns(width, f);
  const rowField = new Float32Array(f.gw * 3);
  const data = generated.data;
  for (let y = 0; y < height; y++) {
    fieldRow(f, y, rowField);
    const rowStart = y * width;
    for (let x = 0; x < width; x++) {
      if (!alpha[rowStart + x]) continue;
      const a = fx0[x], b = fx1[x], tx = ftx[x], sx = 1 - tx;
      const p = (rowStart + x) * 3;
      // Unrolled over the channels (same arithmetic, same result): the inner loop was most of the pass.
      const r = data[p] + rowField[a] * sx + rowField[b] * tx;
      const g = data[p + 1] + rowField[a + 1] * sx + rowField[b + 1] * tx;
      const bl = data[p + 2] + rowField[a + 2] * sx + rowField[b + 2] * tx;
      // Math.round of a value in (0, 255) is (v + 0.5) | 0 (the ends are clamped first).
      data[p] = r <= 0 ? 0 : r >= 255 ? 255 : (r + 0.5) | 0;
      data[p + 1] = g <= 0 ? 0 : g >= 255 ? 255 : (g + 0.5) | 0;
      data[p + 2] = bl <= 0 ? 0 : bl >= 255 ? 255 : (bl + 0.5) | 0;
    }
  }
}
