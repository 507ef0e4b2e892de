/**
 * The Electron bundles build, keep native packages external, give the sandboxed preload nothing to
 * require but 'electron', and the engine bundle runs as a process (here under Node's IPC, the same
 * entry Electron starts as a utilityProcess).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { EngineHost, nodeEngineLauncher } from '../main/engine-host/engine-host.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
let outdir = '';
before(async () => {
  // Inside the checkout, so the bundles resolve the native packages from its node_modules.
  await mkdir(path.join(root, '.work'), { recursive: true });
  outdir = await mkdtemp(path.join(root, '.work', 'build-electron-'));
  await promisify(execFile)(process.execPath, [path.join(root, 'scripts/build-electron.mjs'), '--outdir', outdir]);
});
after(() => rm(outdir, { recursive: true, force: true }));

test('the preload requires only electron (a sandboxed preload can require little else)', async () => {
  const preload = await readFile(path.join(outdir, 'preload/preload.cjs'), 'utf8');
  const required = new Set([...preload.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1]));
  assert.deepEqual([...required], ['electron']);
  assert.match(preload, /exposeInMainWorld\(["']api["']/);
});

test('main and engine bundles leave electron and the native packages external', async () => {
  const main = await readFile(path.join(outdir, 'main/main.mjs'), 'utf8');
  assert.match(main, /from ["']electron["']/);
  assert.match(main, /from ["']sharp["']/);
  const engine = await readFile(path.join(outdir, 'engine/engine-main.mjs'), 'utf8');
  assert.match(engine, /from ["']onnxruntime-node["']/);
  assert.doesNotMatch(engine, /from ["']electron["']/);
});

test('the engine bundle starts and stops as a process', async () => {
  const host = new EngineHost(nodeEngineLauncher({ entry: path.join(outdir, 'engine/engine-main.mjs'), stdio: 'ignore' }), { log: () => {} });
  await host.start();
  assert.ok(host.pid);
  await host.stop();
});
