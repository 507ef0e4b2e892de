import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HostError, type DocumentInfo } from '../contract.ts';
import { PREPARE_AFTER_OPEN_MS } from './create-host.ts';
import { recipeText } from './recipe-text.ts';
import { hostFixture, maskPng, photoPng, type HostFixture } from './testing/host-fixture.ts';

let f: HostFixture;
let doc: DocumentInfo;
before(async () => {
  f = await hostFixture();
  doc = await f.host.handlers['image:open-bytes']({ name: 'photo.png', bytes: await photoPng(96, 64) });
});
after(() => f.close());

const settings = { prompt: 'a red circle', seed: 7, candidates: 2 };

test('opening a photo has the engine decode it ahead of the first run, once the window has had time to show it', async () => {
  const prepares = () => f.engineHost.calls.filter((c) => c.type === 'prepare');
  for (let waited = 0; prepares().length === 0 && waited < PREPARE_AFTER_OPEN_MS + 2000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  const prepared = prepares().map((c) => String(c.req));
  assert.equal(prepared.length, 1);
  assert.match(prepared[0], new RegExp(`${doc.docId}.original\\.png$`));
});

test('a run forwards progress as events and returns candidate patches with URLs', async () => {
  f.events.length = 0;
  const mask = await maskPng(96, 64, { x: 10, y: 12, width: 20, height: 16 });
  const result = await f.host.handlers['edit:run']({ docId: doc.docId, runId: 'run1', editIds: [], mask, settings });
  assert.equal(result.runId, 'run1');
  assert.equal(result.candidates.length, 2);
  assert.deepEqual(
    result.candidates.map((c) => [c.x, c.y, c.width, c.height, c.seed]),
    [
      [10, 12, 20, 16, 7],
      [10, 12, 20, 16, 8],
    ],
  );
  for (const c of result.candidates) assert.equal(f.files.resolveUrl(c.url)?.mime, 'image/png');
  const progress = f.events.filter((e) => e.event === 'edit:progress');
  assert.deepEqual(
    progress.map((e) => e.event === 'edit:progress' && [e.payload.runId, e.payload.step, e.payload.totalSteps, e.payload.candidates]),
    [1, 2, 3, 4].map((s) => ['run1', s, 4, 2]),
  );
  // What the person left unset goes to the engine unset: the engine alone fills in the model's defaults.
  const sent = f.engineHost.calls.filter((c) => c.type === 'edit').at(-1)!.req as { settings: Record<string, unknown> };
  assert.deepEqual(sent.settings, { prompt: 'a red circle', seed: 7, candidates: 2, preview: true });
});

test('an empty prompt runs as a Fill: the engine gets the empty prompt and the recipe records mode fill', async () => {
  const mask = await maskPng(96, 64, { x: 50, y: 30, width: 10, height: 10 });
  const run = await f.host.handlers['edit:run']({ docId: doc.docId, runId: 'fill1', editIds: [], mask, settings: { prompt: '', seed: 3, candidates: 1 } });
  const sent = f.engineHost.calls.filter((c) => c.type === 'edit').at(-1)!.req as { settings: { prompt: string } };
  assert.equal(sent.settings.prompt, '');
  const edit = await f.host.handlers['candidate:accept']({ docId: doc.docId, candidateId: run.candidates[0].candidateId });
  assert.deepEqual([edit.recipe.prompt, edit.recipe.mode], ['', 'fill']);
  assert.match(recipeText([f.host.docs.get(doc.docId).edits.get(edit.editId)!], { width: 96, height: 64 }) ?? '', /^\nMode: Fill, Steps: 4, /);
});

test('accepting a candidate makes an edit with its recipe; later runs and exports lay it over the original', async () => {
  const mask = await maskPng(96, 64, { x: 40, y: 20, width: 8, height: 8 });
  const run = await f.host.handlers['edit:run']({ docId: doc.docId, runId: 'run2', editIds: [], mask, settings: { ...settings, seed: null } });
  const [first, second] = run.candidates;
  const edit = await f.host.handlers['candidate:accept']({ docId: doc.docId, candidateId: first.candidateId });
  assert.equal(edit.editId, first.candidateId);
  assert.equal(edit.recipe.prompt, 'a red circle');
  assert.equal(edit.recipe.mode, 'prompt');
  assert.equal(edit.recipe.model.name, 'fake-model');
  // The recipe records the settings the engine reports it used (the fake model's defaults here).
  assert.deepEqual([edit.recipe.guidanceScale, edit.recipe.steps, edit.recipe.sampler], [3, 4, 'ddim']);
  assert.ok(Number.isInteger(edit.recipe.seed));
  await f.host.handlers['candidate:discard']({ docId: doc.docId, candidateIds: [second.candidateId] });
  assert.equal(f.files.resolveUrl(second.url), undefined);
  await assert.rejects(
    (async () => f.host.handlers['candidate:accept']({ docId: doc.docId, candidateId: second.candidateId })),
    (e: HostError) => e.code === 'not-found',
  );

  await f.host.handlers['edit:run']({ docId: doc.docId, runId: 'run3', editIds: [edit.editId], mask, settings });
  const sent = f.engineHost.calls.filter((c) => c.type === 'edit').at(-1)!.req as { source: { patches: unknown[] } };
  assert.deepEqual(sent.source.patches, [{ path: f.host.docs.get(doc.docId).edits.get(edit.editId)!.path, x: 40, y: 20, width: 8, height: 8 }]);
});

test('a mask of the wrong size, or an unknown edit, is refused before the engine runs', async () => {
  const before = f.engineHost.calls.length;
  await assert.rejects(
    async () => f.host.handlers['edit:run']({ docId: doc.docId, runId: 'bad1', editIds: [], mask: await maskPng(48, 32, { x: 1, y: 1, width: 4, height: 4 }), settings }),
    (e: HostError) => e.code === 'bad-request' && /48×32.*96×64/.test(e.message),
  );
  await assert.rejects(
    async () => f.host.handlers['edit:run']({ docId: doc.docId, runId: 'bad2', editIds: ['nope'], mask: await maskPng(96, 64), settings }),
    (e: HostError) => e.code === 'not-found',
  );
  assert.equal(f.engineHost.calls.length, before);
});

test('an empty mask comes back as empty-mask with the engine message', async () => {
  await assert.rejects(
    async () => f.host.handlers['edit:run']({ docId: doc.docId, runId: 'empty', editIds: [], mask: await maskPng(96, 64), settings }),
    (e: Error & { name: string }) => e.name === 'EngineError',
  );
});

test('cancel stops a run mid-way; the run answers cancelled', async () => {
  let release!: () => void;
  f.engineHost.hold = new Promise((r) => (release = r));
  const mask = await maskPng(96, 64, { x: 0, y: 0, width: 4, height: 4 });
  const running = Promise.resolve(f.host.handlers['edit:run']({ docId: doc.docId, runId: 'runC', editIds: [], mask, settings }));
  while (!f.engineHost.calls.some((c) => c.type === 'edit' && (c.req as { outDir: string }).outDir.endsWith('runC'))) await new Promise((r) => setTimeout(r, 5));
  await f.host.handlers['edit:cancel']({ runId: 'runC' });
  release();
  f.engineHost.hold = null;
  await assert.rejects(running, (e: Error & { name: string }) => e.name === 'EditCancelledError');
  assert.ok(f.engineHost.calls.some((c) => c.type === 'cancel'));
});

test('runs are refused while the engine is not ready, with its state in the message', async () => {
  f.engineHost.emitStatus({ state: 'crashed', message: 'The engine process was killed by SIGKILL.' });
  await assert.rejects(
    async () => f.host.handlers['edit:run']({ docId: doc.docId, runId: 'down', editIds: [], mask: await maskPng(96, 64), settings }),
    (e: HostError) => e.code === 'engine-unavailable' && /SIGKILL/.test(e.message),
  );
  f.engineHost.emitStatus({ state: 'restarting' });
  f.engineHost.emitStatus({ state: 'ready' });
  assert.equal(f.session.current().state, 'ready');
});
