/**
 * The smallest box holding every non-zero byte of a raster: one definition for the renderer's mask
 * (its extent and redraws) and the engine's blend (the part of the photo an edit may change).
 */
export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The box of the bytes above 0 in a width x height raster, or null when there is none. */
export function coveredBox(data: Uint8Array, width: number, height: number): PixelBox | null {
  let x0 = width, y0 = -1, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = data.subarray(y * width, (y + 1) * width);
    let first = -1;
    for (let x = 0; x < width; x++) if (row[x]) { first = x; break; }
    if (first < 0) continue;
    let last = first;
    for (let x = width - 1; x > first; x--) if (row[x]) { last = x; break; }
    if (y0 < 0) y0 = y;
    y1 = y;
    if (first < x0) x0 = first;
    if (last > x1) x1 = last;
  }
  return y0 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}
