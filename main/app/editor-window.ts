/**
 * The editor window: opens at the saved bounds, loads the app page over app://, shows itself once
 * painted, saves its bounds when it closes, and reloads the page if the renderer process dies (the
 * page reopens; the host's documents are still there for a project reopen).
 */
import { BrowserWindow, screen } from 'electron';
import { APP_START_URL } from './app-origin.ts';
import { editorWebPreferences } from './editor-web-preferences.ts';
import type { ShellStore } from './shell-store.ts';
import { initialWindowBounds } from './window-bounds.ts';

export interface EditorWindowOptions {
  preload: string;
  devTools: boolean;
  store: ShellStore;
  log: (message: string) => void;
}

export function createEditorWindow(o: EditorWindowOptions): BrowserWindow {
  const bounds = initialWindowBounds(o.store.windowBounds(), screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow({
    x: bounds.x,
    y: bounds.y,
    width: bounds.width,
    height: bounds.height,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'GLIDE Inpainting Editor',
    backgroundColor: '#1d1f23',
    webPreferences: editorWebPreferences(o.preload, o.devTools),
  });
  if (bounds.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());

  win.on('close', () => {
    const normal = win.getNormalBounds();
    o.store.saveWindowBounds({ ...normal, maximized: win.isMaximized() });
  });

  let recentCrashes: number[] = [];
  win.webContents.on('render-process-gone', (_event, details) => {
    o.log(`the editor page's process is gone (${details.reason})`);
    if (details.reason === 'clean-exit' || win.isDestroyed()) return;
    const now = Date.now();
    recentCrashes = [...recentCrashes.filter((t) => now - t < 60_000), now];
    // A page that keeps crashing on load would otherwise reload forever.
    if (recentCrashes.length <= 3) void win.loadURL(APP_START_URL);
  });

  void win.loadURL(APP_START_URL).catch((error: Error) => o.log(`the editor page did not load: ${error.message}`));
  return win;
}
