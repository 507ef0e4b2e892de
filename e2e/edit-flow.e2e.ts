/**
 * The editor as a person uses it, in Chromium against serve mode with the real engine: open a real
 * photo, paint a mask, type a prompt, run, watch the progress, accept, export, and check the file.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newEditorPage } from './support/browser.ts';
import { e2eBundle } from './support/e2e-bundle.ts';
import { EditorPage } from './support/editor-page.ts';
import { compareRegions, readRgb } from './support/image-compare.ts';
import { FIXTURES_DIR } from '../test-support/paths.ts';
import { startServe, type ServeProcess } from './support/serve-process.ts';

const COFFEE = path.join(FIXTURES_DIR, 'coffee.png'); // 600×400, CC0
const SIZE = { width: 600, height: 400 };

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let editor: EditorPage;
let log: string[];

before(async () => {
  serve = await startServe(e2eBundle().dir);
  browser = await launchBrowser();
  ({ page, log } = await newEditorPage(browser, serve.url));
  editor = new EditorPage(page);
});
after(async () => {
  await browser?.close();
  await serve?.stop();
});

const diagnostics = () => `\nwindow log:\n${log.join('\n')}\nserve output (tail):\n${serve.output().slice(-3000)}`;

test('open a photo, paint a mask, run, accept and export: the file keeps the photo outside the mask', async () => {
  await editor.openPhoto(COFFEE, SIZE);
  await editor.setBrushSize(40);
  // A stroke over the cup's left side: photo pixels (200,150) → (260,190).
  await editor.drag([
    [200, 150],
    [230, 170],
    [260, 190],
  ]);
  assert.deepEqual(await editor.historyLabels(), ['Original photo', 'Brush stroke']);
  await editor.prompt('a red circle');
  await editor.runSettings({ steps: 3, candidates: 1, seed: 1234 });
  const progress = await editor.runAndWatch();
  // The base's 3 steps, or the upsampler's after them (the default model's cascade; the base's are quick).
  assert.ok(progress.some((p) => /(^|· )step \d+\/3$|Upsampling · step \d+\/\d+/.test(p)), `progress was shown: ${progress.join(' | ')}${diagnostics()}`);

  const candidate = page.getByRole('option', { name: /Candidate 1/ });
  await candidate.waitFor();
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.getByRole('button', { name: 'Edit: a red circle' }).waitFor();

  const download = await editor.exportAs('PNG');
  assert.equal(download.suggestedFilename(), 'coffee-edited.png');
  const file = await download.path();
  const meta = await sharp(file).metadata();
  assert.deepEqual([meta.width, meta.height], [SIZE.width, SIZE.height], 'same size as the input');
  const parameters = meta.comments?.find((c) => c.keyword === 'parameters')?.text ?? '';
  assert.match(parameters, /^a red circle\nSteps: 3, .*Seed: 1234/, 'the recipe is recorded in the PNG');

  const jpeg = await sharp(await (await editor.exportAs('JPEG')).path()).metadata();
  assert.deepEqual([jpeg.format, jpeg.width, jpeg.height], ['jpeg', SIZE.width, SIZE.height]);
  assert.match(jpeg.xmp?.toString('utf8') ?? '', /a red circle/, 'the recipe is recorded in the JPEG (XMP)');

  const [original, edited] = await Promise.all([readRgb(COFFEE), readRgb(file)]);
  // Stroke box (40 px brush) plus room for the engine's feather (a few % of the crop around it).
  const keep = { x0: 200 - 20 - 60, y0: 150 - 20 - 60, x1: 260 + 20 + 60, y1: 190 + 20 + 60 };
  const { changedOutside, meanDiffInside } = compareRegions(original, edited, keep, { x0: 215, y0: 160, x1: 245, y1: 180 });
  assert.equal(changedOutside, 0, 'pixels outside the feathered mask are identical');
  assert.ok(meanDiffInside > 8, `pixels inside the mask changed (mean difference ${meanDiffInside.toFixed(1)})`);
});

test('undo and redo move through the edit and the stroke; exporting after undo gives the original back', async () => {
  await page.keyboard.press('Control+z');
  assert.equal(await editor.currentHistoryEntry(), 'Brush stroke');
  const download = await editor.exportAs('PNG');
  const [original, exported] = await Promise.all([readRgb(COFFEE), readRgb(await download.path())]);
  assert.ok(original.data.equals(exported.data), 'with the edit undone the export is the original photo');

  await page.keyboard.press('Control+z');
  assert.equal(await editor.currentHistoryEntry(), 'Original photo');
  await page.keyboard.press('Control+Shift+z');
  await page.keyboard.press('Control+Shift+z');
  assert.equal(await editor.currentHistoryEntry(), 'Edit: a red circle');
  // Clicking an entry goes back to it.
  await page.getByRole('button', { name: 'Brush stroke' }).click();
  assert.equal(await editor.currentHistoryEntry(), 'Brush stroke');
  await page.getByRole('button', { name: 'Edit: a red circle' }).click();
});

test('a saved project reopens with the photo, the edit and the history', async () => {
  const labels = await editor.historyLabels();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save project' }).click();
  const file = await (await download).path();
  assert.equal((await download).suggestedFilename(), 'coffee.glideproj');
  await page.getByRole('button', { name: 'Original photo' }).click(); // change the window's state first
  await page.setInputFiles('input[aria-label="Project file"]', { name: 'coffee.glideproj', mimeType: 'application/octet-stream', buffer: await readFile(file) });
  await page.waitForFunction(() => document.querySelector('.history button.current')?.textContent === 'Edit: a red circle');
  assert.deepEqual(await editor.historyLabels(), labels);
  const exported = await editor.exportAs('PNG');
  const meta = await sharp(await exported.path()).metadata();
  assert.match(meta.comments?.find((c) => c.keyword === 'parameters')?.text ?? '', /^a red circle\n/, 'the recipe came back with the project');
});

test('cancel stops a run mid-way and leaves the mask and history as they were', async () => {
  await editor.runSettings({ steps: 200, candidates: 1 });
  const before = await editor.historyLabels();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.getByRole('status').filter({ hasText: /step [1-9]\d*\/200/ }).waitFor({ timeout: 120_000 });
  const started = Date.now();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByText(/Run cancelled/).waitFor({ timeout: 60_000 });
  assert.ok(Date.now() - started < 30_000, 'cancelled within a step or so');
  assert.equal(await page.getByRole('button', { name: 'Accept' }).count(), 0, 'no candidates');
  assert.deepEqual(await editor.historyLabels(), before);
  assert.deepEqual(await editor.alerts(), [], diagnostics());
});

test('when the engine dies the window says so, keeps the photo, mask and history, and runs again once it is back', async () => {
  const labels = await editor.historyLabels();
  const pid = serve.enginePid();
  assert.ok(pid, `the engine process was found${diagnostics()}`);
  process.kill(pid, 'SIGKILL');
  await page.getByRole('alert', { name: 'Engine status' }).filter({ hasText: /image, mask and history are kept/ }).waitFor({ timeout: 30_000 });
  await page.getByText(/^Ready:/).waitFor({ timeout: 120_000 });
  await page.getByText('The engine is ready again.').waitFor();
  assert.deepEqual(await editor.historyLabels(), labels, 'history kept');
  assert.ok(await page.getByText('600×400').isVisible(), 'photo kept');
  await editor.runSettings({ steps: 2, candidates: 1 });
  await editor.runAndWatch();
  await page.getByRole('button', { name: 'Discard' }).click();
});
