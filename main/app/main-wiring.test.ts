/**
 * The built main process, run under plain Node with a stand-in for Electron's API
 * (testing/electron-stub.mjs): checks the wiring main.ts does — schemes, protocols, the IPC
 * channels and their sender check, window options, guards, menus, settings on disk, and the engine
 * restarted after a kill — where no Electron binary exists. The Playwright suite (e2e/electron)
 * checks the same against real Electron.
 */
import assert from 'node:assert/strict';
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { CHANNELS } from '../contract.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
/** The tiny test bundle (npm run models:export-tiny), where this checkout has it. */
const TINY_BUNDLE = existsSync(path.join(repo, '.work/tiny/bundle.json')) ? path.join(repo, '.work/tiny') : null;
let root = '';
let shell: ChildProcess;
let nextId = 0;
const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

function call<T = any>(cmd: string, args?: unknown): Promise<T> {
  const id = ++nextId;
  return new Promise<T>((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
    shell.send({ id, cmd, args });
  });
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  // Inside the checkout so the bundles resolve node_modules; a stand-in renderer page.
  await mkdir(path.join(repo, '.work'), { recursive: true });
  root = await mkdtemp(path.join(repo, '.work', 'shell-wiring-'));
  await promisify(execFile)(process.execPath, [path.join(repo, 'scripts/build-electron.mjs'), '--outdir', path.join(root, 'dist')]);
  await mkdir(path.join(root, 'dist/renderer'), { recursive: true });
  await writeFile(path.join(root, 'dist/renderer/index.html'), '<!doctype html><title>editor</title>');
  if (TINY_BUNDLE) {
    // The last model, as a person's settings would hold it: the engine loads it, and reloads it after a restart.
    await mkdir(path.join(root, 'user-data'), { recursive: true });
    await writeFile(path.join(root, 'user-data', 'glide-editor.json'), JSON.stringify({ settings: { engine: { bundleDir: TINY_BUNDLE, provider: 'cpu' } } }));
  }
  shell = fork(path.join(root, 'dist/main/main.mjs'), [], {
    cwd: root,
    execArgv: ['--import', new URL('./testing/register-electron-stub.mjs', import.meta.url).href],
    env: { ...process.env, GLIDE_USER_DATA_DIR: path.join(root, 'user-data'), ELECTRON_STUB_DIR: path.join(root, 'paths') },
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  shell.on('message', (m: { id?: number; ok?: boolean; value?: unknown; error?: string }) => {
    const w = m.id === undefined ? undefined : waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id!);
    if (m.ok) w.resolve(m.value);
    else w.reject(new Error(m.error));
  });
  await until('the window', async () => (await call('state')).windows === 1);
});

after(async () => {
  if (shell && shell.exitCode === null) shell.kill('SIGKILL');
  if (root) await rm(root, { recursive: true, force: true });
});

test('schemes, protocols, sandbox and the window: as the security checklist asks', async () => {
  const s = await call('state');
  assert.deepEqual(
    s.privilegedSchemes.map((p: { scheme: string; privileges: Record<string, boolean> }) => [p.scheme, p.privileges.standard, p.privileges.secure, !!p.privileges.bypassCSP]),
    [
      ['app', true, true, false],
      ['app-image', true, true, false],
    ],
  );
  assert.deepEqual(s.protocols.sort(), ['app', 'app-image']);
  assert.equal(s.sandboxEnabled, true);
  assert.equal(s.url, 'app://editor/index.html');
  const p = s.webPreferences;
  assert.deepEqual([p.contextIsolation, p.sandbox, p.nodeIntegration, p.webSecurity], [true, true, false, true]);
  assert.equal(p.preload, path.join(root, 'dist/preload/preload.cjs'));
  assert.deepEqual(s.menu.map((m: { label: string }) => m.label), ['File', 'Edit', 'View']);
});

test('every contract channel, and nothing else, is open over IPC', async () => {
  const s = await call('state');
  assert.deepEqual([...s.ipcChannels].sort(), [...CHANNELS].sort());
  // electron-store's own renderer channel is closed again.
  assert.deepEqual(s.ipcListeners, []);
});

test('IPC answers our page and refuses foreign frames, subframes and malformed input', async () => {
  const ours = await call('invoke', { channel: 'app:info', input: {}, frameUrl: 'app://editor/index.html' });
  assert.equal(ours.ok, true);
  assert.equal(ours.value.mode, 'electron');
  assert.equal(ours.value.nativeDialogs, true);
  for (const frameUrl of ['https://example.com/', 'file:///tmp/x.html', 'app://evil/index.html']) {
    const foreign = await call('invoke', { channel: 'app:info', input: {}, frameUrl });
    assert.deepEqual(foreign.error?.code, 'forbidden', frameUrl);
  }
  const sub = await call('invoke', { channel: 'app:info', input: {}, frameUrl: 'app://editor/index.html', subframe: true });
  assert.equal(sub.error?.code, 'forbidden');
  const bad = await call('invoke', { channel: 'image:open-path', input: { path: 42 }, frameUrl: 'app://editor/index.html' });
  assert.equal(bad.error?.code, 'bad-request');
  // Paths from the page: only those in Open Recent; model folders: only installed or chosen ones.
  const notRecent = await call('invoke', { channel: 'image:open-path', input: { path: '/etc/hostname' }, frameUrl: 'app://editor/index.html' });
  assert.equal(notRecent.error?.code, 'forbidden');
  const freeFolder = await call('invoke', { channel: 'settings:set', input: { engine: { bundleDir: '/tmp' } }, frameUrl: 'app://editor/index.html' });
  assert.equal(freeFolder.error?.code, 'forbidden');
});

