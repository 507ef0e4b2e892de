/**
 * The Electron shell as a person (and an attacker) meets it: the window opens on the app origin
 * with the security settings on, the menus drive the renderer through native dialogs, and the
 * engine comes back after being killed while the window stays.
 *
 * Skips, saying why, where there is no Electron binary (installs with
 * ELECTRON_SKIP_BINARY_DOWNLOAD=1) or no display.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { ApiTransport } from '../../main/contract.ts';
import { buildApp, electronSkipReason, enginePid, launchApp, until, type LaunchedApp } from './electron-launch.ts';

const skip = electronSkipReason();
if (skip) console.log(`# SKIP e2e/electron: ${skip}`);

const opts = { skip: skip ?? false };

describe('Electron shell', () => {
  let launched: LaunchedApp;
  let fixtures: string;

  before(async () => {
    if (skip) return;
    buildApp();
    fixtures = await mkdtemp(path.join(os.tmpdir(), 'glide-electron-fixtures-'));
    launched = await launchApp();
  });
  after(async () => {
    await launched?.close();
    if (fixtures) await rm(fixtures, { recursive: true, force: true });
  });

  test('the window opens on the app origin and reaches the host through window.api', opts, async () => {
    const { app, page } = launched;
    assert.equal(app.windows().length, 1);
    assert.equal(page.url(), 'app://editor/index.html');
    const info = await page.evaluate(() => window.api!.invoke('app:info', {}));
    assert.equal(info.mode, 'electron');
    assert.equal(info.nativeDialogs, true);
  });

  test('security settings: isolated, sandboxed, no Node, CSP header enforced', opts, async () => {
    const { app, page } = launched;
    // Electron no longer reports a window's webPreferences, so check what they do: app.enableSandbox()
    // marks every renderer sandboxed; contextBridge exists only with context isolation (window.api is
    // there); with Node integration off the page has no require or process.
    assert.equal(await app.evaluate(({ app: a }) => a.commandLine.hasSwitch('enable-sandbox')), true);

    const globals = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      return { require: typeof w.require, process: typeof w.process, module: typeof w.module, ipc: typeof w.ipcRenderer, api: Object.keys(w.api ?? {}).sort() };
    });
    assert.deepEqual(globals, { require: 'undefined', process: 'undefined', module: 'undefined', ipc: 'undefined', api: ['invoke', 'onEvent', 'request', 'subscribe'] });

    const csp = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
    assert.match(csp ?? '', /script-src 'self'/);
    assert.doesNotMatch(csp ?? '', /unsafe-eval/);
    const evalResult = await page.evaluate(() => {
      try {
        return String(new Function('return 1')());
      } catch {
        return 'blocked';
      }
    });
    assert.equal(evalResult, 'blocked');
  });

  test('navigation, new windows and remote requests are blocked', opts, async () => {
    const { app, page } = launched;
    await page.evaluate(() => {
      location.href = 'https://example.com/';
    });
    await page.evaluate(() => window.open('https://example.com/'));
    await page.waitForTimeout(500);
    assert.equal(page.url(), 'app://editor/index.html');
    assert.equal(app.windows().length, 1);
    const fetched = await page.evaluate(async () => {
      try {
        await fetch('https://example.com/');
        return 'fetched';
      } catch {
        return 'blocked';
      }
    });
    assert.equal(fetched, 'blocked');
    // A page cannot fake its way past the bridge to unknown channels.
    await assert.rejects(page.evaluate(() => (window.api as unknown as ApiTransport).request('shell:evil' as never, {})));
  });

  test('File › Open… shows the native dialog and the photo opens; File › Export… saves through the save dialog', opts, async () => {
    const { app, page } = launched;
    const photo = path.join(fixtures, 'beach.png');
    await writeFile(photo, await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3080c0' } }).png().toBuffer());
    const exported = path.join(fixtures, 'beach-exported.png');
    await app.evaluate(({ dialog }, paths) => {
      const g = globalThis as unknown as { dialogCalls: string[] };
      g.dialogCalls = [];
      dialog.showOpenDialog = (async () => (g.dialogCalls.push('open'), { canceled: false, filePaths: [paths.photo] })) as typeof dialog.showOpenDialog;
      dialog.showSaveDialog = (async () => (g.dialogCalls.push('save'), { canceled: false, filePath: paths.exported })) as typeof dialog.showSaveDialog;
    }, { photo, exported });
    const dialogCalls = () => app.evaluate(() => (globalThis as unknown as { dialogCalls: string[] }).dialogCalls);
    const clickMenu = (id: string) => app.evaluate(({ Menu }, itemId) => Menu.getApplicationMenu()?.getMenuItemById(itemId)?.click(), id);

    await clickMenu('open-image');
    await until('the open dialog', async () => (await dialogCalls()).includes('open'));
    // The opened photo's display copy is loaded from the image protocol.
    await until('the photo to load', () =>
      page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.startsWith('app-image://files/'))),
    );

    await clickMenu('export');
    await until('the save dialog', async () => (await dialogCalls()).includes('save'));
    await until('the exported file', async () => existsSync(exported), 60_000);
    const meta = await sharp(exported).metadata();
    assert.deepEqual([meta.width, meta.height], [640, 480]);
  });

  test('the engine is restarted after it is killed, and the window stays and is told', opts, async () => {
    const { app, page } = launched;
    const before = await until('the engine process', () => enginePid(app));
    await page.evaluate(() => {
      const w = window as unknown as { engineStates: string[] };
      w.engineStates = [];
      window.api!.onEvent((e) => {
        if (e.event === 'engine:status') w.engineStates.push(e.payload.state);
      });
    });
    process.kill(before, 'SIGKILL');
    await until('the window to hear of the crash', () =>
      page.evaluate(() => (window as unknown as { engineStates: string[] }).engineStates.some((s) => s === 'crashed' || s === 'restarting')),
    );
    const after = await until('a new engine process', async () => {
      const pid = await enginePid(app);
      return pid && pid !== before ? pid : null;
    });
    assert.notEqual(after, before);
    assert.equal(app.windows().length, 1);
    assert.equal(page.url(), 'app://editor/index.html');
    const status = await until('the engine to settle', async () => {
      const s = await page.evaluate(() => window.api!.invoke('engine:status', {}));
      return s.state === 'ready' || s.state === 'failed' ? s : null; // 'failed' where no model bundle is installed
    });
    assert.ok(status.message.length > 0);
  });
});
