/**
 * The bridge the preload exposes as `window.api`: the contract's ApiTransport over Electron IPC,
 * and nothing more. Requests are limited to the contract's channels; events arrive on the one host
 * event channel and reach the page as (name, payload) without Electron's event object (whose
 * `sender` is ipcRenderer itself). Every subscription returns its unsubscribe function.
 *
 * Responses cross as envelopes (plain data), not thrown errors: contextBridge copies an Error's
 * message but drops its `code`, so the page's createApiClient turns envelopes into HostErrors.
 */
import { CHANNELS, type ApiTransport, type Channel } from '../main/contract.ts';
import { HOST_EVENT_CHANNEL } from '../wire/ipc-channels.ts';

/** The members of Electron's ipcRenderer used here. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

const KNOWN = new Set<string>(CHANNELS);

export function createIpcBridge(ipc: IpcRendererLike): ApiTransport {
  return {
    request(channel: Channel, input: unknown): Promise<unknown> {
      if (typeof channel !== 'string' || !KNOWN.has(channel)) {
        return Promise.reject(new Error(`Unknown request ${String(channel).slice(0, 64)}.`));
      }
      return ipc.invoke(channel, input);
    },
    subscribe(listener: (event: string, payload: unknown) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('subscribe needs a function');
      const relay = (_event: unknown, name: unknown, payload: unknown) => {
        if (typeof name === 'string') listener(name, payload);
      };
      ipc.on(HOST_EVENT_CHANNEL, relay);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(HOST_EVENT_CHANNEL, relay);
      };
    },
  };
}
