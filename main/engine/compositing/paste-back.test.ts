import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import sharp from 'sharp';
import type { Box } from './box.ts';
import { readCurrentPixels } from './current-pixels.ts';
import { type BlendPlans, planBlend } from './blend-region.ts';
import { blendThroughFeather } from './blend.ts';
import { applySeamField, measureSeamTone } from './seam-correction.ts';
import { blendModelOutput, pasteBack, prepareEditCrop, type EditCrop } from './edit-crop.ts';
import { featherSigma } from './feather.ts';
import { probeImage } from './open-image.ts';
import { compactPatch } from './patch-file.ts';
import type { RawImage } from './raw-image.ts';
import { CHELSEA, boxMask, ellipseMask, fileNumbers, orientedP3Jpeg, temporaryDirectory } from './test-images.ts';

function solidOutput(size: number, rgb: [number, number, number]): Float32Array {
  const out = new Float32Array(3 * size * size);
  for (let c = 0; c < 3; c++) out.fill(rgb[c] / 127.5 - 1, c * size * size, (c + 1) * size * size);
  return out;
}

/** Chebyshev distance from each box pixel to the nearest mask pixel (brute force over the mask's pixels is too slow; two-pass). */
function distanceToMask(mask: Uint8Array, width: number, height: number): Float64Array {
  const inf = 1e9;
  const d = new Float64Array(width * height).map((_, i) => (mask[i] ? 0 : inf));
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const i = y * width + x;
    if (x > 0) d[i] = Math.min(d[i], d[i - 1] + 1);
    if (y > 0) d[i] = Math.min(d[i], d[i - width] + 1, x > 0 ? d[i - width - 1] + 1 : inf, x < width - 1 ? d[i - width + 1] + 1 : inf);
  }
  for (let y = height - 1; y >= 0; y--) for (let x = width - 1; x >= 0; x--) {
    const i = y * width + x;
    if (x < width - 1) d[i] = Math.min(d[i], d[i + 1] + 1);
    if (y < height - 1) d[i] = Math.min(d[i], d[i + width] + 1, x < width - 1 ? d[i + width + 1] + 1 : inf, x > 0 ? d[i + width - 1] + 1 : inf);
  }
  return d;
}

/** Mean signed difference blended - photo over the masked pixels, in 8-bit levels. */
function meanMaskedError(crop: EditCrop, rgb: Uint8Array): number {
  let sum = 0, n = 0;
  for (let i = 0; i < crop.mask.length; i++) {
    if (!crop.mask[i]) continue;
    for (let c = 0; c < 3; c++) sum += rgb[i * 3 + c] - crop.original.data[i * 3 + c];
    n += 3;
  }
  return sum / n;
}

