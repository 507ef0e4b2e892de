/** The dispatcher's protocol rules, against a fake EngineWork (no models, no process). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BundleError, CancelledError } from '../errors.ts';
import type { EngineEvent } from '../protocol.ts';
import { Dispatcher } from './dispatcher.ts';
import type { EngineWork } from './engine-work.ts';

const BUNDLE = {
  dir: '/b', name: 'fake', sha256: 'x', stages: ['base' as const], imageSize: 64,
  defaults: { guidanceScale: 3, steps: 2, sampler: 'ddim' as const }, license: 'MIT',
};
const editReq = (id: string) => ({
  type: 'edit', id, source: { imagePath: '/p.png' }, mask: new Uint8Array([1]), outDir: '/out',
  settings: { prompt: 'x', seed: 1 },
});

/** A fake whose edits run `steps` steps, one per macrotask, checking the signal like the pipeline. */
function fakeWork(overrides: Partial<EngineWork> = {}, steps = 5): EngineWork & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    async load(dir) {
      log.push(`load ${dir}`);
      await new Promise((r) => setTimeout(r, 20));
      log.push(`loaded ${dir}`);
      return { bundle: { ...BUNDLE, dir }, provider: { name: 'cpu', reason: 'test' } };
    },
    async edit(req, signal, onProgress) {
      log.push(`edit ${req.id}`);
      for (let step = 1; step <= steps; step++) {
        await new Promise((r) => setImmediate(r));
        if (signal.aborted) throw new CancelledError();
        onProgress({ candidate: 0, stage: 'base', step, totalSteps: steps });
      }
      return { candidates: [{ path: '/out/a.png', x: 0, y: 0, width: 1, height: 1, seed: req.settings.seed }], settings: BUNDLE.defaults };
    },
    async exportImage(req) {
      return { outPath: req.outPath, bytes: 3 };
    },
    async preparePhoto(imagePath) {
      log.push(`prepare ${imagePath}`);
    },
    async dispose() {
      log.push('dispose');
    },
    ...overrides,
  };
}

