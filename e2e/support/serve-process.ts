/** Starts `serve/main.ts` as a person would (its own process, real engine), and stops it. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../test-support/paths.ts';

export interface ServeProcess {
  url: string;
  /** The server's own process. */
  pid: number;
  origin: string;
  /** The engine process serve started (a child of serve's process), or undefined while none runs. */
  enginePid(): number | undefined;
  output: () => string;
  stop(): Promise<void>;
  /** kill -9 of the server (and its engine), as a crash or power cut would end them. */
  kill9(): Promise<void>;
}

/**
 * bundleDir null: no --bundle (the settings' model, else the default). settingsDir: the app's data folder
 * to use (kept by stop); by default a new one, removed by stop. extraArgs: more serve options.
 */
export async function startServe(bundleDir: string | null, timeoutMs = 60_000, settingsDir?: string, extraArgs: string[] = []): Promise<ServeProcess> {
  const ownSettings = !settingsDir;
  settingsDir ??= mkdtempSync(path.join(os.tmpdir(), 'e2e-settings-'));
  const bundleArgs = bundleDir ? ['--bundle', bundleDir] : [];
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'serve/main.ts', '--port', '0', ...bundleArgs, '--provider', 'cpu', '--settings', path.join(settingsDir, 'settings.json'), ...extraArgs],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      const m = /Serving the editor at (\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
  const enginePid = () => {
    const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args=']).toString().trim().split('\n');
    const row = rows.map((r) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(r)).find((m) => m && Number(m[2]) === child.pid && m[3].includes('engine-main'));
    return row ? Number(row[1]) : undefined;
  };
  return {
    url,
    pid: child.pid!,
    origin: new URL(url).origin,
    output: () => output,
    enginePid,
    async kill9() {
      const engine = enginePid();
      child.kill('SIGKILL');
      if (engine) process.kill(engine, 'SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
      if (ownSettings) rmSync(settingsDir, { recursive: true, force: true });
    },
  };
}
