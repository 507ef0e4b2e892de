/**
 * The `app-image://files/<key>` protocol: serves the files the host registered with FileUrls
 * (display copies, candidate patches, previews) by their unguessable key, and nothing else: no
 * paths, no folders, no other hosts. The renderer can therefore only ever load images the host
 * chose to show it.
 */
import { checkProtocolRequest } from './protocol-request.ts';
import { APP_ORIGIN, IMAGE_HOST, IMAGE_SCHEME } from './app-origin.ts';

export interface ServedFileLike {
  path: string;
  mime: string;
  /** Settles when the file is written (FileUrls' ready): served only then, and not if it rejects. */
  ready?: Promise<void>;
}

export interface ImageProtocolOptions {
  /** FileUrls.resolveKey: the registered file behind a key, or undefined. */
  resolveKey: (key: string) => ServedFileLike | undefined;
  /** Opens a file for the response body; rejects when it is gone. Injected so tests need no disk. */
  open: (filePath: string) => Promise<{ body: ReadableStream<Uint8Array>; size: number }>;
}

const KEY = /^[0-9a-f]{32}$/;

export function createImageProtocolHandler(options: ImageProtocolOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = checkProtocolRequest(request, IMAGE_SCHEME, IMAGE_HOST);
    if (!(url instanceof URL)) return reply(url.status, url.text);
    // Exactly one segment, the key itself: anything else (folders, dots, encodings) is not an id.
    const key = url.pathname.slice(1);
    if (!KEY.test(key)) return reply(400, 'Not an image id');
    const file = options.resolveKey(key);
    if (!file) return reply(404, 'Unknown image');
    if (file.ready && !(await file.ready.then(() => true, () => false))) return reply(404, 'Image could not be made');
    let opened: { body: ReadableStream<Uint8Array>; size: number };
    try {
      opened = await options.open(file.path);
    } catch {
      return reply(404, 'Image no longer available');
    }
    return new Response(request.method === 'HEAD' ? null : opened.body, {
      status: 200,
      headers: {
        ...COMMON_HEADERS,
        'Content-Type': file.mime,
        'Content-Length': String(opened.size),
        // A key always names the same bytes (a new file gets a new key).
        'Cache-Control': 'private, max-age=31536000, immutable',
      },
    });
  };
}

/** CORS for our page only, so the canvas can read served pixels (crossOrigin images stay untainted). */
const COMMON_HEADERS = {
  'Access-Control-Allow-Origin': APP_ORIGIN,
  'X-Content-Type-Options': 'nosniff',
};

function reply(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...COMMON_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}
