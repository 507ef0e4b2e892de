import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { HostError, type AcceptedEdit, type DocumentInfo, type EditorState } from '../contract.ts';
import { recipeText } from './recipe-text.ts';
import { hostFixture, maskPng, photoPng, type HostFixture } from './testing/host-fixture.ts';

let f: HostFixture;
let doc: DocumentInfo;
let edit: AcceptedEdit;
let target: { path: string } | 'download' | null = 'download';
before(async () => {
  f = await hostFixture({ chooseSaveTarget: async () => target });
  doc = await f.host.handlers['image:open-bytes']({ name: 'holiday photo.png', bytes: await photoPng(80, 60) });
  const run = await f.host.handlers['edit:run']({
    docId: doc.docId,
    runId: 'r1',
    editIds: [],
    mask: await maskPng(80, 60, { x: 5, y: 6, width: 10, height: 10 }),
    settings: { prompt: 'a red\ncircle', seed: 42, candidates: 1, guidanceScale: 5 },
  });
  edit = await f.host.handlers['candidate:accept']({ docId: doc.docId, candidateId: run.candidates[0].candidateId });
});
after(() => f.close());

test('export as a download writes the edited photo at full size and records the recipe', async () => {
  target = 'download';
  const saved = await f.host.handlers['export:image']({ docId: doc.docId, editIds: [edit.editId], format: 'png' });
  assert.ok(saved?.downloadUrl);
  assert.equal(saved.fileName, 'holiday photo-edited.png');
  assert.equal(saved.savedPath, null);
  const served = f.files.resolveUrl(saved.downloadUrl)!;
  assert.equal(served.downloadName, 'holiday photo-edited.png');
  const meta = await sharp(await readFile(served.path)).metadata();
  assert.deepEqual([meta.width, meta.height], [80, 60]);
  const sent = f.engineHost.calls.filter((c) => c.type === 'export').at(-1)!.req as { parameters: string; quality?: number };
  assert.match(sent.parameters, /^a red circle\nSteps: 4, Sampler: DDIM, CFG scale: 5, Seed: 42, Size: 80x60, Model: fake-model/);
});

test('export to a chosen path, and a cancelled dialog answers null', async () => {
  target = { path: path.join(f.workDir, 'out.jpg') };
  const saved = await f.host.handlers['export:image']({ docId: doc.docId, editIds: [], format: 'jpeg', quality: 80 });
  assert.equal(saved?.savedPath, target.path);
  assert.equal(saved?.downloadUrl, null);
  target = null;
  assert.equal(await f.host.handlers['export:image']({ docId: doc.docId, editIds: [], format: 'webp' }), null);
});

test('recipe text has one block per edit and nothing without edits', () => {
  assert.equal(recipeText([], { width: 1, height: 1 }), undefined);
});

test('a saved project reopens with the photo, edits, recipes and history intact', async () => {
  target = 'download';
  const state: EditorState = {
    entries: [
      { kind: 'stroke', mode: 'paint', width: 12, hardness: 0.5, points: [1, 2, 30, 40] },
      { kind: 'edit', editId: edit.editId, label: 'a red circle' },
      { kind: 'invert' },
    ],
    position: 2,
  };
  const saved = await f.host.handlers['project:save']({ docId: doc.docId, state });
  assert.equal(saved?.fileName, 'holiday photo.glideproj');
  const bytes = await readFile(f.files.resolveUrl(saved!.downloadUrl!)!.path);
  const opened = await f.host.handlers['project:open-bytes']({ name: 'holiday photo.glideproj', bytes });
  assert.deepEqual(opened.state, state);
  assert.equal(opened.document.name, 'holiday photo.png');
  assert.deepEqual([opened.document.width, opened.document.height], [80, 60]);
  assert.equal(opened.edits.length, 1);
  const [reopened] = opened.edits;
  assert.deepEqual({ ...reopened, url: '' }, { ...edit, url: '' });
  const patch = f.files.resolveUrl(reopened.url)!;
  assert.deepEqual(await readFile(patch.path), await readFile(f.host.docs.get(doc.docId).edits.get(edit.editId)!.path));
  // The reopened document can be exported with its edit.
  const exported = await f.host.handlers['export:image']({ docId: opened.document.docId, editIds: [reopened.editId], format: 'png' });
  assert.ok(exported?.bytes);
  // …and opened from a path.
  const onDisk = path.join(f.workDir, 'p.glideproj');
  await writeFile(onDisk, bytes);
  assert.equal((await f.host.handlers['project:open-path']({ path: onDisk })).edits.length, 1);
});

test('a file that is not a project is refused as bad-project', async () => {
  for (const bytes of [new Uint8Array(3), await photoPng(4, 4), Buffer.concat([Buffer.from('GLIDEPRJ'), Buffer.alloc(8, 255)])]) {
    await assert.rejects(async () => f.host.handlers['project:open-bytes']({ name: 'x.glideproj', bytes }), (e: HostError) => e.code === 'bad-project');
  }
});

test('serve mode has no native dialogs', async () => {
  assert.equal((await f.host.handlers['app:info']({})).nativeDialogs, false);
  await assert.rejects((async () => f.host.handlers['image:open-dialog']({})), (e: HostError) => e.code === 'unsupported');
});

test('serve mode refuses to open files by path', async () => {
  const served = await hostFixture({ pathAccess: false });
  try {
    await assert.rejects(async () => served.host.handlers['image:open-path']({ path: '/etc/hostname' }), (e: HostError) => e.code === 'unsupported');
    await assert.rejects(async () => served.host.handlers['project:open-path']({ path: '/etc/hostname' }), (e: HostError) => e.code === 'unsupported');
  } finally {
    await served.close();
  }
});
