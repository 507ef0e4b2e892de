/**
 * Settings that persist between launches. The store is injected: electron-store in the Electron
 * shell, a JSON file in serve mode, memory in tests. Whatever the store holds is parsed against the
 * contract section by section, so a damaged or older file falls back to defaults where it must.
 */
import { readFile, writeFile, mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_SETTINGS, Settings, type SettingsPatch } from '../contract.ts';

export interface SettingsStore {
  read(): Promise<unknown>;
  write(value: Settings): Promise<void>;
}

export class SettingsService {
  private cached: Settings | null = null;

  /**
   * `launch`: engine settings given when the app was started (serve's --bundle and --provider). They
   * are what get() reports and the engine uses, and are never stored, until an update sets that
   * field: then the person's choice wins (the Models panel's Use, Default model, the provider menu).
   */
  constructor(
    private readonly store: SettingsStore,
    private readonly launch: Partial<Settings['engine']> = {},
  ) {}

  private async stored(): Promise<Settings> {
    if (!this.cached) this.cached = sanitize(await this.store.read().catch(() => undefined));
    return this.cached;
  }

  private withLaunch(s: Settings): Settings {
    return Object.keys(this.launch).length ? { ...s, engine: { ...s.engine, ...this.launch } } : s;
  }

  async get(): Promise<Settings> {
    return this.withLaunch(await this.stored());
  }

  async set(patch: SettingsPatch): Promise<Settings> {
    const current = await this.stored();
    const next = Settings.parse({
      run: { ...current.run, ...patch.run },
      brush: { ...current.brush, ...patch.brush },
      overlay: { ...current.overlay, ...patch.overlay },
      export: { ...current.export, ...patch.export },
      engine: { ...current.engine, ...patch.engine },
      window: patch.window === undefined ? current.window : patch.window,
    });
    this.cached = next;
    await this.store.write(next);
    for (const key of Object.keys(patch.engine ?? {}) as (keyof Settings['engine'])[]) delete this.launch[key];
    return this.withLaunch(next);
  }
}

/** Keeps each valid section of what was stored and the defaults for the rest. */
function sanitize(stored: unknown): Settings {
  const result: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  if (stored && typeof stored === 'object') {
    for (const key of Object.keys(Settings.shape) as (keyof Settings)[]) {
      const value = (stored as Record<string, unknown>)[key];
      const merged = value && typeof value === 'object' && DEFAULT_SETTINGS[key] ? { ...DEFAULT_SETTINGS[key], ...value } : value;
      const parsed = Settings.shape[key].safeParse(merged);
      if (parsed.success) result[key] = parsed.data;
    }
  }
  return result as Settings;
}

/** A JSON file store (serve mode); written atomically so a crash never leaves half a file. */
export function jsonFileSettingsStore(file: string): SettingsStore {
  return {
    async read() {
      return JSON.parse(await readFile(file, 'utf8'));
    },
    async write(value) {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(`${file}.tmp`, JSON.stringify(value, null, 2));
      await rename(`${file}.tmp`, file);
    },
  };
}

export function memorySettingsStore(initial?: unknown): SettingsStore {
  let value = initial;
  return { read: async () => value, write: async (v) => void (value = v) };
}