test('the app page comes with its CSP; other files and unknown images are refused', async () => {
  const page = await call('fetch', { url: 'app://editor/index.html' });
  assert.equal(page.status, 200);
  assert.match(page.headers['content-security-policy'], /script-src 'self'/);
  assert.match(page.body, /<title>editor/);
  const escape = await call('fetch', { url: 'app://editor/%2e%2e/main/main.mjs' });
  assert.ok([400, 404].includes(escape.status));
  const image = await call('fetch', { url: `app-image://files/${'a'.repeat(32)}` });
  assert.equal(image.status, 404);
});

test('navigation, new windows, permissions and remote requests are denied', async () => {
  assert.deepEqual(await call('navigate', { url: 'https://example.com/' }), { prevented: true, open: { action: 'deny' } });
  assert.equal(await call('permission', { name: 'media' }), false);
  assert.deepEqual(await call('request', { url: 'https://example.com/tracker.js' }), { cancel: true });
  assert.deepEqual(await call('request', { url: 'app://editor/assets/index.js' }), { cancel: false });
});

test('menu items reach the page as menu:command events', async () => {
  assert.deepEqual(await call('clickMenu', { id: 'export' }), ['host:event', 'menu:command', { command: 'export' }]);
});

test('settings persist in the electron-store file, validated', async () => {
  const set = await call('invoke', { channel: 'settings:set', input: { engine: { provider: 'cpu' } }, frameUrl: 'app://editor/index.html' });
  assert.equal(set.ok, true);
  const file = path.join(root, 'user-data', 'glide-editor.json');
  assert.equal(JSON.parse(await readFile(file, 'utf8')).settings.engine.provider, 'cpu');
  const bad = await call('invoke', { channel: 'settings:set', input: { engine: { provider: 'tpu' } }, frameUrl: 'app://editor/index.html' });
  assert.equal(bad.error?.code, 'bad-request');
});

test('the engine runs as its own process, is restarted after a kill, and the window is told', async () => {
  const first = await until('the engine', async () => (await call('state')).engines.find((e: { exited: boolean }) => !e.exited));
  const engineState = async () => (await call('invoke', { channel: 'engine:status', input: {}, frameUrl: 'app://editor/index.html' })).value.state;
  // Without a model bundle the engine is up but the session says 'failed' (no model to load).
  const settled = TINY_BUNDLE ? ['ready'] : ['ready', 'failed'];
  await until('the engine to settle', async () => settled.includes(await engineState()), 60_000);
  const killed = await call<number[]>('killEngine');
  assert.deepEqual(killed, [first.pid]);
  const second = await until('a new engine', async () => (await call('state')).engines.find((e: { exited: boolean; pid: number }) => !e.exited && e.pid !== first.pid));
  assert.notEqual(second.pid, first.pid);
  const sent: unknown[][] = await call('sent');
  const states = sent.filter((m) => m[1] === 'engine:status').map((m) => (m[2] as { state: string }).state);
  assert.ok(states.includes('crashed') || states.includes('restarting'), states.join());
  assert.equal((await call('state')).windows, 1);
  if (TINY_BUNDLE) await until('the restarted engine to reload the model', async () => (await engineState()) === 'ready', 60_000);
});

test('closing the window over unsaved work asks; Cancel keeps it open', async () => {
  const frameUrl = 'app://editor/index.html';
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } }).png().toBuffer();
  assert.deepEqual(await call('closeWindow', { answer: 0 }), { prevented: false, asked: [] }, 'nothing unsaved: no question');
  const doc = await call('invoke', { channel: 'image:open-bytes', input: { name: 'beach.png', bytes: png }, frameUrl });
  const run = { prompt: '', guidanceScale: null, steps: null, seedMode: 'random', seed: 0, candidates: 1 };
  const input = { docId: doc.value.docId, state: { entries: [{ kind: 'clear' }], position: 1 }, dirty: true, run, staging: null };
  assert.equal((await call('invoke', { channel: 'autosave:write', input, frameUrl })).ok, true);
  assert.ok(existsSync(path.join(root, 'user-data', 'autosave', 'autosave.json')), 'kept in the user-data folder');
  assert.deepEqual(await call('closeWindow', { answer: 0 }), { prevented: true, asked: ['"beach.png" has changes that are not saved in a project.'] });
  assert.equal((await call('state')).windows, 1);
  // Saved in a project: no question.
  assert.equal((await call('invoke', { channel: 'autosave:write', input: { ...input, dirty: false }, frameUrl })).ok, true);
  assert.deepEqual(await call('closeWindow', { answer: 0 }), { prevented: false, asked: [] });
});

test('quitting stops the engine and removes the launch\'s temporary files', async () => {
  const temp = path.join(root, 'paths', 'temp');
  assert.equal((await readdir(temp)).filter((n) => n.startsWith('glide-editor-')).length, 1);
  const exited = new Promise<number | null>((resolve) => shell.once('exit', (code) => resolve(code)));
  await call('quit');
  assert.equal(await exited, 0);
  assert.deepEqual((await readdir(temp)).filter((n) => n.startsWith('glide-editor-')), []);
  assert.ok(existsSync(path.join(root, 'user-data', 'glide-editor.json'))); // settings stay
});
