/**
 * Old projects replay as they ran after a bundle's default sampler changed: a recipe records guidance,
 * steps and sampler (ResolvedSettings), and a sampler other than the new default takes its own spacing,
 * eta and upsampler spacing, start and sampler from the bundle's `defaults.samplers` (run-edit.ts resolveSampling).
 * Checked on the shipped bundles' own defaults, and byte for byte through runEdit: the edit made under
 * the old defaults, then its recipe's settings under the new ones.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { withDefaults } from '../../../test-support/bundle-variants.ts';
import { DEFAULT_BUNDLE_DIR, tinyBundleDir } from '../../../test-support/paths.ts';
import { loadBundle, readManifest } from '../bundle/load.ts';
import type { Bundle } from '../bundle/schema.ts';
import { OFFICIAL_TEMPLATES_DIR, readTemplateSet } from '../checkpoint/templates.ts';
import { CHELSEA, ellipseMask } from '../compositing/test-images.ts';
import type { EditSettings, ResolvedSettings } from '../protocol.ts';
import { resolveSampling, runEdit } from './run-edit.ts';

type Defaults = Bundle['defaults'];

/**
 * models/default's defaults when it first shipped its upsampler (3 December 2026): DDIM 25 ("ddim25", eta 0.5,
 * guidance 4, seam tone) for the base; the upsampler's 5 DDIM steps from t = 400, Detail standard, detail matching.
 */
const UPSAMPLER_SHIPPED = { upsamplerRespacing: 'ddim5', upsamplerStart: 500, upsamplerTemperature: 1, detail: 'standard', matchDetail: true } as const;
const DEFAULT_MODEL_BEFORE: Defaults = { guidanceScale: 4, sampler: 'ddim', eta: 0.5, seamTone: true, baseRespacing: 'ddim25', ...UPSAMPLER_SHIPPED };
/** OpenAI's bundles' defaults until then: GLIDE's notebook (DDPM 100 base steps, "fast27" upsampler steps). */
const OFFICIAL_BEFORE: Defaults = { guidanceScale: 5, sampler: 'ddpm', eta: 0, baseRespacing: '100', upsamplerRespacing: 'fast27', upsamplerTemperature: 0.997 };

/** What an edit under `before`'s defaults recorded, resolved under `after`'s: the same sampling. */
function assertReplays(before: Defaults, after: Defaults, T = 1000): void {
  for (const settings of [{}, { steps: 12 }, { guidanceScale: 2 }] as Pick<EditSettings, 'steps' | 'guidanceScale'>[]) {
    const ran = resolveSampling(before, settings, T);
    const replayed = resolveSampling(after, ran.resolved, T);
    assert.deepEqual(replayed, ran, `a recipe of ${JSON.stringify(ran.resolved)} replays as it ran`);
  }
}

test('the default model: a recipe recorded under its old defaults (DDIM 25) resolves to them under the new ones', async () => {
  const { manifest } = await readManifest(DEFAULT_BUNDLE_DIR);
  assertReplays(DEFAULT_MODEL_BEFORE, manifest.defaults);
  const old = resolveSampling(manifest.defaults, { guidanceScale: 4, steps: 25, sampler: 'ddim' }, 1000);
  // (Fill too: with the membrane it had then, not fillPatches, and drawn by the upsampler, not fillTexture; a prompted edit's background too.)
  assert.deepEqual(old, { resolved: { guidanceScale: 4, steps: 25, sampler: 'ddim' }, respacing: 'ddim25', eta: 0.5, upsamplerRespacing: 'ddim5', upsamplerStart: 500, upsamplerSampler: 'ddim', upsamplerEta: 0.5, fillPatches: false, fillTexture: false, backgroundTexture: false, largePass: null });
  // A new edit: the base on the new default sampler, the upsampler on its own (DDIM eta 0.5, 3 steps from t = 400).
  const now = resolveSampling(manifest.defaults, {}, 1000);
  assert.deepEqual([now.upsamplerSampler, now.upsamplerEta, now.upsamplerRespacing, now.upsamplerStart, now.fillPatches, now.fillTexture, now.backgroundTexture], ['ddim', 0.5, 'trailing3', 401, true, true, true]);
});

