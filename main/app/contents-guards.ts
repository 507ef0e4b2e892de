/**
 * Guards put on every web contents the app creates (Electron's security checklist, items 13-14 and
 * the webview rules): no navigation anywhere (the editor is a single page; a link or a dropped file
 * must not replace it), no new windows, no <webview> attachment.
 *
 * Typed against the few members used, so tests drive them with plain event emitters.
 */

interface PreventableEvent {
  preventDefault(): void;
}

export interface GuardedContents {
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-frame-navigate', listener: (event: PreventableEvent & { url: string }) => void): unknown;
  on(event: 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export type GuardLog = (message: string) => void;

export function guardContents(contents: GuardedContents, log: GuardLog): void {
  // loadURL is not a navigation for these events, so the app's own start page still loads.
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    log(`blocked navigation to ${clip(url)}`);
  });
  contents.on('will-frame-navigate', (event) => {
    event.preventDefault();
    log(`blocked frame navigation to ${clip(event.url)}`);
  });
  contents.on('will-redirect', (event, url) => {
    event.preventDefault();
    log(`blocked redirect to ${clip(url)}`);
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('blocked a <webview>');
  });
  contents.setWindowOpenHandler(({ url }) => {
    log(`blocked a new window for ${clip(url)}`);
    return { action: 'deny' };
  });
}

function clip(url: string): string {
  return url.length > 200 ? `${url.slice(0, 200)}…` : url;
}
