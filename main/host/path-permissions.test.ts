import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { HostError } from '../contract.ts';
import { bundleDirAllowList } from './installed-bundles.ts';
import { hostFixture, photoPng } from './testing/host-fixture.ts';

let root: string;
before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'path-permissions-'));
  await mkdir(path.join(root, 'models/default'), { recursive: true });
  await writeFile(path.join(root, 'models/default/bundle.json'), '{}');
  await mkdir(path.join(root, 'models/empty'), { recursive: true });
  await writeFile(path.join(root, 'photo.png'), await photoPng(8, 8));
});
after(() => rm(root, { recursive: true, force: true }));

const refusedAs = (code: string) => (e: HostError) => e.code === code;

test('open-path takes only the paths the shell allows (Electron: the recent list)', async () => {
  const recent = path.join(root, 'photo.png');
  const f = await hostFixture({ mayOpenPath: (p, kind) => p === recent && kind === 'image' });
  try {
    assert.equal((await f.host.handlers['image:open-path']({ path: recent })).width, 8);
    await assert.rejects(async () => f.host.handlers['image:open-path']({ path: '/etc/passwd' }), refusedAs('forbidden'));
    await assert.rejects(async () => f.host.handlers['project:open-path']({ path: recent }), refusedAs('forbidden'));
    await assert.rejects(async () => f.host.handlers['image:open-path']({ path: `${root}/x/../photo.png` }), refusedAs('forbidden'));
  } finally {
    await f.close();
  }
});

test('settings:set switches only to installed or named bundles; the dialog and the default always may', async () => {
  const allowed = bundleDirAllowList(root, () => ['/opt/cli-bundle']);
  let chosen: string | null = null;
  const f = await hostFixture({ mayUseBundleDir: allowed, chooseOpenPath: async () => chosen });
  try {
    for (const dir of ['/', '/tmp', path.join(root, 'models/empty'), path.join(root, 'models'), `${root}/models/default/..`]) {
      await assert.rejects(async () => f.host.handlers['settings:set']({ engine: { bundleDir: dir } }), refusedAs('forbidden'), dir);
    }
    assert.equal((await f.host.handlers['settings:get']({})).engine.bundleDir, null);
    for (const dir of [path.join(root, 'models/default'), '/opt/cli-bundle', null]) {
      assert.equal((await f.host.handlers['settings:set']({ engine: { bundleDir: dir } })).engine.bundleDir, dir);
    }
    chosen = '/home/me/my-model/bundle.json';
    assert.equal((await f.host.handlers['model:choose-dialog']({}))?.engine.bundleDir, '/home/me/my-model');
    // Saving the settings back unchanged still works.
    assert.equal((await f.host.handlers['settings:set']({ engine: { bundleDir: '/home/me/my-model', provider: 'cpu' } })).engine.provider, 'cpu');
  } finally {
    await f.close();
  }
});
