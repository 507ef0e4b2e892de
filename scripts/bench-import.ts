/**
 * `npm run bench:import [-- <folder with base_inpaint.pt and upsample_inpaint.pt>]`: converts the full-size
 * official pair with the TypeScript importer, fp32 then fp16, each in a fresh process, and prints the time,
 * the peak resident memory and the bundle sizes (no asserts). Without a folder it uses random checkpoints
 * with the official keys and shapes, written once into .work/random-official by
 * models/glide/random_checkpoints.py (about 3.1 GB). Then it loads the fp32 bundle with the engine's loader
 * (sizes, hashes, graph inputs and outputs) and times a denoiser step of each stage at batch 2 (one
 * guided step), the same compute as OpenAI's weights.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { loadBundle } from '../main/engine/bundle/load.ts';
import { importCheckpoints } from '../main/engine/checkpoint/import-checkpoints.ts';
import { OFFICIAL_TEMPLATES_DIR } from '../main/engine/checkpoint/templates.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function child(src: string, out: string, fp16: boolean): Promise<void> {
  const result = await importCheckpoints({ sourceDir: src, outDir: out, templatesDir: OFFICIAL_TEMPLATES_DIR, fp16 });
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ seconds: result.seconds, bytes: result.bytes, maxRssKiB: process.resourceUsage().maxRSS, cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3], process.argv[4], process.argv[5] === 'fp16');
  let src = process.argv[2];
  if (!src) {
    src = path.join(REPO, '.work/random-official');
    if (!existsSync(path.join(src, 'upsample_inpaint.pt'))) {
      console.log(`writing random checkpoints with the official keys and shapes to ${src} (once)`);
      execFileSync('/usr/bin/python3', ['-m', 'models.glide.random_checkpoints', src], { cwd: REPO, stdio: 'inherit' });
    }
  }
  console.log(`# bench:import  ${new Date().toISOString()}`);
  console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} x ${os.availableParallelism()}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`checkpoints: ${src}`);
  for (const fp16 of [false, true]) {
    const out = path.join(REPO, '.work', `bench-import-${fp16 ? 'fp16' : 'fp32'}`);
    await rm(out, { recursive: true, force: true });
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', src, out, fp16 ? 'fp16' : 'fp32'], {
      cwd: REPO,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (r.status !== 0) throw new Error(`conversion failed (exit ${r.status})`);
    const f = JSON.parse(r.stdout.trim().split('\n').pop()!);
    console.log(
      `${fp16 ? 'fp16' : 'fp32'} bundle: ${f.seconds.toFixed(1)} s (CPU ${f.cpuSeconds.toFixed(1)} s), peak RSS ${(f.maxRssKiB / 1024 / 1024).toFixed(2)} GiB, graphs ${(f.bytes / 1e9).toFixed(3)} GB (${out})`,
    );
  }
  await stepTimes(path.join(REPO, '.work', 'bench-import-fp32'));
}

/** Loads the converted bundle as the engine does and times one denoiser call per stage at batch 2. */
async function stepTimes(dir: string): Promise<void> {
  const t0 = performance.now();
  const bundle = await loadBundle(dir, { provider: 'cpu' });
  console.log(`loaded ${dir} with the engine's loader (hashes, graph inputs and outputs checked) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  try {
    for (const stage of Object.values(bundle.stages)) {
      const s = stage.stage;
      const batch = 2;
      const rand = (n: number) => Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
      const tokens = new ort.Tensor('int64', new BigInt64Array(batch * s.textCtx).fill(50256n), [batch, s.textCtx]);
      const mask = new ort.Tensor('bool', new Uint8Array(batch * s.textCtx).fill(1), [batch, s.textCtx]);
      const enc = await stage.textEncoder.run({ tokens, token_mask: mask });
      const size = s.imageSize;
      const feeds: Record<string, ort.Tensor> = {
        x_t: new ort.Tensor('float32', rand(batch * 3 * size * size), [batch, 3, size, size]),
        timesteps: new ort.Tensor('int64', new BigInt64Array(batch).fill(500n), [batch]),
        xf_proj: enc.xf_proj,
        xf_out: enc.xf_out,
        inpaint_image: new ort.Tensor('float32', rand(batch * 3 * size * size), [batch, 3, size, size]),
        inpaint_mask: new ort.Tensor('float32', new Float32Array(batch * size * size).fill(1), [batch, 1, size, size]),
      };
      if (s.lowResSize) feeds.low_res = new ort.Tensor('float32', rand(batch * 3 * s.lowResSize ** 2), [batch, 3, s.lowResSize, s.lowResSize]);
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        const { out } = await stage.denoiser.run(feeds);
        times.push(performance.now() - t);
        if (!(out.data as Float32Array).every(Number.isFinite)) throw new Error(`${stage.name}: non-finite output`);
      }
      console.log(`${stage.name} denoiser step (batch ${batch}, ${size} px): ${times.map((t) => t.toFixed(0)).join(' / ')} ms`);
    }
  } finally {
    await bundle.release();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