test("OpenAI's bundles (the app's converter and convert_official.py): a notebook recipe (DDPM 100) resolves as it ran", async () => {
  const templates = await readTemplateSet(OFFICIAL_TEMPLATES_DIR);
  assertReplays(OFFICIAL_BEFORE, templates.defaults as Defaults);
  const ddpm = resolveSampling(templates.defaults as Defaults, { guidanceScale: 5, steps: 100, sampler: 'ddpm' }, 1000);
  assert.equal(ddpm.respacing, '100');
  assert.equal(ddpm.upsamplerRespacing, 'fast27');
});

test("a sampler's own settings fall back to the defaults' key by key; a step count keeps its spacing's family", () => {
  const d: Defaults = { guidanceScale: 3, sampler: 'dpmpp2m', eta: 0, baseRespacing: 'trailing10', upsamplerRespacing: 'logsnr6', samplers: { ddim: { baseRespacing: 'ddim25', eta: 0.5 } } };
  assert.deepEqual(resolveSampling(d, {}, 1000), { resolved: { guidanceScale: 3, steps: 10, sampler: 'dpmpp2m' }, respacing: 'trailing10', eta: 0, upsamplerRespacing: 'logsnr6', upsamplerStart: undefined, upsamplerSampler: 'dpmpp2m', upsamplerEta: 0, fillPatches: false, fillTexture: false, backgroundTexture: false, largePass: null });
  assert.deepEqual(resolveSampling(d, { steps: 8 }, 1000).respacing, 'trailing8');
  assert.deepEqual(resolveSampling(d, { sampler: 'ddim' }, 1000), { resolved: { guidanceScale: 3, steps: 25, sampler: 'ddim' }, respacing: 'ddim25', eta: 0.5, upsamplerRespacing: 'logsnr6', upsamplerStart: undefined, upsamplerSampler: 'ddim', upsamplerEta: 0.5, fillPatches: false, fillTexture: false, backgroundTexture: false, largePass: null });
  assert.equal(resolveSampling(d, { sampler: 'ddim', steps: 10 }, 1000).respacing, 'ddim10');
  assert.equal(resolveSampling(d, { sampler: 'ddpm' }, 1000).respacing, 'trailing10', 'a sampler without settings of its own takes the defaults');
  // An upsampler with a sampler of its own keeps it whatever the base runs.
  const own: Defaults = { ...d, upsamplerSampler: { sampler: 'ddim', eta: 0.5 } };
  for (const sampler of ['dpmpp2m', 'ddim', 'ddpm'] as const) {
    const r = resolveSampling(own, { sampler }, 1000);
    assert.deepEqual([r.resolved.sampler, r.upsamplerSampler, r.upsamplerEta], [sampler, 'ddim', 0.5]);
  }
  // A sampler's own upsampler settings (an old recipe's, after the upsampler's defaults changed) win over them.
  const upChanged: Defaults = {
    ...d, upsamplerRespacing: 'logsnr3', upsamplerStart: 401, upsamplerSampler: { sampler: 'dpmpp2m', eta: 0 },
    samplers: { ddim: { baseRespacing: 'ddim25', eta: 0.5, upsamplerRespacing: 'ddim5', upsamplerStart: 500, upsamplerSampler: { sampler: 'ddim', eta: 0.5 } } },
  };
  const pick = (r: ReturnType<typeof resolveSampling>) => [r.upsamplerRespacing, r.upsamplerStart, r.upsamplerSampler, r.upsamplerEta];
  assert.deepEqual(pick(resolveSampling(upChanged, { sampler: 'ddim' }, 1000)), ['ddim5', 500, 'ddim', 0.5]);
  // Fewer steps for large passes: the defaults' unless the sampler's own says none (a recipe from before them).
  const large = { pixels: 250000, respacing: 'trailing2' };
  const withLarge: Defaults = { ...upChanged, largePass: large, samplers: { ddim: { ...upChanged.samplers!.ddim, largePass: null } } };
  assert.deepEqual(resolveSampling(withLarge, {}, 1000).largePass, large);
  assert.equal(resolveSampling(withLarge, { sampler: 'ddim' }, 1000).largePass, null);
  assert.deepEqual(pick(resolveSampling(upChanged, {}, 1000)), ['logsnr3', 401, 'dpmpp2m', 0]);
  assert.deepEqual(pick(resolveSampling(upChanged, { sampler: 'ddpm' }, 1000)), ['logsnr3', 401, 'dpmpp2m', 0]);
});

