import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import type { EditorState, HostError, RunPanel } from '../contract.ts';
import { hostFixture, maskPng, photoPng } from './testing/host-fixture.ts';

const run: RunPanel = { prompt: 'a red boat', guidanceScale: 4, steps: null, detail: 'high', seedMode: 'fixed', seed: 7, candidates: 2 };

async function documentWithWork() {
  const f = await hostFixture();
  const h = f.host.handlers;
  const doc = await h['image:open-bytes']({ name: 'harbour.png', bytes: await photoPng(40, 30) });
  const mask = await maskPng(40, 30, { x: 2, y: 2, width: 10, height: 10 });
  const first = await h['edit:run']({ docId: doc.docId, runId: 'r1', editIds: [], mask, settings: { prompt: 'x', seed: 1, candidates: 1 } });
  const edit = await h['candidate:accept']({ docId: doc.docId, candidateId: first.candidates[0].candidateId });
  const staged = await h['edit:run']({ docId: doc.docId, runId: 'r2', editIds: [edit.editId], mask, settings: { prompt: 'y', seed: 2, candidates: 2 } });
  const state: EditorState = {
    entries: [
      { kind: 'stroke', mode: 'paint', width: 9, hardness: 0.5, points: [1, 2, 3, 4, 5.5, 6.25] },
      { kind: 'edit', editId: edit.editId, label: 'x' },
      { kind: 'stroke', mode: 'erase', width: 3, hardness: 1, points: [7, 8] },
      { kind: 'invert' },
    ],
    position: 3,
  };
  const staging = { runId: 'r2', candidateIds: staged.candidates.map((c) => c.candidateId), selected: 1, settings: { prompt: 'y', seed: 2, candidates: 2 }, millis: 12 };
  return { f, h, doc, edit, state, staging };
}

test('an autosave restores the document exactly: history, accepted and staged edits, run panel', async () => {
  const { f, h, doc, edit, state, staging } = await documentWithWork();
  try {
    assert.equal(await h['autosave:check']({}), null, 'nothing saved yet');
    const written = await h['autosave:write']({ docId: doc.docId, state, dirty: true, run, staging });
    assert.ok(written.bytes > 0);
    assert.deepEqual(await h['autosave:check']({}), { name: 'harbour.png', savedAt: (await h['autosave:check']({}))!.savedAt, entries: 4, edits: 1 });
    // A second save of the same document copies no photo or patch again: only the state.
    const again = await h['autosave:write']({ docId: doc.docId, state: { ...state, position: 4 }, dirty: true, run, staging });
    const stateBytes = (await readFile(path.join(f.workDir, 'autosave/autosave.json'))).byteLength;
    assert.equal(again.bytes, stateBytes);

    const restored = await h['autosave:restore']({});
    assert.notEqual(restored.project.document.docId, doc.docId);
    assert.deepEqual(restored.project.state, { ...state, position: 4 });
    assert.deepEqual(restored.run, run);
    assert.deepEqual({ ...restored.project.edits[0], url: '' }, { ...edit, url: '' });
    assert.equal(restored.staging?.selected, 1);
    assert.deepEqual(restored.staging?.candidates.map((c) => c.candidateId), staging.candidateIds);
    // The restored edit's pixels are the accepted patch's, and the restored document works.
    const before = await readFile(f.host.docs.get(doc.docId).edits.get(edit.editId)!.path);
    assert.deepEqual(await readFile(f.files.resolveUrl(restored.project.edits[0].url)!.path), before);
    const accepted = await h['candidate:accept']({ docId: restored.project.document.docId, candidateId: staging.candidateIds[1] });
    const exported = await h['export:image']({ docId: restored.project.document.docId, editIds: [edit.editId, accepted.editId], format: 'png' });
    assert.ok(exported?.bytes);
  } finally {
    await f.close();
  }
});

test('saved work is not offered; discard removes it; a new document replaces the old one\'s files', async () => {
  const { f, h, doc, state } = await documentWithWork();
  try {
    await h['autosave:write']({ docId: doc.docId, state, dirty: false, run, staging: null });
    assert.equal(await h['autosave:check']({}), null);
    assert.equal(f.host.autosave?.unsavedWork(), null);
    const other = await h['image:open-bytes']({ name: 'other.png', bytes: await photoPng(10, 10) });
    await h['autosave:write']({ docId: other.docId, state: { entries: [], position: 0 }, dirty: true, run, staging: null });
    assert.deepEqual(f.host.autosave?.unsavedWork(), { name: 'other.png' });
    assert.deepEqual((await readdir(path.join(f.workDir, 'autosave'))).sort(), ['autosave.json', `doc-${other.docId}`]);
    await h['autosave:discard']({});
    assert.equal(await h['autosave:check']({}), null);
    await assert.rejects(async () => h['autosave:restore']({}), (e: HostError) => e.code === 'not-found');
  } finally {
    await f.close();
  }
});

test('a damaged or crafted autosave is not offered and writes nothing outside its folder', async () => {
  const { f, h, doc, state } = await documentWithWork();
  try {
    await h['autosave:write']({ docId: doc.docId, state, dirty: true, run, staging: null });
    const file = path.join(f.workDir, 'autosave/autosave.json');
    const good = JSON.parse(await readFile(file, 'utf8'));
    for (const bad of [
      { ...good, docId: '../../x' },
      { ...good, originalExt: '/../../x' },
      { ...good, edits: [{ ...good.edits[0], id: '../y' }] },
      { ...good, extra: 1 },
      'not json',
    ]) {
      await writeFile(file, typeof bad === 'string' ? bad : JSON.stringify(bad));
      assert.equal(await h['autosave:check']({}), null);
    }
    // Half a file (a crash mid-write cannot leave one: the state is renamed into place).
    await writeFile(file, JSON.stringify(good).slice(0, 100));
    assert.equal(await h['autosave:check']({}), null);
  } finally {
    await f.close();
  }
});
