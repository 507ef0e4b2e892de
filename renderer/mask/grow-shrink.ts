/**
 * Grow or shrink a mask by a distance: grow covers every pixel whose centre lies within `radius` of
 * a covered pixel's centre; shrink keeps only covered pixels farther than `radius` from every
 * uncovered one. "Covered" is at least half coverage (the engine's threshold); the result is hard
 * (feather afterwards for a soft edge). Outside the raster counts as covered when shrinking, so a
 * mask that reaches the photo's edge does not pull away from it.
 */
import { squaredDistanceTo } from './distance-transform.ts';

/** Returns a new mask; radius in raster pixels (> 0 grows, < 0 shrinks, 0 thresholds). */
export function growShrink(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  if (radius >= 0) {
    const limit = radius * radius;
    const d2 = squaredDistanceTo((i) => mask[i] >= 128, width, height);
    for (let i = 0; i < out.length; i++) out[i] = d2[i] <= limit ? 255 : 0;
  } else {
    const limit = radius * radius;
    const d2 = squaredDistanceTo((i) => mask[i] < 128, width, height);
    for (let i = 0; i < out.length; i++) out[i] = d2[i] > limit ? 255 : 0;
  }
  return out;
}
