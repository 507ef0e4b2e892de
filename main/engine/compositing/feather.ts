/**
 * The blend weight of generated pixels (0..255): 255 on the mask, falling smoothly to 0 just
 * outside it, and exactly 0 beyond the feather so those pixels stay bit-identical to the photo.
 *
 * A Gaussian blur of the mask is about one half at the mask's edge; doubling it (clamped) puts the
 * ramp outside the mask, starting at full weight on the edge, so there is no step there.
 */
import sharp from 'sharp';

/** Feather width follows the crop: a fixed pixel radius would be invisible on a big crop, a smear on a small one. */
export function featherSigma(squareSide: number, fraction = 0.03): number {
  return Math.min(1000, Math.max(1, squareSide * fraction));
}

/** Above this sigma an exact Gaussian gets slow (its kernel grows with sigma); libvips' box approximation does not. */
const EXACT_BLUR_MAX_SIGMA = 10;

/**
 * A wide blur is smooth at any scale: above this sigma the mask is blurred at 1/factor of its size
 * (sigma / factor >= this) and enlarged back, which costs the box's size once instead of a 24 MP
 * blur (24 s -> under 1 s on a busy 2-core machine at sigma 180). The ramp still ends within about
 * 3 sigma of the mask, so pixels beyond stay exactly the photo's.
 */
const FULL_SCALE_MAX_SIGMA = 8;

/**
 * About how far past the mask the weights are above 0, in pixels: sharp's Gaussian is cut where it
 * falls below a fifth of its peak (under 2 sigma), plus the cells of the reduced-scale path's
 * resampling. An estimate: blendRegion checks the weights at the edge of what it computed and widens
 * it if any reached there, so pixels past the reach keep the photo's value either way.
 */
export function featherReach(sigma: number): number {
  const factor = Math.max(1, Math.floor(sigma / FULL_SCALE_MAX_SIGMA));
  return Math.ceil(2 * sigma) + 3 * factor + 2;
}

export async function featherAlpha(boxMask: Uint8Array, width: number, height: number, sigma: number): Promise<Uint8Array> {
  const scaled = new Uint8Array(boxMask.length);
  for (let i = 0; i < boxMask.length; i++) scaled[i] = boxMask[i] ? 255 : 0;
  const factor = Math.max(1, Math.floor(sigma / FULL_SCALE_MAX_SIGMA));
  const alpha = scaled; // reuse: mask pixels already hold 255
  if (factor === 1) {
    const blurred = await sharp(scaled, { raw: { width, height, channels: 1 } })
      .blur({ sigma, precision: sigma > EXACT_BLUR_MAX_SIGMA ? 'approximate' : 'integer' })
      .extractChannel(0) // sharp would otherwise hand back one-band images as RGB
      .raw()
      .toBuffer();
    for (let i = 0; i < alpha.length; i++) {
      if (!boxMask[i]) alpha[i] = Math.min(255, 2 * blurred[i]);
    }
    return alpha;
  }
  const small = { width: Math.max(1, Math.ceil(width / factor)), height: Math.max(1, Math.ceil(height / factor)) };
  const reduced = await sharp(scaled, { raw: { width, height, channels: 1 } })
    .resize(small.width, small.height, { fit: 'fill', kernel: 'linear' })
    .blur({ sigma: sigma / factor, precision: 'integer' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  enlargeOutsideMask(reduced, small.width, small.height, boxMask, alpha, width, height);
  return alpha;
}

/**
 * The reduced blur enlarged back (bilinear, pixel centres aligned as libvips' resize aligns them) and
 * doubled into `alpha` where the mask is not: only there is it needed, and rows whose two source rows
 * are 0 stay 0 without a look (libvips enlarging the whole box cost ~0.3 s CPU on a 10.9 MP region).
 */
function enlargeOutsideMask(src: Uint8Array, sw: number, sh: number, boxMask: Uint8Array, alpha: Uint8Array, width: number, height: number): void {
  const x0s = new Int32Array(width), x1s = new Int32Array(width), txs = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const fx = Math.min(Math.max(((x + 0.5) * sw) / width - 0.5, 0), sw - 1);
    const x0 = Math.floor(fx);
    x0s[x] = x0;
    x1s[x] = Math.min(x0 + 1, sw - 1);
    txs[x] = fx - x0;
  }
  const row = new Float32Array(sw);
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max(((y + 0.5) * sh) / height - 0.5, 0), sh - 1);
    const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, sh - 1), ty = fy - y0;
    let any = false;
    for (let x = 0; x < sw; x++) {
      const v = src[y0 * sw + x] * (1 - ty) + src[y1 * sw + x] * ty;
      row[x] = v;
      if (v > 0) any = true;
    }
    if (!any) continue;
    const base = y * width;
    for (let x = 0; x < width; x++) {
      if (boxMask[base + x]) continue;
      const tx = txs[x];
      const v = Math.round(row[x0s[x]] * (1 - tx) + row[x1s[x]] * tx);
      if (v) alpha[base + x] = v >= 128 ? 255 : 2 * v;
    }
  }
}
