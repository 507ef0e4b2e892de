/**
 * Extend canvas (outpainting) as a person uses it, in Chromium against serve mode with the real
 * engine: add 128 px on the right, see the new area masked, run with an empty prompt, accept and
 * export (the new size, the photo's own pixels identical, the new pixels filled); undo takes the
 * canvas back to the photo and redo returns it; a saved project reopens with it; growing again on
 * every side moves the earlier edit with the photo.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newEditorPage } from './support/browser.ts';
import { e2eBundle } from './support/e2e-bundle.ts';
import { EditorPage } from './support/editor-page.ts';
import { readRgb, type Rgb } from './support/image-compare.ts';
import { FIXTURES_DIR } from '../test-support/paths.ts';
import { startServe, type ServeProcess } from './support/serve-process.ts';

const SIZE = { width: 600, height: 400 };
const ADDED = 128;
/** What the host fills an extension with before a run (extend-image.ts). */
const GREY = 128;

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let editor: EditorPage;
let log: string[];
let tmp: string;
let photo: string;
let original: Rgb;

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'e2e-extend-'));
  photo = path.join(tmp, 'coffee.png');
  await sharp(path.join(FIXTURES_DIR, 'coffee.png')).resize(SIZE.width, SIZE.height).removeAlpha().png().toFile(photo);
  original = await readRgb(photo);
  serve = await startServe(e2eBundle().dir);
  browser = await launchBrowser();
  ({ page, log } = await newEditorPage(browser, serve.url));
  editor = new EditorPage(page);
});
after(async () => {
  await browser?.close();
  await serve?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const diagnostics = () => `\nwindow log:\n${log.join('\n')}\nserve output (tail):\n${serve.output().slice(-3000)}`;

async function savedMask(): Promise<{ data: Buffer; width: number; height: number }> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save mask' }).click();
  const { data, info } = await sharp(await (await download).path()).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Exports as PNG; a notice instead of the download fails at once with its text. */
async function exported(): Promise<Rgb> {
  const download = editor.exportAs('PNG');
  const failed = page.getByRole('alert').first().waitFor({ timeout: 120_000 }).then(
    async () => `the export failed: ${await page.getByRole('alert').first().textContent()}${diagnostics()}`,
    () => null,
  );
  const first = await Promise.race([download, failed]);
  if (first === null || typeof first === 'string') throw new Error(first ?? 'no download and no notice');
  return readRgb(await first.path());
}

/** Pixels of `b` at (dx, dy) + (x, y) that differ from `a` at (x, y), over all of `a`. */
function differing(a: Rgb, b: Rgb, dx: number, dy: number): number {
  let n = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width * 3; x++) if (a.data[y * a.width * 3 + x] !== b.data[((y + dy) * b.width + dx) * 3 + x]) n++;
  }
  return n;
}

function extend(pixels: number, sides: ('Left' | 'Top' | 'Right' | 'Bottom')[]) {
  return async () => {
    const panel = page.getByRole('region', { name: 'Canvas' });
    await panel.getByLabel('Extend pixels').fill(String(pixels));
    for (const side of ['Left', 'Top', 'Right', 'Bottom'] as const) await panel.getByLabel(side).setChecked(sides.includes(side));
    await panel.getByRole('button', { name: 'Extend' }).click();
  };
}

let first: Rgb;

test('extending on the right grows the canvas and masks exactly the new area', async () => {
  await editor.openPhoto(photo, SIZE);
  const button = page.getByRole('region', { name: 'Canvas' }).getByRole('button', { name: 'Extend' });
  assert.match((await button.getAttribute('title')) ?? '', /masked.*Run fills it/);
  await extend(ADDED, ['Right'])();
  assert.equal(await editor.currentHistoryEntry(), `Extend canvas: ${ADDED} px right`);
  await page.getByText(`canvas ${SIZE.width + ADDED}×${SIZE.height}`).waitFor();
  const mask = await savedMask();
  assert.deepEqual([mask.width, mask.height], [SIZE.width + ADDED, SIZE.height]);
  let wrong = 0;
  for (let y = 0; y < mask.height; y++) for (let x = 0; x < mask.width; x++) if (mask.data[y * mask.width + x] !== (x >= SIZE.width ? 255 : 0)) wrong++;
  assert.equal(wrong, 0, 'the new area and nothing else is masked');
});

