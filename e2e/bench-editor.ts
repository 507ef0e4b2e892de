/**
 * `npm run bench:editor`: figures for the editor in headless Debian Chromium against serve mode
 * (not a test): time to open and show a 24 MP JPEG, frame times while painting on it, the
 * renderer's memory with it open, and click-Run-to-result time with the model e2e uses: run.engineEditMs
 * is the model's own sampling time, run.overheadRatio click-to-result divided by it (1 = no overhead),
 * run.engineWholeEditMs the engine's whole edit (crop, sampling, paste-back). openCpuMs and run.cpuMs
 * are the CPU time each process spent on that step (serve's host, the engine, Chromium's renderer and
 * its other processes): on a busy machine wall times stretch, CPU times much less.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { launchBrowser, newEditorPage } from './support/browser.ts';
import { e2eBundle } from './support/e2e-bundle.ts';
import { EditorPage } from './support/editor-page.ts';
import { chromiumMemory, chromiumProcesses, cpuByGroup, cpuSince } from './support/process-stats.ts';
import { startServe } from './support/serve-process.ts';
import { FIXTURES_DIR } from '../test-support/paths.ts';

const SIZE = { width: 6000, height: 4000 };

/** A 24 MP JPEG that compresses like a photo (texture added), so upload and decode cost what a real one would. */
async function make24mpJpeg(file: string): Promise<void> {
  const { data, info } = await sharp(path.join(FIXTURES_DIR, 'coffee.png')).resize(SIZE.width, SIZE.height).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let seed = 12345;
  for (let i = 0; i < data.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    data[i] = Math.max(0, Math.min(255, data[i] + ((seed >>> 24) % 17) - 8));
  }
  await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).jpeg({ quality: 90 }).toFile(file);
}

function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { n: s.length, median: at(0.5), p95: at(0.95), max: s[s.length - 1], mean: s.reduce((a, b) => a + b, 0) / s.length };
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-editor-'));
  const bundle = e2eBundle();
  const photo = path.join(tmp, 'photo-24mp.jpg');
  await make24mpJpeg(photo);
  const serve = await startServe(bundle.dir);
  const browser = await launchBrowser();
  try {
    const { page } = await newEditorPage(browser, serve.url);
    const editor = new EditorPage(page);
    const figures: Record<string, unknown> = {
      model: bundle.isDefault ? 'models/default' : 'tiny random-weight test bundle (base stage): run time is not the default model’s',
      photo: `${SIZE.width}×${SIZE.height} JPEG, ${(statSync(photo).size / 1e6).toFixed(1)} MB`,
    };

    // CPU time per process, read before and after each step.
    const chromium = chromiumProcesses(process.pid);
    const cpu = () =>
      cpuByGroup({
        host: [serve.pid],
        engine: [serve.enginePid()],
        renderer: chromium.filter((p) => p.type === 'renderer').map((p) => p.pid),
        browserOther: chromium.filter((p) => p.type !== 'renderer').map((p) => p.pid),
      });

    // 1. Open and show.
    const openCpu = cpu();
    const t0 = performance.now();
    await page.setInputFiles('input[aria-label="Photo file"]', photo);
    // The size appears when the host has the photo; the canvas is aria-busy until it has drawn it.
    await page.getByText(`${SIZE.width}×${SIZE.height}`).waitFor({ timeout: 120_000 });
    await page.waitForSelector('[data-testid="canvas"][aria-busy="false"]', { timeout: 120_000 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    figures.openAndShowMs = Math.round(performance.now() - t0);
    figures.openCpuMs = cpuSince(openCpu, cpu());

    // 2. Frame times while painting (real mouse input through the browser, ~2 s drag).
    editor.setImageSize(SIZE);
    await editor.setBrushSize(300);
    await page.getByRole('button', { name: 'Fit' }).click();
    // A string, not a function: the TypeScript loader's helpers do not exist in the page.
    await page.evaluate(`(() => {
      window.__frames = [];
      window.__recording = true;
      let last = performance.now();
      const tick = (now) => {
        window.__frames.push(now - last);
        last = now;
        if (window.__recording) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);
    const start = await editor.screenPoint(1000, 1000);
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    const dragStart = performance.now();
    const path2 = await Promise.all(Array.from({ length: 240 }, (_, i) => editor.screenPoint(1000 + (i + 1) * 16, 1000 + Math.sin((i + 1) / 10) * 600)));
    for (const p of path2) await page.mouse.move(p.x, p.y); // back to back: faster than a hand, every frame has new points
    const dragMs = performance.now() - dragStart;
    const upAt = performance.now();
    await page.mouse.up();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const commitMs = performance.now() - upAt;
    const frames = (await page.evaluate('window.__recording = false, window.__frames.slice(2)')) as number[];
    const f = stats(frames);
    figures.brushStroke = {
      dragMs: Math.round(dragMs),
      frames: f.n,
      fps: Math.round((1000 * f.n) / dragMs),
      frameMs: { median: +f.median.toFixed(1), p95: +f.p95.toFixed(1), max: +f.max.toFixed(1) },
      strokeCommitMs: Math.round(commitMs),
    };

    // 3. Memory with the 24 MP photo open and a mask painted.
    const heap = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
    const mem = chromiumMemory(process.pid);
    figures.memory = {
      jsHeapMB: Math.round(heap / 1e6),
      ...Object.fromEntries(Object.entries(mem).map(([k, v]) => [k, { rssMB: Math.round(v.rssMB), pssMB: Math.round(v.pssMB) }])),
    };

    // 4. Click Run → candidates on screen.
    await editor.prompt('a red circle');
    await editor.runSettings({ steps: bundle.isDefault ? 25 : 10, candidates: 1 });
    const runCpu = cpu();
    const runStart = performance.now();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /Starting|step/ }).first().waitFor({ timeout: 120_000 });
    const maskMs = performance.now() - runStart;
    await page.getByRole('option', { name: /Candidate 1/ }).waitFor({ timeout: 600_000 });
    const clickToResultMs = Math.round(performance.now() - runStart);
    const runCpuMs = cpuSince(runCpu, cpu());
    const lastRun = page.getByText(/^Last run:/);
    const statusBar = await lastRun.textContent();
    const tooltip = (await lastRun.getAttribute('title')) ?? '';
    // The model's sampling time (the status bar's "(model X s)") and the engine's whole edit (its tooltip).
    const engineEditMs = Math.round(Number(/\(model ([\d.]+) s\)/.exec(statusBar ?? '')?.[1] ?? NaN) * 1000);
    const engineWholeEditMs = Math.round(Number(/engine's edit took ([\d.]+) s/.exec(tooltip)?.[1] ?? NaN) * 1000);
    figures.run = {
      steps: bundle.isDefault ? 25 : 10,
      clickToResultMs,
      engineEditMs,
      overheadRatio: +(clickToResultMs / engineEditMs).toFixed(2),
      engineWholeEditMs,
      fullResMaskAndUploadMs: Math.round(maskMs),
      cpuMs: runCpuMs,
      statusBar,
    };
    console.log(JSON.stringify(figures, null, 2));
  } catch (error) {
    const page = browser.contexts()[0]?.pages()[0];
    if (page) {
      console.error('window said:', await page.getByRole('alert').allTextContents(), await page.getByRole('status').allTextContents());
      await page.screenshot({ path: path.join(os.tmpdir(), 'bench-editor-failure.png') });
    }
    throw error;
  } finally {
    await browser.close();
    await serve.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
