/**
 * The same denoisers in PyTorch on this machine (models/glide/bench_torch.py), the ORT/PyTorch ratio,
 * and the official-size base denoiser (random weights, same compute) in ORT against the CPU's measured
 * matrix-multiply peak. Runs after denoiserStepBench, whose figures it reads.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { sessionOptions } from '../providers.ts';
import { SeededNoise } from '../rng.ts';
import { type Bench, type Figure, median } from './figures.ts';

interface TorchResult {
  threads: number;
  gemmGflops: number;
  stages: Record<string, { torchMs: number; gflops: number }>;
  official?: { graph: string; imageSize: number; embDim: number; xfWidth: number; textCtx: number; torchMs: number; gflops: number };
}

const REPO = path.resolve(import.meta.dirname, '../../..');
const OFFICIAL_DIR = path.join(REPO, '.work/official-size');

function runTorch(bundleDir: string): TorchResult {
  // Benchmarks only: OpenBLAS's forced Haswell kernels halve GEMM speed on these machines.
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const out = execFileSync('/usr/bin/python3', ['-m', 'models.glide.bench_torch', bundleDir, '--official-dir', OFFICIAL_DIR], {
    cwd: REPO,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop()!) as TorchResult;
}

async function timeOfficialOrt(o: NonNullable<TorchResult['official']>): Promise<number[]> {
  const session = await ort.InferenceSession.create(o.graph, sessionOptions('cpu'));
  const noise = new SeededNoise(2);
  const f32 = (dims: number[]) => new ort.Tensor('float32', noise.fill(new Float32Array(dims.reduce((a, b) => a * b))), dims);
  const s = o.imageSize;
  const feeds = {
    x_t: f32([2, 3, s, s]),
    timesteps: new ort.Tensor('int64', new BigInt64Array(2).fill(500n), [2]),
    xf_proj: f32([2, o.embDim]),
    xf_out: f32([2, o.xfWidth, o.textCtx]),
    inpaint_image: f32([2, 3, s, s]),
    inpaint_mask: new ort.Tensor('float32', new Float32Array(2 * s * s).fill(1), [2, 1, s, s]),
  };
  await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t0);
  }
  await session.release();
  return times;
}

export const pytorchBench: Bench = {
  title: 'PyTorch comparison and official-size graphs',
  async run(ctx) {
    const torch = runTorch(ctx.bundleDir);
    const figures: Figure[] = [
      { name: 'CPU matrix-multiply peak (torch, 2048^3)', value: torch.gemmGflops, unit: 'GFLOP/s', note: `${torch.threads} threads` },
    ];
    for (const [stage, t] of Object.entries(torch.stages)) {
      const ort = [...ctx.figures.values()].find((f) => f.name.startsWith(`${stage} denoiser step`));
      figures.push({ name: `${stage} denoiser step in PyTorch (batch 2)`, value: t.torchMs, unit: 'ms', note: `${t.gflops} GFLOP a call` });
      if (ort) figures.push({ name: `${stage} denoiser ORT / PyTorch`, value: ort.value / t.torchMs, unit: 'x', note: 'target <= 0.6' });
    }
    if (torch.official) {
      const o = torch.official;
      const ms = median(await timeOfficialOrt(o));
      const boundMs = (o.gflops / torch.gemmGflops) * 1000;
      figures.push(
        { name: 'official base denoiser step in ORT (64 px, batch 2)', value: ms, unit: 'ms', note: `${o.gflops} GFLOP a call; median of 3` },
        { name: 'official base denoiser step in PyTorch (batch 2)', value: o.torchMs, unit: 'ms', note: `ORT / PyTorch ${(ms / o.torchMs).toFixed(2)}x` },
        { name: 'official base denoiser: FLOP-bound time at the GEMM peak', value: boundMs, unit: 'ms', note: `ORT reaches ${((boundMs / ms) * 100).toFixed(0)}% of peak` },
      );
    }
    return figures;
  },
};
