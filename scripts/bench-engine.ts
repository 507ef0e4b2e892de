/**
 * `npm run bench:engine`: prints the engine's figures (no asserts). Uses models/default when it has
 * been built, else the tiny reference bundle (random weights: speed only), and says which.
 *
 * More figures: add a Bench to BENCHES (main/engine/bench/figures.ts has the interface).
 * `npm run bench:engine -- official` runs only the benches whose title contains the word given.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { denoiserStepBench } from '../main/engine/bench/denoiser-step-bench.ts';
import { editBench, samplerBench } from '../main/engine/bench/edit-bench.ts';
import { officialEditBench } from '../main/engine/bench/official-edit-bench.ts';
import { pytorchBench } from '../main/engine/bench/pytorch-bench.ts';
import { seamToneBench } from '../main/engine/bench/seam-tone-bench.ts';
import { type Bench, type BenchContext, printFigures } from '../main/engine/bench/figures.ts';
import { DEFAULT_BUNDLE_DIR, tinyBundleDir } from '../test-support/paths.ts';

const BENCHES: Bench[] = [
  denoiserStepBench,
  editBench,
  samplerBench,
  seamToneBench,
  pytorchBench,
  officialEditBench,
];

async function main() {
  // GLIDE_BENCH_BUNDLE times another bundle as if it were the default (a candidate export in .work/).
  const chosen = process.env.GLIDE_BENCH_BUNDLE;
  const hasDefault = chosen !== undefined || existsSync(path.join(DEFAULT_BUNDLE_DIR, 'bundle.json'));
  const ctx: BenchContext = {
    bundleDir: chosen ?? (hasDefault ? DEFAULT_BUNDLE_DIR : tinyBundleDir()),
    bundleKind: hasDefault ? 'default' : 'tiny',
    figures: new Map(),
  };
  const cpus = os.cpus();
  console.log(`# bench:engine  ${new Date().toISOString()}`);
  console.log(`machine: ${cpus[0]?.model ?? 'unknown CPU'} x ${os.availableParallelism()}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`bundle: ${ctx.bundleKind === 'default' ? (chosen ? 'GLIDE_BENCH_BUNDLE' : 'models/default (the trained default model)') : 'tiny reference bundle (models/default is absent; random weights, timing only)'} at ${ctx.bundleDir}`);
  const only = process.argv[2]?.toLowerCase();
  for (const bench of BENCHES.filter((b) => !only || b.title.toLowerCase().includes(only))) {
    const figures = await bench.run(ctx);
    for (const f of figures) ctx.figures.set(f.name, f);
    printFigures(bench.title, figures);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
