import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editorWebPreferences } from './editor-web-preferences.ts';

test('the editor window is isolated, sandboxed and Node-free', () => {
  const p = editorWebPreferences('/app/dist/preload/preload.cjs', false);
  assert.equal(p.contextIsolation, true);
  assert.equal(p.sandbox, true);
  assert.equal(p.nodeIntegration, false);
  assert.equal(p.nodeIntegrationInWorker, false);
  assert.equal(p.nodeIntegrationInSubFrames, false);
  assert.equal(p.webSecurity, true);
  assert.equal(p.allowRunningInsecureContent, false);
  assert.equal(p.webviewTag, false);
  assert.equal(p.experimentalFeatures, false);
  assert.equal(p.navigateOnDragDrop, false);
  assert.equal(p.devTools, false);
  assert.equal(p.preload, '/app/dist/preload/preload.cjs');
  assert.equal('enableBlinkFeatures' in p, false);
});
