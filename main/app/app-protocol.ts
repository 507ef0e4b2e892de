/**
 * The `app://editor/` protocol: serves the built renderer (index.html and its assets) from one
 * folder inside the app's resources, with the security headers (CSP) on every response. Nothing
 * outside that folder can be reached, and only GET/HEAD are answered.
 */
import { checkProtocolRequest } from './protocol-request.ts';
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './app-origin.ts';
import { APP_SECURITY_HEADERS } from './content-security-policy.ts';
import { safeRelativePath } from './safe-relative-path.ts';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export interface AppProtocolOptions {
  /** The built renderer's folder (vite's outDir). */
  rootDir: string;
  /** Reads a file; rejects when it does not exist. Injected so tests need no disk. */
  readFile: (filePath: string) => Promise<Uint8Array>;
}

export function createAppProtocolHandler(options: AppProtocolOptions): (request: Request) => Promise<Response> {
  const root = path.resolve(options.rootDir);
  return async (request) => {
    const url = checkProtocolRequest(request, APP_SCHEME, APP_HOST);
    if (!(url instanceof URL)) return reply(url.status, url.text);
    const segments = safeRelativePath(url.pathname);
    if (!segments) return reply(400, 'Bad path');
    const filePath = path.join(root, ...(segments.length ? segments : ['index.html']));
    if (!filePath.startsWith(root + path.sep)) return reply(400, 'Bad path');
    const type = MIME[path.extname(filePath).toLowerCase()];
    if (!type) return reply(404, 'Not found');
    let body: Uint8Array;
    try {
      body = await options.readFile(filePath);
    } catch {
      return reply(404, 'Not found');
    }
    return new Response(request.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), {
      status: 200,
      headers: { ...APP_SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-cache' },
    });
  };
}

function reply(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...APP_SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}
