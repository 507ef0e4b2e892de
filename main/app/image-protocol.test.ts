import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { FileUrls } from '../host/file-urls.ts';
import { IMAGE_URL_PREFIX } from './app-origin.ts';
import { openFileBody } from './file-response-body.ts';
import { createImageProtocolHandler } from './image-protocol.ts';

async function fixture() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'image-protocol-'));
  const file = path.join(dir, 'display.jpg');
  await writeFile(file, Buffer.from('jpeg bytes'));
  await writeFile(path.join(dir, 'secret.txt'), 'not for the page');
  const files = new FileUrls(IMAGE_URL_PREFIX);
  const url = files.register({ path: file, mime: 'image/jpeg' });
  const handler = createImageProtocolHandler({ resolveKey: (k) => files.resolveKey(k), open: openFileBody });
  return { dir, files, url, handler, close: () => rm(dir, { recursive: true, force: true }) };
}

test('serves a registered file by its id, with its type and CORS for our page only', async () => {
  const f = await fixture();
  try {
    assert.match(f.url, /^app-image:\/\/files\/[0-9a-f]{32}$/);
    const res = await f.handler(new Request(f.url));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    assert.equal(res.headers.get('access-control-allow-origin'), 'app://editor');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(await res.text(), 'jpeg bytes');
  } finally {
    await f.close();
  }
});

test('refuses unknown ids, and ids of closed documents', async () => {
  const f = await fixture();
  try {
    const res = await f.handler(new Request(`${IMAGE_URL_PREFIX}${'0'.repeat(32)}`));
    assert.equal(res.status, 404);
    f.files.revokeUnder(f.dir);
    assert.equal((await f.handler(new Request(f.url))).status, 404);
  } finally {
    await f.close();
  }
});

test('refuses paths and path tricks: only a bare id is an image', async () => {
  const f = await fixture();
  const key = f.url.slice(IMAGE_URL_PREFIX.length);
  try {
    for (const url of [
      `app-image://files/${key}/../secret.txt`,
      `app-image://files/..%2fsecret.txt`,
      `app-image://files/%2e%2e/%2e%2e/etc/passwd`,
      `app-image://files/${encodeURIComponent(f.dir)}%2fsecret.txt`,
      `app-image://files/${key}/extra`,
      `app-image://files/${key.toUpperCase()}`,
      `app-image://files/${key}%00`,
      `app-image://files/`,
      `app-image://files/secret.txt`,
      `app-image://files/C:%5Cwindows%5Cwin.ini`,
    ]) {
      const res = await f.handler(new Request(url));
      assert.ok(res.status === 400 || res.status === 404, `${url} → ${res.status}`);
      assert.notEqual(await res.text(), 'not for the page');
    }
    // Another host or scheme on this handler is not ours either.
    assert.equal((await f.handler(new Request(`app-image://other/${key}`))).status, 404);
    // (a Request cannot carry credentials, but a handler must not trust that)
    assert.equal((await f.handler({ method: 'GET', url: `app-image://user@files/${key}` } as Request)).status, 404);
  } finally {
    await f.close();
  }
});

test('answers only GET and HEAD; a file deleted behind a live id is a 404, not a crash', async () => {
  const f = await fixture();
  try {
    assert.equal((await f.handler(new Request(f.url, { method: 'POST', body: 'x' }))).status, 405);
    const head = await f.handler(new Request(f.url, { method: 'HEAD' }));
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String('jpeg bytes'.length));
    await rm(path.join(f.dir, 'display.jpg'));
    assert.equal((await f.handler(new Request(f.url))).status, 404);
  } finally {
    await f.close();
  }
});

test('a file still being written (a display copy made after its document opened) is served once it is; one that failed is a 404', async () => {
  const f = await fixture();
  try {
    const later = path.join(f.dir, 'later.jpg');
    let written!: () => void;
    const ready = new Promise<void>((resolve) => (written = resolve));
    const url = f.files.register({ path: later, mime: 'image/jpeg', ready });
    const answer = f.handler(new Request(url));
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(later, Buffer.from('written late'));
    written();
    const res = await answer;
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'written late');
    const failed = Promise.reject(new Error('could not be made'));
    failed.catch(() => {});
    const res2 = await f.handler(new Request(f.files.register({ path: f.url, mime: 'image/jpeg', ready: failed })));
    assert.equal(res2.status, 404);
  } finally {
    await f.close();
  }
});
