/**
 * The pipeline on the shipped default model (models/default): what its bundle defaults turn on.
 * Seam tone matching (seam-tone.ts): with it, the hole's border continues the context's tone.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { type LoadedBundle, loadBundle } from './bundle/load.ts';
import { type InpaintRequest, inpaint } from './pipeline.ts';
import { spaceTimesteps } from './sampler.ts';
import { DEFAULT_BUNDLE_DIR } from '../../test-support/paths.ts';

const S = 64;
const PX = S * S;
const hasDefault = existsSync(path.join(DEFAULT_BUNDLE_DIR, 'bundle.json'));
let loaded: LoadedBundle;
/** The base stage alone: what these tests look at is sampled at 64 px (the cascade has its own test). */
let bundle: Pick<LoadedBundle, 'manifest' | 'stages'>;

before(async () => {
  if (!hasDefault) return;
  loaded = await loadBundle(DEFAULT_BUNDLE_DIR, { provider: 'cpu' });
  bundle = { manifest: loaded.manifest, stages: { base: loaded.stages.base } };
});
after(async () => loaded?.release());

/** A sky-like scene: blue to pale, left to right a little warmer; a large rectangular hole. */
function scene(): { image: Float32Array; mask: Float32Array } {
  const image = new Float32Array(3 * PX);
  const mask = new Float32Array(PX).fill(1);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const p = y * S + x;
      const v = y / S, u = x / S;
      image[p] = -0.5 + 0.9 * v + 0.2 * u;
      image[PX + p] = -0.2 + 0.7 * v;
      image[2 * PX + p] = 0.6 + 0.2 * v;
      if (x >= 10 && x < 54 && y >= 12 && y < 50) mask[p] = 0;
    }
  }
  return { image, mask };
}

/**
 * How far the hole's border pixels are from continuing the context: mean |p - (2q - q')| over the
 * border's edges and channels, in 8-bit levels (q the known pixel next to hole pixel p, q' the next one
 * out; on this smooth scene the context's gradient goes on linearly).
 */
function borderMismatch(out: Float32Array, mask: Float32Array): number {
  let sum = 0, n = 0;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const p = y * S + x;
      if (mask[p] >= 0.5) continue;
      for (const [dy, dx] of [[-1, 0], [1, 0], [0, -1], [0, 1]]) {
        const [qy, qx, oy, ox] = [y + dy, x + dx, y + 2 * dy, x + 2 * dx];
        if (oy < 0 || oy >= S || ox < 0 || ox >= S) continue;
        const q = qy * S + qx, o = oy * S + ox;
        if (mask[q] < 0.5 || mask[o] < 0.5) continue;
        for (let c = 0; c < 3; c++) { sum += Math.abs(out[c * PX + p] - (2 * out[c * PX + q] - out[c * PX + o])) * 127.5; n++; }
      }
    }
  }
  return sum / n;
}

test('seam tone matching is the default model\'s default, and the hole\'s border continues the context', { skip: hasDefault ? false : 'models/default is absent' }, async (t) => {
  assert.equal(bundle.manifest.defaults.seamTone, true);
  const { image, mask } = scene();
  const d = bundle.manifest.defaults;
  const request = (seed: number, seamTone?: boolean): InpaintRequest => ({
    image, mask, prompt: 'a red circle', guidanceScale: d.guidanceScale, respacing: d.baseRespacing,
    steps: spaceTimesteps(bundle.manifest.stages.base.diffusionSteps, d.baseRespacing).length, sampler: d.sampler, seed, seamTone,
  });
  const off: number[] = [], on: number[] = [];
  for (const seed of [0, 1, 2]) {
    const byDefault = (await inpaint(bundle, request(seed))).image;
    // Which seam setting applies does not depend on the seed: one explicit run shows the default is it.
    if (seed === 0) assert.deepEqual(byDefault, (await inpaint(bundle, request(seed, true))).image, 'the default is the matched run');
    on.push(borderMismatch(byDefault, mask));
    off.push(borderMismatch((await inpaint(bundle, request(seed, false))).image, mask));
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  t.diagnostic(`border mismatch (levels) without / with tone matching: ${off.map((v) => v.toFixed(1)).join(', ')} / ${on.map((v) => v.toFixed(1)).join(', ')}`);
  assert.ok(mean(on) < 0.5 * mean(off), `border mismatch ${mean(off).toFixed(1)} -> ${mean(on).toFixed(1)} levels`);
});
