import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { guardContents } from './contents-guards.ts';
import { denyAllPermissions } from './permission-guards.ts';
import { blockRemoteRequests, isAllowedRequest } from './request-guard.ts';

/** A web contents with just the guarded surface: events, and the window-open handler. */
class FakeContents extends EventEmitter {
  openHandler?: (details: { url: string }) => { action: 'deny' };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }) {
    this.openHandler = handler;
  }
}

function preventable() {
  const e = { prevented: false, preventDefault() { this.prevented = true; } };
  return e;
}

test('navigation, frame navigation and redirects are all denied', () => {
  const contents = new FakeContents();
  const logged: string[] = [];
  guardContents(contents, (m) => logged.push(m));
  for (const url of ['https://example.com', 'file:///etc/passwd', 'app://editor/other.html']) {
    const nav = preventable();
    contents.emit('will-navigate', nav, url);
    assert.equal(nav.prevented, true, url);
    const frameNav = Object.assign(preventable(), { url });
    contents.emit('will-frame-navigate', frameNav);
    assert.equal(frameNav.prevented, true, url);
    const redirect = preventable();
    contents.emit('will-redirect', redirect, url);
    assert.equal(redirect.prevented, true, url);
  }
  assert.ok(logged.some((m) => m.includes('example.com')));
});

test('new windows are denied', () => {
  const contents = new FakeContents();
  guardContents(contents, () => {});
  assert.deepEqual(contents.openHandler?.({ url: 'https://example.com' }), { action: 'deny' });
  assert.deepEqual(contents.openHandler?.({ url: 'app://editor/index.html' }), { action: 'deny' });
});

test('webviews are never attached', () => {
  const contents = new FakeContents();
  guardContents(contents, () => {});
  const e = preventable();
  contents.emit('will-attach-webview', e, {}, {});
  assert.equal(e.prevented, true);
});

test('every permission request and check is denied', () => {
  let request!: (c: unknown, p: string, cb: (granted: boolean) => void) => void;
  let check!: (c: unknown, p: string) => boolean;
  let device!: (d: unknown) => boolean;
  denyAllPermissions(
    {
      setPermissionRequestHandler: (h) => (request = h),
      setPermissionCheckHandler: (h) => (check = h),
      setDevicePermissionHandler: (h) => (device = h),
    },
    () => {},
  );
  for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'hid']) {
    let granted: boolean | undefined;
    request({}, permission, (g) => (granted = g));
    assert.equal(granted, false, permission);
    assert.equal(check({}, permission), false, permission);
  }
  assert.equal(device({ deviceType: 'usb' }), false);
});

test('only the app schemes (and page-made blob:/data:) may be requested', () => {
  for (const url of ['app://editor/index.html', 'app-image://files/0123456789abcdef0123456789abcdef', 'blob:app://editor/1', 'data:image/png;base64,AA==']) {
    assert.equal(isAllowedRequest(url), true, url);
  }
  for (const url of ['https://example.com/x.js', 'http://127.0.0.1:8080/', 'ws://localhost/api', 'file:///etc/passwd', 'ftp://x/', 'junk']) {
    assert.equal(isAllowedRequest(url), false, url);
  }
  let listener!: (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void;
  let filter!: { urls: string[] };
  blockRemoteRequests({ webRequest: { onBeforeRequest: (f, l) => ((filter = f), (listener = l)) } }, () => {});
  assert.deepEqual(filter.urls, ['<all_urls>']);
  let answer: { cancel: boolean } | undefined;
  listener({ url: 'https://example.com/' }, (r) => (answer = r));
  assert.deepEqual(answer, { cancel: true });
  listener({ url: 'app://editor/index.html' }, (r) => (answer = r));
  assert.deepEqual(answer, { cancel: false });
});
