/**
 * End-to-end edit time on a 1 MP and a 12 MP photo, prompt to pasted result, through the engine process
 * as the app runs it (EngineHost + a forked engine): per stage (the base, the upsampler's passes) and per
 * edit, at each Detail setting, and the engine process's peak resident memory (editBench); the default
 * sampler against each other one the bundle gives settings of (defaults.samplers: e.g. the DDIM an old
 * recipe replays), alternately in the same process (samplerBench, `npm run bench:engine -- 'default sampler'`).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { EngineHost, nodeEngineLauncher } from '../../engine-host/engine-host.ts';
import { readManifest } from '../bundle/load.ts';
import type { Detail, SamplerName } from '../protocol.ts';
import { type Bench, type Figure, median } from './figures.ts';

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
/** CPU time a Linux process has used (user + system, all threads), in ms; NaN elsewhere. */
function cpuMs(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    // Fields after the command's closing parenthesis: state is 3rd, utime 14th, stime 15th of the line.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks, 100 a second on Linux
  } catch {
    return Number.NaN;
  }
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

/** Each edit runs this many times and the median is printed: one run on a shared 2-core machine varies by a third. */
const EDIT_ROUNDS = 3;

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
          const what = `${scale.label} photo, hole ${2 * scale.r} px${detail ? `, Detail ${detail}` : ''}`;
          // Time per stage: from the edit's start (or the stage's first event) to its last step's event.
          const stageMs = new Map<string, number[]>();
          const steps = new Map<string, number>();
          const totals: number[] = [];
          let note = '';
          for (let round = 0; round < EDIT_ROUNDS; round++) {
            let last = performance.now();
            let key = '';
            let passes = 0;
            const t1 = performance.now();
            const { done } = host.edit(
              { source: { imagePath: photo }, mask, outDir: dir, settings: { prompt: 'a red circle', seed: 1, candidates: 1, preview: false, ...(detail ? { detail } : {}) } },
              (p) => {
                const now = performance.now();
                if (p.step === 1) key = p.stage === 'base' ? 'base' : `upsampler pass ${++passes}`;
                const times = stageMs.get(key) ?? [];
                if (p.step === 1) times.push(0);
                times[times.length - 1] += now - last;
                stageMs.set(key, times);
                steps.set(key, p.totalSteps);
                last = now;
              },
            );
            const result = await done;
            totals.push(performance.now() - t1);
            note = `engine ${result.millis} ms, sampling ${result.inferenceMs ?? '?'} ms in the last round; ${defaults.sampler}, guidance ${defaults.guidanceScale}`;
          }
          const rounds = (v: number[]) => `median of ${v.length}, fastest ${Math.min(...v).toFixed(0)} ms`;
          for (const [stage, ms] of stageMs) figures.push({ name: `${what}: ${stage}`, value: median(ms), unit: 'ms', note: `${steps.get(stage)} steps (the first includes cutting the crop); ${rounds(ms)}` });
          figures.push({ name: `${what}: whole edit`, value: median(totals), unit: 'ms', note: `${rounds(totals)}; ${note}` });
        }
        // Fill (an empty prompt): the base stage, then the hole drawn from the photo's patches (fill-texture.ts) where the bundle says so.
        const fillTotals: number[] = [], afterBase: number[] = [];
        for (let round = 0; round < EDIT_ROUNDS; round++) {
          const t1 = performance.now();
          let baseDone = t1;
          const { done } = host.edit({ source: { imagePath: photo }, mask, outDir: dir, settings: { prompt: '', seed: 1, candidates: 1, preview: false } }, () => { baseDone = performance.now(); });
          await done;
          fillTotals.push(performance.now() - t1);
          afterBase.push(performance.now() - baseDone);
        }
        const fillWhat = `${scale.label} photo, hole ${2 * scale.r} px, Fill`;
        figures.push({ name: `${fillWhat}: after the last step's event`, value: median(afterBase), unit: 'ms', note: `the texture (where the bundle has fillTexture) and the paste-back; median of ${EDIT_ROUNDS}` });
        figures.push({ name: `${fillWhat}: whole edit`, value: median(fillTotals), unit: 'ms', note: `median of ${EDIT_ROUNDS}, fastest ${Math.min(...fillTotals).toFixed(0)} ms` });
      }
      const rss = peakRssMiB(host.pid);
      if (rss !== undefined) figures.push({ name: 'engine process peak RSS', value: rss, unit: 'MiB', note: 'VmHWM after load and both edits' });
    } finally {
      await host.stop();
    }
    return figures;
  },
};

/** Best of ROUNDS, alternating the samplers, so a busy machine's load falls on both alike. */
const ROUNDS = 3;

