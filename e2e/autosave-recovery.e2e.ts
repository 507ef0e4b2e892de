/**
 * Autosave and recovery in serve mode: paint, run, accept, paint again, undo, type a prompt; kill -9
 * the server and its engine; start it again on the same data folder; the page offers the unsaved
 * work and restores it exactly (history, position, accepted edit, run panel). A tab closing over
 * unsaved work asks first (beforeunload). And issue 25's target: a kill -9 of the server right after a
 * stroke's mouse-up, or in the middle of a stroke, or a crash of the window's renderer process, loses at
 * most that one stroke.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { FIXTURES_DIR } from '../test-support/paths.ts';
import { launchBrowser, newEditorPage } from './support/browser.ts';
import { e2eBundle } from './support/e2e-bundle.ts';
import { EditorPage } from './support/editor-page.ts';
import { startServe, type ServeProcess } from './support/serve-process.ts';

const COFFEE = path.join(FIXTURES_DIR, 'coffee.png');
const SIZE = { width: 600, height: 400 };

let dataDir: string;
let browser: Browser;
const servers: ServeProcess[] = [];
/** More data folders, removed after the servers stop. */
const dataDirs: string[] = [];

before(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'e2e-autosave-'));
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  for (const s of servers) await s.stop();
  for (const dir of [dataDir, ...dataDirs]) await rm(dir, { recursive: true, force: true });
});

interface SavedState {
  docId: string;
  dirty: boolean;
  state: { entries: unknown[]; position: number };
  run: { prompt: string };
  edits: { id: string }[];
}

async function readAutosave(dir = dataDir): Promise<SavedState | null> {
  try {
    return JSON.parse(await readFile(path.join(dir, 'autosave/autosave.json'), 'utf8'));
  } catch {
    return null;
  }
}

async function autosaveWhere(predicate: (s: SavedState) => boolean, what: string): Promise<SavedState> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const s = await readAutosave();
    if (s && predicate(s)) return s;
    if (Date.now() > deadline) throw new Error(`no autosave with ${what}; last: ${JSON.stringify(s)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('kill -9 of the server loses nothing: the next start restores the document exactly', async () => {
  const bundle = e2eBundle().dir;
  const first = await startServe(bundle, 60_000, dataDir);
  servers.push(first);
  const { context, page } = await newEditorPage(browser, first.url);
  const editor = new EditorPage(page);
  await editor.openPhoto(COFFEE, SIZE);
  await editor.setBrushSize(40);
  await editor.drag([[200, 150], [260, 190]]);
  await editor.prompt('a red circle');
  await editor.runSettings({ steps: 2, candidates: 1, seed: 7 });
  await editor.runAndWatch();
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.getByRole('button', { name: 'Edit: a red circle' }).waitFor();
  await editor.drag([[100, 100], [140, 300]]);
  await editor.drag([[400, 100], [450, 120]]);
  await page.keyboard.press('Control+z');
  await editor.prompt('a blue boat');
  const labels = await editor.historyLabels();
  const current = await editor.currentHistoryEntry();
  const saved = await autosaveWhere((s) => s.state.entries.length === 4 && s.state.position === 3 && s.run.prompt === 'a blue boat', '4 entries at 3 and the new prompt');
  assert.equal(saved.dirty, true);
  assert.equal(saved.edits.length, 1);

  await first.kill9();
  await context.close();

  const second = await startServe(bundle, 60_000, dataDir);
  servers.push(second);
  const reopened = await newEditorPage(browser, second.url);
  const offer = reopened.page.getByRole('region', { name: 'Unsaved work' });
  await offer.waitFor();
  assert.match((await offer.textContent()) ?? '', /Unsaved work on “coffee\.png”.*\(4 steps, 1 edit\)/);
  await offer.getByRole('button', { name: 'Restore' }).click();
  const restoredEditor = new EditorPage(reopened.page);
  await reopened.page.getByText(`${SIZE.width}×${SIZE.height}`).waitFor();
  assert.deepEqual(await restoredEditor.historyLabels(), labels);
  assert.equal(await restoredEditor.currentHistoryEntry(), current);
  assert.equal(await reopened.page.getByRole('textbox', { name: 'Prompt' }).inputValue(), 'a blue boat');
  // The restored document is autosaved again under its new id, with the same content.
  const again = await autosaveWhere((s) => s.docId !== saved.docId, 'the restored document');
  assert.deepEqual([again.state, again.run, again.edits.map((e) => e.id)], [saved.state, saved.run, saved.edits.map((e) => e.id)]);

  // Closing the tab over unsaved work asks first.
  let asked = '';
  reopened.page.once('dialog', (d) => {
    asked = d.type();
    void d.dismiss();
  });
  await reopened.page.close({ runBeforeUnload: true });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(asked, 'beforeunload');
  await reopened.context.close();
});

test('kill -9 at any moment loses at most the stroke in progress or the one just ended', async () => {
  const bundle = e2eBundle().dir;
  const strokeAt = (i: number): [number, number][] => [
    [60 + (i % 8) * 60, 60 + Math.floor(i / 8) * 80],
    [90 + (i % 8) * 60, 100 + Math.floor(i / 8) * 80],
  ];
  // A data folder of its own: the test above leaves an offer in its folder, and no autosave runs while one is shown.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'e2e-autosave-kill-'));
  dataDirs.push(dir);
  const entries = async () => (await readAutosave(dir))?.state.entries.length ?? 0;

  // 1. Six strokes, killed right after the last one's mouse-up (its save may not have started).
  const first = await startServe(bundle, 60_000, dir);
  servers.push(first);
  const a = await newEditorPage(browser, first.url);
  const editor = new EditorPage(a.page);
  await editor.openPhoto(COFFEE, SIZE);
  await editor.setBrushSize(20);
  for (let i = 0; i < 6; i++) await editor.drag(strokeAt(i));
  await first.kill9();
  await a.context.close();
  const afterEnded = await entries();
  console.log(`killed right after stroke 6's mouse-up: ${afterEnded} of 6 strokes on disk`);
  assert.ok(afterEnded >= 5, `${afterEnded} of 6 strokes kept`);

  // 2. Restored, three more strokes, then killed in the middle of a fourth (mouse down, moving).
  const second = await startServe(bundle, 60_000, dir);
  servers.push(second);
  const b = await newEditorPage(browser, second.url);
  await b.page.getByRole('region', { name: 'Unsaved work' }).getByRole('button', { name: 'Restore' }).click();
  await b.page.getByText(`${SIZE.width}×${SIZE.height}`).waitFor();
  const restored = new EditorPage(b.page);
  restored.setImageSize(SIZE);
  await b.page.getByRole('button', { name: 'Fit' }).click();
  assert.equal((await restored.historyLabels()).length, afterEnded + 1, 'the restored history: the photo, then every stroke on disk');
  for (let i = 6; i < 9; i++) await restored.drag(strokeAt(i));
  const mouse = b.page.mouse;
  const from = await restored.screenPoint(500, 300);
  const to = await restored.screenPoint(560, 360);
  await mouse.move(from.x, from.y);
  await mouse.down();
  for (let k = 1; k <= 10; k++) await mouse.move(from.x + ((to.x - from.x) * k) / 10, from.y + ((to.y - from.y) * k) / 10);
  await second.kill9();
  await b.context.close();
  const midStroke = await entries();
  console.log(`killed in the middle of a stroke after ${afterEnded + 3} finished: ${midStroke} on disk`);
  assert.ok(midStroke >= afterEnded + 3, `${midStroke} of ${afterEnded + 3} finished strokes kept`);

  // (What is on disk is what the next start offers and restores: step 2 restored round 1's file, the first test compares a restore exactly.)
});

