import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../contract.ts';
import { jsonFileSettingsStore, memorySettingsStore, SettingsService } from './settings-service.ts';

test('settings start at the defaults and persist partial updates', async () => {
  const store = memorySettingsStore();
  const settings = new SettingsService(store);
  assert.deepEqual(await settings.get(), DEFAULT_SETTINGS);
  const next = await settings.set({ brush: { size: 120 }, engine: { provider: 'cpu' } });
  assert.equal(next.brush.size, 120);
  assert.equal(next.brush.hardness, DEFAULT_SETTINGS.brush.hardness);
  assert.equal(next.engine.provider, 'cpu');
  assert.deepEqual(await new SettingsService(store).get(), next);
});

test('a damaged store keeps its valid sections and falls back to defaults for the rest', async () => {
  const settings = new SettingsService(memorySettingsStore({ brush: { size: -5 }, overlay: { colour: '#00ff00' }, run: 'nonsense' }));
  const s = await settings.get();
  assert.deepEqual(s.brush, DEFAULT_SETTINGS.brush);
  assert.deepEqual(s.overlay, { ...DEFAULT_SETTINGS.overlay, colour: '#00ff00' });
  assert.deepEqual(s.run, DEFAULT_SETTINGS.run);
});

test('an invalid update is refused and changes nothing', async () => {
  const settings = new SettingsService(memorySettingsStore());
  await assert.rejects(settings.set({ brush: { size: 0 } }));
  assert.deepEqual(await settings.get(), DEFAULT_SETTINGS);
});

test('the JSON file store survives a missing file and writes a readable one', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'settings-'));
  try {
    const file = path.join(dir, 'nested', 'settings.json');
    const settings = new SettingsService(jsonFileSettingsStore(file));
    assert.deepEqual(await settings.get(), DEFAULT_SETTINGS);
    await settings.set({ overlay: { opacity: 0.25 } });
    assert.equal(JSON.parse(await readFile(file, 'utf8')).overlay.opacity, 0.25);
    await writeFile(file, '{not json');
    assert.deepEqual(await new SettingsService(jsonFileSettingsStore(file)).get(), DEFAULT_SETTINGS);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('launch settings (serve --bundle/--provider) are reported and used, never stored, until the person changes that field', async () => {
  const store = memorySettingsStore({ ...DEFAULT_SETTINGS, engine: { bundleDir: '/stored/bundle', provider: 'auto' } });
  const settings = new SettingsService(store, { bundleDir: '/launch/bundle', provider: 'cpu' });
  assert.deepEqual((await settings.get()).engine, { bundleDir: '/launch/bundle', provider: 'cpu' });
  // Other sections and an invalid update leave the launch choice alone and store nothing of it.
  assert.deepEqual((await settings.set({ brush: { size: 90 } })).engine, { bundleDir: '/launch/bundle', provider: 'cpu' });
  await assert.rejects(settings.set({ engine: { provider: 'nonsense' as never } }));
  assert.deepEqual((await settings.get()).engine, { bundleDir: '/launch/bundle', provider: 'cpu' });
  assert.deepEqual(((await store.read()) as typeof DEFAULT_SETTINGS).engine, { bundleDir: '/stored/bundle', provider: 'auto' });
  // Default model in the window: the stored choice is null, and it is the one in use from now on.
  assert.deepEqual((await settings.set({ engine: { bundleDir: null } })).engine, { bundleDir: null, provider: 'cpu' });
  assert.deepEqual((await settings.set({ engine: { provider: 'auto' } })).engine, { bundleDir: null, provider: 'auto' });
  assert.deepEqual((await new SettingsService(store).get()).engine, { bundleDir: null, provider: 'auto' });
});
