/**
 * The engine end to end, as the app drives it: EngineHost, the forked engine process, a real photo
 * (scikit-image's "chelsea", CC0), full-resolution masks, patches on disk. Uses models/default when
 * it has been built (the trained default model), else the tiny reference graphs (random weights: the
 * plumbing and the guarantees hold, the colours mean nothing).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { EditCancelledError, EngineError, EngineHost, nodeEngineLauncher } from '../../engine-host/engine-host.ts';
import { baseOnlyBundle, corruptGraphBundle, missingGraphBundle } from '../../../test-support/bundle-variants.ts';
import { DEFAULT_BUNDLE_DIR, tinyBundleDir } from '../../../test-support/paths.ts';
import type { Box } from '../compositing/box.ts';
import { readCurrentPixels } from '../compositing/current-pixels.ts';
import { featherSigma } from '../compositing/feather.ts';
import { probeImage } from '../compositing/open-image.ts';
import { boxMask, CHELSEA, ellipseMask, fileNumbers } from '../compositing/test-images.ts';
import type { EngineEvent, Patch } from '../protocol.ts';

type Progress = Extract<EngineEvent, { type: 'progress' }>;

const hasDefault = existsSync(path.join(DEFAULT_BUNDLE_DIR, 'bundle.json'));
const tiny = tinyBundleDir();
// The default model is base-only; of the tiny graphs take the base stage alone so edits take seconds
// (one test below runs both tiny stages).
const bundleDir = hasDefault ? DEFAULT_BUNDLE_DIR : baseOnlyBundle(tiny);
console.log(`engine e2e on ${hasDefault ? 'models/default' : 'the tiny reference graphs (models/default is absent)'}`);

const W = 451;
const H = 300;
const MASK_BOX: Box = { x: 150, y: 80, width: 120, height: 100 };
let maskPng: Uint8Array;
let outDir: string;
let host: EngineHost;

before(async () => {
  maskPng = new Uint8Array(await ellipseMask(W, H, MASK_BOX));
  outDir = mkdtempSync(path.join(os.tmpdir(), 'engine-e2e-'));
  host = new EngineHost(nodeEngineLauncher());
  await host.start();
  await host.load(bundleDir, 'cpu');
});
after(() => host.stop());

function edit(settings: { prompt?: string; seed: number; steps?: number; candidates?: number; preview?: boolean }, onProgress?: (p: Progress) => void) {
  return host.edit(
    { source: { imagePath: CHELSEA }, mask: maskPng, outDir, settings: { prompt: 'a red circle', steps: 3, ...settings } },
    onProgress,
  );
}

/** The document's RGB(A) pixels: the photo with `patches` laid over it (compositing's own reader). */
async function documentPixels(patches: Patch[]) {
  const info = await probeImage(CHELSEA);
  return readCurrentPixels({ imagePath: CHELSEA, patches }, info, { x: 0, y: 0, width: info.width, height: info.height });
}

/** 1 where the mask PNG is white, grown by `r` pixels (a square window: generous is safe here). */
async function grownMask(r: number): Promise<Uint8Array> {
  const { data } = await sharp(maskPng).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  const rows = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    if (data[y * W + x] > 127) for (let dx = -r; dx <= r; dx++) if (x + dx >= 0 && x + dx < W) rows[y * W + x + dx] = 1;
  }
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    if (rows[y * W + x]) for (let dy = -r; dy <= r; dy++) if (y + dy >= 0 && y + dy < H) out[(y + dy) * W + x] = 1;
  }
  return out;
}

test('an edit changes the masked area and leaves every pixel outside the feathered mask identical', async () => {
  let square: Progress['crop'];
  const result = await edit({ seed: 1 }, (p) => (square = p.crop)).done;
  assert.equal(result.candidates.length, 1);
  const patch = result.candidates[0];
  assert.ok(existsSync(patch.path));
  assert.ok(square, 'progress told where the crop is');
  // The patch covers the mask's box plus context.
  assert.ok(patch.x <= MASK_BOX.x && patch.y <= MASK_BOX.y);
  assert.ok(patch.x + patch.width >= MASK_BOX.x + MASK_BOX.width && patch.y + patch.height >= MASK_BOX.y + MASK_BOX.height);

  const before = await documentPixels([]);
  const edited = await documentPixels([patch]);
  const c = before.channels;
  const feather = Math.ceil(4 * featherSigma(square!.width)) + 2;
  const near = await grownMask(feather);
  const inside = await grownMask(0);
  let outsideDiffs = 0;
  let insideSum = 0;
  let insideCount = 0;
  for (let i = 0; i < W * H; i++) {
    for (let k = 0; k < 3; k++) {
      const d = Math.abs(before.data[i * c + k] - edited.data[i * c + k]);
      if (!near[i] && d !== 0) outsideDiffs++;
      if (inside[i]) insideSum += d;
    }
    if (inside[i]) insideCount++;
  }
  assert.equal(outsideDiffs, 0, `pixels more than ${feather} px outside the mask must be bit-identical`);
  const meanChange = insideSum / (3 * insideCount);
  console.log(`mean change inside the mask: ${meanChange.toFixed(1)} levels; feather reach ${feather} px`);
  assert.ok(meanChange > 8, `the masked area changed (mean ${meanChange.toFixed(2)} levels)`);
});

