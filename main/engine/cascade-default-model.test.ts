/**
 * The default model's cascade end to end in the engine (run-edit.ts): the 64-px base, then the upsampler
 * at the crop's own resolution (upsample-plan.ts), pasted back into a real photo. GLIDE_CASCADE_BUNDLE
 * points it at another bundle (a candidate export in .work/) before one ships.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { withDefaults } from '../../test-support/bundle-variants.ts';
import { DEFAULT_BUNDLE_DIR } from '../../test-support/paths.ts';
import { type LoadedBundle, loadBundle } from './bundle/load.ts';
import type { Box } from './compositing/box.ts';
import { readCurrentPixels } from './compositing/current-pixels.ts';
import { probeImage } from './compositing/open-image.ts';
import { CHELSEA, ellipseMask, temporaryDirectory } from './compositing/test-images.ts';
import { CancelledError } from './errors.ts';
import type { EditProgress } from './process/engine-work.ts';
import { runEdit } from './process/run-edit.ts';
import { passWindow, WINDOW_MARGIN } from './pass-window.ts';
import { inpaint } from './pipeline.ts';
import { EditRequest } from './protocol.ts';
import { createSchedule } from './sampler.ts';
import { BACKGROUND_TEXTURE_MAX_SIZE, upsamplerSizes } from './upsample-plan.ts';

const bundleDir = process.env.GLIDE_CASCADE_BUNDLE ?? DEFAULT_BUNDLE_DIR;
const W = 451;
const H = 300;
let bundle: LoadedBundle;

before(async () => {
  assert.ok(existsSync(path.join(bundleDir, 'bundle.json')), `no bundle at ${bundleDir}`);
  bundle = await loadBundle(bundleDir, { provider: 'cpu' });
});
after(async () => bundle?.release());

async function request(box: Box, outDir: string, settings: Record<string, unknown> = {}) {
  return EditRequest.parse({
    type: 'edit', id: 'e1', source: { imagePath: CHELSEA }, mask: new Uint8Array(await ellipseMask(W, H, box)),
    settings: { prompt: 'a large red circle', seed: 3, steps: 4, preview: false, ...settings }, outDir,
  });
}

test('the default bundle is a cascade whose upsampler runs at any multiple of its size step', () => {
  const up = bundle.manifest.stages.upsampler;
  assert.ok(up, 'models/default has an upsampler stage');
  assert.ok(up.resizable, 'the upsampler is resizable');
});

test('output size follows the crop; progress counts both stages and every pass; unmasked pixels exact', async (t) => {
  const up = bundle.manifest.stages.upsampler!;
  const d = bundle.manifest.defaults;
  const upSteps = createSchedule(up.noiseSchedule, d.upsamplerRespacing!, up.diffusionSteps, d.upsamplerStart ?? up.diffusionSteps).numSteps;
  for (const box of [{ x: 170, y: 100, width: 90, height: 80 }, { x: 110, y: 50, width: 200, height: 190 }]) {
    const events: EditProgress[] = [];
    const req = await request(box, temporaryDirectory(t));
    const { candidates, settings } = await runEdit(bundle, req, new AbortController().signal, (p) => events.push(p));
    assert.equal(settings.detail, 'standard');
    const upEvents = events.filter((e) => e.stage === 'upsampler');
    const passes = upEvents.length / upSteps;
    // The crop square is about 1.6x the hole's larger side; the plan follows it.
    const side = events[0].crop!.width;
    assert.equal(passes, upsamplerSizes(up, 64, side, 'standard').length, `crop ${side} px`);
    assert.ok(side < 200 ? passes === 1 : passes === 2, `a ${side}-px crop runs ${passes} pass(es)`);
    assert.deepEqual(events.map((e) => e.overallStep), Array.from({ length: 4 + passes * upSteps }, (_, i) => i + 1));
    assert.ok(events.every((e) => e.overallTotal === 4 + passes * upSteps));

    // Every pixel outside the patch is the photo's; inside it, pixels beyond the feather too.
    const patch = candidates[0];
    const info = await probeImage(CHELSEA);
    const full = { x: 0, y: 0, width: W, height: H };
    const before = await readCurrentPixels({ imagePath: CHELSEA, patches: [] }, info, full);
    const afterEdit = await readCurrentPixels({ imagePath: CHELSEA, patches: [patch] }, info, full);
    let changedOutside = 0, changedInside = 0;
    const margin = 0.25 * Math.max(box.width, box.height); // the feather reaches ~3 sigma = 0.09 of the crop
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const i = (y * W + x) * before.channels;
      const differs = before.data[i] !== afterEdit.data[i] || before.data[i + 1] !== afterEdit.data[i + 1] || before.data[i + 2] !== afterEdit.data[i + 2];
      const near = x >= box.x - margin && x < box.x + box.width + margin && y >= box.y - margin && y < box.y + box.height + margin;
      if (differs && !near) changedOutside++;
      if (differs && x >= box.x + box.width * 0.3 && x < box.x + box.width * 0.7 && y >= box.y + box.height * 0.3 && y < box.y + box.height * 0.7) changedInside++;
    }
    assert.equal(changedOutside, 0, 'no pixel beyond the feathered mask changes');
    assert.ok(changedInside > 0.5 * (box.width * 0.4) * (box.height * 0.4), 'the hole is regenerated');
  }
});

test('Detail high lets a large crop generate at its own resolution up to 1536 px; standard stops at 1024', async () => {
  const up = bundle.manifest.stages.upsampler!;
  assert.deepEqual(upsamplerSizes(up, 64, 1500, 'standard').at(-1), 1024);
  assert.deepEqual(upsamplerSizes(up, 64, 1400, 'high').at(-1), 1408);
  assert.deepEqual(upsamplerSizes(up, 64, 2000, 'high').at(-1), 1536);
});

test('cancel stops within one step of either stage', async (t) => {
  for (const stage of ['base', 'upsampler'] as const) {
    const controller = new AbortController();
    const events: EditProgress[] = [];
    const req = await request({ x: 170, y: 100, width: 90, height: 80 }, temporaryDirectory(t));
    const run = runEdit(bundle, req, controller.signal, (p) => {
      events.push(p);
      if (p.stage === stage && p.step === 1) controller.abort();
    });
    await assert.rejects(run, CancelledError);
    const at = events.findIndex((e) => e.stage === stage && e.step === 1);
    assert.ok(events.length - 1 - at <= 1, `${events.length - 1 - at} steps ran after cancelling in the ${stage} stage`);
  }
});

/** Mean |Laplacian| of the luminance in the centre of `box`'s hole (0.6 of its width), in the edit's patch. */
async function holeCentreLaplacian(patch: { path: string; x: number; y: number }, box: Box): Promise<number> {
  const { data, info } = await sharp(patch.path).greyscale().raw().toBuffer({ resolveWithObject: true });
  const cx = box.x + box.width / 2 - patch.x, cy = box.y + box.height / 2 - patch.y, r = box.width * 0.3;
  let sum = 0, n = 0;
  for (let y = Math.round(cy - r); y < cy + r; y++) for (let x = Math.round(cx - r); x < cx + r; x++) {
    const p = y * info.width + x;
    sum += Math.abs(4 * data[p] - data[p - 1] - data[p + 1] - data[p - info.width] - data[p + info.width]);
    n++;
  }
  return sum / n;
}

