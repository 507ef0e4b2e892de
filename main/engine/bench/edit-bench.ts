/**
 * End-to-end edit time on a 1 MP and a 12 MP photo, prompt to pasted result, through the engine process
 * as the app runs it (EngineHost + a forked engine): per stage (the base, the upsampler's passes) and per
 * edit, at each Detail setting; the default sampler against each other one the bundle gives settings of
 * (defaults.samplers), alternately in the same process; and the engine process's peak resident memory.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { EngineHost, nodeEngineLauncher } from '../../engine-host/engine-host.ts';
import { readManifest } from '../bundle/load.ts';
import type { Detail, SamplerName } from '../protocol.ts';
import type { Bench, Figure } from './figures.ts';

const PHOTO = '/usr/lib/python3/dist-packages/skimage/data/coffee.png'; // CC0 (scikit-image's data)
/** The sizes an edit is timed at, with the hole's radius (the real-photo evaluation's hole sizes). */
const SCALES = [
  { label: '1 MP', width: 1280, height: 800, r: 160 },
  { label: '12 MP', width: 4000, height: 3000, r: 400 },
];

/** A JPEG made by scaling a real photo, and a mask with a disc of radius `r` at its centre. */
async function makeInputs(dir: string, width: number, height: number, r: number): Promise<{ photo: string; mask: Uint8Array }> {
  const photo = path.join(dir, `photo-${width}x${height}.jpg`);
  await sharp(PHOTO).resize(width, height, { fit: 'fill' }).jpeg({ quality: 92 }).toFile(photo);
  const m = Buffer.alloc(width * height);
  const cx = width / 2;
  const cy = height / 2;
  for (let y = Math.floor(cy - r); y < cy + r; y++) {
    for (let x = Math.floor(cx - r); x < cx + r; x++) if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) m[y * width + x] = 255;
  }
  const mask = await sharp(m, { raw: { width, height, channels: 1 } }).png().toBuffer();
  return { photo, mask: new Uint8Array(mask) };
}
/** The peak resident set of a Linux process (VmHWM), in MiB; undefined elsewhere. */
function peakRssMiB(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const editBench: Bench = {
  title: 'End-to-end edit on a 12 MP photo (engine process, CPU)',
  async run(ctx) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-engine-'));
    const host = new EngineHost(nodeEngineLauncher());
    const figures: Figure[] = [];
    try {
      await host.start();
      const t0 = performance.now();
      const loaded = await host.load(ctx.bundleDir, 'cpu');
      figures.push({ name: 'bundle load (sessions created, checksums)', value: performance.now() - t0, unit: 'ms' });
      const { defaults } = loaded.bundle;
      const details: (Detail | undefined)[] = loaded.bundle.stages.includes('upsampler') && defaults.detail ? ['standard', 'high'] : [undefined];
      for (const scale of SCALES) {
        const { photo, mask } = await makeInputs(dir, scale.width, scale.height, scale.r);
        for (const detail of details) {
          // Time per stage: from the edit's start (or the stage's first event) to its last step's event.
          const stageMs = new Map<string, number>();
          const steps = new Map<string, number>();
          let last = performance.now();
          let key = '';
          const t1 = performance.now();
          const { done } = host.edit(
            { source: { imagePath: photo }, mask, outDir: dir, settings: { prompt: 'a red circle', seed: 1, candidates: 1, preview: false, ...(detail ? { detail } : {}) } },
            (p) => {
              const now = performance.now();
              if (p.step === 1) key = p.stage === 'base' ? 'base' : `upsampler pass ${(stageMs.size)}`;
              stageMs.set(key, (stageMs.get(key) ?? 0) + now - last);
              steps.set(key, p.totalSteps);
              last = now;
            },
          );
          const result = await done;
          const total = performance.now() - t1;
          const what = `${scale.label} photo, hole ${2 * scale.r} px${detail ? `, Detail ${detail}` : ''}`;
          for (const [stage, ms] of stageMs) figures.push({ name: `${what}: ${stage}`, value: ms, unit: 'ms', note: `${steps.get(stage)} steps (the first includes cutting the crop)` });
          figures.push({
            name: `${what}: whole edit`,
            value: total,
            unit: 'ms',
            note: `engine ${result.millis} ms, sampling ${result.inferenceMs ?? '?'} ms; ${defaults.sampler}, guidance ${defaults.guidanceScale}`,
          });
        }
      }
      // The default against each other sampler the bundle gives settings of (defaults.samplers: e.g. the
      // DDIM it defaulted to before, as an old recipe replays), on the 1 MP photo, alternately, best of 2.
      const { manifest } = await readManifest(ctx.bundleDir);
      const others = Object.keys(manifest.defaults.samplers ?? {}).filter((s) => s !== defaults.sampler) as SamplerName[];
      if (others.length) {
        const { label, width, height, r } = SCALES[0];
        const { photo, mask } = await makeInputs(dir, width, height, r);
        const runs = new Map<SamplerName, { wallMs: number; inferenceMs: number; steps: number }[]>();
        for (let round = 0; round < 2; round++) {
          for (const sampler of [defaults.sampler, ...others]) {
            let steps = 0;
            const t1 = performance.now();
            const { done } = host.edit(
              { source: { imagePath: photo }, mask, outDir: dir, settings: { prompt: 'a red circle', seed: 1, candidates: 1, preview: false, sampler } },
              (p) => { if (p.stage === 'base') steps = p.totalSteps; },
            );
            const result = await done;
            runs.set(sampler, [...(runs.get(sampler) ?? []), { wallMs: performance.now() - t1, inferenceMs: result.inferenceMs ?? Number.NaN, steps }]);
          }
        }
        const best = (sampler: SamplerName) => {
          const rs = runs.get(sampler)!;
          return { wallMs: Math.min(...rs.map((x) => x.wallMs)), inferenceMs: Math.min(...rs.map((x) => x.inferenceMs)), steps: rs[0].steps };
        };
        const mine = best(defaults.sampler);
        for (const sampler of others) {
          const other = best(sampler);
          const own = manifest.defaults.samplers?.[sampler];
          const how = `${other.steps} base steps (${own?.baseRespacing ?? manifest.defaults.baseRespacing}, eta ${own?.eta ?? manifest.defaults.eta})`;
          figures.push(
            { name: `${label}: ${defaults.sampler} (default) / ${sampler}, whole edit`, value: mine.wallMs / other.wallMs, unit: 'x', note: `${mine.wallMs.toFixed(0)} / ${other.wallMs.toFixed(0)} ms, best of 2, alternating; ${sampler}: ${how}` },
            { name: `${label}: ${defaults.sampler} (default) / ${sampler}, sampling`, value: mine.inferenceMs / other.inferenceMs, unit: 'x', note: `${mine.inferenceMs.toFixed(0)} / ${other.inferenceMs.toFixed(0)} ms (the engine's inferenceMs)` },
          );
        }
      }
      const rss = peakRssMiB(host.pid);
      if (rss !== undefined) figures.push({ name: 'engine process peak RSS', value: rss, unit: 'MiB', note: 'VmHWM after load and both edits' });
    } finally {
      await host.stop();
    }
    return figures;
  },
};
