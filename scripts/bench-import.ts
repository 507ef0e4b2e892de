/**
 * `npm run bench:import [-- <folder with base_inpaint.pt and upsample_inpaint.pt>]`: converts the full-size
 * official pair with the TypeScript importer, fp32 then fp16, each in a fresh process, and prints the time,
 * the peak resident memory and the bundle sizes (no asserts). Without a folder it uses random checkpoints
 * with the official keys and shapes, written once into .work/random-official by
 * models/glide/random_checkpoints.py (about 3.1 GB).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importCheckpoints } from '../main/engine/checkpoint/import-checkpoints.ts';
import { OFFICIAL_TEMPLATES_DIR } from '../main/engine/checkpoint/templates.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function child(src: string, out: string, fp16: boolean): Promise<void> {
  const result = await importCheckpoints({ sourceDir: src, outDir: out, templatesDir: OFFICIAL_TEMPLATES_DIR, fp16 });
  console.log(JSON.stringify({ seconds: result.seconds, bytes: result.bytes, maxRssKiB: process.resourceUsage().maxRSS }));
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
      `${fp16 ? 'fp16' : 'fp32'} bundle: ${f.seconds.toFixed(1)} s, peak RSS ${(f.maxRssKiB / 1024 / 1024).toFixed(2)} GiB, graphs ${(f.bytes / 1e9).toFixed(3)} GB (${out})`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
