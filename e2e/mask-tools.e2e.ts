/**
 * The mask tools as a person uses them, in Chromium against serve mode with the real engine: a
 * rectangle (M), a freehand lasso (L), a polygon lasso closed with Enter, a wand click (W) on a flat
 * area, subtracting with Alt, grow and feather previewed then applied, run, accept and export; the
 * export changes inside the mask and keeps every pixel where the saved (feathered) mask is 0. A mask
 * loaded from a PNG is the file, pixel for pixel, and comes back out the same.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newEditorPage } from './support/browser.ts';
import { e2eBundle } from './support/e2e-bundle.ts';
import { EditorPage } from './support/editor-page.ts';
import { readRgb } from './support/image-compare.ts';
import { FIXTURES_DIR } from '../test-support/paths.ts';
import { startServe, type ServeProcess } from './support/serve-process.ts';

const SIZE = { width: 600, height: 400 };
/** A flat green square painted into the photo, for the wand. */
const FLAT = { x: 460, y: 40, width: 90, height: 80 };

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let editor: EditorPage;
let log: string[];
let tmp: string;
let photo: string;

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'e2e-mask-tools-'));
  photo = path.join(tmp, 'coffee-flat.png');
  const square = await sharp({ create: { width: FLAT.width, height: FLAT.height, channels: 3, background: { r: 30, g: 190, b: 70 } } }).png().toBuffer();
  await sharp(path.join(FIXTURES_DIR, 'coffee.png')).removeAlpha().composite([{ input: square, left: FLAT.x, top: FLAT.y }]).png().toFile(photo);
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

/** The mask as the editor saves it (Save mask): one grey byte per photo pixel, 255 = generate. */
async function savedMask(): Promise<Uint8Array> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save mask' }).click();
  const file = await (await download).path();
  const { data, info } = await sharp(file).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height], [SIZE.width, SIZE.height]);
  return data;
}

function covered(mask: Uint8Array, box: { x: number; y: number; width: number; height: number }): number {
  let n = 0;
  for (let y = box.y; y < box.y + box.height; y++) for (let x = box.x; x < box.x + box.width; x++) if (mask[y * SIZE.width + x] >= 128) n++;
  return n / (box.width * box.height);
}

test('tools are on the keyboard and say so in their tooltips', async () => {
  await editor.openPhoto(photo, SIZE);
  for (const [key, name, hint] of [['m', 'Rectangle', '(M)'], ['l', 'Lasso', '(L)'], ['w', 'Wand', '(W)'], ['e', 'Eraser', '(E)'], ['b', 'Brush', '(B)']] as const) {
    await page.keyboard.press(key);
    const button = page.getByRole('radio', { name });
    assert.equal(await button.getAttribute('aria-checked'), 'true', `${key} selects ${name}`);
    assert.ok((await button.getAttribute('title'))?.includes(hint), `${name}'s tooltip names its key`);
  }
  assert.match((await page.getByRole('radio', { name: 'Rectangle' }).getAttribute('title')) ?? '', /Alt subtracts/);
});

