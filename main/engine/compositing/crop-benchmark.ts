/**
 * Measures the photo-scale steps on one photo in a fresh process (so peak RSS is this work's alone):
 *   npx tsx main/engine/compositing/crop-benchmark.ts <photo> <mask.png>
 * Prints one JSON line: milliseconds per step, the crop box, and peak RSS in MB.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planCrop } from './crop-plan.ts';
import { readCurrentPixels } from './current-pixels.ts';
import { pasteBack, type EditCrop } from './edit-crop.ts';
import { keepMaskForModel } from './keep-mask.ts';
import { cropMask, decodeMask } from './mask.ts';
import { probeImage } from './open-image.ts';
import { cropToModelImage } from './to-model.ts';

const peakRssMB = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function main(photo: string, maskFile: string) {
  const maskPng = fs.readFileSync(maskFile);
  const t0 = performance.now();
  const image = await probeImage(photo);
  const fullMask = await decodeMask(maskPng, image, image.maxPixels);
  const plan = planCrop(fullMask.bbox, image);
  const mask = cropMask(fullMask, plan.box);
  const t1 = performance.now();
  const original = await readCurrentPixels({ imagePath: photo, patches: [] }, image, plan.box);
  const inputs = [];
  for (const size of [64, 256]) {
    inputs.push({ size, image: await cropToModelImage(original, plan, size), keep: keepMaskForModel(mask, plan, size) });
  }
  const t2 = performance.now();
  const rssAfterCrop = peakRssMB();
  const maskBox = { ...fullMask.bbox, x: fullMask.bbox.x - plan.box.x, y: fullMask.bbox.y - plan.box.y };
  const crop: EditCrop = { image, plan, original, mask, maskBox, coverage: null, inputs };
  const output = new Float32Array(3 * 256 * 256).fill(-1).fill(1, 0, 256 * 256);
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crop-benchmark-'));
  const t3 = performance.now();
  await pasteBack(crop, output, 256, outDir);
  const t4 = performance.now();
  fs.rmSync(outDir, { recursive: true, force: true });
  const round = (ms: number) => Math.round(ms);
  console.log(
    JSON.stringify({
      photo: `${image.width}×${image.height}`,
      box: plan.box,
      maskMs: round(t1 - t0),
      cropResizeMs: round(t2 - t1),
      pasteBackMs: round(t4 - t3),
      peakRssAfterCropMB: rssAfterCrop,
      peakRssMB: peakRssMB(),
    }),
  );
}

const [photo, maskFile] = process.argv.slice(2);
if (!photo || !maskFile) {
  console.error('usage: crop-benchmark.ts <photo> <mask.png>');
  process.exit(2);
}
await main(photo, maskFile);
