/**
 * Opening, navigating and painting in the browser, and the messages a person gets when something is
 * wrong: a damaged file, an empty mask; the Engine panel's words for where the model runs. Messages must appear in
 * the window. (An empty prompt is a Fill: fill.e2e.ts.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newEditorPage } from './support/browser.ts';
import { e2eBundle } from './support/e2e-bundle.ts';
import { EditorPage } from './support/editor-page.ts';
import { FIXTURES_DIR } from '../test-support/paths.ts';
import { startServe, type ServeProcess } from './support/serve-process.ts';

const CHELSEA = path.join(FIXTURES_DIR, 'chelsea.png'); // 451×300, CC0

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let editor: EditorPage;
let tmp: string;

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'e2e-files-'));
  serve = await startServe(e2eBundle().dir);
  browser = await launchBrowser();
  ({ page } = await newEditorPage(browser, serve.url));
  editor = new EditorPage(page);
});
after(async () => {
  await browser?.close();
  await serve?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** The photo's pixel under a screen point, as the canvas shows it (for overlay checks). */
async function canvasPixel(x: number, y: number): Promise<[number, number, number]> {
  const shot = await page.screenshot({ clip: { x, y, width: 1, height: 1 } });
  const { default: sharp } = await import('sharp');
  const { data } = await sharp(shot).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return [data[0], data[1], data[2]];
}

test('a photo opens and is shown fitted; the wheel zooms at the pointer; Fit and 100% work', async () => {
  await editor.openPhoto(CHELSEA, { width: 451, height: 300 });
  const zoom = page.getByLabel('Zoom');
  const fitted = await zoom.textContent();
  const centre = await editor.screenPoint(225, 150);
  await page.mouse.move(centre.x, centre.y);
  await page.mouse.wheel(0, -300);
  await page.waitForFunction((before) => document.querySelector('[aria-label="Zoom"]')?.textContent !== before, fitted);
  assert.ok(parseFloat((await zoom.textContent())!) > parseFloat(fitted!), 'wheel up zooms in');
  await page.getByRole('button', { name: '100%' }).click();
  assert.equal(await zoom.textContent(), '100%');
  await page.getByRole('button', { name: 'Fit' }).click();
  assert.equal(await zoom.textContent(), fitted);
});

test('painting tints the photo with the mask colour; eraser, B/E, [ ], invert and clear are history entries', async () => {
  const p = await editor.screenPoint(100, 100);
  const before = await canvasPixel(p.x, p.y);
  await editor.drag([
    [80, 100],
    [120, 100],
  ]);
  const after = await canvasPixel(p.x, p.y);
  assert.ok(after[0] - after[1] > before[0] - before[1] + 20, `the overlay shows where the mask is (${before} → ${after})`);

  const size = page.getByLabel('Brush size');
  const s0 = Number(await size.textContent());
  await page.keyboard.press(']');
  assert.ok(Number(await size.textContent()) > s0, '] grows the brush');
  await page.keyboard.press('[');
  await page.keyboard.press('e');
  assert.equal(await page.getByRole('radio', { name: 'Eraser' }).getAttribute('aria-checked'), 'true');
  await editor.drag([
    [80, 100],
    [120, 100],
  ]);
  await page.keyboard.press('b');
  assert.equal(await page.getByRole('radio', { name: 'Brush' }).getAttribute('aria-checked'), 'true');
  await page.getByRole('button', { name: 'Invert' }).click();
  await page.getByRole('button', { name: 'Clear', exact: true }).click();
  assert.deepEqual(await editor.historyLabels(), ['Original photo', 'Brush stroke', 'Eraser stroke', 'Invert mask', 'Clear mask']);
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  assert.equal(await editor.currentHistoryEntry(), 'Eraser stroke');
});

test('space-drag pans instead of painting', async () => {
  const entries = (await editor.historyLabels()).length;
  const a = await editor.screenPoint(200, 150);
  await page.mouse.move(a.x, a.y);
  await page.keyboard.down('Space');
  await page.mouse.down();
  await page.mouse.move(a.x + 80, a.y + 40, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Space');
  assert.equal((await editor.historyLabels()).length, entries, 'no stroke was added');
  await page.getByRole('button', { name: 'Fit' }).click();
});

test('an empty mask gets a clear message and no run', async () => {
  await page.getByRole('button', { name: 'Clear', exact: true }).click();
  await editor.prompt('a red circle');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: /mask is empty.*paint over the area/ }).waitFor();
  assert.equal(await page.getByLabel('Run progress').count(), 0, 'no run started');
  await page.getByRole('alert').getByRole('button', { name: 'Dismiss' }).click();
});

test('an empty prompt is a Fill: the Run button says so, and Run again once there is a prompt', async () => {
  await editor.prompt('   ');
  await page.getByRole('button', { name: 'Fill', exact: true }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Run', exact: true }).count(), 0);
  await editor.prompt('a red circle');
  await page.getByRole('button', { name: 'Run', exact: true }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Fill', exact: true }).count(), 0);
});

test('a damaged image file gets a clear message and the open photo stays', async () => {
  const broken = path.join(tmp, 'holiday.jpg');
  writeFileSync(broken, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('not really a jpeg '.repeat(100))]));
  await page.setInputFiles('input[aria-label="Photo file"]', broken);
  const alert = page.getByRole('alert').filter({ hasText: /holiday\.jpg/ });
  await alert.waitFor();
  assert.match((await alert.textContent())!, /could not be read as an image.*JPEG, PNG or WebP/);
  assert.ok(await page.getByText('451×300').isVisible(), 'the photo that was open is still open');
});

