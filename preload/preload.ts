/**
 * The preload (sandboxed, context-isolated): exposes the one bridge, `window.api`. The page never
 * sees ipcRenderer, Node or Electron.
 *
 * `window.api` is both the contract's Api (invoke/onEvent, built with createApiClient, as serve
 * mode's client is) and its ApiTransport (request/subscribe, answering envelopes). contextBridge
 * copies only the message of an Error thrown across it, so a page that needs HostError codes
 * ('cancelled', 'empty-mask', …) builds its client with createApiClient(window.api) over the
 * transport half; both halves reach only the contract's channels.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createApiClient, type Api, type ApiTransport, type Channel, type HostEvent, type RequestInput } from '../main/contract.ts';
import { createIpcBridge } from './ipc-bridge.ts';

const transport = createIpcBridge(ipcRenderer);
const client = createApiClient(transport);

// Plain functions calling into the bridge: the page gets proxies of these and nothing behind them.
const api: Api & ApiTransport = {
  invoke: <C extends Channel>(channel: C, input: RequestInput<C>) => client.invoke(channel, input),
  onEvent: (listener: (e: HostEvent) => void) => client.onEvent(listener),
  request: (channel: Channel, input: unknown) => transport.request(channel, input),
  subscribe: (listener: (event: string, payload: unknown) => void) => transport.subscribe(listener),
};
contextBridge.exposeInMainWorld('api', api);
