/**
 * Fill (an empty prompt): remove what is masked and continue the photo, drawing nothing new.
 *
 * Why: the default model learnt the empty caption from scenes whose caption was dropped with their
 * object still there (classifier-free guidance), so "" also means "some object": given it, the base drew
 * a coloured shape in about one photo of four. What decides that is the first steps' x0, where the hole's
 * layout and colours are chosen. So on the base stage the hole's x0 is pulled toward the membrane of the
 * surroundings (the harmonic interpolation of the known pixels around the hole: only their colours,
 * spread smoothly) and let go over the sampling: x0 = M + g(k) (x0 - M), g rising from PULL_START to 1
 * between RELEASE_FROM and RELEASE_TO of the steps. The late steps add the texture the model continues
 * from the context, and the upsampler its detail, on a layout with no object in it.
 */
import { completeFromSurroundings } from './fill-completion.ts';
import { SeamToneMatcher } from './seam-tone.ts';
import type { Dims4 } from './sampler.ts';

/** The share of the model's own deviation from the membrane kept during the first steps. */
export const PULL_START = 0.15;
/** Over these fractions of the steps the share rises linearly to 1. */
export const RELEASE_FROM = 0.6;
export const RELEASE_TO = 1.0;

export class FillGuide {
  private readonly membrane: Float64Array;
  private readonly hole: Int32Array;
  private readonly plane: number;
  /** False where the hole has no known pixel beside it (nothing to continue): apply does nothing. */
  readonly active: boolean;

  /**
   * @param known [1, 3, H, W] the crop (only pixels outside the hole are read)
   * @param mask [H, W] keep-mask (1 keep, 0 generate)
   * @param steps the number of sampling steps
   * @param patches complete the hole from patches of the surroundings over the membrane (fill-completion.ts)
   */
  constructor(known: Float32Array, mask: Float32Array, shape: Dims4, private readonly steps: number, patches = false) {
    const [, , h, w] = shape;
    this.plane = h * w;
    const holes: number[] = [];
    for (let p = 0; p < this.plane; p++) if (mask[p] < 0.5) holes.push(p);
    this.hole = Int32Array.from(holes);
    // The membrane: the hole zeroed, then the field that makes its border continue the known pixels,
    // every border edge its own boundary value (no smoothing along the border, no content left out).
    const image = Float64Array.from(known);
    for (let c = 0; c < 3; c++) for (const p of this.hole) image[c * this.plane + p] = 0;
    const solver = new SeamToneMatcher(mask, shape, { maxStep: Number.POSITIVE_INFINITY, borderSigma: 0, extrapolate: false, iterations: 4 * Math.max(h, w) });
    this.active = solver.active;
    solver.apply(image);
    if (patches && this.active) {
      const hole = new Uint8Array(this.plane);
      for (const p of this.hole) hole[p] = 1;
      completeFromSurroundings(image, hole, w, h);
    }
    this.membrane = new Float64Array(3 * this.hole.length);
    for (let c = 0; c < 3; c++) this.hole.forEach((p, k) => { this.membrane[c * this.hole.length + k] = image[c * this.plane + p]; });
  }

  /** g(k): how much of the model's own x0 is kept at step k (0-based). */
  keep(k: number): number {
    const frac = this.steps > 1 ? k / (this.steps - 1) : 1;
    const t = Math.min(1, Math.max(0, (frac - RELEASE_FROM) / (RELEASE_TO - RELEASE_FROM)));
    return PULL_START + (1 - PULL_START) * t;
  }

  /** Pulls the hole of x0 ([3, H, W]) toward the membrane for step k, in place. */
  apply(x0: Float32Array | Float64Array, k: number): void {
    const g = this.keep(k);
    if (g >= 1 || !this.active) return;
    const m = this.hole.length;
    for (let c = 0; c < 3; c++) {
      const off = c * this.plane;
      for (let i = 0; i < m; i++) {
        const p = off + this.hole[i];
        const base = this.membrane[c * m + i];
        x0[p] = base + g * (x0[p] - base);
      }
    }
  }
}
