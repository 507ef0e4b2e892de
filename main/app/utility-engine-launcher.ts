/**
 * Launches the engine as an Electron utilityProcess (a Node process Chromium manages: no renderer
 * privileges, its own crash domain). Adapts it to the engine host's EngineChannel: postMessage and
 * 'message' carry the protocol's messages by structured clone (Uint8Array PNGs intact), 'exit'
 * reports the end, kill() ends it. `fork` is injected (Electron's utilityProcess.fork) so the
 * mapping is tested without Electron.
 */
import type { EngineChannel, EngineLauncher } from '../engine-host/engine-channel.ts';
import type { EngineRequest } from '../engine/protocol.ts';

/** The members of Electron's UtilityProcess used here. */
export interface UtilityProcessLike {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  on(event: 'error', listener: (type: string, location: string, report: string) => void): unknown;
  kill(): boolean;
}

export type UtilityFork = (
  modulePath: string,
  args: string[],
  options: { serviceName: string; stdio: 'inherit' | 'ignore'; env?: NodeJS.ProcessEnv },
) => UtilityProcessLike;

export interface UtilityLauncherOptions {
  fork: UtilityFork;
  /** The built engine entry (engine-main.mjs), inside the app's resources. */
  entry: string;
  env?: NodeJS.ProcessEnv;
  log?: (message: string) => void;
}

export function utilityEngineLauncher(options: UtilityLauncherOptions): EngineLauncher {
  const log = options.log ?? ((m) => console.warn(`[engine] ${m}`));
  return () => {
    const child = options.fork(options.entry, [], { serviceName: 'GLIDE engine', stdio: 'inherit', env: options.env });
    let exited = false;
    child.on('exit', () => (exited = true));
    // A V8 fatal error: 'exit' follows, which the engine host treats as a crash and restarts.
    child.on('error', (type, location) => log(`${type} at ${location}`));
    const channel: EngineChannel = {
      send(msg: EngineRequest) {
        if (exited) return; // the 'exit' handling settles what was pending
        try {
          child.postMessage(msg);
        } catch (error) {
          log(`could not send ${msg.type} to the engine: ${(error as Error).message}`);
        }
      },
      onMessage(listener) {
        child.on('message', (message) => listener(message));
      },
      onExit(listener) {
        // utilityProcess reports only a code; a kill shows as a non-zero code, not a signal.
        child.on('exit', (code) => listener({ code, signal: null }));
      },
      kill() {
        child.kill();
      },
      get pid() {
        return child.pid; // undefined until the process has spawned
      },
    };
    return channel;
  };
}
