/**
 * `npm run bench:editor`: figures for the editor in headless Debian Chromium against serve mode
 * (not a test): time to open and show a 24 MP JPEG, frame times while painting on it, the
 * renderer's memory with it open, and click-Run-to-result time with the model e2e uses: run.engineEditMs
 * is the model's own sampling time, run.overheadRatio click-to-result divided by it (1 = no overhead),
 * run.engineWholeEditMs the engine's whole edit (crop, sampling, paste-back). openCpuMs and run.cpuMs
 * are the CPU time each process spent on that step (serve's host, the engine, Chromium's renderer and
 * its other processes): on a busy machine wall times stretch, CPU times much less. The run's times are
 * taken in the page (a MutationObserver notes when the progress and the candidate appear), so the
 * benchmark's own polling costs the renderer nothing. `big50mp`: a 50 MP JPEG opened, painted, run,
 * accepted and exported in a fresh tab, with the peak resident memory (VmHWM) of its renderer process
 * (the limit: 1 GB); `--no-50mp` leaves it out, `--only-50mp` runs only it.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newEditorPage } from './support/browser.ts';
import { e2eBundle } from './support/e2e-bundle.ts';
import { EditorPage } from './support/editor-page.ts';
import { chromiumMemory, chromiumProcesses, cpuByGroup, cpuSince, peakRssMB } from './support/process-stats.ts';
import { startServe } from './support/serve-process.ts';
import { FIXTURES_DIR } from '../test-support/paths.ts';

const SIZE = { width: 6000, height: 4000 };
/** 50.0 MP, 3:2 (the editor opens up to 60 MP). */
const SIZE_50MP = { width: 8660, height: 5773 };

/** A JPEG that compresses like a photo (texture added), so upload and decode cost what a real one would. */
async function makePhotoJpeg(file: string, size: { width: number; height: number }): Promise<void> {
  const { data, info } = await sharp(path.join(FIXTURES_DIR, 'coffee.png')).resize(size.width, size.height).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let seed = 12345;
  for (let i = 0; i < data.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    data[i] = Math.max(0, Math.min(255, data[i] + ((seed >>> 24) % 17) - 8));
  }
  await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).jpeg({ quality: 90 }).toFile(file);
}

/**
 * Waits until `condition` (page JavaScript, as a string) holds, checking every 50 ms. Playwright's
 * locators poll on every animation frame with role and text queries, which on a software-rendered
 * page costs the renderer seconds of CPU over a run: the benchmark would measure itself.
 */
