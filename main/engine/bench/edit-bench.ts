/**
 * End-to-end edit time on a 12 MP photo, prompt to pasted result, through the engine process as the
 * app runs it (EngineHost + a forked engine), and the engine process's peak resident memory.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { EngineHost, nodeEngineLauncher } from '../../engine-host/engine-host.ts';
import type { Bench, Figure } from './figures.ts';

const PHOTO = '/usr/lib/python3/dist-packages/skimage/data/coffee.png'; // CC0 (scikit-image's data)
const WIDTH = 4000;
const HEIGHT = 3000;

/** A 12 MP JPEG made by upscaling a real photo, and a mask with a disc of radius `r` at its centre. */
async function makeInputs(dir: string, r: number): Promise<{ photo: string; mask: Uint8Array }> {
  const photo = path.join(dir, 'photo-12mp.jpg');
  await sharp(PHOTO).resize(WIDTH, HEIGHT, { fit: 'fill' }).jpeg({ quality: 92 }).toFile(photo);
  const m = Buffer.alloc(WIDTH * HEIGHT);
  const cx = WIDTH / 2;
  const cy = HEIGHT / 2;
  for (let y = Math.floor(cy - r); y < cy + r; y++) {
    for (let x = Math.floor(cx - r); x < cx + r; x++) if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) m[y * WIDTH + x] = 255;
  }
  const mask = await sharp(m, { raw: { width: WIDTH, height: HEIGHT, channels: 1 } }).png().toBuffer();
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
    const { photo, mask } = await makeInputs(dir, 300);
    const host = new EngineHost(nodeEngineLauncher());
    const figures: Figure[] = [];
    try {
      await host.start();
      const t0 = performance.now();
      const loaded = await host.load(ctx.bundleDir, 'cpu');
      figures.push({ name: 'bundle load (sessions created, checksums)', value: performance.now() - t0, unit: 'ms' });
      const { defaults } = loaded.bundle;
      for (const [label, preview] of [['without previews', false], ['with previews', true]] as const) {
        let steps = 0;
        const t1 = performance.now();
        const { done } = host.edit(
          { source: { imagePath: photo }, mask, outDir: dir, settings: { prompt: 'a red circle', seed: 1, candidates: 1, preview } },
          () => steps++,
        );
        const result = await done;
        figures.push({
          name: `edit, 1 candidate, ${label}`,
          value: performance.now() - t1,
          unit: 'ms',
          note: `${steps} steps (${defaults.steps} base, ${defaults.sampler}, guidance ${defaults.guidanceScale}); engine says ${result.millis} ms`,
        });
      }
      const rss = peakRssMiB(host.pid);
      if (rss !== undefined) figures.push({ name: 'engine process peak RSS', value: rss, unit: 'MiB', note: 'VmHWM after load and both edits' });
    } finally {
      await host.stop();
    }
    return figures;
  },
};
