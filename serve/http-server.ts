/**
 * Serve mode's server: the built renderer with a strict CSP, the host's files at /files/<key>, and
 * the contract over a WebSocket at /api. Bound to 127.0.0.1 only; every request must name that host
 * (no DNS rebinding), and the socket must come from our own origin and carry the per-launch token,
 * so other pages in the browser cannot drive the editor.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { HostEvent } from '../main/contract.ts';
import type { FileUrls } from '../main/host/file-urls.ts';
import { createDispatcher, type Handlers } from '../main/host/register-handlers.ts';
import { rendererCsp } from '../main/host/renderer-csp.ts';
import { DEFAULT_API_SOCKET_LIMITS, serveApiSocket, startHeartbeat, type ApiSocketLimits } from './api-socket.ts';
import { encodeWire, MAX_WIRE_MESSAGE_BYTES } from '../wire/websocket-frames.ts';

export interface ServeServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** The vite build output (index.html and assets/). */
  staticDir: string;
  token: string;
  files: FileUrls;
  /** The host's handlers, reached through the one registration point. */
  handlers: Handlers;
  /** Largest WebSocket message; default MAX_WIRE_MESSAGE_BYTES (wire/websocket-frames.ts says why). */
  maxPayloadBytes?: number;
  /** Per-socket caps on requests in flight. */
  limits?: ApiSocketLimits;
  /** Pages open at once (tabs); more upgrades are answered 503. */
  maxSockets?: number;
  /** How often sockets are pinged; one that missed the previous ping is dropped. */
  heartbeatMs?: number;
  log?: (message: string) => void;
}

export interface ServeServer {
  port: number;
  /** The address to open, with the token in the fragment (never sent to the server in a Referer). */
  url: string;
  broadcast(e: HostEvent): void;
  close(): Promise<void>;
}

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export async function startServeServer(options: ServeServerOptions): Promise<ServeServer> {
  /** Sockets that passed the Origin, Host and token checks at upgrade: the sender check. */
  const sockets = new Set<WebSocket>();
  const log = options.log ?? ((m: string) => console.error(`serve: ${m}`));
  const dispatch = createDispatcher(options.handlers, {
    isTrustedSender: (ws: WebSocket) => sockets.has(ws),
    log: (m, e) => log(`${m}: ${(e as Error)?.message ?? e}`),
  });
  let origin = '';
  let hostHeader = '';

  const server = http.createServer((req, res) => {
    void handleHttp(req, res).catch(() => {
      send(res, 500, 'Internal error');
    });
  });
  // Slow or stalled clients: headers within 10 s, a whole request within 30 s.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  // Requests Node cannot parse are answered 400 (or dropped when the socket is already gone).
  server.on('clientError', (_error, socket) => {
    if (socket.writable && !socket.destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  async function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (req.headers.host !== hostHeader) return send(res, 421, 'Misdirected request');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed');
    const pathname = requestPath(req.url);
    if (pathname === null) return send(res, 400, 'Bad request target');
    if (pathname.startsWith('/files/')) {
      const file = options.files.resolveKey(pathname.slice('/files/'.length));
      if (!file) return send(res, 404, 'Not found');
      if (file.ready) {
        // A display copy still being written: answer once it is (not at all if it could not be).
        const written = await file.ready.then(() => true, () => false);
        if (!written) return send(res, 404, 'Not found');
      }
      const headers: Record<string, string> = { 'Content-Type': file.mime, 'Cache-Control': 'private, max-age=3600, immutable' };
      if (file.downloadName) headers['Content-Disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(file.downloadName)}`;
      return streamFile(req, res, file.path, headers);
    }
    const relative = pathname === '/' ? 'index.html' : decodePath(pathname.slice(1));
    if (relative === null) return send(res, 400, 'Bad percent-encoding in the path');
    const full = path.resolve(options.staticDir, relative);
    if (!full.startsWith(path.resolve(options.staticDir) + path.sep)) return send(res, 404, 'Not found');
    const type = STATIC_TYPES[path.extname(full)];
    if (!type) return send(res, 404, 'Not found');
    const headers: Record<string, string> = { 'Content-Type': type, 'Cache-Control': 'no-cache' };
    if (type.startsWith('text/html')) {
      headers['Content-Security-Policy'] = rendererCsp({ connect: [`ws://${hostHeader}`] });
      headers['X-Frame-Options'] = 'DENY';
    }
    return streamFile(req, res, full, headers);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? MAX_WIRE_MESSAGE_BYTES });
  const limits = options.limits ?? DEFAULT_API_SOCKET_LIMITS;
  const stopHeartbeat = startHeartbeat(() => sockets, options.heartbeatMs ?? 30_000);

  server.on('upgrade', (req, socket, head) => {
    // Node removes its own listeners from an upgraded socket: a reset must not become an uncaught error.
    socket.on('error', () => socket.destroy());
    const refuse = (status: string) => endSocket(socket, `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    const url = requestUrl(req.url);
    if (!url) return refuse('400 Bad Request');
    const ok =
      url.pathname === '/api' &&
      req.headers.host === hostHeader &&
      req.headers.origin === origin &&
      tokenMatches(url.searchParams.get('token') ?? '', options.token);
    if (!ok) return refuse('403 Forbidden');
    if (sockets.size >= (options.maxSockets ?? 16)) return refuse('503 Service Unavailable');
    try {
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        ws.on('close', () => sockets.delete(ws));
        serveApiSocket(ws, dispatch, limits, log);
      });
    } catch (error) {
      log(`upgrade failed: ${(error as Error).message}`);
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  hostHeader = `127.0.0.1:${port}`;
  origin = `http://${hostHeader}`;

  return {
    port,
    url: `${origin}/#token=${options.token}`,
    broadcast(e) {
      const frame = encodeWire({ t: 'evt', event: e.event, payload: e.payload });
      for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame, () => {});
    },
    async close() {
      stopHeartbeat();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request target as a URL on our origin, or null when it is not a valid target. */
function requestUrl(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://127.0.0.1');
  } catch {
    return null;
  }
}

function requestPath(target: string | undefined): string | null {
  return requestUrl(target)?.pathname ?? null;
}

function decodePath(encoded: string): string | null {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
}

function endSocket(socket: Duplex, response: string): void {
  if (socket.writable && !socket.destroyed) socket.end(response);
  else socket.destroy();
}

async function streamFile(req: http.IncomingMessage, res: http.ServerResponse, file: string, headers: Record<string, string>): Promise<void> {
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) return send(res, 404, 'Not found');
    size = s.size;
  } catch {
    return send(res, 404, 'Not found');
  }
  res.writeHead(200, { ...headers, 'Content-Length': String(size) });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

function send(res: http.ServerResponse, status: number, text: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