test('rectangle, lasso, polygon, wand and an Alt-subtraction build the mask the overlay shows', async () => {
  await page.keyboard.press('m');
  await editor.drag([[40, 220], [160, 340]]);
  // A rectangle subtracted with Alt from the first one's corner.
  await page.keyboard.down('Alt');
  await editor.drag([[130, 310], [170, 350]]);
  await page.keyboard.up('Alt');

  await page.keyboard.press('l');
  await editor.drag([[250, 60], [330, 50], [360, 120], [300, 160], [240, 130]]);

  await page.getByLabel('Lasso mode').selectOption('polygon');
  for (const [x, y] of [[200, 300], [280, 260], [300, 360]] as const) {
    const s = await editor.screenPoint(x, y);
    await page.mouse.click(s.x, s.y);
  }
  await page.keyboard.press('Enter');

  await page.keyboard.press('w');
  await page.getByLabel('Wand tolerance').fill('20');
  const inFlat = await editor.screenPoint(FLAT.x + 40, FLAT.y + 30);
  await page.mouse.click(inFlat.x, inFlat.y);

  assert.deepEqual(await editor.historyLabels(), ['Original photo', 'Rectangle', 'Rectangle (subtract)', 'Lasso', 'Lasso', 'Magic wand, tolerance 20'], diagnostics());
  const mask = await savedMask();
  assert.equal(covered(mask, { x: 45, y: 225, width: 80, height: 80 }), 1, 'rectangle');
  assert.equal(covered(mask, { x: 135, y: 315, width: 20, height: 20 }), 0, 'the Alt rectangle subtracted');
  assert.equal(covered(mask, { x: 280, y: 80, width: 30, height: 40 }), 1, 'freehand lasso');
  assert.equal(covered(mask, { x: 265, y: 300, width: 15, height: 20 }), 1, 'polygon lasso');
  assert.ok(covered(mask, { x: FLAT.x + 3, y: FLAT.y + 3, width: FLAT.width - 6, height: FLAT.height - 6 }) > 0.98, 'the wand took the flat square');
  assert.ok(covered(mask, { x: FLAT.x - 30, y: FLAT.y + FLAT.height + 6, width: 100, height: 30 }) < 0.05, 'and not the photo around it');
  assert.equal(covered(mask, { x: 0, y: 0, width: 30, height: 30 }), 0);
});

let feathered: Uint8Array;

test('grow and feather show on the overlay while adjusted, then join the history', async () => {
  await page.getByLabel('Grow pixels').fill('6');
  assert.equal(await page.getByRole('button', { name: 'Apply' }).isEnabled(), true, 'a grow is being previewed');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByLabel('Feather pixels').fill('16');
  await page.keyboard.press('Escape'); // drops the preview
  assert.equal(await page.getByRole('button', { name: 'Apply' }).isEnabled(), false);
  await page.getByLabel('Feather pixels').fill('16');
  await page.getByRole('button', { name: 'Apply' }).click();
  assert.deepEqual((await editor.historyLabels()).slice(-2), ['Grow 6 px', 'Feather 16 px']);
  feathered = await savedMask();
  // The rectangle's left edge was at x = 40, grown to 34: the feather ramps over 26..42.
  const row = 280 * SIZE.width;
  assert.equal(feathered[row + 25], 0);
  assert.equal(feathered[row + 43], 255);
  assert.ok(feathered[row + 33] > 40 && feathered[row + 33] < 215, `mid-ramp coverage ${feathered[row + 33]}`);
});

test('run, accept, export: pixels where the feathered mask is 0 are identical, inside they changed', async () => {
  await editor.prompt('a red circle');
  await editor.runSettings({ steps: 3, candidates: 1, seed: 7 });
  await editor.runAndWatch();
  await page.getByRole('button', { name: 'Accept' }).click();
  const exported = await readRgb(await (await editor.exportAs('PNG')).path());
  const original = await readRgb(photo);
  let changedOutside = 0, outside = 0, inside = 0, sum = 0;
  for (let i = 0; i < SIZE.width * SIZE.height; i++) {
    const d = Math.abs(original.data[i * 3] - exported.data[i * 3]) + Math.abs(original.data[i * 3 + 1] - exported.data[i * 3 + 1]) + Math.abs(original.data[i * 3 + 2] - exported.data[i * 3 + 2]);
    if (feathered[i] === 0) {
      outside++;
      if (d) changedOutside++;
    } else if (feathered[i] === 255) {
      inside++;
      sum += d / 3;
    }
  }
  assert.ok(outside > 100_000);
  assert.equal(changedOutside, 0, `pixels outside the feathered mask are identical${diagnostics()}`);
  assert.ok(sum / inside > 8, `pixels inside the mask changed (mean difference ${(sum / inside).toFixed(1)} over ${inside} px)`);
});

