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
 * Finishes the hole of `image` ([1, 3, size, size], the last pass's output; `keep` its mask) in place.
 * `baseImage`: the base stage's output, [1, 3, baseSize, baseSize], as the upsampler saw it.
 */
export function finishHole(image: Float32Array, keep: Float32Array, size: number, baseImage: Float32Array, baseSize: number, defaults: Bundle['defaults']): void {
  if (!defaults.lockBaseColours && !defaults.matchDetail && !defaults.chromaRadius) return;
  const square = holeSquare(keep, size, FINISH_MARGIN) ?? { x: 0, y: 0, side: size };
  const side = square.side;
  const cut = (x: Float32Array, channels: number) => cutWindow(x, channels, size, square);
  const x = cut(image, 3);
  const mask = cut(keep, 1);
  if (defaults.lockBaseColours) {
    // Radius: half the base's pixel at this size (4 px for 64 -> 512).
    const radius = Math.max(1, Math.round(size / baseSize / 2));
    lockLowFrequencies(x, enlargeBilinear(baseImage, baseSize, size, square), mask, side, radius);
  }
  if (defaults.matchDetail) {
    if (defaults.matchCoarseDetail) matchCoarseDetail(x, mask, side);
    matchDetail(x, mask, side, defaults.detailGainMax, defaults.detailWindow);
  }
  if (defaults.chromaRadius) smoothChroma(x, mask, side, defaults.chromaRadius);
  writeWindow(image, x, 3, size, square);
}