test("a crash of the window's process right after a stroke loses at most that stroke; the next page offers the rest", { timeout: 300_000 }, async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'e2e-autosave-crash-'));
  dataDirs.push(dir);
  const serve = await startServe(e2eBundle().dir, 60_000, dir);
  servers.push(serve);
  const a = await newEditorPage(browser, serve.url);
  const editor = new EditorPage(a.page);
  await editor.openPhoto(COFFEE, SIZE);
  await editor.setBrushSize(20);
  for (let i = 0; i < 4; i++) await editor.drag([[80 + i * 100, 80], [120 + i * 100, 200]]);
  // The renderer process dies as in a native fault (Chromium's own crash, not a tab close: no beforeunload).
  const crashed = a.page.waitForEvent('crash', { timeout: 30_000 });
  const cdp = await a.context.newCDPSession(a.page);
  void cdp.send('Page.crash').catch(() => {}); // never answered: the page is gone
  await crashed;
  await a.context.close();
  const onDisk = (await readAutosave(dir))?.state.entries.length ?? 0;
  console.log(`window crashed right after stroke 4's mouse-up: ${onDisk} of 4 strokes on disk`);
  assert.ok(onDisk >= 3, `${onDisk} of 4 strokes kept`);
  const b = await newEditorPage(browser, serve.url);
  const offer = b.page.getByRole('region', { name: 'Unsaved work' });
  await offer.waitFor();
  assert.match((await offer.textContent()) ?? '', new RegExp(`\\(${onDisk} steps`));
  await offer.getByRole('button', { name: 'Restore' }).click();
  await b.page.getByText(`${SIZE.width}×${SIZE.height}`).waitFor();
  assert.equal((await new EditorPage(b.page).historyLabels()).length, onDisk + 1);
  await b.context.close();
});
