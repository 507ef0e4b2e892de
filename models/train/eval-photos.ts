/**
 * `npm run models:eval-photos`: the real-photo evaluation (issue 20). Held-out photographs at ~1 MP
 * and ~12 MP, round holes, colour / shape / empty prompts, each edit run as the app runs it (the engine
 * process through EngineHost: crop around the mask, the model at its size, paste-back with the
 * feather, a patch file), the patch laid over the photo and measured (photo-metrics.ts).
 *
 *   npm run models:eval-photos -- [--bundle models/default] [--out .work/eval-photos] [--scales 1MP,12MP]
 *       [--photos N | --only life,sunset] [--holes N] [--kinds colour,shape,fill]
 *       [--steps N] [--sampler ddim|ddpm|dpmpp2m] [--guidance X] [--detail standard|high]
 *       [--provider cpu]
 *
 * Prints a table per photo, per-photo medians and per-scale medians against the targets;
 * writes results.json and the before/after grids (grid-<scale>.png, or one per photo for large scales).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { EngineHost, nodeEngineLauncher } from '../../main/engine-host/engine-host.ts';
import { Detail, type ProviderChoice, SamplerName } from '../../main/engine/protocol.ts';
import { REPO_ROOT } from '../../test-support/paths.ts';
import { type GridRow, gridCell, holeInCell, writeGrid } from './photo-eval-grid.ts';
import { type EditRecord, type PhotoSummary, photoTable, scaleText, summarisePhoto, summariseScale, summaryTable } from './photo-eval-report.ts';
import { checkPrompts, type EvalSet, featherReach, holeMaskPng, placeHoles, preparePhoto, PROMPTS, readEvalSet, readRgb, SCALES, type Scale, scaledSize, stringSeed } from './photo-eval-set.ts';
import { changedPixels, colourAdherence, novelty, type RgbImage, seam, sharpness } from './photo-metrics.ts';

const { values: args } = parseArgs({
  options: {
    bundle: { type: 'string', default: path.join(REPO_ROOT, 'models/default') },
    out: { type: 'string', default: path.join(REPO_ROOT, '.work/eval-photos') },
    scales: { type: 'string', default: '1MP,12MP' },
    photos: { type: 'string' },
    only: { type: 'string' },
    holes: { type: 'string', default: '1' },
    kinds: { type: 'string', default: 'colour,shape,fill' },
    steps: { type: 'string' },
    sampler: { type: 'string' },
    guidance: { type: 'string' },
    detail: { type: 'string' },
    provider: { type: 'string', default: 'cpu' },
  },
});

const scales = args.scales.split(',').map((s) => {
  const scale = SCALES[s.trim()];
  if (!scale) throw new Error(`unknown scale ${s} (known: ${Object.keys(SCALES).join(', ')})`);
  return scale;
});
const holesPerPhoto = Number(args.holes);
const kinds = new Set(args.kinds.split(',').map((k) => k.trim()));
const prompts = PROMPTS.filter((p) => kinds.has(p.kind));
if (!prompts.length) throw new Error(`--kinds ${args.kinds}: none of colour, shape, fill`);
const overrides = {
  ...(args.steps ? { steps: Number(args.steps) } : {}),
  ...(args.sampler ? { sampler: SamplerName.parse(args.sampler) } : {}),
  ...(args.guidance ? { guidanceScale: Number(args.guidance) } : {}),
  ...(args.detail ? { detail: Detail.parse(args.detail) } : {}),
};

/** The photo with the patch laid over it, as the document shows an accepted edit. */
async function applyPatch(photo: RgbImage, patch: { path: string; x: number; y: number; width: number; height: number }): Promise<RgbImage> {
  const p = await readRgb(patch.path);
  if (p.width !== patch.width || p.height !== patch.height) throw new Error(`patch ${patch.path} is ${p.width}x${p.height}, not ${patch.width}x${patch.height}`);
  const data = photo.data.slice();
  for (let y = 0; y < p.height; y++) data.set(p.data.subarray(y * p.width * 3, (y + 1) * p.width * 3), ((patch.y + y) * photo.width + patch.x) * 3);
  return { ...photo, data };
}

interface Run {
  host: EngineHost;
  set: EvalSet;
  work: string;
}

