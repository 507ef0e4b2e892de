/**
 * What the engine does to the hole after the upsampler's last pass, from the bundle's defaults: the base
 * stage's colours locked under the detail, the detail matched to the surroundings, the colour smoothed
 * (detail-match.ts has why). Each looks at most FINISH_MARGIN px past the hole, so they run on that square
 * of the output, not the whole crop: at 1024 px that is a third of the time.
 */
import type { Bundle } from './bundle/schema.ts';
import { enlargeBilinear } from './bilinear.ts';
import { lockLowFrequencies, matchCoarseDetail, matchDetail, smoothChroma } from './detail-match.ts';
import { cutWindow, holeSquare, writeWindow } from './pass-window.ts';

/**
 * Known pixels around the hole's box that the finishing reads: matchCoarseDetail's band reaches 58 px
 * (its widest blur's reach plus the band), matchDetail's 24 px band is inside it.
 */
export const FINISH_MARGIN = 64;

/**
 * From this side up (a 12 MP photo's hole at 1024 px), the colour lock and the coarse matching run on a
 * half-size copy of the square and their change is enlarged back: both change only what blurs of 4 px and
 * more keep, and at full size they were about 0.6 s of a 12 MP edit.
 */
const HALF_SIZE_FROM = 640;

/**
 * Finishes the hole of `image` ([1, 3, size, size], the last pass's output; `keep` its mask) in place.
 * `baseImage`: the base stage's output, [1, 3, baseSize, baseSize], as the upsampler saw it.
 */
export function finishHole(image: Float32Array, keep: Float32Array, size: number, baseImage: Float32Array, baseSize: number, defaults: Bundle['defaults']): void {
  if (!defaults.lockBaseColours && !defaults.matchDetail && !defaults.chromaRadius) return;
  // On even pixels, so a half-size copy of the square is a square of the half-size output.
  const square = holeSquare(keep, size, FINISH_MARGIN, 2, 2) ?? { x: 0, y: 0, side: size };
  const side = square.side;
  const x = cutWindow(image, 3, size, square);
  const mask = cutWindow(keep, 1, size, square);
  const coarse = defaults.matchDetail && defaults.matchCoarseDetail;
  // Radius: half the base's pixel at this size (4 px for 64 -> 512).
  const lockRadius = (at: number) => Math.max(1, Math.round(at / baseSize / 2));
  if (side >= HALF_SIZE_FROM && (defaults.lockBaseColours || coarse)) {
    const half = side / 2;
    const small = halve(x, 3, side), smallMask = halve(mask, 1, side);
    const before = small.slice();
    const halfSquare = { x: square.x / 2, y: square.y / 2, side: half };
    if (defaults.lockBaseColours) lockLowFrequencies(small, enlargeBilinear(baseImage, baseSize, size / 2, halfSquare), smallMask, half, lockRadius(size / 2));
    if (coarse) matchCoarseDetail(small, smallMask, half, 2);
    // The change is smooth (blurs of 4 px and more at full size): enlarged and added to the hole.
    for (let i = 0; i < small.length; i++) small[i] -= before[i];
    const change = enlargeBilinear(small, half, side);
    const plane = side * side;
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < plane; p++) if (mask[p] < 0.5) x[c * plane + p] = Math.min(1, Math.max(-1, x[c * plane + p] + change[c * plane + p]));
    }
  } else {
    if (defaults.lockBaseColours) lockLowFrequencies(x, enlargeBilinear(baseImage, baseSize, size, square), mask, side, lockRadius(size));
    if (coarse) matchCoarseDetail(x, mask, side);
  }
  if (defaults.matchDetail) matchDetail(x, mask, side, defaults.detailGainMax, defaults.detailWindow);
  if (defaults.chromaRadius) smoothChroma(x, mask, side, defaults.chromaRadius);
  writeWindow(image, x, 3, size, square);
}

/** `channels` planes of side x side, averaged over 2 x 2 pixels. */
function halve(x: Float32Array, channels: number, side: number): Float32Array {
  const half = side / 2;
  const out = new Float32Array(channels * half * half);
  for (let c = 0; c < channels; c++) {
    const from = c * side * side, to = c * half * half;
    for (let y = 0; y < half; y++) {
      for (let xx = 0; xx < half; xx++) {
        const p = from + 2 * y * side + 2 * xx;
        out[to + y * half + xx] = (x[p] + x[p + 1] + x[p + side] + x[p + side + 1]) / 4;
      }
    }
  }
  return out;
}
