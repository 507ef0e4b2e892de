/**
 * electron-store as the shell's key-value backend: a JSON file in the user-data folder, written
 * atomically. Validation is the ShellStore's (zod), not electron-store's JSON schema, so there is
 * one kind of schema in the app.
 */
import { ipcMain } from 'electron';
import Store from 'electron-store';
import type { KeyValueBackend } from './shell-store.ts';

/** The IPC channel electron-store opens for stores created in renderers; this app has none. */
const STORE_RENDERER_CHANNEL = 'electron-store-get-data';

export function electronStoreBackend(): KeyValueBackend {
  // clearInvalidConfig: a file that is not JSON at all (a crash mid-edit by hand) starts fresh
  // instead of stopping the app at launch.
  const store = new Store<Record<string, unknown>>({ name: 'glide-editor', clearInvalidConfig: true });
  // Every IPC channel goes through the host's sender-checked registration point; this one would
  // answer any renderer with the profile path, so it is closed again.
  ipcMain.removeAllListeners(STORE_RENDERER_CHANNEL);
  return {
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
  };
}
