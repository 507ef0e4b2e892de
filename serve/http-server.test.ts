import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { hostFixture, photoPng, type HostFixture } from '../main/host/testing/host-fixture.ts';
import { startServeServer, type ServeServer } from './http-server.ts';
import { decodeWire, encodeWire } from '../wire/websocket-frames.ts';

const TOKEN = 'test-token-123';
let f: HostFixture;
let server: ServeServer;
let staticDir: string;

before(async () => {
  f = await hostFixture();
  staticDir = await mkdtemp(path.join(os.tmpdir(), 'serve-static-'));
  await mkdir(path.join(staticDir, 'assets'));
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>x</title>');
  await writeFile(path.join(staticDir, 'assets/app.js'), 'console.log(1)');
  server = await startServeServer({ port: 0, staticDir, token: TOKEN, files: f.files, handlers: f.host.handlers });
});
after(async () => {
  await server.close();
  await f.close();
  await rm(staticDir, { recursive: true, force: true });
});

const origin = () => `http://127.0.0.1:${server.port}`;

function get(pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: server.port, path: pathname, headers }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

function connect(query: string, wsOrigin: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api${query}`, { origin: wsOrigin });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function call(ws: WebSocket, channel: string, input: unknown): Promise<any> {
  const id = Math.floor(Math.random() * 1e9);
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const m = decodeWire(new Uint8Array(data));
      if (m.t === 'res' && m.id === id) {
        ws.off('message', onMessage);
        resolve(m.envelope);
      }
    };
    ws.on('message', onMessage);
    ws.send(encodeWire({ t: 'req', id, channel, input }));
  });
}

test('the page is served on 127.0.0.1 with a strict CSP', async () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/#token=test-token-123$/);
  const page = await get('/');
  assert.equal(page.status, 200);
  const csp = String(page.headers['content-security-policy']);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, new RegExp(`connect-src 'self' ws://127.0.0.1:${server.port}`));
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal((await get('/assets/app.js')).status, 200);
});

test('requests naming another host (DNS rebinding), traversal and unknown files are refused', async () => {
  assert.equal((await get('/', { Host: 'evil.example:80' })).status, 421);
  assert.equal((await get('/../../etc/passwd')).status, 404);
  assert.equal((await get('/%2e%2e/%2e%2e/etc/passwd')).status, 404);
  assert.equal((await get('/files/0123456789abcdef0123456789abcdef')).status, 404);
  assert.equal((await get('/files/..%2Findex.html')).status, 404);
  assert.equal((await get('/index.html', { Host: 'localhost:' + server.port })).status, 421);
});

test('the WebSocket needs our origin and the token', async () => {
  await assert.rejects(connect(`?token=${TOKEN}`, 'http://evil.example'), /403/);
  await assert.rejects(connect('?token=wrong', origin()), /403/);
  await assert.rejects(connect('', origin()), /403/);
  const ws = await connect(`?token=${TOKEN}`, origin());
  const info = await call(ws, 'app:info', {});
  assert.deepEqual(info, { ok: true, value: { mode: 'serve', nativeDialogs: false, version: 'test', maxPixels: 60_000_000 } });
  ws.close();
});

test('a photo goes up as binary bytes and its display copy comes back over HTTP', async () => {
  const ws = await connect(`?token=${TOKEN}`, origin());
  const answer = await call(ws, 'image:open-bytes', { name: 'p.png', bytes: new Uint8Array(await photoPng(50, 40)) });
  assert.equal(answer.ok, true);
  const url: string = answer.value.display.url;
  assert.match(url, /^\/files\/[0-9a-f]{32}$/);
  const image = await get(url);
  assert.equal(image.status, 200);
  assert.equal(image.headers['content-type'], 'image/jpeg');
  assert.equal(image.headers['cross-origin-resource-policy'], 'same-origin');
  const bad = await call(ws, 'image:open-bytes', { name: 'p.png', bytes: 'not bytes' });
  assert.equal(bad.error.code, 'bad-request');
  ws.close();
});

test('a file still being written (a display copy made after its document opened) is served once it is; one that failed is a 404', async () => {
  const later = path.join(staticDir, 'later.jpg');
  let written!: () => void;
  const url = f.files.register({ path: later, mime: 'image/jpeg', ready: new Promise<void>((resolve) => (written = resolve)) });
  const answer = get(url.replace(/^.*\/files\//, '/files/'));
  await new Promise((r) => setTimeout(r, 20));
  await writeFile(later, 'written late');
  written();
  assert.deepEqual([(await answer).status, (await answer).body], [200, 'written late']);
  const failed = Promise.reject(new Error('could not be made'));
  failed.catch(() => {});
  assert.equal((await get(f.files.register({ path: later, mime: 'image/jpeg', ready: failed }))).status, 404);
});

test('host events reach connected pages', async () => {
  const ws = await connect(`?token=${TOKEN}`, origin());
  const got = new Promise<any>((resolve) => ws.once('message', (d: Buffer) => resolve(decodeWire(new Uint8Array(d)))));
  server.broadcast({ event: 'engine:status', payload: f.session.current() });
  const m = await got;
  assert.equal(m.t, 'evt');
  assert.equal(m.event, 'engine:status');
  ws.close();
});