test('determinism: the same seed gives identical patch bytes, another seed does not', async () => {
  const a = (await edit({ seed: 42 }).done).candidates[0];
  const b = (await edit({ seed: 42 }).done).candidates[0];
  const c = (await edit({ seed: 43 }).done).candidates[0];
  assert.notEqual(a.path, b.path, 'each run writes its own file');
  assert.deepEqual(readFileSync(a.path), readFileSync(b.path));
  assert.notDeepEqual(readFileSync(a.path), readFileSync(c.path));
  assert.deepEqual({ ...a, path: '' }, { ...b, path: '' });
});

test('N candidates use seeds seed, seed+1, ...; each is the single run with its seed', async () => {
  const seen = new Set<number>();
  const result = await edit({ seed: 7, candidates: 2 }, (p) => seen.add(p.candidate)).done;
  assert.deepEqual(result.candidates.map((c) => c.seed), [7, 8]);
  assert.deepEqual([...seen], [0, 1]);
  const single8 = (await edit({ seed: 8 }).done).candidates[0];
  assert.deepEqual(readFileSync(result.candidates[1].path), readFileSync(single8.path));
  assert.notDeepEqual(readFileSync(result.candidates[0].path), readFileSync(result.candidates[1].path));
});

test('progress: one event per step, in order, with a preview PNG and the crop square; none when previews are off', async () => {
  const events: Progress[] = [];
  await edit({ seed: 5, steps: 4 }, (p) => events.push(p)).done;
  const base = events.filter((e) => e.stage === 'base');
  assert.deepEqual(base.map((e) => [e.stage, e.step, e.totalSteps]), [1, 2, 3, 4].map((s) => ['base', s, 4]));
  // Then the upsampler's steps, pass after pass (the default model's cascade), all counted overall.
  const up = events.slice(base.length);
  assert.ok(up.every((e) => e.stage === 'upsampler'), 'the base stage comes first');
  up.forEach((e, i) => assert.equal(e.step, (i % e.totalSteps) + 1));
  assert.deepEqual(events.map((e) => e.overallStep), events.map((_, i) => i + 1));
  assert.ok(events.every((e) => e.overallTotal === events.length));
  for (const e of events) {
    assert.ok(e.preview && e.preview.length > 0);
    assert.deepEqual([...e.preview.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG');
    assert.equal(e.crop!.width, e.crop!.height, 'the model sees a square');
  }
  const meta = await sharp(events[0].preview!).metadata();
  assert.ok(meta.width! <= 128);

  const quiet: Progress[] = [];
  await edit({ seed: 5, steps: 2, preview: false }, (p) => quiet.push(p)).done;
  assert.equal(quiet.filter((e) => e.stage === 'base').length, 2);
  assert.ok(quiet.every((e) => e.preview === undefined));
});

test('cancel mid-run stops within a step or two; a second edit meanwhile is busy; the engine edits again after', async () => {
  const steps: number[] = [];
  let cancelledAt = 0;
  const run = edit({ seed: 9, steps: 200 }, (p) => {
    steps.push(p.step);
    if (p.step === 2) {
      cancelledAt = steps.length;
      host.cancel(run.id);
    }
  });
  // One edit at a time.
  const second = edit({ seed: 10 });
  // Both are held at once, so neither can reject unobserved while the other is awaited.
  await Promise.all([
    assert.rejects(second.done, (e: unknown) => e instanceof EngineError && e.code === 'busy'),
    assert.rejects(run.done, EditCancelledError),
  ]);
  assert.ok(steps.length - cancelledAt <= 1, `${steps.length - cancelledAt} steps reported after cancel`);
  const again = await edit({ seed: 9, steps: 2 }).done;
  assert.equal(again.candidates.length, 1);
});

test('bad input is a clear error and the engine stays up', async () => {
  const pid = host.pid;
  const empty = new Uint8Array(await boxMask(W, H, { x: 0, y: 0, width: 0, height: 0 }));
  const wrongSize = new Uint8Array(await boxMask(20, 20));
  const attempts: [string, () => Promise<unknown>][] = [
    ['empty-mask', () => host.edit({ source: { imagePath: CHELSEA }, mask: empty, outDir, settings: { prompt: 'x', seed: 1 } }).done],
    ['bad-request', () => host.edit({ source: { imagePath: CHELSEA }, mask: wrongSize, outDir, settings: { prompt: 'x', seed: 1 } }).done],
    ['bad-image', () => host.edit({ source: { imagePath: '/no/such/photo.png' }, mask: maskPng, outDir, settings: { prompt: 'x', seed: 1 } }).done],
  ];
  for (const [code, attempt] of attempts) {
    // Each in turn: one edit at a time.
    await assert.rejects(attempt(), (e: unknown) => {
      assert.ok(e instanceof EngineError, String(e));
      assert.equal(e.code, code, e.message);
      console.log(`${code}: ${e.message}`);
      return true;
    });
  }
  assert.equal(host.pid, pid);
});

test('a broken bundle is rejected with a message naming the file; the loaded one keeps working', async () => {
  for (const [dir, file] of [[missingGraphBundle(tiny), 'base.text.onnx'], [corruptGraphBundle(tiny), 'base.denoiser.onnx']] as const) {
    await assert.rejects(host.load(dir, 'cpu'), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.code, 'bad-bundle');
      assert.ok(e.message.includes(file), e.message);
      return true;
    });
  }
  assert.equal((await edit({ seed: 1, steps: 1 }).done).candidates.length, 1);
});

