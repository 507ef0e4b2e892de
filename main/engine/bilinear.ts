/**
 * Bilinear enlargement of a planar RGB image, [1, 3, from, from] -> [1, 3, to, to], sampled as torch's
 * F.interpolate(mode="bilinear", align_corners=False) does: the upsampler graph enlarges its low-res
 * input this way, and an upsampler that starts from that image (upsamplerStart) starts from the same one.
 */
export function enlargeBilinear(x: Float32Array, from: number, to: number, square?: { x: number; y: number; side: number }): Float32Array {
  // Only `square` of the enlargement, where given ([1, 3, side, side]): the same values, cut.
  const side = square?.side ?? to, left = square?.x ?? 0, top = square?.y ?? 0;
  const out = new Float32Array(3 * side * side);
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
    const plane = c * from * from, outPlane = c * side * side;
    for (let y = 0; y < side; y++) {
      const sy = top + y;
      const r0 = plane + axis[2 * sy] * from, r1 = plane + axis[2 * sy + 1] * from, wy = weight[sy];
      for (let xx = 0; xx < side; xx++) {
        const sx = left + xx;
        const c0 = axis[2 * sx], c1 = axis[2 * sx + 1], wx = weight[sx];
        const upper = x[r0 + c0] + (x[r0 + c1] - x[r0 + c0]) * wx;
        const lower = x[r1 + c0] + (x[r1 + c1] - x[r1 + c0]) * wx;
        out[outPlane + y * side + xx] = upper + (lower - upper) * wy;
      }
    }
  }
  return out;
}
