import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { HostError, type DocumentInfo } from '../contract.ts';
import { recipeText } from './recipe-text.ts';
import { hostFixture, maskPng, photoPng, type HostFixture } from './testing/host-fixture.ts';

let f: HostFixture;
let doc: DocumentInfo;
before(async () => {
  f = await hostFixture();
  doc = await f.host.handlers['image:open-bytes']({ name: 'photo.png', bytes: await photoPng(96, 64) });
});
after(() => f.close());

const settings = { prompt: '', seed: 7, candidates: 1 };
const right = { left: 0, top: 0, right: 32, bottom: 0 };
const around = { left: 8, top: 4, right: 40, bottom: 4 };

type SentEdit = { source: { imagePath: string; patches: { x: number; y: number }[] }; mask: Uint8Array };
const lastEdit = () => f.engineHost.calls.filter((c) => c.type === 'edit').at(-1)!.req as SentEdit;

test('a run on an extended canvas reads the grown image, checks the mask against it and records the canvas', async () => {
  const mask = await maskPng(128, 64, { x: 96, y: 0, width: 32, height: 64 });
  const run = await f.host.handlers['edit:run']({ docId: doc.docId, runId: 'r1', editIds: [], mask, canvas: right, softMask: true, settings });
  const sent = lastEdit();
  assert.notEqual(sent.source.imagePath, f.host.docs.get(doc.docId).originalPath);
  const grown = await sharp(sent.source.imagePath).metadata();
  assert.deepEqual([grown.width, grown.height], [128, 64]);
  assert.deepEqual([run.candidates[0].x, run.candidates[0].width], [96, 32]);
  const edit = await f.host.handlers['candidate:accept']({ docId: doc.docId, candidateId: run.candidates[0].candidateId });
  assert.deepEqual(edit.recipe.canvas, right);
  // The photo-sized mask no longer fits the canvas.
  await assert.rejects(
    (async () => f.host.handlers['edit:run']({ docId: doc.docId, runId: 'r2', editIds: [], mask: await maskPng(96, 64, { x: 1, y: 1, width: 4, height: 4 }), canvas: right, settings }))(),
    (e: HostError) => e.code === 'bad-request' && /128×64/.test(e.message),
  );

  // Grown again on every side: the first edit moves by the new left and top; the same padding reuses its image.
  const mask2 = await maskPng(144, 72, { x: 0, y: 0, width: 8, height: 72 });
  await f.host.handlers['edit:run']({ docId: doc.docId, runId: 'r3', editIds: [edit.editId], mask: mask2, canvas: around, settings });
  const first = lastEdit();
  assert.deepEqual(first.source.patches.map((p) => [p.x, p.y]), [[104, 4]]);
  await f.host.handlers['edit:run']({ docId: doc.docId, runId: 'r4', editIds: [edit.editId], mask: mask2, canvas: around, settings });
  assert.equal(lastEdit().source.imagePath, first.source.imagePath);

  // Undone back to the photo itself, the edit made on the grown canvas no longer fits.
  await assert.rejects(
    (async () => f.host.handlers['edit:run']({ docId: doc.docId, runId: 'r5', editIds: [edit.editId], mask: await maskPng(96, 64, { x: 1, y: 1, width: 4, height: 4 }), settings }))(),
    (e: HostError) => e.code === 'bad-request' && /outside/.test(e.message),
  );

  const stored = f.host.docs.get(doc.docId).edits.get(edit.editId)!;
  assert.match(recipeText([stored], { width: 144, height: 72 }, around)!, /Size: 144x72, .*Region: 104,4,32,64, Extended: L0 T0 R32 B0/);
});

test('exports and projects keep the canvas: the export has its size, a reopened project its edits', async () => {
  const mask = await maskPng(128, 64, { x: 96, y: 0, width: 32, height: 64 });
  const run = await f.host.handlers['edit:run']({ docId: doc.docId, runId: 'r6', editIds: [], mask, canvas: right, settings });
  const edit = await f.host.handlers['candidate:accept']({ docId: doc.docId, candidateId: run.candidates[0].candidateId });
  const saved = await f.host.handlers['export:image']({ docId: doc.docId, editIds: [edit.editId], format: 'png', canvas: right });
  const exportedPath = f.files.resolveUrl(saved!.downloadUrl!)!.path;
  const meta = await sharp(exportedPath).metadata();
  assert.deepEqual([meta.width, meta.height], [128, 64]);

  const state = { entries: [{ kind: 'extend' as const, ...right }, { kind: 'edit' as const, editId: edit.editId, label: '' }], position: 2 };
  const project = await f.host.handlers['project:save']({ docId: doc.docId, state });
  const bytes = await import('node:fs/promises').then((fs) => fs.readFile(f.files.resolveUrl(project!.downloadUrl!)!.path));
  const reopened = await f.host.handlers['project:open-bytes']({ name: 'p.glideproj', bytes });
  assert.deepEqual(reopened.state, state);
  assert.deepEqual(reopened.edits[0].recipe.canvas, right);
  assert.equal(reopened.edits[0].x, 96);
});

test('an autosave keeps the canvas: restored, the extend entry and the edit made on the grown canvas come back and run', async () => {
  const h = f.host.handlers;
  const mask = await maskPng(128, 64, { x: 96, y: 0, width: 32, height: 64 });
  const run = await h['edit:run']({ docId: doc.docId, runId: 'r7', editIds: [], mask, canvas: right, settings });
  const edit = await h['candidate:accept']({ docId: doc.docId, candidateId: run.candidates[0].candidateId });
  const state = { entries: [{ kind: 'extend' as const, ...right }, { kind: 'edit' as const, editId: edit.editId, label: '' }], position: 2 };
  const panel = { prompt: '', guidanceScale: null, steps: null, detail: null, seedMode: 'fixed' as const, seed: 7, candidates: 1 };
  await h['autosave:write']({ docId: doc.docId, state, dirty: true, run: panel, staging: null });
  const restored = await h['autosave:restore']({});
  assert.deepEqual(restored.project.state, state);
  const back = restored.project.edits.find((e) => e.editId === edit.editId)!;
  assert.deepEqual([back.x, back.y, back.recipe.canvas], [96, 0, right]);
  const again = await h['edit:run']({ docId: restored.project.document.docId, runId: 'r8', editIds: [edit.editId], mask, canvas: right, settings });
  assert.equal(again.candidates[0].width, 32);
  assert.deepEqual(lastEdit().source.patches.map((p) => [p.x, p.y]), [[96, 0]]);
});

test('a canvas above the photo limit is refused', async () => {
  await assert.rejects(
    (async () => f.host.handlers['export:image']({ docId: doc.docId, editIds: [], format: 'png', canvas: { left: 16384, top: 16384, right: 16384, bottom: 16384 } }))(),
    (e: HostError) => e.code === 'too-large',
  );
});