/** A hole over the cat's striped fur: the 64-px base alone, scaled ~3.5x, is a soft blob. */
const FUR = { x: 120, y: 40, width: 150, height: 150 };

test('the upsampled hole has detail: its high frequencies are not those of the 64-px base scaled up', async (t) => {
  // Fill, with the upsampler drawing it (not fill-texture.ts's patches).
  const upsampled = await loadBundle(withDefaults(bundleDir, { ...bundle.manifest.defaults, fillTexture: false }), { provider: 'cpu' });
  t.after(() => upsampled.release());
  const events: EditProgress[] = [];
  const { candidates } = await runEdit(upsampled, await request(FUR, temporaryDirectory(t), { prompt: '' }), new AbortController().signal, (p) => events.push(p));
  assert.ok(events.some((e) => e.stage === 'upsampler'));
  // A 64-px base bilinearly scaled ~3.7x has mean |Laplacian| well under 1 level; the photo's fur ~6.
  const detail = await holeCentreLaplacian(candidates[0], FUR);
  assert.ok(detail > 1.5, `mean |Laplacian| in the hole ${detail.toFixed(2)}`);
});

test("Fill re-draws the hole with the photo's patches on the base's layout: no upsampler step runs, the hole has the fur's grain", async (t) => {
  assert.equal(bundle.manifest.defaults.fillTexture, true);
  const events: EditProgress[] = [];
  const { candidates } = await runEdit(bundle, await request(FUR, temporaryDirectory(t), { prompt: '' }), new AbortController().signal, (p) => events.push(p));
  assert.ok(events.every((e) => e.stage === 'base' && e.overallTotal === 4), 'progress counts the base stage only');
  const detail = await holeCentreLaplacian(candidates[0], FUR);
  // The fur around the hole: mean |Laplacian| ~6 levels; the base scaled up, under 1.
  assert.ok(detail > 3, `mean |Laplacian| in the hole ${detail.toFixed(2)}`);
});

