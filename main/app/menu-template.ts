/**
 * The native menus: File, Edit, View (and the app and Window menus on macOS). Items that change
 * the document send a 'menu:command' event to the renderer, which carries them out as if its own
 * button were pressed (it owns the document, history and view). An item is shown only when the
 * contract's 'menu:command' event can carry its command, so the menu never offers something the
 * renderer would drop.
 *
 * Accelerators are registered: when the page handles a shortcut itself it calls preventDefault,
 * and Chromium then does not pass the key on to the menu, so each shortcut acts once.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { events, type EventPayload } from '../contract.ts';
import type { RecentFile } from './shell-state-schema.ts';

export type MenuCommand = EventPayload<'menu:command'>;

export interface MenuTemplateOptions {
  platform: NodeJS.Platform;
  appName: string;
  recentFiles: RecentFile[];
  /** Sends a command to the focused editor window. */
  send: (command: MenuCommand) => void;
  clearRecentFiles: () => void;
  /** Adds Toggle Developer Tools (unpackaged builds only). */
  devTools: boolean;
}

export function buildMenuTemplate(o: MenuTemplateOptions): MenuItemConstructorOptions[] {
  const mac = o.platform === 'darwin';
  const item = (label: string, accelerator: string | undefined, payload: unknown): MenuItemConstructorOptions[] => {
    const parsed = events['menu:command'].safeParse(payload);
    if (!parsed.success) return [];
    // The id (the command's name) lets the Electron tests click an item through Menu.getApplicationMenu().
    return [{ id: parsed.data.command, label, accelerator, click: () => o.send(parsed.data) }];
  };

  const recent = o.recentFiles.flatMap((file) =>
    item(recentLabel(file.path), undefined, { command: 'open-recent', path: file.path, kind: file.kind }),
  );
  const recentSupported = events['menu:command'].safeParse({ command: 'open-recent', path: '/a.png', kind: 'image' }).success;
  const openRecent: MenuItemConstructorOptions[] = recentSupported
    ? [
        {
          label: 'Open Recent',
          submenu: [
            ...(recent.length ? recent : [{ label: 'No Recent Files', enabled: false }]),
            { type: 'separator' },
            { label: 'Clear Recent', enabled: recent.length > 0, click: () => o.clearRecentFiles() },
          ],
        },
      ]
    : [];

  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      ...item('Open…', 'CmdOrCtrl+O', { command: 'open-image' }),
      ...openRecent,
      { type: 'separator' },
      ...item('Open Project…', 'CmdOrCtrl+Shift+O', { command: 'open-project' }),
      ...item('Save Project', 'CmdOrCtrl+S', { command: 'save-project' }),
      { type: 'separator' },
      ...item('Export…', 'CmdOrCtrl+E', { command: 'export' }),
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit', label: 'Quit', accelerator: 'Ctrl+Q' },
    ],
  };

  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      ...item('Undo', 'CmdOrCtrl+Z', { command: 'undo' }),
      ...item('Redo', mac ? 'Cmd+Shift+Z' : 'Ctrl+Shift+Z', { command: 'redo' }),
      { type: 'separator' },
      // Text editing in the prompt field (on macOS these shortcuts only work through the menu).
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...item('Fit to Window', 'CmdOrCtrl+0', { command: 'fit' }),
      ...item('Actual Size (100%)', 'CmdOrCtrl+1', { command: 'actual-size' }),
      ...item('Zoom In', 'CmdOrCtrl+=', { command: 'zoom-in' }),
      ...item('Zoom Out', 'CmdOrCtrl+-', { command: 'zoom-out' }),
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(o.devTools ? [{ type: 'separator' as const }, { role: 'toggleDevTools' as const }] : []),
    ],
  };

  return [
    ...(mac ? [{ label: o.appName, role: 'appMenu' as const }] : []),
    file,
    edit,
    view,
    ...(mac ? [{ role: 'windowMenu' as const }] : []),
  ];
}

/** The file's name, then its folder, shortened so the menu stays narrow. */
function recentLabel(filePath: string): string {
  const parts = filePath.split(/[\\/]/);
  const name = parts.pop() ?? filePath;
  const folder = parts.join('/');
  const shortFolder = folder.length > 40 ? `…${folder.slice(-39)}` : folder;
  // '&' would mark a mnemonic on Windows and Linux.
  return `${name}${shortFolder ? ` — ${shortFolder}` : ''}`.replace(/&/g, '&&');
}