function harness(work: EngineWork) {
  const events: EngineEvent[] = [];
  let exited = false;
  const d = new Dispatcher(work, (e) => events.push(EngineEventCheck(e)), () => (exited = true));
  const waitFor = async (pred: (e: EngineEvent) => boolean) => {
    for (let i = 0; i < 500; i++) {
      const hit = events.find(pred);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error(`no such event; got ${JSON.stringify(events.map((e) => e.type))}`);
  };
  return { d, events, waitFor, exited: () => exited };
}

const idOf = (e: EngineEvent) => ('id' in e ? e.id : undefined);

// Every event the dispatcher sends must be a valid protocol event.
import { EngineEvent as EngineEventSchema } from '../protocol.ts';
const EngineEventCheck = (e: EngineEvent) => EngineEventSchema.parse(e);

test('a malformed request is a bad-request error carrying its id; junk gets an empty id', async () => {
  const { d, events } = harness(fakeWork());
  d.handle({ type: 'edit', id: 'e1', settings: { prompt: 3 } });
  d.handle('not a request');
  d.handle({ type: 'launch-missiles', id: 'x' });
  assert.deepEqual(events.map((e) => [e.type, 'id' in e ? e.id : '', e.type === 'error' ? e.code : '']), [
    ['error', 'e1', 'bad-request'],
    ['error', '', 'bad-request'],
    ['error', 'x', 'bad-request'],
  ]);
  assert.match((events[0] as { message: string }).message, /settings|source|mask/);
});

test('an edit reports progress then its result; a second edit while busy is answered busy', async () => {
  const { d, events, waitFor } = harness(fakeWork());
  d.handle(editReq('e1'));
  d.handle(editReq('e2'));
  const busy = await waitFor((e) => e.type === 'error' && e.id === 'e2');
  assert.equal(busy.type === 'error' && busy.code, 'busy');
  const result = await waitFor((e) => e.type === 'result');
  assert.equal(result.type === 'result' && result.candidates[0].seed, 1);
  assert.deepEqual(events.filter((e) => e.type === 'progress').map((e) => e.type === 'progress' && e.step), [1, 2, 3, 4, 5]);
  // Not busy any more.
  d.handle(editReq('e3'));
  await waitFor((e) => e.type === 'result' && e.id === 'e3');
});

test('cancel stops the running edit: a cancelled event, no progress after it', async () => {
  const { d, events, waitFor } = harness(fakeWork({}, 1000));
  d.handle(editReq('e1'));
  await waitFor((e) => e.type === 'progress' && e.step === 3);
  const before = events.filter((e) => e.type === 'progress').length;
  d.handle({ type: 'cancel', id: 'e1' });
  await waitFor((e) => e.type === 'cancelled' && e.id === 'e1');
  const after = events.filter((e) => e.type === 'progress').length;
  assert.equal(after, before, 'no progress once cancel arrived');
  assert.equal(events.at(-1)!.type, 'cancelled');
  d.handle({ type: 'cancel', id: 'nobody' }); // cancelling nothing is harmless
  d.handle(editReq('e2'));
  await waitFor((e) => e.type === 'result' && e.id === 'e2');
});

test('typed engine errors keep their code; unexpected exceptions are internal and the dispatcher carries on', async () => {
  let calls = 0;
  const { d, waitFor } = harness(fakeWork({
    async load() {
      throw new BundleError('bundle.json is missing.');
    },
    async exportImage() {
      calls++;
      if (calls === 1) throw new TypeError('boom');
      return { outPath: '/o.png', bytes: 1 };
    },
  }));
  d.handle({ type: 'load', id: 'l1', bundleDir: '/nope' });
  const bad = await waitFor((e) => idOf(e) === 'l1' && e.type === 'error');
  assert.deepEqual(bad.type === 'error' && [bad.code, bad.message], ['bad-bundle', 'bundle.json is missing.']);
  const exportReq = { type: 'export', source: { imagePath: '/p.png' }, outPath: '/o.png', format: 'png' };
  d.handle({ ...exportReq, id: 'x1' });
  const internal = await waitFor((e) => idOf(e) === 'x1');
  assert.equal(internal.type === 'error' && internal.code, 'internal');
  assert.match(internal.type === 'error' ? internal.message : '', /boom.*Try again/);
  d.handle({ ...exportReq, id: 'x2' });
  assert.equal((await waitFor((e) => idOf(e) === 'x2')).type, 'exported');
});

test('prepare decodes a photo beside a running edit and answers prepared', async () => {
  const work = fakeWork({}, 50);
  const { d, waitFor } = harness(work);
  d.handle(editReq('e1'));
  await waitFor((e) => e.type === 'progress');
  d.handle({ type: 'prepare', id: 'p1', imagePath: '/photo.jpg' });
  assert.equal((await waitFor((e) => idOf(e) === 'p1')).type, 'prepared');
  assert.ok(work.log.includes('prepare /photo.jpg'));
});

test('an edit sent right after a load waits for it; a load during an edit is busy', async () => {
  const work = fakeWork({}, 3);
  const { d, waitFor } = harness(work);
  d.handle({ type: 'load', id: 'l1', bundleDir: '/b1' });
  d.handle(editReq('e1'));
  d.handle({ type: 'load', id: 'l2', bundleDir: '/b2' });
  const l2 = await waitFor((e) => idOf(e) === 'l2');
  assert.equal(l2.type === 'error' && l2.code, 'busy');
  await waitFor((e) => e.type === 'result');
  assert.deepEqual(work.log, ['load /b1', 'loaded /b1', 'edit e1']);
});

test('shutdown stops the running edit before freeing the sessions, then exits', async () => {
  const work = fakeWork({}, 1000);
  const h = harness(work);
  h.d.handle(editReq('e1'));
  await h.waitFor((e) => e.type === 'progress');
  h.d.handle({ type: 'shutdown', id: 's' });
  for (let i = 0; i < 200 && !h.exited(); i++) await new Promise((r) => setTimeout(r, 2));
  assert.ok(h.exited());
  assert.deepEqual(work.log, ['edit e1', 'dispose']);
});
