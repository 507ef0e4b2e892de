/**
 * Photo + generated pixels through the feather weights. Where the weight is 0 the photo's bytes are
 * copied unchanged (not recomputed), which is what keeps everything outside the feather bit-identical.
 */
import type { RawImage } from './raw-image.ts';

/** @returns RGB bytes of the box (alpha, if the photo has it, is never edited) */
export function blendThroughFeather(original: RawImage, generated: RawImage, alpha: Uint8Array): Uint8Array {
  const n = original.width * original.height;
  const oc = original.channels;
  const od = original.data, gd = generated.data;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; ) {
    const a = alpha[i];
    if (a === 255 || (a === 0 && oc === 3)) {
      // A run of one weight, copied from the model (255) or the photo (0) in one native copy.
      let end = i + 1;
      while (end < n && alpha[end] === a) end++;
      out.set((a === 255 ? gd : od).subarray(i * 3, end * 3), i * 3);
      i = end;
      continue;
    }
    const o = i * oc, p = i * 3;
    if (a === 0) {
      out[p] = od[o];
      out[p + 1] = od[o + 1];
      out[p + 2] = od[o + 2];
    } else {
      // round(o + (g - o) a / 255) in integers: the numerator o·255 + (g - o)·a is never negative.
      for (let c = 0; c < 3; c++) {
        const v = od[o + c];
        out[p + c] = ((2 * (v * 255 + (gd[p + c] - v) * a) + 255) / 510) | 0;
      }
    }
    i++;
  }
  return out;
}