async function checkRoundTrip(crop: EditCrop, placed: Box & { path: string }, imagePath: string) {
  const { box } = crop.plan;
  const patchPath = placed.path;
  const file = await fileNumbers(patchPath);
  assert.deepEqual([file.width, file.height, file.channels], [placed.width, placed.height, 3], 'RGB patch of its box');
  assert.ok(placed.x >= box.x && placed.y >= box.y && placed.x + placed.width <= box.x + box.width && placed.y + placed.height <= box.y + box.height, 'inside the crop box');
  // The patch as the whole crop box: the photo's pixels where the patch does not reach.
  const oc0 = crop.original.channels;
  const patch = { data: new Uint8Array(box.width * box.height * 3) };
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) {
      const i = y * box.width + x;
      const px = x + box.x - placed.x, py = y + box.y - placed.y;
      const inPatch = px >= 0 && py >= 0 && px < placed.width && py < placed.height;
      for (let c = 0; c < 3; c++) patch.data[i * 3 + c] = inPatch ? file.data[(py * placed.width + px) * 3 + c] : crop.original.data[i * oc0 + c];
    }
  }
  const meta = await sharp(patchPath).metadata();
  assert.equal(meta.depth, 'uchar');

  // Outside the feather: bit-identical. The feather reaches about 2 sigma past the mask (blur kernel cut at 0.2).
  const reach = Math.ceil(3 * featherSigma(crop.plan.square.width)) + 1;
  const dist = distanceToMask(crop.mask, box.width, box.height);
  let changedOutside = 0, changedNearMask = 0, insideTowardRed = 0, inside = 0;
  const oc = crop.original.channels;
  for (let i = 0; i < box.width * box.height; i++) {
    const o = [0, 1, 2].map((c) => crop.original.data[i * oc + c]);
    const p = [0, 1, 2].map((c) => patch.data[i * 3 + c]);
    const same = o.every((v, c) => v === p[c]);
    if (crop.mask[i]) {
      inside++;
      const before = Math.hypot(o[0] - 255, o[1], o[2]);
      const after = Math.hypot(p[0] - 255, p[1], p[2]);
      if (after < before - 1 || after < 60) insideTowardRed++;
    } else if (!same) {
      if (dist[i] > reach) changedOutside++;
      else changedNearMask++;
    }
  }
  assert.equal(changedOutside, 0, 'no pixel beyond the feather changed');
  assert.ok(changedNearMask > 0, 'the feather blends a band outside the mask');
  assert.equal(insideTowardRed, inside, 'every masked pixel moved toward red');

  // The patch laid over the photo (ImageSource) reproduces these pixels, and nothing else changed.
  const info = await probeImage(imagePath);
  const whole = { x: 0, y: 0, width: info.width, height: info.height };
  const before = await readCurrentPixels({ imagePath, patches: [] }, info, whole);
  const after = await readCurrentPixels({ imagePath, patches: [{ path: patchPath, x: placed.x, y: placed.y, width: placed.width, height: placed.height }] }, info, whole);
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const i = (y * info.width + x) * after.channels;
      const inBox = x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
      for (let c = 0; c < 3; c++) {
        const want = inBox ? patch.data[((y - box.y) * box.width + (x - box.x)) * 3 + c] : before.data[i + c];
        if (after.data[i + c] !== want) assert.fail(`pixel ${x},${y} channel ${c}: ${after.data[i + c]} != ${want}`);
      }
    }
  }
  return { changedNearMask, inside };
}

test('round trip on a real photo: red model output composited back (64 and 256 px stages)', async (t) => {
  const dir = temporaryDirectory(t);
  const maskBox: Box = { x: 180, y: 90, width: 120, height: 100 };
  const mask = await ellipseMask(451, 300, maskBox);
  const source = { imagePath: CHELSEA, patches: [] };
  const crop = await prepareEditCrop(source, mask, [64, 256]);
  assert.deepEqual(crop.inputs.map((i) => [i.size, i.image.length, i.keep.length]), [
    [64, 3 * 64 * 64, 64 * 64],
    [256, 3 * 256 * 256, 256 * 256],
  ]);
  for (const input of crop.inputs) {
    assert.ok(input.image.every((v) => v >= -1 && v <= 1));
    const generate = input.keep.filter((v) => v === 0).length;
    assert.ok(generate > 0 && generate < input.keep.length * 0.6, 'keep-mask marks the ellipse');
  }
  for (const size of [64, 256]) {
    const patch = await pasteBack(crop, solidOutput(size, [255, 0, 0]), size, dir);
    assert.ok(fs.existsSync(patch.path) && patch.path.startsWith(dir));
    const b = crop.plan.box;
    assert.ok(patch.width < b.width || patch.height < b.height, `the patch (${patch.width}×${patch.height}) covers only what changed, not the whole ${b.width}×${b.height} crop`);
    const stats = await checkRoundTrip(crop, patch, CHELSEA);
    t.diagnostic(`S=${size}: box ${JSON.stringify(crop.plan.box)}, ${stats.inside} masked px, ${stats.changedNearMask} feathered px outside the mask`);
  }
  const names = fs.readdirSync(dir);
  assert.equal(new Set(names).size, 2, 'unique patch names');
});