async function evaluatePhoto(run: Run, photo: EvalSet['photos'][number], scale: Scale): Promise<{ records: EditRecord[]; rows: GridRow[] }> {
  const meta = await sharp(photo.path).metadata();
  const [w0, h0] = (meta.orientation ?? 1) >= 5 ? [meta.height!, meta.width!] : [meta.width!, meta.height!];
  const size = scaledSize(w0, h0, scale.pixels);
  const stem = photo.name.replace(/\.[a-z]+$/i, '');
  const photoPath = path.join(run.work, `${stem}-${scale.name}.png`);
  const image = await preparePhoto(photo.path, size, photoPath);
  const records: EditRecord[] = [];
  const rows: GridRow[] = [];
  for (const [holeIndex, hole] of placeHoles(photo.name, scale, size.width, size.height, holesPerPhoto).entries()) {
    const mask = await holeMaskPng(size.width, size.height, hole);
    const seed = stringSeed(`${photo.name}@${scale.name}#${holeIndex}`);
    const reach = featherReach(hole, size);
    const photoNovelty = novelty(image, image, hole);
    const row: GridRow = { label: `${stem} ${scale.name} r=${hole.r}`, cells: [gridCell(image, hole, 'photo')], outline: holeInCell(image, hole) };
    for (const prompt of prompts) {
      const outDir = path.join(run.work, `${stem}-${scale.name}-${holeIndex}`);
      mkdirSync(outDir, { recursive: true });
      const job = run.host.edit(
        { source: { imagePath: photoPath }, mask, outDir, settings: { prompt: prompt.text, seed, candidates: 1, preview: true, ...overrides } },
        () => {},
      );
      const result = await job.done;
      const edit = await applyPatch(image, result.candidates[0]);
      const changed = changedPixels(image, edit, hole, reach);
      const colour = prompt.colour ? { ...colourAdherence(image, edit, hole, prompt.colour, run.set.colours), named: prompt.colour } : null;
      records.push({
        photo: photo.name,
        scale: scale.name,
        size,
        holeIndex,
        hole,
        seed,
        prompt: prompt.text,
        kind: prompt.kind,
        sharpness: sharpness(image, edit, hole),
        seam: seam(image, edit, hole),
        novelty: novelty(edit, image, hole),
        photoNovelty,
        colour,
        changedBeyondFeather: changed.beyond,
        farthestChange: changed.farthest,
        engineMs: result.millis,
        inferenceMs: result.inferenceMs ?? null,
        settings: result.settings,
      });
      row.cells.push(gridCell(edit, hole, prompt.text === '' ? '"" (Fill)' : prompt.text));
    }
    rows.push(row);
  }
  rmSync(photoPath, { force: true });
  return { records, rows };
}

async function main(): Promise<void> {
  const set = readEvalSet(REPO_ROOT);
  checkPrompts(set);
  // --only: the photos whose file name contains one of the words (case-insensitive), e.g. while tuning on the hardest.
  const only = args.only?.toLowerCase().split(',').map((w) => w.trim()).filter(Boolean);
  const chosen = only ? set.photos.filter((p) => only.some((w) => p.name.toLowerCase().includes(w))) : set.photos;
  if (!chosen.length) throw new Error(`--only ${args.only}: no photo of the set matches`);
  const photos = args.photos ? chosen.slice(0, Number(args.photos)) : chosen;
  mkdirSync(args.out, { recursive: true });
  const work = mkdtempSync(path.join(os.tmpdir(), 'eval-photos-'));
  const host = new EngineHost(nodeEngineLauncher({ stdio: 'inherit' }));
  const t0 = performance.now();
  try {
    await host.start();
    const loaded = await host.load(path.resolve(args.bundle), args.provider as ProviderChoice);
    const b = loaded.bundle;
    console.log(`# eval-photos ${new Date().toISOString()}  ${os.cpus()[0]?.model ?? 'CPU'} x ${os.availableParallelism()}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log(`bundle ${b.name} (${b.dir}, stages ${b.stages.join('+')}, defaults ${JSON.stringify(b.defaults)}), overrides ${JSON.stringify(overrides)}, provider ${loaded.provider.name}`);
    console.log(`${photos.length} photos, ${holesPerPhoto} hole(s) each, prompts ${prompts.map((p) => JSON.stringify(p.text)).join(', ')}\n`);
    const records: EditRecord[] = [];
    const photoSummaries: PhotoSummary[] = [];
    const scaleSummaries = [];
    const grids: string[] = [];
    for (const scale of scales) {
      const scaleRecords: EditRecord[] = [];
      const scalePhotos: PhotoSummary[] = [];
      const rows: GridRow[] = [];
      const perPhotoGrid = scale.pixels > 4e6; // a 12 MP row of 100% crops is ~10 MP: one file per photo
      for (const photo of photos) {
        const { width = 0, height = 0 } = await sharp(photo.path).metadata();
        if (width * height < scale.minSourcePixels) continue;
        const result = await evaluatePhoto({ host, set, work }, photo, scale);
        console.log(`${photoTable(result.records)}\n`);
        scaleRecords.push(...result.records);
        scalePhotos.push(summarisePhoto(result.records));
        if (perPhotoGrid) {
          const file = path.join(args.out, `grid-${scale.name}-${photo.name.replace(/_by_.*$|\.[a-z]+$/gi, '')}.png`);
          await writeGrid(result.rows, file);
          grids.push(file);
        } else rows.push(...result.rows);
      }
      if (!scaleRecords.length) continue;
      if (rows.length) {
        const file = path.join(args.out, `grid-${scale.name}.png`);
        await writeGrid(rows, file);
        grids.push(file);
      }
      const summary = summariseScale(scaleRecords, scalePhotos);
      console.log(`${summaryTable(scalePhotos)}\n\n${scaleText(summary)}\n`);
      records.push(...scaleRecords);
      photoSummaries.push(...scalePhotos);
      scaleSummaries.push(summary);
    }
    const seconds = (performance.now() - t0) / 1000;
    const results = { createdAt: new Date().toISOString(), bundle: b, provider: loaded.provider, overrides, prompts, holesPerPhoto, seconds, scaleSummaries, photoSummaries, records, grids };
    writeFileSync(path.join(args.out, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
    console.log(`wrote ${path.join(args.out, 'results.json')} and ${grids.join(', ')} (${seconds.toFixed(0)} s)`);
  } finally {
    await host.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
