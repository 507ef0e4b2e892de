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
import { WebSocketServer, type WebSocket } from 'ws';
import type { HostEvent } from '../main/contract.ts';
import type { FileUrls } from '../main/host/file-urls.ts';
import { createDispatcher, type Handlers } from '../main/host/register-handlers.ts';
import { rendererCsp } from '../main/host/renderer-csp.ts';
import { decodeWire, encodeWire } from '../wire/websocket-frames.ts';

export interface ServeServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** The vite build output (index.html and assets/). */
  staticDir: string;
  token: string;
  files: FileUrls;
  /** The host's handlers, reached through the one registration point. */
  handlers: Handlers;
  /** Largest WebSocket message (a 50 MP PNG photo is well under this). */
  maxPayloadBytes?: number;
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
  const dispatch = createDispatcher(options.handlers, { isTrustedSender: (ws: WebSocket) => sockets.has(ws) });
  let origin = '';
  let hostHeader = '';

  const server = http.createServer((req, res) => {
    void handleHttp(req, res).catch(() => {
      send(res, 500, "Internal error");
    });
  });

  async function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (req.headers.host !== hostHeader) return send(res, 421, 'Misdirected request');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed');
    const pathname = new URL(req.url ?? '/', origin).pathname;
    if (pathname.startsWith('/files/')) {
      const file = options.files.resolveKey(pathname.slice('/files/'.length));
      if (!file) return send(res, 404, 'Not found');
      const headers: Record<string, string> = { 'Content-Type': file.mime, 'Cache-Control': 'private, max-age=3600, immutable' };
      if (file.downloadName) headers['Content-Disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(file.downloadName)}`;
      return streamFile(req, res, file.path, headers);
    }
    const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1));
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

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 1024 ** 3 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const ok =
      url.pathname === '/api' &&
      req.headers.host === hostHeader &&
      req.headers.origin === origin &&
      tokenMatches(url.searchParams.get('token') ?? '', options.token);
    if (!ok) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data, isBinary) => {
        if (!isBinary) return ws.close(1003, 'binary frames only');
        void answer(ws, toBytes(data));
      });
    });
  });

  async function answer(ws: WebSocket, frame: Uint8Array): Promise<void> {
    let message;
    try {
      message = decodeWire(frame);
    } catch {
      return ws.close(1007, 'malformed frame');
    }
    if (message.t !== 'req' || typeof message.id !== 'number') return;
    const envelope = await dispatch(message.channel, ws, message.input);
    if (ws.readyState === ws.OPEN) ws.send(encodeWire({ t: 'res', id: message.id, envelope }));
  }

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
      for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame);
    },
    async close() {
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

function toBytes(data: unknown): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data as Buffer;
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
