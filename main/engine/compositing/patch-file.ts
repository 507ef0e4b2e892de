/**
 * Writing a candidate patch: an 8-bit RGB PNG of the changed part of the crop box, named uniquely in the output folder.
 * A photo with its own RGB profile gets that profile in the patch too (the pixels are in its numbers),
 * so anything showing the patch alone shows the right colours.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { Patch } from '../protocol.ts';
import { writeFileAtomically } from './atomic-write.ts';
import type { Box } from './box.ts';
import { iccProfileChunk, insertPngChunks } from './png-chunks.ts';

export async function writePatch(rgb: Uint8Array, box: Box, outDir: string, iccProfile?: Buffer): Promise<Patch> {
  // Level 1: half of level 6's time (0.37 s against 0.71 s CPU for a 9.6 MP patch) for files 10-20% larger.
  let png: Buffer = await sharp(rgb, { raw: { width: box.width, height: box.height, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
  if (iccProfile) png = insertPngChunks(png, [iccProfileChunk(iccProfile)]);
  await fs.mkdir(outDir, { recursive: true });
  const file = path.join(outDir, `patch-${randomUUID()}.png`);
  await writeFileAtomically(file, png);
  return { path: file, x: box.x, y: box.y, width: box.width, height: box.height };
}