test('a run with an empty prompt fills the new area; the export has the new size and the photo untouched', async () => {
  await editor.prompt('');
  await editor.runSettings({ steps: 3, candidates: 1, seed: 11 });
  await editor.runAndWatch(300_000, 'Fill'); // an empty prompt is a Fill
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.getByRole('region', { name: 'History' }).locator('button.current', { hasText: 'Fill' }).waitFor(); // the host answers the accept
  first = await exported();
  assert.deepEqual([first.width, first.height], [SIZE.width + ADDED, SIZE.height]);
  assert.equal(differing(original, first, 0, 0), 0, `the photo's own pixels are identical${diagnostics()}`);
  let grey = 0, sum = 0, sumSq = 0;
  const n = ADDED * SIZE.height * 3;
  for (let y = 0; y < SIZE.height; y++) {
    for (let x = SIZE.width; x < first.width; x++) {
      const i = (y * first.width + x) * 3;
      if (first.data[i] === GREY && first.data[i + 1] === GREY && first.data[i + 2] === GREY) grey++;
      for (let c = 0; c < 3; c++) (sum += first.data[i + c]), (sumSq += first.data[i + c] ** 2);
    }
  }
  const spread = Math.sqrt(sumSq / n - (sum / n) ** 2);
  assert.ok(grey < (ADDED * SIZE.height) / 100, `the new area is filled, not left grey (${grey} grey pixels)`);
  assert.ok(spread > 5, `the new area has content (spread ${spread.toFixed(1)})`);
});

test('undo takes the canvas back to the photo and redo returns it', async () => {
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  assert.equal(await editor.currentHistoryEntry(), 'Original photo');
  assert.equal(await page.getByText(/canvas \d+×\d+/).count(), 0);
  const back = await exported();
  assert.deepEqual([back.width, back.height], [SIZE.width, SIZE.height]);
  assert.equal(differing(original, back, 0, 0), 0);
  await page.keyboard.press('Control+Shift+z');
  await page.keyboard.press('Control+Shift+z');
  assert.equal(await editor.currentHistoryEntry(), 'Fill');
  const again = await exported();
  assert.ok(again.data.equals(first.data), 'redo gives the same export');
});

test('growing on every side moves the earlier edit with the photo; a saved project brings it all back', async () => {
  await extend(32, ['Left', 'Top', 'Right', 'Bottom'])();
  assert.equal(await editor.currentHistoryEntry(), 'Extend canvas: 32 px on every side');
  const grown = { width: SIZE.width + ADDED + 64, height: SIZE.height + 64 };
  await page.getByText(`canvas ${grown.width}×${grown.height}`).waitFor();
  const mask = await savedMask();
  assert.equal(mask.data[16 * mask.width + 16], 255, 'the new ring is masked');
  assert.equal(mask.data[(32 + 200) * mask.width + 32 + 300], 0, 'the photo is not');
  assert.equal(mask.data[(32 + 200) * mask.width + 32 + 700], 255, 'the first extension still is (the mask stays after an accept), moved with the photo');
  const ringed = await exported();
  assert.deepEqual([ringed.width, ringed.height], [grown.width, grown.height]);
  assert.equal(differing(first, ringed, 32, 32), 0, 'the photo and the first fill sit 32 px in, unchanged');

  const labels = await editor.historyLabels();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save project' }).click();
  const saved = await (await download).path();
  await page.setInputFiles('input[aria-label="Project file"]', { name: 'extended.glideproj', mimeType: 'application/octet-stream', buffer: readFileSync(saved) });
  await page.getByText(`canvas ${grown.width}×${grown.height}`).waitFor();
  assert.deepEqual(await editor.historyLabels(), labels);
  assert.ok((await exported()).data.equals(ringed.data), 'the reopened project exports the same image');
  assert.deepEqual(await editor.alerts(), [], diagnostics());
});
