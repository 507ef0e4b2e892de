/**
 * At what sizes the upsampler runs for one edit. A fixed-size upsampler (OpenAI's, 256 px) runs once at
 * its size. A resizable one (the default model's: fully convolutional) generates at the crop's own
 * resolution, so a hole is as sharp as the photo around it: the output side is the crop's side rounded up
 * to what the graph takes, capped by the Detail setting; where one pass would enlarge by more than
 * PASS_FACTOR it runs again on its own output (64 -> 256 -> 1024), as GLIDE's cascade does between stages.
 */
import type { Stage } from './bundle/schema.ts';
import type { Detail } from './protocol.ts';

/** The largest output side per Detail setting (the default chosen by time: bench:engine). */
export const DETAIL_MAX_SIZE: Record<Detail, number> = { standard: 1024, high: 1536 };

/**
 * The largest output side at which a prompted edit's background is re-drawn from the photo's patches
 * (drawn-object.ts, fill-texture.ts) per Detail setting: at 1024 px (a 12 MP hole) it added 1.2-1.6 s to a
 * 4.6-5.9 s edit (bench:engine, the same hour), past Standard's 5 s.
 */
export const BACKGROUND_TEXTURE_MAX_SIZE: Record<Detail, number> = { standard: 768, high: 1536 };

/** The most one pass enlarges: the factors the default upsampler trained on go to 8, its best detail is at 2-4. */
export const PASS_FACTOR = 4;

/** How much larger than the crop's own side an output may be made for a whole-factor last pass. */
const BUMP = 1 / 16;

const roundUp = (v: number, multiple: number) => Math.ceil(v / multiple) * multiple;

/**
 * The input side of a pass that outputs `size`: the smallest multiple of the graph's that enlarges by at
 * most `factor`, or, up to half as large again, one that divides `size`, so the pass may run on the hole's
 * square alone (pass-window.ts: whole low-res pixels); never one that would need a pass more below it.
 */
function passBelow(size: number, factor: number, multiple: number, reach: number): number {
  const least = roundUp(Math.ceil(size / factor), multiple);
  const most = Math.min(1.5 * least, size / 2, least <= reach ? reach : Infinity);
  for (let below = least; below <= most; below += multiple) if (size % below === 0) return below;
  return least;
}

/**
 * The output side of each upsampler pass, in order, for a crop whose square is `cropSide` photo pixels.
 * `baseSize` is the base stage's output side.
 */
export function upsamplerSizes(stage: Pick<Stage, 'imageSize' | 'resizable'>, baseSize: number, cropSide: number, detail: Detail): number[] {
  const r = stage.resizable;
  if (!r) return [stage.imageSize];
  const factor = Math.min(PASS_FACTOR, r.maxFactor);
  const cap = Math.min(DETAIL_MAX_SIZE[detail], r.maxSize - (r.maxSize % r.multiple));
  const smallest = roundUp(Math.min(2 * baseSize, cap), r.multiple);
  const own = Math.max(smallest, Math.min(roundUp(cropSide, r.multiple), cap));
  // A last pass that enlarges by a whole factor runs on the hole's square alone (pass-window.ts): where this
  // size has no such pass below it (992 = 31 x 32), the next size up that has one (1024, from 256), if that is
  // at most BUMP larger. (picos at 1 MP, 416 -> 480 from 160: sharpness 0.70 -> 0.52.)
  const whole = (s: number) => s <= baseSize * factor || s % passBelow(s, factor, r.multiple, baseSize * factor) === 0;
  let top = own;
  while (!whole(top) && top + r.multiple <= Math.min(cap, own * (1 + BUMP))) top += r.multiple;
  const sizes = [whole(top) ? top : own];
  while (sizes[0] > baseSize * factor) {
    const below = passBelow(sizes[0], factor, r.multiple, baseSize * factor);
    if (below >= sizes[0]) break;
    sizes.unshift(below);
  }
  return sizes;
}