test("a prompted edit's refilled background is re-drawn from the photo; the object the prompt drew stays as the upsampler made it", async (t) => {
  // A small red circle in a large hole over the cat, with and without the background re-drawn (drawn-object.ts, fill-texture.ts).
  const plain = await loadBundle(withDefaults(bundleDir, { ...bundle.manifest.defaults, backgroundTexture: false }), { provider: 'cpu' });
  t.after(() => plain.release());
  assert.equal(bundle.manifest.defaults.backgroundTexture, true);
  const box = { x: 110, y: 50, width: 200, height: 200 };
  const edit = async (b: LoadedBundle) => {
    const { candidates } = await runEdit(b, await request(box, temporaryDirectory(t), { prompt: 'a small red circle' }), new AbortController().signal, () => {});
    const { data, info } = await sharp(candidates[0].path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { data, info, x: candidates[0].x, y: candidates[0].y };
  };
  const textured = await edit(bundle), upsampled = await edit(plain);
  const { data, info } = upsampled;
  const red = (p: number) => data[3 * p] > 140 && data[3 * p + 1] < 90 && data[3 * p + 2] < 90;
  // The hole's inner 80% (the feather is outside it): the object's pixels (red, and not beside other colours) and the rest.
  const cx = box.x + box.width / 2 - upsampled.x, cy = box.y + box.height / 2 - upsampled.y, r = 0.4 * box.width;
  // The paste-back shifts each candidate's tone to its seam (seam-correction.ts, a smooth field), so the object is compared
  // with that shift taken out: each channel's mean difference over the object.
  const inner: { p: number; kind: 'object' | 'background' }[] = [];
  for (let y = Math.ceil(cy - r); y < cy + r; y++) for (let x = Math.ceil(cx - r); x < cx + r; x++) {
    if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) continue;
    const p = y * info.width + x;
    const around = [p - 2, p + 2, p - 2 * info.width, p + 2 * info.width];
    if (red(p) && around.every(red)) inner.push({ p, kind: 'object' });
    else if (!red(p) && around.every((q) => !red(q))) inner.push({ p, kind: 'background' });
  }
  const objectPixels = inner.filter((i) => i.kind === 'object').map((i) => i.p);
  const shift = [0, 1, 2].map((c) => objectPixels.reduce((sum, p) => sum + textured.data[3 * p + c] - data[3 * p + c], 0) / objectPixels.length);
  const same = (p: number) => [0, 1, 2].every((c) => Math.abs(textured.data[3 * p + c] - data[3 * p + c] - shift[c]) <= 3);
  const object = objectPixels.length, objectSame = objectPixels.filter(same).length;
  const backgroundPixels = inner.filter((i) => i.kind === 'background').map((i) => i.p);
  const background = backgroundPixels.length, backgroundChanged = backgroundPixels.filter((p) => !same(p)).length;
  assert.ok(object > 0.1 * Math.PI * r * r, `a red object was drawn (${object} px)`);
  assert.ok(objectSame / object > 0.85, `${((100 * objectSame) / object).toFixed(1)}% of the object's pixels kept`);
  assert.ok(backgroundChanged / background > 0.6, `${((100 * backgroundChanged) / background).toFixed(1)}% of the background re-drawn`);
});

test('Detail Standard re-draws the background only up to BACKGROUND_TEXTURE_MAX_SIZE; High above it too', async (t) => {
  // The cat enlarged to 1200 x 798 and a 500-px hole: an 800-px crop, an 800-px last pass.
  const dir = temporaryDirectory(t);
  const photo = path.join(dir, 'cat-large.png');
  await sharp(CHELSEA).resize(1200).png().toFile(photo);
  const box = { x: 350, y: 150, width: 500, height: 500 };
  const mask = new Uint8Array(await ellipseMask(1200, 798, box));
  const plain = await loadBundle(withDefaults(bundleDir, { ...bundle.manifest.defaults, backgroundTexture: false }), { provider: 'cpu' });
  t.after(() => plain.release());
  const patch = async (b: LoadedBundle, detail: 'standard' | 'high') => {
    const req = EditRequest.parse({ type: 'edit', id: 'e1', source: { imagePath: photo }, mask, outDir: temporaryDirectory(t), settings: { prompt: 'a small red circle', seed: 3, steps: 4, preview: false, detail } });
    const { candidates } = await runEdit(b, req, new AbortController().signal, () => {});
    return { bytes: await sharp(candidates[0].path).raw().toBuffer(), size: upsamplerSizes(bundle.manifest.stages.upsampler!, 64, 800, detail).at(-1)! };
  };
  const standard = await patch(bundle, 'standard');
  assert.ok(standard.size > BACKGROUND_TEXTURE_MAX_SIZE.standard && standard.size <= BACKGROUND_TEXTURE_MAX_SIZE.high, `an ${standard.size}-px last pass`);
  assert.ok(standard.bytes.equals((await patch(plain, 'standard')).bytes), 'Standard: the same bytes as without backgroundTexture');
  assert.ok(!(await patch(bundle, 'high')).bytes.equals((await patch(plain, 'high')).bytes), 'High: the background is re-drawn');
});