test('export writes the document with its patches and the recipe', async () => {
  const patch = (await edit({ seed: 11, steps: 1 }).done).candidates[0];
  const outPath = path.join(outDir, 'exported.png');
  const exported = await host.exportImage({ source: { imagePath: CHELSEA, patches: [patch] }, outPath, format: 'png', parameters: '{"prompt":"a red circle"}' });
  assert.equal(exported.outPath, outPath);
  assert.equal(exported.bytes, readFileSync(outPath).length);
  const { data } = await fileNumbers(outPath);
  const doc = await documentPixels([patch]);
  assert.deepEqual(data, doc.data);
  assert.ok(readFileSync(outPath).includes('a red circle'));
});

test('the colour prompt shows in the masked area (default model only)', async (t) => {
  if (!hasDefault) {
    t.skip('models/default is absent (build it with models/train/export_default.py); the tiny graphs have random weights, so colours mean nothing');
    return;
  }
  const meanInMask = async (prompt: string) => {
    const patch = (await edit({ prompt, seed: 3, steps: undefined }).done).candidates[0];
    const doc = await documentPixels([patch]);
    const inside = await grownMask(0);
    const sum = [0, 0, 0];
    let n = 0;
    for (let i = 0; i < W * H; i++) if (inside[i]) { n++; for (let k = 0; k < 3; k++) sum[k] += doc.data[i * doc.channels + k]; }
    return sum.map((s) => s / n);
  };
  const red = await meanInMask('a red circle');
  const blue = await meanInMask('a blue circle');
  console.log(`mean RGB in the mask: "a red circle" ${red.map((v) => v.toFixed(0))}, "a blue circle" ${blue.map((v) => v.toFixed(0))}`);
  assert.ok(red[0] > red[1] + 20 && red[0] > red[2] + 20, 'red dominates for "a red circle"');
  assert.ok(blue[2] - blue[0] > red[2] - red[0] + 40, 'blue rises against red for "a blue circle"');
});

test('both stages (tiny graphs): base steps then the upsampler schedule, patch at photo scale', async (t) => {
  const two = new EngineHost(nodeEngineLauncher());
  t.after(() => two.stop());
  await two.start();
  const loaded = await two.load(tiny, 'cpu');
  assert.deepEqual(loaded.bundle.stages, ['base', 'upsampler']);
  const events: Progress[] = [];
  const result = await two.edit({ source: { imagePath: CHELSEA }, mask: maskPng, outDir, settings: { prompt: 'a red circle', seed: 1, steps: 2, preview: false } }, (p) => events.push(p)).done;
  const count = (stage: string) => events.filter((e) => e.stage === stage).length;
  assert.equal(count('base'), 2);
  assert.equal(count('upsampler'), events.find((e) => e.stage === 'upsampler')!.totalSteps);
  assert.equal(count('upsampler'), 27, "the tiny bundle's upsampler respacing is fast27");
  assert.equal(result.candidates.length, 1);
});
