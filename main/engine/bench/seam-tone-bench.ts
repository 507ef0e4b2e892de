/**
 * What seam tone matching (main/engine/seam-tone.ts) costs: the base stage at the bundle's default
 * settings on one model-sized scene with a large hole, with and without it, in this process.
 */
import { loadBundle } from '../bundle/load.ts';
import { inpaint } from '../pipeline.ts';
import { spaceTimesteps } from '../sampler.ts';
import { type Bench, type Figure, median } from './figures.ts';

const RUNS = 7;

export const seamToneBench: Bench = {
  title: 'Seam tone matching (base stage at model size, CPU)',
  async run(ctx) {
    const bundle = await loadBundle(ctx.bundleDir, { provider: 'cpu' });
    try {
      const { defaults, stages } = bundle.manifest;
      const size = stages.base.imageSize;
      const plane = size * size;
      const image = new Float32Array(3 * plane);
      const mask = new Float32Array(plane).fill(1);
      for (let p = 0; p < plane; p++) {
        const y = Math.floor(p / size), x = p % size;
        image[p] = y / size - 0.5;
        image[plane + p] = 0.2;
        image[2 * plane + p] = x / size - 0.3;
        // A hole of about half the image, as the larger masks of the held-out scenes.
        if (x >= size / 8 && x < (7 * size) / 8 && y >= size / 6 && y < (5 * size) / 6) mask[p] = 0;
      }
      const respacing = defaults.baseRespacing;
      const steps = spaceTimesteps(stages.base.diffusionSteps, respacing).length;
      const time = async (seamTone: boolean) => {
        const ms: number[] = [];
        for (let r = 0; r < RUNS; r++) {
          const t0 = performance.now();
          await inpaint(bundle, { image, mask, prompt: 'a red circle', guidanceScale: defaults.guidanceScale, steps, respacing, sampler: defaults.sampler, seed: r, seamTone });
          ms.push(performance.now() - t0);
        }
        return median(ms);
      };
      await time(false); // warm-up
      const off = await time(false);
      const on = await time(true);
      const note = `${steps} steps, ${size} px, a ${Math.round((100 * mask.filter((v) => v === 0).length) / plane)}% hole, median of ${RUNS}; the bundle's default: ${defaults.seamTone ? 'on' : 'off'}`;
      const figures: Figure[] = [
        { name: 'base stage without seam tone matching', value: off, unit: 'ms', note },
        { name: 'base stage with seam tone matching', value: on, unit: 'ms' },
        { name: 'seam tone matching cost', value: on - off, unit: 'ms', note: `${((100 * (on - off)) / off).toFixed(0)}%` },
      ];
      return figures;
    } finally {
      await bundle.release();
    }
  },
};