/** One edit through runEdit (the engine's own path) on CHELSEA; its recipe settings and patch bytes. */
async function edit(bundleDir: string, settings: Partial<EditSettings>): Promise<{ recipe: ResolvedSettings; png: Buffer }> {
  const bundle = await loadBundle(bundleDir, { provider: 'cpu' });
  try {
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'recipe-replay-'));
    const mask = new Uint8Array(await ellipseMask(451, 300, { x: 150, y: 80, width: 120, height: 100 }));
    const result = await runEdit(bundle, {
      type: 'edit', id: 'replay', source: { imagePath: CHELSEA, patches: [] }, mask, softMask: false, outDir,
      settings: { prompt: 'a red circle', seed: 5, candidates: 1, preview: false, ...settings },
    }, new AbortController().signal, () => {});
    return { recipe: result.settings, png: readFileSync(result.candidates[0].path) };
  } finally {
    await bundle.release();
  }
}

test('byte for byte: an edit made under the default model\'s old defaults, replayed from its recipe under the new ones', { skip: existsSync(path.join(DEFAULT_BUNDLE_DIR, 'bundle.json')) ? false : 'models/default is absent' }, async () => {
  // Only the sampling defaults are the old ones: a change of the others (detailGainMax since then) is another
  // bundle.json, so another model version to a recipe (its model.sha256), not a sampler change.
  const { manifest: shipped } = await readManifest(DEFAULT_BUNDLE_DIR);
  // (The texture settings are sampling too: a recipe from before them ran without.)
  const { guidanceScale, sampler, eta, baseRespacing, samplers, upsamplerSampler, fillPatches, fillTexture, backgroundTexture, ...others } = shipped.defaults;
  const ran = await edit(withDefaults(DEFAULT_BUNDLE_DIR, { ...others, ...DEFAULT_MODEL_BEFORE }), {});
  assert.deepEqual(ran.recipe, { guidanceScale: 4, steps: 25, sampler: 'ddim', detail: 'standard' });
  const replayed = await edit(DEFAULT_BUNDLE_DIR, ran.recipe);
  assert.deepEqual(replayed.recipe, ran.recipe);
  assert.ok(replayed.png.equals(ran.png), 'the same patch bytes');
  const now = await edit(DEFAULT_BUNDLE_DIR, {});
  const { manifest } = await readManifest(DEFAULT_BUNDLE_DIR);
  assert.equal(now.recipe.sampler, manifest.defaults.sampler, 'without a recipe: the new default');
});

test("byte for byte, both stages (tiny graphs): a notebook recipe replayed under OpenAI's bundles' new defaults", async () => {
  const templates = await readTemplateSet(OFFICIAL_TEMPLATES_DIR);
  const tiny = tinyBundleDir();
  const ran = await edit(withDefaults(tiny, OFFICIAL_BEFORE), { steps: 4 });
  assert.deepEqual(ran.recipe, { guidanceScale: 5, steps: 4, sampler: 'ddpm' });
  const replayed = await edit(withDefaults(tiny, templates.defaults), ran.recipe);
  assert.ok(replayed.png.equals(ran.png), 'the same patch bytes');
});
