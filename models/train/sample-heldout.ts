/**
 * Samples the held-out evaluation scenes with the engine itself, at the bundle's default settings
 * (or another guidance scale, to choose the default): each scene with its caption, then (the first
 * n-empty scenes) with the empty prompt.
 *
 *   npx tsx models/train/sample-heldout.ts <bundle dir> <scenes.npz> <generated.npy> <generated-empty.npy> [n-empty] [guidance]
 *
 * RESPACING=ddim50 (say) samples another spacing of the base stage than the bundle's; SAMPLER=ddpm and
 * ETA=1 another sampler and eta (DDIM's, or DPM-Solver++'s SDE noise; a sampler other than the default takes
 * its own spacing and eta from the bundle's defaults.samplers unless these are given); SEAM_TONE=0/1 turns the seam tone matching off/on.
 * THREADS=1 runs onnxruntime on one thread (default: one per core), for a sweep that shares the machine.
 * Only the base stage runs, as an edit runs it (its sampler, spacing, eta, guidance, seam tone, Fill guide):
 * the scenes are at its size (64 px), and the upsampler of a cascade bundle would only enlarge them.
 * Writes float32 [N,3,S,S] arrays in [-1, 1] for models/train/evaluate.py to score.
 */
import { writeFileSync } from 'node:fs';
import { loadBundle } from '../../main/engine/bundle/load.ts';
import { inpaint } from '../../main/engine/pipeline.ts';
import { sessionOptions } from '../../main/engine/providers.ts';
import { resolveSampling } from '../../main/engine/process/run-edit.ts';
import { spaceTimesteps } from '../../main/engine/sampler.ts';
import { loadNpz, npzArray } from '../../test-support/npz.ts';

function writeNpy(path: string, data: Float32Array, shape: number[]): void {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')},), }`;
  header += ' '.repeat(63 - ((header.length + 10) % 64)) + '\n'; // pad the header to a multiple of 64
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head.writeUInt16LE(header.length, 8);
  writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

const [bundleDir, scenesPath, outPath, emptyOutPath, nEmptyArg, guidanceArg] = process.argv.slice(2);
if (!emptyOutPath) throw new Error('usage: sample-heldout.ts <bundle dir> <scenes.npz> <generated.npy> <generated-empty.npy> [n-empty] [guidance]');

const threads = process.env.THREADS ? Number(process.env.THREADS) : undefined;
if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new Error(`THREADS=${process.env.THREADS} is not a whole number >= 1`);
const cpu = { name: 'cpu' as const, reason: 'CPU (held-out evaluation)', sessionOptions: { ...sessionOptions('cpu'), ...(threads ? { intraOpNumThreads: threads } : {}) } };
const loaded = await loadBundle(bundleDir, { provider: cpu });
// The base stage alone (pipeline.ts runs no upsampler pass for a bundle without one).
const bundle = { manifest: loaded.manifest, stages: { base: loaded.stages.base } };
const d = bundle.manifest.defaults;
const sampler = (process.env.SAMPLER ?? d.sampler) as typeof d.sampler;
// The sampler's own spacing and eta where the bundle gives them (defaults.samplers), as an edit gets them.
const own = resolveSampling(d, { sampler }, bundle.manifest.stages.base.diffusionSteps);
const respacing = process.env.RESPACING ?? own.respacing;
const eta = process.env.ETA ? Number(process.env.ETA) : own.eta;
// SEAM_TONE_SIGMA, SEAM_TONE_ITERATIONS and SEAM_TONE_EXTRAPOLATE set the tone matching's options.
const toneOptions = {
  ...(process.env.SEAM_TONE_SIGMA ? { borderSigma: Number(process.env.SEAM_TONE_SIGMA) } : {}),
  ...(process.env.SEAM_TONE_ITERATIONS ? { iterations: Number(process.env.SEAM_TONE_ITERATIONS) } : {}),
  ...(process.env.SEAM_TONE_EXTRAPOLATE ? { extrapolate: process.env.SEAM_TONE_EXTRAPOLATE === '1' } : {}),
};
const toneOn = process.env.SEAM_TONE ? process.env.SEAM_TONE === '1' : (d.seamTone ?? false);
const seamTone = toneOn ? (Object.keys(toneOptions).length ? toneOptions : true) : false;
const steps = spaceTimesteps(bundle.manifest.stages.base.diffusionSteps, respacing).length;
const scenes = loadNpz(scenesPath);
const images = npzArray(scenes, 'image', '<f4');
const masks = npzArray(scenes, 'mask', '<f4');
const captions = scenes.caption.data as string[];
const [n, , size] = images.shape;
const px = 3 * size * size;
const nEmpty = Math.min(n, Number(nEmptyArg ?? n));
const guidanceScale = guidanceArg ? Number(guidanceArg) : d.guidanceScale;
if (!(guidanceScale >= 0)) throw new Error(`guidance ${guidanceArg} is not a number >= 0`);
console.log(`${bundle.manifest.name}: ${n} scenes, ${sampler} ${steps} steps (${respacing}, eta ${eta}), guidance ${guidanceScale}, seam tone ${JSON.stringify(seamTone)}`);

async function sampleAll(count: number, prompt: (i: number) => string, path: string): Promise<void> {
  const out = new Float32Array(count * px);
  const t0 = Date.now();
  for (let i = 0; i < count; i++) {
    const result = await inpaint(bundle, {
      image: images.data.subarray(i * px, (i + 1) * px),
      mask: masks.data.subarray(i * size * size, (i + 1) * size * size),
      prompt: prompt(i),
      guidanceScale,
      steps,
      respacing,
      sampler,
      eta,
      seamTone,
      seed: i,
    });
    out.set(result.baseImage, i * px);
    if ((i + 1) % 20 === 0) console.log(`  ${i + 1}/${count} (${((Date.now() - t0) / (i + 1)).toFixed(0)} ms per scene)`);
  }
  writeNpy(path, out, [count, 3, size, size]);
}

await sampleAll(n, (i) => captions[i], outPath);
// What was sampled, for the score step to record with its figures.
writeFileSync(outPath.replace(/\.npy$/, '.settings.json'), JSON.stringify({ bundle: bundleDir, sampler, respacing, steps, eta, guidanceScale, seamTone }));
await sampleAll(nEmpty, () => '', emptyOutPath);
await loaded.release();
