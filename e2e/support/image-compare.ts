/** Pixel checks on exported files: read both images as raw RGB and compare regions. */
import sharp from 'sharp';

export interface Rgb {
  width: number;
  height: number;
  data: Buffer;
}

export async function readRgb(file: string | Buffer): Promise<Rgb> {
  const { data, info } = await sharp(file).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Counts differing pixels outside the box, and the mean absolute difference inside inner. */
export function compareRegions(a: Rgb, b: Rgb, keepOutside: Box, inner: Box): { changedOutside: number; meanDiffInside: number } {
  let changedOutside = 0;
  let sum = 0;
  let n = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const i = (y * a.width + x) * 3;
      const d = Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1]) + Math.abs(a.data[i + 2] - b.data[i + 2]);
      const outside = x < keepOutside.x0 || x > keepOutside.x1 || y < keepOutside.y0 || y > keepOutside.y1;
      if (outside && d !== 0) changedOutside++;
      if (x >= inner.x0 && x <= inner.x1 && y >= inner.y0 && y <= inner.y1) {
        sum += d / 3;
        n++;
      }
    }
  }
  return { changedOutside, meanDiffInside: n ? sum / n : 0 };
}
