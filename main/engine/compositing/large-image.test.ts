/**
 * Big photos: a 12 MP and a 100 MP photo (made here, not committed) go through the crop and the
 * paste-back in a child process that reports its timings and peak RSS; above the pixel limit the
 * photo is refused with a clear message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { prepareEditCrop } from './edit-crop.ts';
import { ImageError } from './errors.ts';
import { probeImage } from './open-image.ts';
import { CHELSEA, ellipseMask, temporaryDirectory } from './test-images.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');

interface Benchmark {
  photo: string;
  box: { x: number; y: number; width: number; height: number };
  maskMs: number;
  cropResizeMs: number;
  pasteBackMs: number;
  peakRssAfterCropMB: number;
  peakRssMB: number;
}

function benchmark(photo: string, mask: string): Benchmark {
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'crop-benchmark.ts'), photo, mask], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Benchmark;
}

const fastJpeg = { quality: 85, trellisQuantisation: false, overshootDeringing: false, optimiseScans: false, optimiseCoding: false };

test('12 MP and 100 MP photos: only the crop is decoded; timings and peak RSS', { timeout: 180_000 }, async (t) => {
  const dir = temporaryDirectory(t);
  const photo12 = path.join(dir, '12mp.jpg');
  await sharp(CHELSEA).resize(4000, 3000, { fit: 'fill' }).jpeg(fastJpeg).toFile(photo12);
  fs.writeFileSync(path.join(dir, '12mp-mask.png'), await ellipseMask(4000, 3000, { x: 1500, y: 1000, width: 800, height: 600 }));
  const photo100 = path.join(dir, '100mp.jpg');
  await sharp({ create: { width: 12000, height: 8400, channels: 3, background: { r: 90, g: 140, b: 200 } } })
    .jpeg(fastJpeg)
    .toFile(photo100);
  fs.writeFileSync(path.join(dir, '100mp-mask.png'), await ellipseMask(12000, 8400, { x: 7000, y: 5000, width: 1500, height: 1200 }));

  const small = benchmark(photo12, path.join(dir, '12mp-mask.png'));
  const large = benchmark(photo100, path.join(dir, '100mp-mask.png'));
  for (const b of [small, large]) {
    t.diagnostic(
      `${b.photo}: crop ${b.box.width}×${b.box.height}; mask decode ${b.maskMs} ms, crop+resize (64 and 256) ${b.cropResizeMs} ms, ` +
        `paste-back (256 -> crop, feather, seam, PNG) ${b.pasteBackMs} ms; peak RSS ${b.peakRssAfterCropMB} MB after the crop, ${b.peakRssMB} MB in all`,
    );
  }
  assert.equal(large.photo, '12000×8400');
  assert.deepEqual(large.box, { x: 6550, y: 4400, width: 2400, height: 2400 });
  // Decoding the whole 100 MP photo would take 302 MB for its pixels alone, on top of the 101 MB mask.
  assert.ok(large.peakRssMB < 700, `peak RSS ${large.peakRssMB} MB`);
});

test('above the pixel limit: refused before decoding, with the size and the limit', async (t) => {
  const dir = temporaryDirectory(t);
  const photo = path.join(dir, '100mp.png');
  await sharp({ create: { width: 12000, height: 8400, channels: 3, background: '#808080' } }).png({ compressionLevel: 1 }).toFile(photo);
  const mask = await ellipseMask(451, 300, { x: 10, y: 10, width: 50, height: 50 }); // never read: the photo is refused first
  // Each attempt starts only when awaited: a second promise made up front could reject before
  // assert.rejects holds it, and the runner counts that as an unhandled rejection.
  const attempts = [
    () => probeImage(photo, { maxPixels: 50_000_000 }),
    () => prepareEditCrop({ imagePath: photo, patches: [] }, mask, [64], { maxPixels: 50_000_000 }),
  ];
  for (const attempt of attempts) {
    await assert.rejects(attempt, (e) => {
      assert.ok(e instanceof ImageError);
      assert.equal(e.code, 'too-large');
      assert.match(e.message, /"100mp\.png" is 12000×8400 \(100\.8 MP\), above the 50\.0 MP limit/);
      return true;
    });
  }
  const info = await probeImage(photo); // the default limit (120 MP) lets it in
  assert.equal(info.width * info.height, 100_800_000);
});
