/**
 * electron-store as the shell's key-value backend: a JSON file in the user-data folder, written
 * atomically. Validation is the ShellStore's (zod), not electron-store's JSON schema, so there is
 * one kind of schema in the app.
 */
import Store from 'electron-store';
import type { KeyValueBackend } from './shell-store.ts';

export function electronStoreBackend(): KeyValueBackend {
  // clearInvalidConfig: a file that is not JSON at all (a crash mid-edit by hand) starts fresh
  // instead of stopping the app at launch.
  const store = new Store<Record<string, unknown>>({ name: 'glide-editor', clearInvalidConfig: true });
  return {
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
  };
}
