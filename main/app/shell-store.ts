/**
 * The shell's persistent state over a key-value backend (electron-store in the app, a Map in
 * tests): the contract's settings for the host's SettingsService, the window bounds, the recent
 * files. Reads are parsed; what does not parse reads as absent, and is overwritten on the next save.
 */
import type { Settings } from '../contract.ts';
import type { SettingsStore } from '../host/settings-service.ts';
import { MAX_RECENT, RecentFile, RecentFiles, WindowBounds } from './shell-state-schema.ts';

export interface KeyValueBackend {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

export class ShellStore {
  constructor(private readonly backend: KeyValueBackend) {}

  /** For the host's SettingsService, which parses what it reads section by section. */
  settingsStore(): SettingsStore {
    return {
      read: async () => this.backend.get('settings'),
      write: async (value: Settings) => this.backend.set('settings', value),
    };
  }

  windowBounds(): WindowBounds | null {
    const parsed = WindowBounds.safeParse(this.backend.get('window'));
    return parsed.success ? parsed.data : null;
  }

  saveWindowBounds(bounds: WindowBounds): void {
    this.backend.set('window', WindowBounds.parse(bounds));
  }

  recentFiles(): RecentFile[] {
    const stored = this.backend.get('recent');
    if (!Array.isArray(stored)) return [];
    // Keep the entries that parse rather than dropping the whole list for one bad one.
    return stored.flatMap((entry) => {
      const parsed = RecentFile.safeParse(entry);
      return parsed.success ? [parsed.data] : [];
    }).slice(0, MAX_RECENT);
  }

  /** Puts the file first (once) and returns the new list. */
  addRecentFile(entry: RecentFile): RecentFile[] {
    const file = RecentFile.parse(entry);
    const next = [file, ...this.recentFiles().filter((f) => f.path !== file.path)].slice(0, MAX_RECENT);
    this.backend.set('recent', RecentFiles.parse(next));
    return next;
  }

  clearRecentFiles(): void {
    this.backend.set('recent', []);
  }
}
