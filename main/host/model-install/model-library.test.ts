/**
 * The Models panel's host side end to end against a 127.0.0.1 server holding small checkpoints with the
 * official layout (models/glide/import_fixtures.py): get -> download -> convert on a worker thread ->
 * listed and in use; pause, then resume in a new library (as after the app was closed); not enough disk
 * (nothing started); a 404; a checkpoint whose pickle calls os.system (refused, nothing installed);
 * cancel; remove; half-installed folders never listed.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile, cp } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_SETTINGS, HostError, type ModelInstallState, type Settings, type SettingsPatch } from '../../contract.ts';
import { importFixturesDir } from '../../../test-support/paths.ts';
import { ModelLibrary, type ModelLibraryDeps } from './model-library.ts';
import { workerImporter } from './run-import.ts';

const fx = importFixturesDir();
let files: Record<string, Buffer>;
const requests: { name: string; method: string; range?: string }[] = [];
let server: http.Server;
let base: string;
let tmp: string;
let n = 0;
/** Bytes a second the server sends at most (0: no limit); a test slows it down to pause mid-way. */
let throttle = 0;

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'model-library-test-'));
  files = {
    'ok/base_inpaint.pt': await readFile(path.join(fx, 'src/base_inpaint.pt')),
    'ok/upsample_inpaint.pt': await readFile(path.join(fx, 'src/upsample_inpaint.pt')),
    'evil/base_inpaint.pt': await readFile(path.join(fx, 'evil-os-system/base_inpaint.pt')),
  };
  server = http.createServer((req, res) => {
    const name = req.url!.slice(1);
    requests.push({ name, method: req.method!, range: req.headers.range });
    const data = files[name];
    if (!data) return void res.writeHead(404).end();
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const headers: Record<string, string> = {
      'Content-Length': String(data.length - start),
      ETag: '"1"',
      'Content-MD5': createHash('md5').update(data).digest('base64'),
    };
    if (start) headers['Content-Range'] = `bytes ${start}-${data.length - 1}/${data.length}`;
    res.writeHead(start ? 206 : 200, headers);
    if (req.method === 'HEAD') return void res.end();
    const body = data.subarray(start);
    if (!throttle) return void res.end(body);
    let at = 0;
    const step = Math.max(1, Math.floor(throttle / 20));
    const timer = setInterval(() => {
      if (res.destroyed || at >= body.length) return clearInterval(timer);
      res.write(body.subarray(at, at + step));
      at += step;
      if (at >= body.length) res.end();
    }, 50);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(tmp, { recursive: true, force: true });
});

interface Harness {
  library: ModelLibrary;
  events: ModelInstallState[];
  settings: { value: Settings };
  deps: ModelLibraryDeps;
}

function harness(over: Partial<ModelLibraryDeps> & { modelsDir?: string } = {}): Harness {
  const settings = { value: structuredClone(DEFAULT_SETTINGS) };
  const events: ModelInstallState[] = [];
  const deps: ModelLibraryDeps = {
    modelsDir: path.join(tmp, `models-${n++}`),
    templatesDir: path.join(fx, 'templates'),
    defaultBundleDir: null,
    getSettings: async () => settings.value,
    setSettings: async (patch: SettingsPatch) => {
      settings.value = { ...settings.value, engine: { ...settings.value.engine, ...patch.engine } };
      return settings.value;
    },
    runImport: workerImporter(),
    emit: (s) => events.push(s),
    freeBytes: async () => 100e9,
    baseUrl: `${base}/ok`,
    ...over,
  };
  return { library: new ModelLibrary(deps), events, settings, deps };
}

test('get (base + upsampler): downloaded, converted off the thread, listed and in use; the downloads are cleaned up', async () => {
  const h = harness();
  const started = await h.library.getOfficial('pair', false);
  assert.equal(started.phase, 'downloading');
  await h.library.settled();
  const phases = [...new Set(h.events.map((e) => e.phase))];
  assert.deepEqual(phases.filter((p) => p !== 'downloading' && p !== 'converting'), ['done'], h.events.at(-1)?.message ?? '');
  assert.ok(phases.includes('converting'));
  const { installed, job } = await h.library.overview();
  assert.equal(installed.length, 1);
  assert.deepEqual(installed[0].stages, ['base', 'upsampler']);
  assert.equal(installed[0].kind, 'installed');
  assert.ok(installed[0].inUse);
  assert.equal(installed[0].source, `${base}/ok/`);
  assert.match(installed[0].license, /MIT/);
  assert.equal(h.settings.value.engine.bundleDir, path.join(h.deps.modelsDir, installed[0].id));
  assert.equal(job?.phase, 'done');
  assert.ok(!existsSync(path.join(h.deps.modelsDir, '.downloads')));
});

test('not enough free disk space: a clear message and nothing started', async () => {
  const h = harness({ freeBytes: async () => 1000 });
  const before = requests.filter((r) => r.method === 'GET').length;
  await assert.rejects(h.library.getOfficial('base', false), (e: Error) => {
    assert.ok(e instanceof HostError && e.code === 'io');
    assert.match(e.message, /^Not enough free disk space: getting this model needs .* GB .* has 0\.00 GB free\. .*nothing was started\.$/);
    return true;
  });
  assert.equal(requests.filter((r) => r.method === 'GET').length, before, 'no download began');
  assert.equal(h.events.length, 0);
  assert.deepEqual((await h.library.overview()).job, null);
});

