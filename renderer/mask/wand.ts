/**
 * The magic wand: the pixels whose colour is within `tolerance` of the clicked pixel's on every
 * channel (0 only the same colour, 255 everything), either the connected region around the click
 * (4-neighbours) or every such pixel in the image.
 */

export interface WandOptions {
  tolerance: number;
  contiguous: boolean;
}

/**
 * @param rgba the image, 4 bytes per pixel (alpha ignored)
 * @returns 255 where selected, 0 elsewhere
 */
export function magicWand(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, x: number, y: number, o: WandOptions): Uint8Array {
  const out = new Uint8Array(width * height);
  const sx = Math.floor(x), sy = Math.floor(y);
  if (sx < 0 || sy < 0 || sx >= width || sy >= height) return out;
  const s = (sy * width + sx) * 4;
  const r = rgba[s], g = rgba[s + 1], b = rgba[s + 2];
  const t = Math.max(0, o.tolerance);
  const similar = (i: number) => {
    const p = i * 4;
    return Math.abs(rgba[p] - r) <= t && Math.abs(rgba[p + 1] - g) <= t && Math.abs(rgba[p + 2] - b) <= t;
  };
  if (!o.contiguous) {
    for (let i = 0; i < out.length; i++) if (similar(i)) out[i] = 255;
    return out;
  }
  // Scanline fill: each popped seed fills its whole run, then seeds the rows above and below.
  const stack = [sy * width + sx];
  while (stack.length) {
    const seed = stack.pop()!;
    if (out[seed]) continue;
    const row = Math.floor(seed / width);
    const rowStart = row * width;
    let left = seed, right = seed;
    while (left > rowStart && !out[left - 1] && similar(left - 1)) left--;
    while (right < rowStart + width - 1 && !out[right + 1] && similar(right + 1)) right++;
    out.fill(255, left, right + 1);
    for (const next of [row - 1, row + 1]) {
      if (next < 0 || next >= height) continue;
      let inRun = false;
      for (let i = left - rowStart + next * width, end = right - rowStart + next * width; i <= end; i++) {
        const open = !out[i] && similar(i);
        if (open && !inRun) stack.push(i);
        inRun = open;
      }
    }
  }
  return out;
}
