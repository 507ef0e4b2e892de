import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { createAppProtocolHandler } from './app-protocol.ts';
import { CONTENT_SECURITY_POLICY } from './content-security-policy.ts';

const root = path.resolve('/app/dist/renderer');
const disk: Record<string, string> = {
  [path.join(root, 'index.html')]: '<!doctype html><script type="module" src="/assets/index.js"></script>',
  [path.join(root, 'assets', 'index.js')]: 'console.log(1)',
  [path.join(root, 'assets', 'my file.css')]: 'body{}',
  [path.resolve('/app/dist/main/main.mjs')]: 'secret main',
};
const handler = createAppProtocolHandler({
  rootDir: root,
  readFile: async (p) => {
    if (!(p in disk)) throw new Error('ENOENT');
    return new TextEncoder().encode(disk[p]);
  },
});

test('serves index.html for / and assets by path, each with the CSP header', async () => {
  for (const [url, type] of [
    ['app://editor/', 'text/html; charset=utf-8'],
    ['app://editor/index.html', 'text/html; charset=utf-8'],
    ['app://editor/assets/index.js', 'text/javascript; charset=utf-8'],
    ['app://editor/assets/my%20file.css', 'text/css; charset=utf-8'],
  ] as const) {
    const res = await handler(new Request(url));
    assert.equal(res.status, 200, url);
    assert.equal(res.headers.get('content-type'), type, url);
    assert.equal(res.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY, url);
  }
});

test('the CSP allows only our scripts, no eval, images from the app and the image protocol', () => {
  const csp = CONTENT_SECURITY_POLICY;
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline/);
  assert.match(csp, /img-src 'self' blob: data: app-image:/);
  assert.match(csp, /connect-src 'self' app-image:(;|$)/);
  assert.match(csp, /object-src 'none'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /https?:|\*/);
});

test('never leaves the renderer folder', async () => {
  for (const url of [
    'app://editor/../main/main.mjs',
    'app://editor/%2e%2e/main/main.mjs',
    'app://editor/assets/..%2f..%2fmain/main.mjs',
    'app://editor/%2e%2e%5cmain%5cmain.mjs',
    'app://editor//etc/passwd',
    'app://editor/assets/%00.js',
    'app://editor/assets/%E0%A4%A.js',
  ]) {
    const res = await handler(new Request(url));
    assert.ok(res.status === 400 || res.status === 404, `${url} → ${res.status}`);
    assert.notEqual(await res.text(), 'secret main', url);
  }
});

test('unknown files, unknown types, other hosts and non-GET methods are refused', async () => {
  assert.equal((await handler(new Request('app://editor/missing.js'))).status, 404);
  assert.equal((await handler(new Request('app://editor/assets/index.exe'))).status, 404);
  assert.equal((await handler(new Request('app://other/index.html'))).status, 404);
  assert.equal((await handler(new Request('app://editor/index.html', { method: 'POST', body: 'x' }))).status, 405);
});
