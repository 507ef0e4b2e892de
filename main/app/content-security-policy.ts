/**
 * The Content-Security-Policy sent as a response header with every app:// page: the renderer's one
 * policy (main/host/renderer-csp.ts, which serve mode sends too: scripts and styles only from the
 * app, no eval or inline scripts, no frames, plugins or forms), with the image protocol added to the
 * sources images may be shown and fetched from.
 */
import { rendererCsp } from '../host/renderer-csp.ts';
import { IMAGE_SCHEME } from './app-origin.ts';

export const CONTENT_SECURITY_POLICY = rendererCsp({ images: [`${IMAGE_SCHEME}:`], connect: [`${IMAGE_SCHEME}:`] });

/** Headers every app:// response carries. */
export const APP_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};
