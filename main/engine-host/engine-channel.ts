/**
 * One running engine process, as the engine host sees it: a Node child process (node-launcher.ts,
 * serve mode and tests) or Electron's utilityProcess (main/app/utility-engine-launcher.ts). Its own
 * module so that the launchers and the host import it without importing each other.
 *
 * Maps onto utilityProcess as: send = child.postMessage, onMessage = child.on('message'),
 * onExit = child.on('exit', code => l({code, signal: null})), kill = child.kill().
 */
import type { EngineRequest } from '../engine/protocol.ts';

export interface EngineChannel {
  send(msg: EngineRequest): void;
  onMessage(l: (msg: unknown) => void): void;
  onExit(l: (info: { code: number | null; signal: string | null }) => void): void;
  kill(): void;
  pid?: number;
}
export type EngineLauncher = () => EngineChannel;