export const samplerBench: Bench = {
  title: 'Default sampler against the others the bundle gives settings of (1 MP edit, engine process, CPU)',
  async run(ctx) {
    const { manifest } = await readManifest(ctx.bundleDir);
    const { defaults } = manifest;
    const others = Object.keys(defaults.samplers ?? {}).filter((s) => s !== defaults.sampler) as SamplerName[];
    if (!others.length) {
      console.log(`\n(skipped: ${ctx.bundleDir} gives no sampler settings besides its default's, defaults.samplers)`);
      return [];
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-engine-'));
    const host = new EngineHost(nodeEngineLauncher());
    const figures: Figure[] = [];
    try {
      await host.start();
      const loadedStages = (await host.load(ctx.bundleDir, 'cpu')).bundle.stages;
      const { label, width, height, r } = SCALES[0];
      const { photo, mask } = await makeInputs(dir, width, height, r);
      type Run = { wallMs: number; inferenceMs: number; baseMs: number; cpuMs: number; steps: number };
      const runs = new Map<SamplerName, Run[]>();
      for (let round = 0; round < ROUNDS; round++) {
        for (const sampler of [defaults.sampler, ...others]) {
          let steps = 0;
          let baseEnd = 0;
          const cpu1 = cpuMs(host.pid);
          const t1 = performance.now();
          const { done } = host.edit(
            { source: { imagePath: photo }, mask, outDir: dir, settings: { prompt: 'a red circle', seed: 1, candidates: 1, preview: false, sampler } },
            (p) => { if (p.stage === 'base') { steps = p.totalSteps; baseEnd = performance.now(); } },
          );
          const result = await done;
          const wallMs = performance.now() - t1;
          runs.set(sampler, [...(runs.get(sampler) ?? []), { wallMs, inferenceMs: result.inferenceMs ?? Number.NaN, baseMs: baseEnd - t1, cpuMs: cpuMs(host.pid) - cpu1, steps }]);
        }
      }
      const best = (sampler: SamplerName): Run => {
        const rs = runs.get(sampler)!;
        const min = (k: keyof Run) => Math.min(...rs.map((x) => x[k]));
        return { wallMs: min('wallMs'), inferenceMs: min('inferenceMs'), baseMs: min('baseMs'), cpuMs: min('cpuMs'), steps: rs[0].steps };
      };
      const mine = best(defaults.sampler);
      const how = (sampler: SamplerName, steps: number) => {
        const own = defaults.samplers?.[sampler];
        const up = own?.upsamplerSampler ?? defaults.upsamplerSampler;
        const upStart = own?.upsamplerStart ?? defaults.upsamplerStart;
        const upsampler = loadedStages.includes('upsampler')
          ? ` + upsampler ${up?.sampler ?? sampler} ${own?.upsamplerRespacing ?? defaults.upsamplerRespacing}${upStart ? ` below t ${upStart}` : ''}, eta ${up?.eta ?? own?.eta ?? defaults.eta}`
          : '';
        return `${sampler} ${steps} base steps (${own?.baseRespacing ?? defaults.baseRespacing}, eta ${own?.eta ?? defaults.eta})${upsampler}`;
      };
      for (const sampler of others) {
        const other = best(sampler);
        const pair = `${how(defaults.sampler, mine.steps)} / ${how(sampler, other.steps)}; best of ${ROUNDS}, alternating`;
        figures.push(
          { name: `${label}: ${defaults.sampler} (default) / ${sampler}, whole edit`, value: mine.wallMs / other.wallMs, unit: 'x', note: `${mine.wallMs.toFixed(0)} / ${other.wallMs.toFixed(0)} ms; ${pair}` },
          { name: `${label}: ${defaults.sampler} (default) / ${sampler}, sampling`, value: mine.inferenceMs / other.inferenceMs, unit: 'x', note: `${mine.inferenceMs.toFixed(0)} / ${other.inferenceMs.toFixed(0)} ms (the engine's inferenceMs: both stages)` },
          { name: `${label}: ${defaults.sampler} (default) / ${sampler}, engine CPU`, value: mine.cpuMs / other.cpuMs, unit: 'x', note: `${mine.cpuMs.toFixed(0)} / ${other.cpuMs.toFixed(0)} ms (the engine process, all threads: what load stretches least)` },
          { name: `${label}: ${defaults.sampler} (default) / ${sampler}, to the base's last step`, value: mine.baseMs / other.baseMs, unit: 'x', note: `${mine.baseMs.toFixed(0)} / ${other.baseMs.toFixed(0)} ms from the edit's start (cutting the crop included)` },
        );
      }
    } finally {
      await host.stop();
    }
    return figures;
  },
};