test('without seam correction the masked pixels are exactly the model output', async () => {
  const crop = await prepareEditCrop({ imagePath: CHELSEA, patches: [] }, await ellipseMask(451, 300, { x: 20, y: 20, width: 60, height: 60 }), [64]);
  const rgb = await blendModelOutput(crop, solidOutput(64, [255, 0, 0]), 64, { seamCorrection: false });
  for (let i = 0; i < crop.mask.length; i++) if (crop.mask[i]) assert.deepEqual([...rgb.subarray(i * 3, i * 3 + 3)], [255, 0, 0]);
});

test('seam correction removes a tone drift of the model', async () => {
  const crop = await prepareEditCrop({ imagePath: CHELSEA, patches: [] }, await ellipseMask(451, 300, { x: 200, y: 100, width: 90, height: 70 }), [64]);
  // A "model" that reproduces the photo but 30 levels too bright and a bit too blue.
  const drifted = crop.inputs[0].image.map((v, i) => Math.min(1, v + (i >= 2 * 64 * 64 ? 45 : 30) / 127.5));
  const raw = meanMaskedError(crop, await blendModelOutput(crop, drifted, 64, { seamCorrection: false }));
  const corrected = meanMaskedError(crop, await blendModelOutput(crop, drifted, 64));
  assert.ok(raw > 25, `drift visible without correction (${raw.toFixed(1)})`);
  assert.ok(Math.abs(corrected) < 4, `drift removed by the correction (${corrected.toFixed(1)})`);
});

test('seam correction measures the drift where the model generated, not the known pixels it gave back', async (t) => {
  // As the engine samples: the model's own pixels only in the (dilated) region its keep-mask marks
  // generate, 30 levels too bright; everywhere else it returns the known crop exactly. The feather
  // reaches several cells beyond that region, where the output is the photo's own pixels.
  const crop = await prepareEditCrop({ imagePath: CHELSEA, patches: [] }, await ellipseMask(451, 300, { x: 200, y: 100, width: 90, height: 70 }), [64]);
  const { image, keep } = crop.inputs[0];
  const drifted = image.map((v, i) => (keep[i % (64 * 64)] === 0 ? Math.min(1, v + 30 / 127.5) : v));
  const raw = meanMaskedError(crop, await blendModelOutput(crop, drifted, 64, { seamCorrection: false }));
  const corrected = meanMaskedError(crop, await blendModelOutput(crop, drifted, 64));
  assert.ok(raw > 25, `drift visible without correction (${raw.toFixed(1)})`);
  t.diagnostic(`mean drift in the mask: ${raw.toFixed(1)} levels without correction, ${corrected.toFixed(1)} with`);
  assert.ok(Math.abs(corrected) < 6, `drift removed by the correction (${raw.toFixed(1)} -> ${corrected.toFixed(1)})`);
});

test('near a corner, and a mask covering the whole photo (padded square)', async (t) => {
  const dir = temporaryDirectory(t);
  const corner = await prepareEditCrop({ imagePath: CHELSEA, patches: [] }, await ellipseMask(451, 300, { x: 400, y: 250, width: 51, height: 50 }), [64]);
  assert.equal(corner.plan.box.x + corner.plan.box.width, 451);
  assert.equal(corner.plan.box.y + corner.plan.box.height, 300);
  const p1 = await pasteBack(corner, solidOutput(64, [255, 0, 0]), 64, dir);
  await checkRoundTrip(corner, p1, CHELSEA);

  const all = await prepareEditCrop({ imagePath: CHELSEA, patches: [] }, await boxMask(451, 300), [64]);
  assert.deepEqual(all.plan.box, { x: 0, y: 0, width: 451, height: 300 });
  assert.equal(all.plan.square.width, 451);
  assert.ok(all.inputs[0].keep.slice(0, 64 * 8).every((v) => v === 1), 'padding rows keep (10.6 rows, less the dilation)');
  const p2 = await pasteBack(all, solidOutput(64, [255, 0, 0]), 64, dir);
  const pixels = await fileNumbers(p2.path);
  assert.ok(pixels.data.every((v, i) => v === (i % 3 === 0 ? 255 : 0)), 'whole photo regenerated (no band to correct against)');
});

