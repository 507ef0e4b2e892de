/**
 * Launching the built app under Playwright's Electron driver, or the reason it cannot be launched
 * here (printed by each suite, so a skip is never silent).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { findElectronBinary } from '../../scripts/electron-binary.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Why the Electron suite cannot run on this machine, or null when it can. */
export function electronSkipReason(): string | null {
  const binary = findElectronBinary();
  if ('missing' in binary) return `no Electron binary: ${binary.missing}`;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'no display to open a window on (run the suite under xvfb-run)';
  }
  return null;
}

/** Builds the renderer and the Electron bundles once per run of the suite. */
export function buildApp(): void {
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

export interface LaunchedApp {
  app: ElectronApplication;
  page: Page;
  userData: string;
  close(): Promise<void>;
}

export async function launchApp(): Promise<LaunchedApp> {
  const binary = findElectronBinary();
  if ('missing' in binary) throw new Error(binary.missing);
  // Settings, recent files and the single-instance lock in a throwaway profile.
  const userData = await mkdtemp(path.join(os.tmpdir(), 'glide-electron-e2e-'));
  const args = [ROOT];
  // Chromium refuses to start as root with its OS sandbox; CI containers often run as root.
  if (process.getuid?.() === 0) args.unshift('--no-sandbox');
  const app = await _electron.launch({
    executablePath: binary.path,
    args,
    cwd: ROOT,
    env: { ...process.env, GLIDE_USER_DATA_DIR: userData, ELECTRON_RUN_AS_NODE: '' },
  });
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  return {
    app,
    page,
    userData,
    async close() {
      await app.close().catch(() => {});
      await rm(userData, { recursive: true, force: true });
    },
  };
}

/** The engine's utility process id, from Electron's process metrics. */
export async function enginePid(app: ElectronApplication): Promise<number | null> {
  return app.evaluate(({ app: electronApp }) => electronApp.getAppMetrics().find((m) => m.type === 'Utility' && m.name === 'GLIDE engine')?.pid ?? null);
}

export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