test('paused, then resumed by a new library (the app was closed in between): only the rest is fetched', async () => {
  const h = harness();
  throttle = 400_000;
  try {
    await h.library.getOfficial('base', false);
    while (!h.events.some((e) => e.phase === 'downloading' && e.bytesDone > 0)) await new Promise((r) => setTimeout(r, 20));
    const paused = await h.library.control('pause');
    assert.equal(paused?.phase, 'paused');
  } finally {
    throttle = 0;
  }
  const again = harness({ modelsDir: h.deps.modelsDir });
  const overview = await again.library.overview();
  assert.equal(overview.job?.phase, 'paused');
  assert.ok(overview.job!.bytesDone > 0);
  assert.deepEqual(overview.installed, [], 'nothing half-installed is listed');
  await again.library.control('resume');
  await again.library.settled();
  assert.equal(again.events.at(-1)?.phase, 'done', again.events.at(-1)?.message ?? '');
  const last = requests.filter((r) => r.name === 'ok/base_inpaint.pt' && r.method === 'GET').at(-1)!;
  assert.match(last.range ?? '', /^bytes=[1-9]\d*-$/);
  const { installed } = await again.library.overview();
  assert.deepEqual(installed[0].stages, ['base']);
});

test('a 404 at the official address is a clear failure before anything is written', async () => {
  const h = harness({ baseUrl: `${base}/nowhere` });
  await assert.rejects(h.library.getOfficial('base', false), /HTTP 404/);
  assert.deepEqual((await h.library.overview()).installed, []);
});

test('a download whose pickle calls os.system fails as refused, and nothing is installed', async () => {
  const h = harness({ baseUrl: `${base}/evil` });
  await h.library.getOfficial('base', false);
  await h.library.settled();
  const last = h.events.at(-1)!;
  assert.equal(last.phase, 'failed');
  assert.match(last.message, /refused without running anything/);
  assert.deepEqual((await h.library.overview()).installed, []);
  assert.equal(h.settings.value.engine.bundleDir, null);
});

test('cancel removes the partial download', async () => {
  const h = harness();
  throttle = 400_000;
  try {
    await h.library.getOfficial('base', false);
    while (!h.events.some((e) => e.bytesDone > 0)) await new Promise((r) => setTimeout(r, 20));
    const state = await h.library.control('cancel');
    assert.equal(state?.phase, 'cancelled');
  } finally {
    throttle = 0;
  }
  assert.ok(!existsSync(path.join(h.deps.modelsDir, '.downloads')));
  assert.equal((await harness({ modelsDir: h.deps.modelsDir }).library.overview()).job, null);
});

test('half-written bundles are never listed; Remove deletes an installed bundle and goes back to the default model', async () => {
  const h = harness({ defaultBundleDir: path.join(fx, 'python-bundle') });
  await mkdir(h.deps.modelsDir, { recursive: true });
  await cp(path.join(fx, 'python-bundle'), path.join(h.deps.modelsDir, 'mine'), { recursive: true });
  await cp(path.join(fx, 'python-bundle'), path.join(h.deps.modelsDir, 'other.partial'), { recursive: true });
  await mkdir(path.join(h.deps.modelsDir, 'broken'));
  await writeFile(path.join(h.deps.modelsDir, 'broken', 'bundle.json'), '{"format": "glide-inpaint-bundle"}');
  let { installed } = await h.library.overview();
  assert.deepEqual(
    installed.map((m) => [m.id, m.kind, m.inUse]),
    [
      ['default', 'built-in', true],
      ['mine', 'installed', false],
    ],
  );
  await h.library.use('mine');
  assert.equal(h.settings.value.engine.bundleDir, path.join(h.deps.modelsDir, 'mine'));
  ({ installed } = await h.library.remove('mine'));
  assert.deepEqual(installed.map((m) => m.id), ['default']);
  assert.equal(h.settings.value.engine.bundleDir, null);
  assert.deepEqual((await readdir(h.deps.modelsDir)).sort(), ['broken', 'other.partial']);
  await assert.rejects(h.library.remove('default'), /built-in model cannot be removed/);
});

test('Import and Add bundle folder go through native dialogs only; without them they say so', async () => {
  const h = harness();
  await assert.rejects(h.library.importDialog(false), (e: Error) => e instanceof HostError && e.code === 'unsupported');
  await assert.rejects(h.library.addFolderDialog(), (e: Error) => e instanceof HostError && e.code === 'unsupported');
  const chosen: string[] = [];
  const d = harness({
    chooseOpenPath: async (kind) => {
      chosen.push(kind);
      return kind === 'model' ? path.join(fx, 'python-bundle', 'bundle.json') : path.join(fx, 'src-base', 'base_inpaint.pt');
    },
  });
  const added = await d.library.addFolderDialog();
  assert.deepEqual(added?.installed.map((m) => m.kind), ['added']);
  await d.library.importDialog(false);
  await d.library.settled();
  assert.equal(d.events.at(-1)?.phase, 'done', d.events.at(-1)?.message ?? '');
  const { installed } = await d.library.overview();
  assert.deepEqual(installed.map((m) => [m.kind, m.stages.join('+'), m.inUse]).sort(), [
    ['added', 'base+upsampler', false],
    ['installed', 'base', true],
  ]);
  assert.deepEqual(chosen, ['model', 'checkpoint']);
});
