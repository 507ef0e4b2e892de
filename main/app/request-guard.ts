/**
 * No remote content: the app's pages may load only from the app's own schemes (and blob:/data:
 * URLs they made). Every other request (http, https, ws, file, ...) is cancelled before it leaves,
 * whatever a page or a bug asks for. devtools: stays allowed so unpackaged builds can be debugged.
 */
import { APP_SCHEME, IMAGE_SCHEME } from './app-origin.ts';

const ALLOWED = new Set([`${APP_SCHEME}:`, `${IMAGE_SCHEME}:`, 'blob:', 'data:', 'devtools:']);

export function isAllowedRequest(url: string): boolean {
  try {
    return ALLOWED.has(new URL(url).protocol);
  } catch {
    return false;
  }
}

export interface RequestFilterSession {
  webRequest: {
    onBeforeRequest(
      filter: { urls: string[] },
      listener: (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void,
    ): void;
  };
}

export function blockRemoteRequests(session: RequestFilterSession, log: (message: string) => void): void {
  session.webRequest.onBeforeRequest({ urls: ['<all_urls>'] }, (details, callback) => {
    const allowed = isAllowedRequest(details.url);
    if (!allowed) log(`blocked a request to ${details.url.slice(0, 200)}`);
    callback({ cancel: !allowed });
  });
}