/** Hands the page a File made from a fixture, as a drop or a paste would. */
async function dispatchFileEvent(kind: 'drop' | 'paste', file: string, name: string, type: string): Promise<void> {
  const base64 = readFileSync(file).toString('base64');
  await page.evaluate(
    ([kind, base64, name, type]) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], name, { type }));
      if (kind === 'drop') {
        const target = document.querySelector('.app')!;
        target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
        target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      } else {
        window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
      }
    },
    [kind, base64, name, type] as const,
  );
}

test('a photo dropped on the window or pasted opens', async () => {
  await dispatchFileEvent('drop', path.join(FIXTURES_DIR, 'coffee.png'), 'coffee.png', 'image/png');
  await page.getByText('coffee.png · 600×400').waitFor();
  await dispatchFileEvent('paste', CHELSEA, '', 'image/png');
  await page.getByText('pasted image.png · 451×300').waitFor();
  assert.deepEqual(await editor.historyLabels(), ['Original photo'], 'a new photo starts a new history');
});

test('strokes made while the next photo is still being drawn are not put on it; once drawn, painting works', async () => {
  // The earlier tests' messages lie over the canvas.
  for (const dismiss of await page.getByRole('button', { name: 'Dismiss' }).all()) await dismiss.click();
  await editor.openPhoto(CHELSEA, { width: 451, height: 300 });
  // Hold the next photo's display copy, as a 24 MP photo's decode holds it on a slow machine.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let shown: Promise<void> | undefined;
  await page.route('**/files/*', (route) => (shown = held.then(() => route.continue())));
  try {
    await page.setInputFiles('input[aria-label="Photo file"]', path.join(FIXTURES_DIR, 'coffee.png'));
    await page.getByText('coffee.png · 600×400').waitFor();
    assert.equal(await page.getByTestId('canvas').getAttribute('aria-busy'), 'true', 'the canvas says it is still loading');
    // Chelsea is still on screen: a person paints on it, and with the rectangle tool.
    await editor.drag([
      [100, 100],
      [200, 150],
    ]);
    await page.keyboard.press('m');
    await editor.drag([
      [50, 50],
      [150, 120],
    ]);
    await page.keyboard.press('b');
    assert.deepEqual(await editor.historyLabels(), ['Original photo'], 'nothing was drawn on the photo being loaded');
  } finally {
    release();
    await shown;
    await page.unroute('**/files/*');
  }
  await page.waitForSelector('[data-testid="canvas"][aria-busy="false"]');
  editor.setImageSize({ width: 600, height: 400 });
  await page.getByRole('button', { name: 'Fit' }).click();
  await editor.drag([
    [100, 100],
    [200, 150],
  ]);
  assert.deepEqual(await editor.historyLabels(), ['Original photo', 'Brush stroke']);
});

test('the Engine panel says where the model runs and why in words, keeps the raw message behind Details, and wraps', async (t) => {
  // The other tests' server was started with --provider cpu, and its menu says so.
  assert.equal(await page.getByRole('region', { name: 'Engine' }).getByLabel('Execution provider').inputValue(), 'cpu');
  // Its own server with the provider left to Automatic (the other tests pin the CPU).
  const auto = await startServe(e2eBundle().dir, 60_000, undefined, ['--provider', 'auto']);
  try {
    const { context, page: autoPage } = await newEditorPage(browser, auto.url);
    const panel = autoPage.getByRole('region', { name: 'Engine' });
    const why = panel.locator('p.hint').filter({ hasText: /runs on the CPU\.|using the GPU\./ });
    await why.waitFor({ timeout: 60_000 });
    const reason = (await why.textContent()) ?? '';
    if (/using the GPU/.test(reason)) {
      t.skip(`the engine runs on a GPU here (${reason}); the CPU fallback's words are not shown`);
      await context.close();
      return;
    }
    assert.match(await panel.locator('p.hint').first().textContent() ?? '', / on CPU\.$/);
    assert.match(reason, /^(No NVIDIA GPU found|This machine has an NVIDIA GPU, but onnxruntime's CUDA add-on is not installed|onnxruntime has no GPU provider)/);
    assert.doesNotMatch(reason, /Failed to load|\.so\b/, 'no raw onnxruntime text in the sentence');
    const details = panel.locator('details');
    const raw = details.locator('pre.raw-message');
    const hasDetails = (await details.count()) > 0;
    if (hasDetails) {
      assert.equal(await raw.isVisible(), false, 'the raw message starts hidden');
      await details.locator('summary').click();
      await raw.waitFor();
      assert.match((await raw.textContent()) ?? '', /^CUDA: /);
    }
    // Nothing is cut off at the panel's edge: no text box is wider than the panel shows.
    const overflow = await panel.evaluate((el) =>
      [el, ...el.querySelectorAll('p, pre, summary')].filter((n) => n.scrollWidth > n.clientWidth + 1).map((n) => `${n.tagName} ${n.scrollWidth}>${n.clientWidth}`),
    );
    assert.deepEqual(overflow, []);
    console.log(`engine panel: ${reason}${hasDetails ? ` | Details: ${(await raw.textContent())?.slice(0, 160)}` : ''}`);
    // The menu shows the provider the command line chose; a choice in the window replaces it at once.
    assert.equal(await panel.getByLabel('Execution provider').inputValue(), 'auto');
    await panel.getByLabel('Execution provider').selectOption('cpu');
    await panel.locator('p.hint', { hasText: 'CPU chosen in settings' }).waitFor({ timeout: 60_000 });
    await context.close();
  } finally {
    await auto.stop();
  }
});