test('an edit on top of an accepted patch starts from the patched pixels', async (t) => {
  const dir = temporaryDirectory(t);
  const first = await prepareEditCrop({ imagePath: CHELSEA, patches: [] }, await ellipseMask(451, 300, { x: 100, y: 100, width: 80, height: 80 }), [64]);
  const patch = await pasteBack(first, solidOutput(64, [0, 0, 255]), 64, dir, { seamCorrection: false });
  const second = await prepareEditCrop({ imagePath: CHELSEA, patches: [patch] }, await ellipseMask(451, 300, { x: 120, y: 120, width: 40, height: 40 }), [64]);
  const i = ((140 - second.plan.box.y) * second.plan.box.width + (140 - second.plan.box.x)) * 3;
  assert.deepEqual([...second.original.data.subarray(i, i + 3)], [0, 0, 255]);
});

test('a photo with EXIF orientation and a P3 profile: patch in its numbers, with its profile', async (t) => {
  const dir = temporaryDirectory(t);
  const file = await orientedP3Jpeg(dir);
  const crop = await prepareEditCrop({ imagePath: file, patches: [] }, await ellipseMask(600, 900, { x: 200, y: 300, width: 150, height: 200 }), [64]);
  const patch = await pasteBack(crop, solidOutput(64, [255, 0, 0]), 64, dir);
  const meta = await sharp(patch.path).metadata();
  assert.equal(meta.icc?.length, crop.image.iccProfile?.length, 'the photo\'s profile is embedded in the patch');
  await checkRoundTrip(crop, patch, file);
});

test('a candidate is written uncompressed and compactPatch re-encodes it in place: same pixels and profile, a smaller file', async (t) => {
  const dir = temporaryDirectory(t);
  const file = await orientedP3Jpeg(dir);
  const crop = await prepareEditCrop({ imagePath: file, patches: [] }, await ellipseMask(600, 900, { x: 200, y: 300, width: 150, height: 200 }), [64]);
  const patch = await pasteBack(crop, solidOutput(64, [255, 0, 0]), 64, dir);
  const raw = patch.width * patch.height * 3;
  const before = fs.readFileSync(patch.path);
  assert.ok(before.length > raw, `stored: ${before.length} bytes for ${raw} of pixels`);
  const pixels = (png: Buffer) => sharp(png, { ignoreIcc: true }).raw().toBuffer();
  await compactPatch(patch.path);
  const after = fs.readFileSync(patch.path);
  assert.ok(after.length < raw / 2, `compacted: ${after.length} bytes`);
  assert.deepEqual(await pixels(after), await pixels(before));
  assert.deepEqual((await sharp(after).metadata()).icc, (await sharp(before).metadata()).icc);
  await compactPatch(patch.path); // compressed already: left alone
  assert.deepEqual(fs.readFileSync(patch.path), after);
});

