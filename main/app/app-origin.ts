/**
 * Where the app's own pages and images live. The renderer is served from `app://editor/` (a
 * privileged custom scheme: a real origin, unlike file://, so CSP and same-origin rules apply) and
 * document images from `app-image://files/<key>`. Every trust decision in the shell (IPC senders,
 * navigation) asks `isAppUrl`.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'editor';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

export const IMAGE_SCHEME = 'app-image';
export const IMAGE_HOST = 'files';
/** The prefix FileUrls gives every served file in Electron. */
export const IMAGE_URL_PREFIX = `${IMAGE_SCHEME}://${IMAGE_HOST}/`;

/** True only for URLs on our app origin: scheme, host and nothing else (no user, password or port). */
export function isAppUrl(url: string | null | undefined): boolean {
  if (typeof url !== 'string' || url.length === 0) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
