/**
 * Bilinear enlargement of a planar RGB image, [1, 3, from, from] -> [1, 3, to, to], sampled as torch's
 * F.interpolate(mode="bilinear", align_corners=False) does: the upsampler graph enlarges its low-res
 * input this way, and an upsampler that starts from that image (upsamplerStart) starts from the same one.
 */
export function enlargeBilinear(x: Float32Array, from: number, to: number): Float32Array {
  const out = new Float32Array(3 * to * to);
  const scale = from / to;
  const axis = new Int32Array(2 * to);
  const weight = new Float32Array(to);
  for (let i = 0; i < to; i++) {
    const src = Math.max(0, (i + 0.5) * scale - 0.5);
    const i0 = Math.min(from - 1, Math.floor(src));
    axis[2 * i] = i0;
    axis[2 * i + 1] = Math.min(from - 1, i0 + 1);
    weight[i] = src - i0;
  }
  for (let c = 0; c < 3; c++) {
    const plane = c * from * from, outPlane = c * to * to;
    for (let y = 0; y < to; y++) {
      const r0 = plane + axis[2 * y] * from, r1 = plane + axis[2 * y + 1] * from, wy = weight[y];
      for (let xx = 0; xx < to; xx++) {
        const c0 = axis[2 * xx], c1 = axis[2 * xx + 1], wx = weight[xx];
        const top = x[r0 + c0] + (x[r0 + c1] - x[r0 + c0]) * wx;
        const bottom = x[r1 + c0] + (x[r1 + c1] - x[r1 + c0]) * wx;
        out[outPlane + y * to + xx] = top + (bottom - top) * wy;
      }
    }
  }
  return out;
}
