/**
 * Launches the engine as a plain Node child process (serve mode, tests, benchmarks). The 'advanced'
 * serialization is the structured clone, so Uint8Array (mask and preview PNGs) crosses intact, as it
 * does over Electron's utilityProcess.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EngineRequest } from '../engine/protocol.ts';
import type { EngineChannel, EngineLauncher } from './engine-channel.ts';

export interface NodeLauncherOptions {
  /** Path of the engine entry: engine-main.ts (run through tsx) or the built engine-main.js. */
  entry?: string;
  /** Node flags for the child; defaults to tsx's loader for a .ts entry, none for .js. */
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  /** Where the child's stdout/stderr go; 'inherit' shows the engine's logs beside the parent's. */
  stdio?: 'inherit' | 'ignore';
}

/**
 * The entry beside this module: when running from TypeScript sources (dev, tests) the .ts entry;
 * when built, the .js one. GLIDE_ENGINE_ENTRY overrides both (packaged layouts differ).
 */
export function defaultEngineEntry(): string {
  if (process.env.GLIDE_ENGINE_ENTRY) return process.env.GLIDE_ENGINE_ENTRY;
  const fromSources = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(`../engine/process/engine-main.${fromSources ? 'ts' : 'js'}`, import.meta.url));
}

export function nodeEngineLauncher(options: NodeLauncherOptions = {}): EngineLauncher {
  return () => {
    const entry = options.entry ?? defaultEngineEntry();
    if (!existsSync(entry)) throw new Error(`The engine entry ${entry} does not exist.`);
    // Explicit execArgv: never inherit the parent's flags (e.g. the test runner's).
    const execArgv = options.execArgv ?? (entry.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : []);
    const child = fork(entry, [], {
      execArgv,
      env: options.env ?? process.env,
      serialization: 'advanced',
      stdio: options.stdio === 'ignore' ? ['ignore', 'ignore', 'ignore', 'ipc'] : ['inherit', 'inherit', 'inherit', 'ipc'],
    });
    // A send racing the child's death raises EPIPE/ERR_IPC_CHANNEL_CLOSED here; the 'exit' event reports it.
    child.on('error', () => {});
    const channel: EngineChannel = {
      send(msg: EngineRequest) {
        if (child.connected) child.send(msg, (err) => void err);
      },
      onMessage(l) {
        child.on('message', (m) => l(m));
      },
      onExit(l) {
        child.once('exit', (code, signal) => l({ code, signal }));
      },
      kill() {
        child.kill('SIGKILL');
      },
      pid: child.pid,
    };
    return channel;
  };
}