test('a mask loaded from a PNG is the file, and saves back out identical; undo brings the previous mask back', async () => {
  const grey = Buffer.alloc(SIZE.width * SIZE.height);
  for (let y = 0; y < SIZE.height; y++) for (let x = 0; x < SIZE.width; x++) {
    const d = Math.hypot(x - 300, y - 200);
    grey[y * SIZE.width + x] = d < 80 ? 255 : d < 100 ? Math.round((255 * (100 - d)) / 20) : 0;
  }
  const file = path.join(tmp, 'circle-mask.png');
  writeFileSync(file, await sharp(grey, { raw: { width: SIZE.width, height: SIZE.height, channels: 1 } }).png().toBuffer());
  await page.setInputFiles('input[aria-label="Mask file"]', file);
  await page.getByText('Loaded the mask from "circle-mask.png".').waitFor();
  assert.equal(await editor.currentHistoryEntry(), 'Load mask');
  const back = await savedMask();
  assert.ok(Buffer.from(back).equals(grey), 'the saved mask equals the loaded file');
  await page.keyboard.press('Control+z');
  assert.ok(Buffer.from(await savedMask()).equals(Buffer.from(feathered)), 'undo restores the feathered mask');
  // A mask of another size is refused with a clear message and changes nothing.
  const small = path.join(tmp, 'small.png');
  writeFileSync(small, await sharp({ create: { width: 10, height: 10, channels: 3, background: '#fff' } }).png().toBuffer());
  await page.setInputFiles('input[aria-label="Mask file"]', small);
  const refusal = page.getByRole('alert').filter({ hasText: 'The mask is 10×10 but the photo is 600×400; they must match.' });
  await refusal.waitFor();
  assert.equal(await editor.currentHistoryEntry(), 'Edit: a red circle');
  await refusal.getByRole('button', { name: 'Dismiss' }).click();
});

test('a saved project brings the shapes, wand, grow and feather back as history', async () => {
  const labels = await editor.historyLabels();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save project' }).click();
  const saved = await (await download).path();
  await page.getByRole('button', { name: 'Original photo' }).click();
  await page.setInputFiles('input[aria-label="Project file"]', { name: 'coffee-flat.glideproj', mimeType: 'application/octet-stream', buffer: readFileSync(saved) });
  await page.waitForFunction(() => document.querySelector('.history button.current')?.textContent?.startsWith('Edit:'));
  assert.deepEqual(await editor.historyLabels(), labels);
  await page.getByRole('button', { name: 'Feather 16 px' }).click();
  assert.ok(Buffer.from(await savedMask()).equals(Buffer.from(feathered)), 'the reopened history draws the same mask');
  assert.deepEqual(await editor.alerts(), [], diagnostics());
});

test('a brush stroke on the overlay is the mask the engine gets: its 50% line, no softer edge', async () => {
  await page.getByRole('button', { name: 'Clear', exact: true }).click();
  await page.keyboard.press('b');
  await editor.setBrushSize(40);
  await page.getByLabel(/^Hardness/).fill('0'); // a stroke covers half its size: 20 px
  await editor.drag([[100, 200], [300, 200]]);
  const mask = await savedMask();
  const at = (x: number, y: number) => mask[y * SIZE.width + x];
  assert.deepEqual([at(200, 208), at(200, 212)], [255, 0], 'the saved (engine) mask ends 10 px from the stroke');
  // The overlay's own layer (the stage's third canvas), read where those photo pixels are on screen.
  const alphaAt = async (x: number, y: number) => {
    const s = await editor.screenPoint(x, y);
    return page.evaluate(([sx, sy]) => {
      const canvas = document.querySelectorAll('[data-testid="canvas"] canvas')[2] as HTMLCanvasElement;
      const r = canvas.getBoundingClientRect();
      const k = canvas.width / r.width;
      return canvas.getContext('2d')!.getImageData(Math.floor((sx - r.left) * k), Math.floor((sy - r.top) * k), 1, 1).data[3];
    }, [s.x, s.y] as const);
  };
  assert.ok((await alphaAt(200, 206)) > 200, 'the overlay covers the stroke');
  assert.equal(await alphaAt(200, 214), 0, 'and nothing past its 50% line, where the engine keeps the photo');
});
