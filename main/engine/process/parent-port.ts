/**
 * The engine's line to its parent, whichever kind of process it is: Electron's utilityProcess
 * (process.parentPort, messages wrapped as {data}) or a Node child process forked with an IPC
 * channel (process.send / process.on('message')).
 */
import type { EngineEvent } from '../protocol.ts';

export interface ParentPort {
  send(event: EngineEvent): void;
  onMessage(l: (msg: unknown) => void): void;
  /** The parent went away (Node only; Electron ends a utilityProcess with its parent). */
  onDisconnect(l: () => void): void;
}

interface ElectronParentPort {
  on(event: 'message', l: (e: { data: unknown }) => void): void;
  postMessage(msg: unknown): void;
}

export function connectToParent(): ParentPort | undefined {
  const electronPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    return {
      send: (event) => electronPort.postMessage(event),
      onMessage: (l) => electronPort.on('message', (e) => l(e.data)),
      onDisconnect: () => {},
    };
  }
  if (process.send) {
    return {
      send: (event) => {
        // The parent may already be gone; its 'exit' handling covers that, nothing to do here.
        if (process.connected) process.send!(event, undefined, undefined, () => {});
      },
      onMessage: (l) => process.on('message', l),
      onDisconnect: (l) => process.on('disconnect', l),
    };
  }
  return undefined;
}
