import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppUrl } from './app-origin.ts';
import { isTrustedSender } from './sender-check.ts';

const frame = (url: string, parent: unknown = null) => ({ senderFrame: { url, parent } });

test('accepts our page: a top-level frame on app://editor', () => {
  assert.equal(isTrustedSender(frame('app://editor/index.html')), true);
  assert.equal(isTrustedSender(frame('app://editor/index.html#token')), true);
});

test('rejects foreign frames: other schemes, hosts, look-alikes, credentials and ports', () => {
  for (const url of [
    'https://example.com/',
    'http://localhost:5173/',
    'file:///home/me/index.html',
    'app://editor.evil.com/index.html',
    'app://evil/editor',
    'app://editor@evil/index.html',
    'app://x:y@editor/index.html',
    'app://editor:8080/index.html',
    'app-image://files/0123456789abcdef0123456789abcdef',
    'data:text/html,<p>hi',
    'about:blank',
    'devtools://devtools/bundled/inspector.html',
    '',
    'not a url',
  ]) {
    assert.equal(isTrustedSender(frame(url)), false, url);
  }
});

test('rejects subframes even on our origin, and missing (destroyed) frames', () => {
  assert.equal(isTrustedSender(frame('app://editor/index.html', { url: 'app://editor/index.html' })), false);
  assert.equal(isTrustedSender({ senderFrame: null }), false);
});

test('isAppUrl refuses non-strings', () => {
  assert.equal(isAppUrl(undefined), false);
  assert.equal(isAppUrl(null), false);
});
