/**
 * Test support for the compositing tests: the real photo fixture, synthetic photos with known
 * orientation/profile/metadata, and masks. Not used by the engine itself.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Box } from './box.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** 451×300 RGB photo (scikit-image's "chelsea", CC0; see test-support/fixtures/README.md). */
export const CHELSEA = path.join(repoRoot, 'test-support/fixtures/chelsea.png');

export function temporaryDirectory(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compositing-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A PNG mask of the given size: white inside the ellipse inscribed in `box`, black elsewhere. */
export async function ellipseMask(width: number, height: number, box: Box): Promise<Buffer> {
  const data = Buffer.alloc(width * height);
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) {
      const dx = (x + 0.5 - cx) / (box.width / 2), dy = (y + 0.5 - cy) / (box.height / 2);
      if (dx * dx + dy * dy <= 1) data[y * width + x] = 255;
    }
  }
  return sharp(data, { raw: { width, height, channels: 1 } }).png().toBuffer();
}

/** A PNG mask that is white exactly inside `box` (or everywhere when box is omitted). */
export async function boxMask(width: number, height: number, box?: Box): Promise<Buffer> {
  const data = Buffer.alloc(width * height);
  const b = box ?? { x: 0, y: 0, width, height };
  for (let y = b.y; y < b.y + b.height; y++) data.fill(255, y * width + b.x, y * width + b.x + b.width);
  return sharp(data, { raw: { width, height, channels: 1 } }).png().toBuffer();
}

/** Raw pixels as decoded by sharp without colour management (the numbers in the file). */
export async function fileNumbers(file: string | Buffer): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(file, { ignoreIcc: true }).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/**
 * A 900×600 (stored) JPEG with EXIF orientation 6 (shown 600×900), a Display P3 profile and an EXIF
 * camera make: a red block at the stored top-left, which orientation 6 puts at the shown top-right.
 */
export async function orientedP3Jpeg(dir: string): Promise<string> {
  const width = 900, height = 600;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const red = x < 100 && y < 100;
      data[i] = red ? 230 : (x * 255) / width;
      data[i + 1] = red ? 20 : (y * 255) / height;
      data[i + 2] = red ? 20 : 128;
    }
  }
  const file = path.join(dir, 'oriented-p3.jpg');
  await sharp(data, { raw: { width, height, channels: 3 } })
    .withIccProfile('p3')
    .withMetadata({ orientation: 6 })
    .withExifMerge({ IFD0: { Make: 'TestCamera', Model: 'Orientation6' } })
    .jpeg({ quality: 92 })
    .toFile(file);
  return file;
}
