import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { DocumentInfo, EditorState, HostError } from '../contract.ts';
import { encodeProject, type ProjectManifest } from './project-file.ts';
import { hostFixture, maskPng, photoPng, type HostFixture } from './testing/host-fixture.ts';

let f: HostFixture;
let saved: Buffer;
let doc: DocumentInfo;
before(async () => {
  f = await hostFixture();
  doc = await f.host.handlers['image:open-bytes']({ name: 'photo.png', bytes: await photoPng(40, 30) });
  const run = await f.host.handlers['edit:run']({
    docId: doc.docId,
    runId: 'r1',
    editIds: [],
    mask: await maskPng(40, 30, { x: 2, y: 3, width: 8, height: 8 }),
    settings: { prompt: 'x', seed: 1, candidates: 1 },
  });
  const edit = await f.host.handlers['candidate:accept']({ docId: doc.docId, candidateId: run.candidates[0].candidateId });
  const state: EditorState = { entries: [{ kind: 'edit', editId: edit.editId, label: 'x' }], position: 1 };
  const file = await f.host.handlers['project:save']({ docId: doc.docId, state });
  saved = await readFile(f.files.resolveUrl(file!.downloadUrl!)!.path);
});
after(() => f.close());

/** The manifest and parts of a saved project, to be altered and packed again. */
function unpack(bytes: Buffer): { manifest: any; blobs: Map<string, Uint8Array> } {
  const headerLength = bytes.readUInt32LE(12);
  const header = JSON.parse(bytes.subarray(16, 16 + headerLength).toString('utf8'));
  const blobs = new Map<string, Uint8Array>();
  for (const [name, r] of Object.entries(header.blobs) as [string, { offset: number; length: number }][]) {
    blobs.set(name, bytes.subarray(16 + headerLength + r.offset, 16 + headerLength + r.offset + r.length));
  }
  return { manifest: header.manifest, blobs };
}

async function refused(bytes: Uint8Array): Promise<string> {
  let message = '';
  await assert.rejects(
    async () => f.host.handlers['project:open-bytes']({ name: 'crafted.glideproj', bytes }),
    (e: HostError) => ((message = e.message), e.code === 'bad-project'),
  );
  return message;
}

async function listTree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

test('the saved project reopens (the crafted variants below start from it)', async () => {
  const opened = await f.host.handlers['project:open-bytes']({ name: 'p.glideproj', bytes: saved });
  assert.equal(opened.edits.length, 1);
  // Files are named by index in the document's folder, not by the names in the file.
  const stored = f.files.resolveUrl(opened.edits[0].url)!.path;
  assert.equal(path.basename(stored), 'patch-0.png');
});

test('blob names that leave the folder are refused and nothing is written outside it', async () => {
  const outside = path.dirname(f.workDir);
  const before = await listTree(f.workDir);
  const siblingsBefore = (await readdir(outside)).sort();
  for (const evil of ['../../victim', '../victim', '/tmp/victim', 'mask-0/../../x', 'mask-0\0', 'C:\\victim', '..', '', 'mask-0.png', 'Original']) {
    for (const field of ['maskBlob', 'patchBlob'] as const) {
      const { manifest, blobs } = unpack(saved);
      const real = manifest.edits[0][field];
      manifest.edits[0][field] = evil;
      blobs.set(evil, blobs.get(real)!);
      assert.match(await refused(encodeProject(manifest as ProjectManifest, blobs)), /not a project saved by this editor|damaged/);
    }
    const { manifest, blobs } = unpack(saved);
    manifest.document.blob = evil;
    blobs.set(evil, blobs.get('original')!);
    await refused(encodeProject(manifest as ProjectManifest, blobs));
  }
  assert.deepEqual((await readdir(outside)).sort(), siblingsBefore);
  // Refused projects leave no document folders behind either.
  assert.deepEqual(await listTree(f.workDir), before);
});

test('wrong types, extra fields, duplicates, edits outside the photo and non-PNG parts are refused', async () => {
  const variants: ((m: any, b: Map<string, Uint8Array>) => void)[] = [
    (m) => (m.edits[0].x = -1),
    (m) => (m.edits[0].x = '3'),
    (m) => (m.edits[0].width = 1e12),
    (m) => (m.edits[0].x = 39), // 39 + 8 > 40: outside the photo
    (m) => (m.edits[0].editId = '../../etc'),
    (m) => (m.edits[0].extra = 1),
    (m) => (m.extra = {}),
    (m) => m.edits.push(structuredClone(m.edits[0])),
    (m) => (m.state.entries[0].editId = 'unknown'),
    (m) => (m.state.position = 5),
    (m) => (m.document.name = 'x'.repeat(5000)),
    (m) => (m.document = null),
    (m) => (m.edits = {}),
    (m) => (m.edits[0].recipe.prompt = 'p'.repeat(100_000)),
    (m, b) => b.set(m.edits[0].maskBlob, Buffer.from('not a png at all')),
    (m, b) => b.set(m.edits[0].patchBlob, new Uint8Array(0)),
    (m, b) => b.delete(m.edits[0].patchBlob),
  ];
  for (const [i, alter] of variants.entries()) {
    const { manifest, blobs } = unpack(saved);
    alter(manifest, blobs);
    const message = await refused(encodeProject(manifest as ProjectManifest, blobs)).catch((e: Error) => assert.fail(`variant ${i}: ${e.message}`));
    assert.ok(message.length < 200, `variant ${i}: ${message}`);
  }
});
