/**
 * Feather a mask by a width: coverage follows a smooth ramp across the mask's edge, `width` pixels
 * wide and centred on it (half inside, half outside). Pixels farther than width / 2 outside stay at
 * exactly 0, so the engine leaves them bit-identical; those farther than width / 2 inside stay 255.
 * The ramp is a function of the signed distance to the edge (exact, from the distance transform),
 * so it is the same width everywhere, corners included.
 */
import { squaredDistanceTo } from './distance-transform.ts';

/**
 * Coverage (0..1) at a signed distance from the edge (negative inside, positive outside) for a
 * feather `width` pixels wide: 1/2 on the edge, 0 from width/2 outside, 1 from width/2 inside; smoothstep between.
 */
export function featherProfile(signedDistance: number, width: number): number {
  if (width <= 0) return signedDistance <= 0 ? 1 : 0;
  const t = Math.min(1, Math.max(0, 0.5 - signedDistance / width));
  return t * t * (3 - 2 * t);
}

/** Returns a new mask; `width` in raster pixels. The edge is that of the thresholded mask (>= 128). */
export function featherMask(mask: Uint8Array, width: number, height: number, featherWidth: number): Uint8Array {
  const inside = (i: number) => mask[i] >= 128;
  const toInside = squaredDistanceTo(inside, width, height);
  const toOutside = squaredDistanceTo((i) => !inside(i), width, height);
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < out.length; i++) {
    // The edge lies half a pixel from the centres on either side of it.
    const sd = inside(i) ? 0.5 - Math.sqrt(toOutside[i]) : Math.sqrt(toInside[i]) - 0.5;
    out[i] = Math.round(255 * featherProfile(sd, featherWidth));
  }
  return out;
}
