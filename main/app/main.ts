/**
 * The Electron main process: app lifecycle, the editor window, menus, dialogs, settings, the two
 * custom protocols, and the engine as a utilityProcess. Everything the renderer can ask for goes
 * through the host's handlers (main/host), registered once with the sender check.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, utilityProcess } from 'electron';
import type { HostEvent } from '../contract.ts';
import { EngineHost } from '../engine-host/engine-host.ts';
import { createHost, type Host } from '../host/create-host.ts';
import { EngineSession } from '../host/engine-session.ts';
import { FileUrls } from '../host/file-urls.ts';
import { registerHandlers } from '../host/register-handlers.ts';
import { SettingsService } from '../host/settings-service.ts';
import { chooseBundle, defaultBundleDir } from '../host/bundle-choice.ts';
import { createWorkFolder } from '../host/work-folder.ts';
import { bundleDirAllowList } from '../host/installed-bundles.ts';
import { workerImporter } from '../host/model-install/run-import.ts';
import { APP_SCHEME, IMAGE_SCHEME, IMAGE_URL_PREFIX } from './app-origin.ts';
import { appPaths } from './app-paths.ts';
import { createAppProtocolHandler } from './app-protocol.ts';
import { guardClose } from './close-guard.ts';
import { guardContents } from './contents-guards.ts';
import { createEditorWindow } from './editor-window.ts';
import { electronStoreBackend } from './electron-store-backend.ts';
import { openFileBody } from './file-response-body.ts';
import { broadcastHostEvent, sendHostEvent } from './host-event-sender.ts';
import { createImageProtocolHandler } from './image-protocol.ts';
import { buildMenuTemplate, type MenuCommand } from './menu-template.ts';
import { NativeDialogs } from './native-dialogs.ts';
import { denyAllPermissions } from './permission-guards.ts';
import { recentFilesTracker } from './recent-files-tracking.ts';
import { blockRemoteRequests } from './request-guard.ts';
import { isTrustedSender } from './sender-check.ts';
import { ShellStore } from './shell-store.ts';
import { utilityEngineLauncher } from './utility-engine-launcher.ts';

const log = (message: string) => console.log(`[shell] ${message}`);

// Both schemes are standard (real origins, relative URLs) and secure (like https); neither bypasses CSP.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  { scheme: IMAGE_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true } },
]);
// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();
// A throwaway profile (settings, recent files, the single-instance lock) for tests and portable runs.
if (process.env.GLIDE_USER_DATA_DIR) app.setPath('userData', path.resolve(process.env.GLIDE_USER_DATA_DIR));

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  launch();
}

function launch(): void {
  let shell: Shell | null = null;
  let disposed = false;

  app.on('web-contents-created', (_event, contents) => guardContents(contents, log));
  app.on('second-instance', () => shell?.focusWindow());
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => shell?.focusWindow());
  app.on('before-quit', (event) => {
    if (disposed || !shell) return;
    // Stop the engine and remove this launch's temporary files before the process ends.
    event.preventDefault();
    disposed = true;
    void shell.dispose().finally(() => app.quit());
  });

  app
    .whenReady()
    .then(async () => {
      shell = await startShell();
    })
    .catch((error: Error) => {
      dialog.showErrorBox('The editor could not start', `${error.message}\n\nReinstall the app; if that does not help, report this message.`);
      app.exit(1);
    });
}

interface Shell {
  focusWindow(): void;
  dispose(): Promise<void>;
}

async function startShell(): Promise<Shell> {
  const paths = appPaths(app.getAppPath(), process.resourcesPath, app.isPackaged);
  const ses = session.defaultSession;
  denyAllPermissions(ses, log);
  blockRemoteRequests(ses, log);

  const files = new FileUrls(IMAGE_URL_PREFIX);
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ rootDir: paths.rendererDir, readFile: (p) => readFile(p) }));
  protocol.handle(IMAGE_SCHEME, createImageProtocolHandler({ resolveKey: (key) => files.resolveKey(key), open: openFileBody }));

  const store = new ShellStore(electronStoreBackend());
  const settings = new SettingsService(store.settingsStore());
  // Removed at exit (also after a crash the process sees); folders of killed launches are swept here.
  const work = createWorkFolder(app.getPath('temp'), 'glide-editor-');
  if (work.swept.length) log(`removed ${work.swept.length} work folder(s) left by launches that did not quit cleanly`);
  const workDir = work.dir;

  let window: BrowserWindow | null = null;
  const editorContents = () => BrowserWindow.getAllWindows().map((w) => w.webContents);
  const emit = (e: HostEvent) => void broadcastHostEvent(editorContents(), e);

  const engine = new EngineSession(
    new EngineHost(
      utilityEngineLauncher({
        fork: (modulePath, args, options) => utilityProcess.fork(modulePath, args, { ...options, env: options.env as Record<string, string> | undefined }),
        entry: paths.engineEntry,
        log,
      }),
      { log },
    ),
    async () => {
      const { bundleDir, provider } = (await settings.get()).engine;
      return chooseBundle(paths.bundleRoot, bundleDir, provider);
    },
    (payload) => {
      log(`engine: ${payload.state}: ${payload.message}`);
      emit({ event: 'engine:status', payload });
    },
  );

  const dialogs = new NativeDialogs(dialog, () => window, app.getPath('pictures'));
  const installMenu = () => {
    const template = buildMenuTemplate({
      platform: process.platform,
      appName: app.name,
      recentFiles: store.recentFiles(),
      send: sendMenuCommand,
      clearRecentFiles: () => {
        store.clearRecentFiles();
        app.clearRecentDocuments();
        installMenu();
      },
      devTools: !app.isPackaged,
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };
  const sendMenuCommand = (command: MenuCommand) => {
    const target = BrowserWindow.getFocusedWindow() ?? window;
    if (target) sendHostEvent(target.webContents, { event: 'menu:command', payload: command });
  };
  const recent = recentFilesTracker(dialogs.chooseOpenPath, (file) => {
    store.addRecentFile(file);
    app.addRecentDocument(file.path);
    dialogs.rememberFolderOf(file.path);
    installMenu();
  });

  const chosenBundles = new Set<string>();
  const host: Host = createHost({
    mode: 'electron',
    version: app.getVersion(),
    workDir,
    files,
    engine,
    settings,
    chooseSaveTarget: dialogs.chooseSaveTarget,
    chooseOpenPath: async (kind) => {
      const chosen = await recent.chooseOpenPath(kind);
      if (chosen && kind === 'model') chosenBundles.add(path.dirname(chosen));
      return chosen;
    },
    // Paths from the page: only what Open Recent lists (dialogs open in this process, drops send bytes).
    mayOpenPath: (filePath, kind) => store.recentFiles().some((f) => f.path === filePath && f.kind === kind),
    mayUseBundleDir: bundleDirAllowList(paths.bundleRoot, () => chosenBundles),
    emit,
    models: {
      modelsDir: path.join(app.getPath('userData'), 'models'),
      templatesDir: paths.templatesDir,
      defaultBundleDir: defaultBundleDir(paths.bundleRoot),
      runImport: workerImporter(pathToFileURL(paths.importWorker)),
    },
    autosaveDir: path.join(app.getPath('userData'), 'autosave'),
  });
  registerHandlers(
    { handle: (channel, listener) => ipcMain.handle(channel, (event, input) => listener(event, input)) },
    recent.wrap(host.handlers),
    { isTrustedSender, log: (message, error) => console.error(`[shell] ${message}`, error) },
  );

  installMenu();
  const openWindow = () => {
    window = createEditorWindow({ preload: paths.preload, devTools: !app.isPackaged, store, log });
    window.on('closed', () => (window = null));
    const win = window;
    win.on(
      'close',
      guardClose({
        unsavedWork: () => host.autosave?.unsavedWork() ?? null,
        ask: (options) => dialog.showMessageBoxSync(win, options),
        discard: () => host.autosave?.discard() ?? Promise.resolve(),
        destroy: () => win.destroy(),
      }),
    );
  };
  openWindow();
  void engine.start();

  return {
    focusWindow() {
      if (!window) return openWindow();
      if (window.isMinimized()) window.restore();
      window.focus();
    },
    async dispose() {
      await engine.stop();
      await host.dispose().catch(() => {});
      work.remove();
    },
  };
}
