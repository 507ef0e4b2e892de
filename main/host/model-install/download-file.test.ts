/**
 * Downloads against a local server on 127.0.0.1 only: a transfer that breaks off and is resumed with
 * Range, a pause then a resume by a new call (as after the app was closed), a server without ranges,
 * corrupt bytes (MD5), a short body, a 404, a cancel.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { downloadFile, PAUSE, partFile, partialBytes } from './download-file.ts';
import { InstallError } from './install-error.ts';

type Mode = 'ok' | 'break-once' | 'no-range' | 'corrupt' | 'slow' | 'short-always';
const data = randomBytes(3 << 20);
const md5 = createHash('md5').update(data).digest('base64');
const requests: { name: string; range?: string }[] = [];
let server: http.Server;
let base: string;
let tmp: string;
let n = 0;

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'download-test-'));
  server = http.createServer((req, res) => {
    const name = req.url!.slice(1);
    requests.push({ name, range: req.headers.range });
    const mode = name.split('.')[0] as Mode;
    if (!['ok', 'break-once', 'no-range', 'corrupt', 'slow', 'short-always'].includes(mode)) {
      res.writeHead(404).end('not found');
      return;
    }
    let start = 0;
    const headers: Record<string, string> = { ETag: '"v1"', 'Content-MD5': md5 };
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m && mode !== 'no-range' && (!req.headers['if-range'] || req.headers['if-range'] === '"v1"')) {
      start = Number(m[1]);
      headers['Content-Range'] = `bytes ${start}-${data.length - 1}/${data.length}`;
    }
    headers['Content-Length'] = String(data.length - start);
    res.writeHead(start ? 206 : 200, headers);
    if (req.method === 'HEAD') return res.end();
    let body = data.subarray(start);
    if (mode === 'corrupt') (body = Buffer.from(body)), (body[1000] ^= 0xff);
    const first = requests.filter((r) => r.name === name).length === 1;
    if ((mode === 'break-once' && first) || mode === 'short-always') {
      res.write(body.subarray(0, body.length >> 2), () => res.destroy());
      return;
    }
    if (mode === 'slow') {
      // 64 KiB every 5 ms, so a test can pause mid-way
      let at = 0;
      const timer = setInterval(() => {
        if (res.destroyed) return clearInterval(timer);
        res.write(body.subarray(at, at + 65536));
        at += 65536;
        if (at >= body.length) clearInterval(timer), res.end();
      }, 5);
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(tmp, { recursive: true, force: true });
});

function dest(): string {
  return path.join(tmp, `file-${n++}.pt`);
}

test('a transfer that breaks off is resumed with a Range request and verified', async () => {
  const d = dest();
  await downloadFile({ url: `${base}/break-once.pt`, dest: d, retryDelayMs: 1 });
  assert.ok((await readFile(d)).equals(data));
  const mine = requests.filter((r) => r.name === 'break-once.pt');
  assert.equal(mine.length, 2);
  const resumedAt = Number(/^bytes=(\d+)-$/.exec(mine[1].range ?? '')?.[1]);
  assert.ok(resumedAt > 0 && resumedAt <= data.length >> 2, `resumed at ${mine[1].range}`);
  assert.ok(!existsSync(partFile(d)));
});

test('paused, then resumed by a new call (as after the app was closed): only the rest is fetched', async () => {
  const d = dest();
  const pause = new AbortController();
  let seen = 0;
  await assert.rejects(
    downloadFile({
      url: `${base}/slow.pt`,
      dest: d,
      signal: pause.signal,
      onProgress: (p) => {
        seen = p.bytesDone;
        if (p.bytesDone > data.length / 2) pause.abort(PAUSE);
      },
    }),
  );
  const kept = await partialBytes(d);
  assert.ok(kept > data.length / 2 && kept < data.length, `kept ${kept} of ${data.length} (progress said ${seen})`);
  await downloadFile({ url: `${base}/slow.pt`, dest: d });
  assert.ok((await readFile(d)).equals(data));
  assert.equal(requests.filter((r) => r.name === 'slow.pt').at(-1)!.range, `bytes=${kept}-`);
});

test('a server without ranges: the file starts over and still arrives whole', async () => {
  const d = dest();
  const pause = new AbortController();
  await assert.rejects(
    downloadFile({ url: `${base}/no-range.pt`, dest: d, signal: pause.signal, onProgress: (p) => p.bytesDone > 1e6 && pause.abort(PAUSE) }),
  );
  assert.ok((await partialBytes(d)) > 0);
  await downloadFile({ url: `${base}/no-range.pt`, dest: d });
  assert.ok((await readFile(d)).equals(data));
});

test('corrupt bytes fail the MD5 check: a clear message, the file removed', async () => {
  const d = dest();
  await assert.rejects(downloadFile({ url: `${base}/corrupt.pt`, dest: d }), (e: Error) => {
    assert.ok(e instanceof InstallError);
    assert.match(e.message, /arrived damaged \(its MD5 differs from the server's\); it was removed/);
    return true;
  });
  assert.ok(!existsSync(d) && !existsSync(partFile(d)));
});

test('a transfer that always breaks off gives up after the retries, keeping what arrived', async () => {
  const d = dest();
  await assert.rejects(downloadFile({ url: `${base}/short-always.pt`, dest: d, retries: 2, retryDelayMs: 1 }), /kept breaking off/);
  assert.ok((await partialBytes(d)) > 0);
  assert.ok(!existsSync(d));
});

test('a 404 fails at once with the status', async () => {
  const d = dest();
  await assert.rejects(downloadFile({ url: `${base}/missing.pt`, dest: d, retryDelayMs: 1 }), /HTTP 404 Not Found\. The file is not there/);
  assert.equal(requests.filter((r) => r.name === 'missing.pt').length, 1);
  assert.ok(!existsSync(d));
});

test('a cancel removes the partial file', async () => {
  const d = dest();
  const cancel = new AbortController();
  await assert.rejects(downloadFile({ url: `${base}/slow.pt`, dest: d, signal: cancel.signal, onProgress: (p) => p.bytesDone > 1e6 && cancel.abort() }));
  assert.ok(!existsSync(partFile(d)) && !existsSync(`${partFile(d)}.json`));
});
