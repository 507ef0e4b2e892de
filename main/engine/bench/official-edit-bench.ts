/**
 * A full base + upsampler inpaint at OpenAI's model size (random weights: the same compute as the real
 * ones) at the bundle's defaults, timed end to end in this process, with the time of one step of each
 * stage and what GLIDE's notebook settings (100 base steps, 27 upsampler steps) cost at those step times.
 *
 * Needs the random-weight bundle in .work/official-random-bundle (3.2 GB; about 10 minutes to make):
 *   /usr/bin/python3 -m models.glide.random_checkpoints .work/official-random
 *   npm run models:convert-glide -- .work/official-random --out .work/official-random-bundle
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadBundle } from '../bundle/load.ts';
import { inpaint } from '../pipeline.ts';
import { SeededNoise } from '../rng.ts';
import { spaceTimesteps } from '../sampler.ts';
import type { StageProgress } from '../stage-runner.ts';
import type { Bench, Figure } from './figures.ts';

const REPO = path.resolve(import.meta.dirname, '../../..');
export const OFFICIAL_RANDOM_BUNDLE = path.join(REPO, '.work/official-random-bundle');

/** A crop at `size` (smooth random image) and a keep-mask with a centred square hole of half its side. */
function inputs(size: number): { image: Float32Array; mask: Float32Array } {
  const noise = new SeededNoise(3).next({ stage: 'base', kind: 'start' }, 3 * size * size);
  const image = noise.map((v) => Math.tanh(0.3 * v));
  const mask = new Float32Array(size * size).fill(1);
  for (let y = size / 4; y < (3 * size) / 4; y++) for (let x = size / 4; x < (3 * size) / 4; x++) mask[y * size + x] = 0;
  return { image, mask };
}

export const officialEditBench: Bench = {
  title: 'Official-size bundle (random weights): full base + upsampler inpaint at its defaults, CPU',
  async run() {
    if (!existsSync(path.join(OFFICIAL_RANDOM_BUNDLE, 'bundle.json'))) {
      console.log(`\n(skipped: no random-weight official-size bundle at ${OFFICIAL_RANDOM_BUNDLE}; see main/engine/bench/official-edit-bench.ts to make it)`);
      return [];
    }
    const bundle = await loadBundle(OFFICIAL_RANDOM_BUNDLE, { provider: 'cpu' });
    try {
      const { defaults, stages } = bundle.manifest;
      const up = stages.upsampler;
      if (!up) throw new Error(`${OFFICIAL_RANDOM_BUNDLE} has no upsampler stage`);
      const baseSteps = spaceTimesteps(stages.base.diffusionSteps, defaults.baseRespacing).length;
      const upRespacing = defaults.upsamplerRespacing ?? 'fast27';
      const upSteps = spaceTimesteps(up.diffusionSteps, upRespacing, up.noiseSchedule).length;
      const base = inputs(stages.base.imageSize);
      const stepTimes: Record<string, number[]> = { base: [], upsampler: [] };
      // CPU time per step (this process, all threads): what a busy machine stretches far less than wall time.
      const stepCpu: Record<string, number[]> = { base: [], upsampler: [] };
      let last = 0;
      let lastCpu = process.cpuUsage();
      const onProgress = (p: StageProgress) => {
        const now = performance.now();
        const cpuNow = process.cpuUsage();
        if (p.step > 1) { // the first step of a stage also runs its text encoder
          stepTimes[p.stage].push(now - last);
          stepCpu[p.stage].push((cpuNow.user - lastCpu.user + cpuNow.system - lastCpu.system) / 1000);
        }
        last = now;
        lastCpu = cpuNow;
      };
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      last = t0;
      lastCpu = cpu0;
      await inpaint(bundle, {
        ...base,
        upsampler: [{ size: up.imageSize, ...inputs(up.imageSize) }],
        prompt: 'a red circle',
        guidanceScale: defaults.guidanceScale,
        steps: baseSteps,
        respacing: defaults.baseRespacing,
        sampler: defaults.sampler,
        seed: 1,
      }, { onProgress });
      const total = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const cpuS = (cpu.user + cpu.system) / 1e6;
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
      const baseMs = mean(stepTimes.base), upMs = mean(stepTimes.upsampler);
      const figures: Figure[] = [
        {
          name: 'full inpaint at the defaults',
          value: total / 1000,
          unit: 's',
          note: `${defaults.sampler}: base ${defaults.baseRespacing} (${baseSteps} steps, guidance ${defaults.guidanceScale}), upsampler ${upRespacing} (${upSteps} steps); target <= 90 s on 2 cores`,
        },
        {
          name: '  its CPU time (all threads)',
          value: cpuS,
          unit: 's',
          note: `${(cpuS / (total / 1000)).toFixed(2)} cores busy on average; load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores (on a busy machine wall time is mostly waiting)`,
        },
        { name: 'base step (batch 2, 64 px)', value: baseMs, unit: 'ms', note: `mean of ${stepTimes.base.length}; CPU ${mean(stepCpu.base).toFixed(0)} ms (all threads)` },
        { name: 'upsampler step (batch 1, 256 px)', value: upMs, unit: 'ms', note: `mean of ${stepTimes.upsampler.length}; CPU ${mean(stepCpu.upsampler).toFixed(0)} ms (all threads)` },
        { name: "GLIDE notebook's 100 + 27 steps at these step times", value: (100 * baseMs + 27 * upMs) / 1000, unit: 's', note: 'estimate, text encoders left out' },
      ];
      return figures;
    } finally {
      await bundle.release();
    }
  },
};
