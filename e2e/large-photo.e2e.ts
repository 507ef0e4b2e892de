/**
 * A 24 MP photo (made here from a CC0 photo, in a temporary folder) opens as a downscaled display
 * copy, takes a full-resolution mask, runs, and exports at its full size with the untouched pixels
 * identical.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
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

const SIZE = { width: 6000, height: 4000 };

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let tmp: string;
let photo: string;

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'e2e-24mp-'));
  photo = path.join(tmp, 'coffee-24mp.jpg');
  await sharp(path.join(FIXTURES_DIR, 'coffee.png')).resize(SIZE.width, SIZE.height).jpeg({ quality: 90 }).toFile(photo);
  serve = await startServe(e2eBundle().dir);
  browser = await launchBrowser();
  ({ page } = await newEditorPage(browser, serve.url));
});
after(async () => {
  await browser?.close();
  await serve?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test('a 24 MP photo opens, takes a mask, runs and exports at full size', async () => {
  const editor = new EditorPage(page);
  await editor.openPhoto(photo, SIZE);
  await editor.setBrushSize(400);
  await editor.drag([
    [2000, 1500],
    [2600, 1900],
  ]);
  await editor.prompt('a red circle');
  await editor.runSettings({ steps: 2, candidates: 1 });
  await editor.runAndWatch();
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.getByRole('button', { name: 'Edit: a red circle' }).waitFor();
  const download = await editor.exportAs('PNG');
  const file = await download.path();
  const meta = await sharp(file).metadata();
  assert.deepEqual([meta.width, meta.height], [SIZE.width, SIZE.height]);
  const [original, edited] = await Promise.all([readRgb(photo), readRgb(file)]);
  const margin = 200 + 0.1 * SIZE.width;
  const { changedOutside, meanDiffInside } = compareRegions(
    original,
    edited,
    { x0: 2000 - margin, y0: 1500 - margin, x1: 2600 + margin, y1: 1900 + margin },
    { x0: 2200, y0: 1650, x1: 2400, y1: 1750 },
  );
  assert.equal(changedOutside, 0);
  assert.ok(meanDiffInside > 8, `inside changed (${meanDiffInside.toFixed(1)})`);
});

test('a large JPEG is shown from its preview copy, then its display copy; a wand click meanwhile selects on the display copy', async () => {
  const editor = new EditorPage(page);
  await page.evaluate(() => performance.clearResourceTimings());
  await editor.openPhoto(photo, SIZE);
  // At once, before the display copy has necessarily arrived: the wand waits for it (never the preview).
  await page.keyboard.press('w');
  const inPhoto = await editor.screenPoint(3000, 2000);
  await page.mouse.click(inPhoto.x, inPhoto.y);
  await page.getByRole('region', { name: 'History' }).getByRole('button', { name: /^Magic wand/ }).waitFor({ timeout: 30_000 });
  const fetched = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/files/')).length);
  assert.equal(fetched, 2, 'the preview copy and the display copy');
  await page.keyboard.press('b');
});
