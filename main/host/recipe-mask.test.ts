import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { DocumentInfo, MaskEntry } from '../contract.ts';
import { recipeText } from './recipe-text.ts';
import { hostFixture, maskPng, photoPng, type HostFixture } from './testing/host-fixture.ts';

let f: HostFixture;
let doc: DocumentInfo;
before(async () => {
  f = await hostFixture();
  doc = await f.host.handlers['image:open-bytes']({ name: 'photo.png', bytes: await photoPng(96, 64) });
});
after(() => f.close());

test('the recipe records the mask operations the run sent; projects keep them; exports name them', async () => {
  const maskOps: MaskEntry[] = [
    { kind: 'rect', mode: 'add', x: 10, y: 12, width: 20, height: 16 },
    { kind: 'stroke', mode: 'paint', width: 6, hardness: 1, points: [40, 20, 50, 30] },
    { kind: 'stroke', mode: 'paint', width: 6, hardness: 1, points: [41, 20, 51, 30] },
    { kind: 'feather', pixels: 4 },
  ];
  const mask = await maskPng(96, 64, { x: 8, y: 10, width: 46, height: 24 });
  const run = await f.host.handlers['edit:run']({ docId: doc.docId, runId: 'r1', editIds: [], mask, maskOps, settings: { prompt: 'a red circle', seed: 3, candidates: 1 } });
  const edit = await f.host.handlers['candidate:accept']({ docId: doc.docId, candidateId: run.candidates[0].candidateId });
  assert.deepEqual(edit.recipe.mask, maskOps);

  const state = { entries: [...maskOps, { kind: 'edit' as const, editId: edit.editId, label: 'a red circle' }], position: 5 };
  const saved = await f.host.handlers['project:save']({ docId: doc.docId, state });
  const reopened = await f.host.handlers['project:open-bytes']({ name: 'p.glideproj', bytes: await readFile(f.files.resolveUrl(saved!.downloadUrl!)!.path) });
  assert.deepEqual(reopened.edits[0].recipe.mask, maskOps);

  const stored = f.host.docs.get(doc.docId).edits.get(edit.editId)!;
  assert.match(recipeText([stored], { width: 96, height: 64 })!, /, Mask: rect\+brush\+feather 4, Tool:/);
});
