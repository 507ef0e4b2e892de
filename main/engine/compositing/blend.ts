/**
 * Photo + generated pixels through the feather weights. Where the weight is 0 the photo's bytes are
 * copied unchanged (not recomputed), which is what keeps everything outside the feather bit-identical.
 */
import type { RawImage } from './raw-image.ts';
import { fieldColumns, fieldRow, type SeamField } from './seam-correction.ts';

/**
 * @param shift the seam's tone shift (measureSeamTone), applied to the generated pixels as they are
 *   blended: the same bytes as applySeamField then this blend, in one pass over the region instead of two
 *   (`generated` is left as it is)
 * @returns RGB bytes of the box (alpha, if the photo has it, is never edited)
 */
export function blendThroughFeather(original: RawImage, generated: RawImage, alpha: Uint8Array, shift?: SeamField): Uint8Array {
  if (shift) return blendShifted(original, generated, alpha, shift);
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

/** The blend with the seam's shift applied to each generated pixel on the way (see applySeamField: the same arithmetic). */
function blendShifted(original: RawImage, generated: RawImage, alpha: Uint8Array, shift: SeamField): Uint8Array {
  const { width, height } = original;
  const oc = original.channels;
  const od = original.data, gd = generated.data;
  const out = new Uint8Array(width * height * 3);
  const { fx0, fx1, ftx } = fieldColumns(width, shift);
  const rowField = new Float32Array(shift.gw * 3);
  for (let y = 0; y < height; y++) {
    const rowStart = y * width, rowEnd = rowStart + width;
    let fieldReady = false;
    for (let i = rowStart; i < rowEnd; ) {
      const a = alpha[i];
      if (a === 0) {
        // A run of the photo's pixels: one native copy for RGB.
        let end = i + 1;
        while (end < rowEnd && alpha[end] === 0) end++;
        if (oc === 3) out.set(od.subarray(i * 3, end * 3), i * 3);
        else for (let k = i; k < end; k++) for (let c = 0; c < 3; c++) out[k * 3 + c] = od[k * oc + c];
        i = end;
        continue;
      }
      if (!fieldReady) {
        fieldRow(shift, y, rowField);
        fieldReady = true;
      }
      const x = i - rowStart;
      const fa = fx0[x], fb = fx1[x], tx = ftx[x], sx = 1 - tx;
      const p = i * 3;
      const r = gd[p] + rowField[fa] * sx + rowField[fb] * tx;
      const g = gd[p + 1] + rowField[fa + 1] * sx + rowField[fb + 1] * tx;
      const bl = gd[p + 2] + rowField[fa + 2] * sx + rowField[fb + 2] * tx;
      const R = r <= 0 ? 0 : r >= 255 ? 255 : (r + 0.5) | 0;
      const G = g <= 0 ? 0 : g >= 255 ? 255 : (g + 0.5) | 0;
      const B = bl <= 0 ? 0 : bl >= 255 ? 255 : (bl + 0.5) | 0;
      if (a === 255) {
        out[p] = R;
        out[p + 1] = G;
        out[p + 2] = B;
      } else {
        const o = i * oc;
        const v0 = od[o], v1 = od[o + 1], v2 = od[o + 2];
        out[p] = ((2 * (v0 * 255 + (R - v0) * a) + 255) / 510) | 0;
        out[p + 1] = ((2 * (v1 * 255 + (G - v1) * a) + 255) / 510) | 0;
        out[p + 2] = ((2 * (v2 * 255 + (B - v2) * a) + 255) / 510) | 0;
      }
      i++;
    }
  }
  return out;
}
