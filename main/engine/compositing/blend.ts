/**
 * Photo + generated pixels through the feather weights. Where the weight is 0 the photo's bytes are
 * copied unchanged (not recomputed), which is what keeps everything outside the feather bit-identical.
 */
import type { RawImage } from './raw-image.ts';

/** @returns RGB bytes of the box (alpha, if the photo has it, is never edited) */
export function blendThroughFeather(original: RawImage, generated: RawImage, alpha: Uint8Array): Uint8Array {
  const n = original.width * original.height;
  const oc = original.channels;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const a = alpha[i];
    for (let c = 0; c < 3; c++) {
      const o = original.data[i * oc + c];
      out[i * 3 + c] = a === 0 ? o : a === 255 ? generated.data[i * 3 + c] : Math.round(o + ((generated.data[i * 3 + c] - o) * a) / 255);
    }
  }
  return out;
}
