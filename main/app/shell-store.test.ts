import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../contract.ts';
import { SettingsService } from '../host/settings-service.ts';
import { RecentFile, WindowBounds } from './shell-state-schema.ts';
import { ShellStore, type KeyValueBackend } from './shell-store.ts';
import { initialWindowBounds } from './window-bounds.ts';

function mapBackend(initial: Record<string, unknown> = {}): KeyValueBackend & { data: Map<string, unknown> } {
  const data = new Map(Object.entries(initial));
  return { data, get: (k) => data.get(k), set: (k, v) => void data.set(k, v) };
}

test('the schemas reject bad window bounds and recent files', () => {
  assert.equal(WindowBounds.safeParse({ width: 1200, height: 800 }).success, true);
  for (const bad of [
    { width: 100, height: 800 }, // smaller than the window's minimum
    { width: 1200, height: 800.5 },
    { width: '1200', height: 800 },
    { width: 1200, height: 800, x: 1e9 },
    { width: 1200, height: 800, maximized: 'yes' },
    null,
  ]) {
    assert.equal(WindowBounds.safeParse(bad).success, false, JSON.stringify(bad));
  }
  assert.equal(RecentFile.safeParse({ path: '/p/a.jpg', kind: 'image' }).success, true);
  assert.equal(RecentFile.safeParse({ path: '', kind: 'image' }).success, false);
  assert.equal(RecentFile.safeParse({ path: '/p/a.jpg', kind: 'video' }).success, false);
  assert.equal(RecentFile.safeParse({ path: 'x'.repeat(5000), kind: 'image' }).success, false);
});

test('stored settings: bad values fall back to defaults section by section, valid ones are kept', async () => {
  const backend = mapBackend({
    settings: {
      run: { candidates: 99, seedMode: 'random', seed: 0, guidanceScale: null, steps: null }, // 99 > 8
      brush: { size: 32, hardness: 0.5 },
      engine: { bundleDir: '/models/mine', provider: 'tpu' }, // no such provider
      overlay: 'pink',
    },
  });
  const settings = new SettingsService(new ShellStore(backend).settingsStore());
  const s = await settings.get();
  assert.deepEqual(s.run, DEFAULT_SETTINGS.run);
  assert.deepEqual(s.brush, { size: 32, hardness: 0.5 });
  assert.deepEqual(s.engine, DEFAULT_SETTINGS.engine);
  assert.deepEqual(s.overlay, DEFAULT_SETTINGS.overlay);
  // A valid change (the last model, the execution provider) is written back whole.
  await settings.set({ engine: { provider: 'cpu', bundleDir: '/models/mine' } });
  assert.deepEqual((backend.data.get('settings') as typeof s).engine, { provider: 'cpu', bundleDir: '/models/mine' });
  await assert.rejects(async () => settings.set({ engine: { provider: 'tpu' as never } }));
});

test('window bounds round-trip, and an unparseable stored value reads as none', () => {
  const backend = mapBackend({ window: { width: 10, height: 10 } });
  const store = new ShellStore(backend);
  assert.equal(store.windowBounds(), null);
  store.saveWindowBounds({ x: 10, y: 20, width: 1300, height: 850, maximized: true });
  assert.deepEqual(store.windowBounds(), { x: 10, y: 20, width: 1300, height: 850, maximized: true });
  assert.throws(() => store.saveWindowBounds({ width: 1, height: 1, maximized: false }));
});

test('recent files: newest first, once each, at most ten; bad stored entries are dropped', () => {
  const backend = mapBackend({ recent: [{ path: '/a.jpg', kind: 'image' }, { path: 42 }, 'junk'] });
  const store = new ShellStore(backend);
  assert.deepEqual(store.recentFiles(), [{ path: '/a.jpg', kind: 'image' }]);
  store.addRecentFile({ path: '/b.glideproj', kind: 'project' });
  store.addRecentFile({ path: '/a.jpg', kind: 'image' });
  assert.deepEqual(store.recentFiles().map((f) => f.path), ['/a.jpg', '/b.glideproj']);
  for (let i = 0; i < 15; i++) store.addRecentFile({ path: `/p${i}.png`, kind: 'image' });
  assert.equal(store.recentFiles().length, 10);
  assert.equal(store.recentFiles()[0].path, '/p14.png');
  assert.throws(() => store.addRecentFile({ path: '', kind: 'image' }));
  store.clearRecentFiles();
  assert.deepEqual(store.recentFiles(), []);
  backend.data.set('recent', { not: 'a list' });
  assert.deepEqual(store.recentFiles(), []);
});

test('the window opens where it was when that is still on a screen, else at the default size', () => {
  const screens = [{ x: 0, y: 0, width: 1920, height: 1040 }];
  assert.deepEqual(initialWindowBounds(null, screens), { width: 1400, height: 900, maximized: false });
  assert.deepEqual(initialWindowBounds({ x: 100, y: 50, width: 1200, height: 800, maximized: false }, screens), {
    x: 100,
    y: 50,
    width: 1200,
    height: 800,
    maximized: false,
  });
  // Saved on a monitor that is gone: keep the size, let the OS place it.
  assert.deepEqual(initialWindowBounds({ x: 3000, y: 50, width: 1200, height: 800, maximized: true }, screens), {
    width: 1200,
    height: 800,
    maximized: true,
  });
  // Larger than any screen now: shrunk to fit.
  const big = initialWindowBounds({ x: 0, y: 0, width: 5000, height: 3000, maximized: false }, screens);
  assert.equal(big.width, 1920);
  assert.equal(big.height, 1040);
});
