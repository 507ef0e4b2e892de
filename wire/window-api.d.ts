/**
 * `window.api`: what the Electron preload exposes to the page (the contract's Api and its transport;
 * preload/preload.ts). In serve mode there is none and the renderer builds its client over the
 * WebSocket. Declared once for the page's code (tsconfig.browser.json) and the tests that evaluate
 * code in the page (tsconfig.e2e.json).
 */
import type { Api, ApiTransport } from '../main/contract.ts';

declare global {
  interface Window {
    api?: Api & Partial<ApiTransport>;
  }
}