test('a soft (feathered) mask is the blend itself: weight 0 keeps the photo exactly, 255 takes the model', async () => {
  const w = 451, h = 300;
  const grey = Buffer.alloc(w * h);
  for (let y = 100; y < 160; y++) for (let x = 150; x < 250; x++) grey[y * w + x] = x < 170 ? (x - 150) * 12 : 255; // a 20 px ramp on the left
  const png = await sharp(grey, { raw: { width: w, height: h, channels: 1 } }).png().toBuffer();
  const crop = await prepareEditCrop({ imagePath: CHELSEA, patches: [] }, png, [64], {}, { soft: true });
  assert.ok(crop.coverage);
  assert.deepEqual(crop.plan.box.width >= 100, true);
  const rgb = await blendModelOutput(crop, solidOutput(64, [255, 0, 0]), 64, { seamCorrection: false });
  const { box } = crop.plan;
  let outside = 0, ramp = 0;
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) {
      const i = y * box.width + x;
      const weight = grey[(box.y + y) * w + box.x + x];
      const o = [0, 1, 2].map((c) => crop.original.data[i * crop.original.channels + c]);
      const p = [...rgb.subarray(i * 3, i * 3 + 3)];
      if (weight === 0) {
        assert.deepEqual(p, o, 'weight 0 keeps the photo');
        outside++;
      } else if (weight === 255) {
        assert.deepEqual(p, [255, 0, 0]);
      } else {
        // p = o + (model - o) * weight / 255, to rounding.
        assert.ok(Math.abs(p[0] - (o[0] + ((255 - o[0]) * weight) / 255)) <= 1);
        ramp++;
      }
    }
  }
  assert.ok(outside > 0 && ramp > 0);
});

test('the blend plan (feather, photo pixels, generated cells) does not depend on the output: kept for the next candidate, it gives the same patches', async (t) => {
  const dir = temporaryDirectory(t);
  const crop = await prepareEditCrop({ imagePath: CHELSEA, patches: [] }, await ellipseMask(451, 300, { x: 120, y: 80, width: 140, height: 90 }), [64, 128]);
  const plans: BlendPlans = new Map();
  const bytes = async (p: { path: string }) => fs.readFileSync(p.path);
  for (const colour of [[255, 0, 0], [20, 200, 90]] as [number, number, number][]) {
    const shared = await pasteBack(crop, solidOutput(128, colour), 128, dir, {}, plans);
    const alone = await pasteBack(crop, solidOutput(128, colour), 128, dir);
    assert.deepEqual([shared.x, shared.y, shared.width, shared.height], [alone.x, alone.y, alone.width, alone.height]);
    assert.deepEqual(await bytes(shared), await bytes(alone), `the same patch for ${colour}`);
  }
  assert.deepEqual([...plans.keys()], [128], 'one plan, made by the first candidate');
  const plan = plans.get(128)!;
  assert.deepEqual(plan, await planBlend(crop, 128), 'the plan a fresh crop would make');
  assert.ok(plan.modelGenerated, "the 128 px input's generated cells, for the seam");
  // Another output size gets its own plan.
  const other = await pasteBack(crop, solidOutput(64, [255, 0, 0]), 64, dir, {}, plans);
  assert.deepEqual(await bytes(other), await bytes(await pasteBack(crop, solidOutput(64, [255, 0, 0]), 64, dir)));
  assert.deepEqual([...plans.keys()], [128, 64]);
});

test('the blend applies the seam shift as it goes: the same bytes as shifting the generated pixels, then blending (RGB and RGBA)', () => {
  const width = 97, height = 61;
  let seed = 3;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  const mask = new Uint8Array(width * height), alpha = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = Math.hypot(x - 48, y - 30);
      mask[y * width + x] = d < 15 ? 1 : 0;
      alpha[y * width + x] = d < 15 ? 255 : d < 35 ? Math.round(255 * (35 - d) / 20) : 0;
    }
  }
  const generated: RawImage = { data: new Uint8Array(width * height * 3).map(() => 30 + (next() >> 2)), width, height, channels: 3 };
  for (const channels of [3, 4]) {
    const original: RawImage = { data: new Uint8Array(width * height * channels).map(() => 120 + (next() >> 1)), width, height, channels: channels as 3 | 4 };
    const seam = measureSeamTone(generated, original, mask, alpha);
    assert.ok(seam, 'a band to measure');
    assert.ok(Math.abs(seam.meanOffset[0]) > 40, 'a drift large enough to clamp somewhere');
    const shifted = { ...generated, data: new Uint8Array(generated.data) };
    applySeamField(shifted, alpha, seam.shift);
    assert.deepEqual(blendThroughFeather(original, generated, alpha, seam.shift), blendThroughFeather(original, shifted, alpha), `${channels} channels`);
  }
});
