/**
 * Per-step denoiser time at batch 2 (prompt + empty prompt: one guided step), in this process on the
 * CPU provider, with the bundle's own sessions. Inputs are random: the compute does not depend on them.
 */
import * as ort from 'onnxruntime-node';
import { loadBundle, type StageGraphs } from '../bundle/load.ts';
import { SeededNoise } from '../rng.ts';
import { type Bench, type Figure, median } from './figures.ts';

const WARMUP = 2;
const RUNS = 8;

function feeds(g: StageGraphs, batch: number): Record<string, ort.Tensor> {
  const noise = new SeededNoise(1);
  const s = g.stage;
  const f32 = (dims: number[]) => new ort.Tensor('float32', noise.fill(new Float32Array(dims.reduce((a, b) => a * b))), dims);
  const out: Record<string, ort.Tensor> = {
    x_t: f32([batch, 3, s.imageSize, s.imageSize]),
    timesteps: new ort.Tensor('int64', new BigInt64Array(batch).fill(500n), [batch]),
    xf_proj: f32([batch, s.embDim]),
    xf_out: f32([batch, s.xfWidth, s.textCtx]),
    inpaint_image: f32([batch, 3, s.imageSize, s.imageSize]),
    inpaint_mask: new ort.Tensor('float32', new Float32Array(batch * s.imageSize * s.imageSize).fill(1), [batch, 1, s.imageSize, s.imageSize]),
  };
  if (s.lowResSize) out.low_res = f32([batch, 3, s.lowResSize, s.lowResSize]);
  return out;
}

export const denoiserStepBench: Bench = {
  title: 'Denoiser step, batch 2 (onnxruntime-node, CPU, in process)',
  async run(ctx) {
    const bundle = await loadBundle(ctx.bundleDir, { provider: 'cpu' });
    const figures: Figure[] = [];
    try {
      for (const g of [bundle.stages.base, bundle.stages.upsampler]) {
        if (!g) continue;
        const input = feeds(g, 2);
        for (let i = 0; i < WARMUP; i++) await g.denoiser.run(input);
        const times: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const t0 = performance.now();
          await g.denoiser.run(input);
          times.push(performance.now() - t0);
        }
        figures.push({
          name: `${g.name} denoiser step (${g.stage.imageSize} px, batch 2)`,
          value: median(times),
          unit: 'ms',
          note: `median of ${RUNS}; min ${Math.min(...times).toFixed(1)}, ${g.stage.parameters.toLocaleString('en')} params`,
        });
      }
    } finally {
      await bundle.release();
    }
    return figures;
  },
};
