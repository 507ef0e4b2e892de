/**
 * The renderer's one way to its host. In Electron the preload has put `window.api` there (an
 * adapter over ipcRenderer built with the same createApiClient); in serve mode we build it here over
 * the WebSocket, with the per-launch token from the address's fragment.
 */
import { createApiClient, type Api } from '../../main/contract.ts';
import { webSocketTransport } from './ws-transport.ts';

export function connectApi(onConnection?: (open: boolean) => void): Api | { error: string } {
  const bridge = window.api;
  // The preload's bridge is also a transport: a client built here keeps HostError codes, which
  // contextBridge would strip from errors thrown across it.
  if (bridge?.request && bridge.subscribe) return createApiClient({ request: bridge.request, subscribe: bridge.subscribe });
  if (bridge) return bridge;
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (!token) return { error: 'This page needs the address that `npm run serve` printed (it ends with #token=…). Open that address.' };
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return createApiClient(webSocketTransport(`${scheme}://${location.host}/api?token=${encodeURIComponent(token)}`, onConnection));
}
