/**
 * `npm run bench:autosave`: what an autosave costs on a 24 MP document (6000×4000 JPEG): the first
 * save of a document (its photo copied once), then saves after each of 50 strokes (the state only),
 * then the save after an accepted edit (its patch and mask copied once). Prints times and bytes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { EditorState, HistoryEntry, RunPanel } from '../main/contract.ts';
import { hostFixture, maskPng } from '../main/host/testing/host-fixture.ts';

const WIDTH = 6000;
const HEIGHT = 4000;
const run: RunPanel = { prompt: 'a wooden boat', guidanceScale: null, steps: null, detail: null, seedMode: 'random', seed: 0, candidates: 2 };

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-autosave-'));
  const f = await hostFixture({ autosaveDir: path.join(dataDir, 'autosave') });
  const h = f.host.handlers;
  try {
    // A photo-like 24 MP JPEG: smooth gradients plus noise, so it does not compress to nothing.
    // (about the size of a camera's 24 MP JPEG)
    const noise = randomBytes(WIDTH * HEIGHT * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = ((i % (WIDTH * 3)) / (WIDTH * 3)) * 200 + (noise[i] & 31);
    const photo = await sharp(noise, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
    const doc = await h['image:open-bytes']({ name: 'big.jpg', bytes: photo });
    console.log(`photo: ${WIDTH}×${HEIGHT} JPEG, ${(photo.byteLength / 1e6).toFixed(1)} MB`);

    const entries: HistoryEntry[] = [];
    const state = (): EditorState => ({ entries: [...entries], position: entries.length });
    const first = await h['autosave:write']({ docId: doc.docId, state: state(), dirty: true, run, staging: null });
    console.log(`first save of the document: ${first.millis.toFixed(0)} ms, ${(first.bytes / 1e6).toFixed(1)} MB (the photo, copied once)`);

    const times: number[] = [];
    const sizes: number[] = [];
    for (let i = 0; i < 50; i++) {
      // A stroke of 200 points across the photo, as a hand-drawn one has.
      const points = Array.from({ length: 400 }, (_, k) => (k % 2 ? 1000 + i * 40 + k : 500 + k * 10));
      entries.push({ kind: 'stroke', mode: 'paint', width: 120, hardness: 0.8, points });
      const started = performance.now();
      const saved = await h['autosave:write']({ docId: doc.docId, state: state(), dirty: true, run, staging: null });
      times.push(performance.now() - started);
      sizes.push(saved.bytes);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    console.log(
      `save after a stroke (50 strokes): median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms; ` +
        `${(sizes[0] / 1e3).toFixed(1)} kB after the 1st stroke, ${(sizes.at(-1)! / 1e3).toFixed(1)} kB after the 50th (the whole history, rewritten)`,
    );

    const mask = await maskPng(WIDTH, HEIGHT, { x: 2000, y: 1500, width: 400, height: 300 });
    const result = await h['edit:run']({ docId: doc.docId, runId: 'r1', editIds: [], mask, settings: { prompt: 'x', seed: 1, candidates: 1 } });
    const edit = await h['candidate:accept']({ docId: doc.docId, candidateId: result.candidates[0].candidateId });
    entries.push({ kind: 'edit', editId: edit.editId, label: 'x' });
    const withEdit = await h['autosave:write']({ docId: doc.docId, state: state(), dirty: true, run, staging: null });
    console.log(`save after accepting an edit: ${withEdit.millis.toFixed(0)} ms, ${(withEdit.bytes / 1e6).toFixed(2)} MB (its patch and full-size mask, copied once)`);
    console.log('(times on a shared 2-core machine under load; run twice)');
  } finally {
    await f.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

void main();
