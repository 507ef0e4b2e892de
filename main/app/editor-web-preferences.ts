/**
 * The editor window's webPreferences, per Electron's security checklist: context isolation, the
 * renderer sandbox, no Node in the page or its workers or frames, web security on, no insecure
 * content, no <webview>, no experimental or extra Blink features. The preload is the one bridge.
 */
import type { WebPreferences } from 'electron';

export function editorWebPreferences(preload: string, devTools: boolean): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false, // a photo dropped on the window is the page's to handle, never a navigation
    safeDialogs: true,
    spellcheck: false,
    devTools,
  };
}