async function waitInPage(page: Page, condition: string, timeout: number): Promise<void> {
  // Evaluated through the debugger protocol: the page's CSP forbids waitForFunction's eval of a string.
  const deadline = Date.now() + timeout;
  while (!(await page.evaluate(`!!(${condition})`))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${condition}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Opens a photo with the file input and waits until the size is shown and the canvas has drawn it; returns the wall ms. */
async function openAndShow(page: Page, photo: string, size: { width: number; height: number }): Promise<number> {
  const t0 = performance.now();
  await page.setInputFiles('input[aria-label="Photo file"]', photo);
  // The size appears when the host has the photo; the canvas is aria-busy until it has drawn it.
  await waitInPage(
    page,
    `document.body.textContent.includes('${size.width}×${size.height}') && document.querySelector('[data-testid="canvas"]')?.getAttribute('aria-busy') === 'false'`,
    120_000,
  );
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return Math.round(performance.now() - t0);
}

/**
 * Clicks Run and waits for the first candidate, timing it in the page: the click (a capture listener),
 * the first progress label (the mask is made and sent; the engine has started) and the candidate in
 * the list, noted by a MutationObserver as each appears. Returns page-clock ms from the click.
 */
async function timedRun(page: Page, timeoutMs: number): Promise<{ clickToProgressMs: number; clickToResultMs: number }> {
  await page.evaluate(`(() => {
    const t = (window.__runTimes = { click: null, progress: null, result: null });
    document.addEventListener('click', () => { t.click ??= performance.now(); }, { capture: true, once: true });
    window.__runDone = new Promise((resolve, reject) => {
      const look = () => {
        if (t.click === null) return false;
        if (t.progress === null && [...document.querySelectorAll('[role=status]')].some((e) => /Starting|step/.test(e.textContent))) t.progress = performance.now();
        if (document.querySelector('[role=option] img[alt="Candidate 1"]')) {
          t.result = performance.now();
          t.progress ??= t.result;
          return true;
        }
        const alert = document.querySelector('[role=alert]');
        if (alert && alert.textContent) throw new Error('the run failed: ' + alert.textContent);
        return false;
      };
      const observer = new MutationObserver(() => {
        try {
          if (look()) (observer.disconnect(), resolve(t));
        } catch (e) {
          observer.disconnect();
          reject(e);
        }
      });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
      setTimeout(() => (observer.disconnect(), reject(new Error('no candidate after ${timeoutMs} ms'))), ${timeoutMs});
    });
  })()`);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const t = (await page.evaluate('window.__runDone')) as { click: number; progress: number; result: number };
  return { clickToProgressMs: Math.round(t.progress - t.click), clickToResultMs: Math.round(t.result - t.click) };
}

function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { n: s.length, median: at(0.5), p95: at(0.95), max: s[s.length - 1], mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** The 50 MP figures: wall and CPU times of each step and the renderer's peak resident memory. */
async function big50mp(browser: Browser, url: string, tmp: string, isDefault: boolean): Promise<Record<string, unknown>> {
  const photo = path.join(tmp, 'photo-50mp.jpg');
  await makePhotoJpeg(photo, SIZE_50MP);
  const { page, context } = await newEditorPage(browser, url);
  try {
    // The 24 MP document's autosave is offered back in a new tab: decline it (the notice covers the canvas).
    await page
      .getByRole('region', { name: 'Unsaved work' })
      .getByRole('button', { name: 'Discard' })
      .click({ timeout: 5_000 })
      .catch(() => {});
    const renderers = () => chromiumProcesses(process.pid).filter((p) => p.type === 'renderer').map((p) => p.pid);
    const editor = new EditorPage(page);
    const openAndShowMs = await openAndShow(page, photo, SIZE_50MP);
    const afterOpen = peakRssMB(renderers());
    editor.setImageSize(SIZE_50MP);
    await editor.setBrushSize(600);
    await page.getByRole('button', { name: 'Fit' }).click();
    await editor.drag([
      [3000, 2000],
      [4500, 2600],
      [5600, 2200],
    ]);
    await editor.prompt('a red circle');
    await editor.runSettings({ steps: isDefault ? 10 : 5, candidates: 1 });
    const { clickToResultMs } = await timedRun(page, 600_000);
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByRole('button', { name: 'Edit: a red circle' }).waitFor({ timeout: 60_000 });
    const exportStart = performance.now();
    const download = await editor.exportAs('JPEG');
    const file = await download.path();
    const exportMs = Math.round(performance.now() - exportStart);
    const meta = await sharp(file).metadata();
    const peak = peakRssMB(renderers());
    return {
      photo: `${SIZE_50MP.width}×${SIZE_50MP.height} JPEG, ${(statSync(photo).size / 1e6).toFixed(1)} MB`,
      openAndShowMs,
      clickToResultMs,
      exportMs,
      exported: `${meta.width}×${meta.height} ${meta.format}`,
      rendererPeakRssMB: { afterOpen: Math.round(afterOpen), wholeSession: Math.round(peak), limit: 1024 },
    };
  } finally {
    await context.close();
  }
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-editor-'));
  const bundle = e2eBundle();
  const photo = path.join(tmp, 'photo-24mp.jpg');
  await makePhotoJpeg(photo, SIZE);
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

    if (!process.argv.includes('--only-50mp')) {
      // 1. Open and show.
      const openCpu = cpu();
      figures.openAndShowMs = await openAndShow(page, photo, SIZE);
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
      const { clickToProgressMs, clickToResultMs } = await timedRun(page, 600_000);
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
        fullResMaskAndUploadMs: clickToProgressMs,
        cpuMs: runCpuMs,
        statusBar,
      };
    }

    // 5. A 50 MP photo in a fresh tab (its own renderer process): open, paint, run, accept, export.
    if (!process.argv.includes('--no-50mp')) {
      await page.context().close(); // its renderer process ends
      figures.big50mp = await big50mp(browser, serve.url, tmp, bundle.isDefault).catch((error: unknown) => ({ error: String(error) }));
    }
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