test('an upsampler pass runs on the hole\'s square, not the whole crop; outside it the crop is kept exactly', async () => {
  // A 512-px pass (from 128: 4x) over a hole of 160 px: the graph sees the hole's box plus the margin.
  const crop = (n: number) => {
    const image = Float32Array.from({ length: 3 * n * n }, (_, i) => 0.4 * Math.sin(i / 97));
    const mask = new Float32Array(n * n).fill(1);
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) if ((x - 0.5 * n) ** 2 + (y - 0.45 * n) ** 2 < (0.156 * n) ** 2) mask[y * n + x] = 0;
    return { image, mask };
  };
  const sides: number[] = [];
  const real = bundle.stages.upsampler!;
  const denoiser = new Proxy(real.denoiser, {
    get(target, prop) {
      if (prop === 'run') return (feeds: Record<string, ort.Tensor>) => { sides.push(feeds.x_t.dims[3]); return target.run(feeds); };
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const passes = [128, 512].map((size) => ({ size, ...crop(size) }));
  const result = await inpaint({ manifest: bundle.manifest, stages: { base: bundle.stages.base, upsampler: { ...real, denoiser } } }, {
    ...crop(64), upsampler: passes, prompt: 'a large red circle', guidanceScale: 4, steps: 2, respacing: 'trailing2', sampler: 'dpmpp2m', seed: 1,
  });
  const window = passWindow(passes[1].mask, 512, 128, 32)!;
  assert.ok(window.side < 512 && window.side >= 160 + 2 * WINDOW_MARGIN, `window ${window.side} px`);
  assert.ok(sides.slice(-3).every((s) => s === window.side), `the 512-px pass ran at ${sides.slice(-3)} px`);
  let outside = 0, changed = 0;
  for (let c = 0; c < 3; c++) for (let y = 0; y < 512; y++) for (let x = 0; x < 512; x++) {
    const p = c * 512 * 512 + y * 512 + x;
    if (x >= window.x && x < window.x + window.side && y >= window.y && y < window.y + window.side) continue;
    outside++;
    if (result.image[p] !== passes[1].image[p]) changed++;
  }
  assert.ok(outside > 0);
  assert.equal(changed, 0, 'pixels outside the square are the crop\'s');
});

test('a pass over at least largePass.pixels takes its respacing; progress counts its steps', async () => {
  const crop = (n: number) => ({ image: new Float32Array(3 * n * n).fill(0.2), mask: new Float32Array(n * n).fill(1).fill(0, n * n / 4, n * n / 2) });
  const d = bundle.manifest.defaults;
  assert.ok(d.largePass, 'models/default gives large passes fewer steps');
  const upSteps = (respacing: string) => createSchedule('linear', respacing, 1000, d.upsamplerStart).numSteps;
  for (const largePass of [{ pixels: 128 * 128, respacing: 'trailing2' }, { pixels: 128 * 128 + 1, respacing: 'trailing2' }, null]) {
    const events: { stage: string; overallTotal: number }[] = [];
    await inpaint(bundle, {
      ...crop(64), upsampler: [{ size: 128, ...crop(128) }], largePass, prompt: 'a red circle', guidanceScale: 4, steps: 2, respacing: 'trailing2', sampler: 'dpmpp2m', seed: 1,
    }, { onProgress: (p) => events.push(p) });
    const expected = largePass && largePass.pixels <= 128 * 128 ? upSteps('trailing2') : upSteps(d.upsamplerRespacing!);
    assert.equal(events.filter((e) => e.stage === 'upsampler').length, expected, JSON.stringify(largePass));
    assert.ok(events.every((e) => e.overallTotal === 2 + expected));
  }
  assert.notEqual(upSteps('trailing2'), upSteps(d.upsamplerRespacing!));
});
