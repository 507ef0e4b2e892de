/** package.json's engines, the README and setup's check name the same Node version. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../test-support/paths.ts';

const engines = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
const version = engines.replace(/^>=\s*/, '');

test('the README states the Node version package.json requires', () => {
  assert.match(engines, /^>=\d+\.\d+$/);
  assert.ok(readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8').includes(`Node.js ${version} or newer`));
});

test("setup's check reads that version and lets this Node run the tests", () => {
  const out = execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/check-node-version.mjs'), 'setup'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(out, '', 'warnings go to stderr');
  const dist = (() => {
    try {
      execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/check-node-version.mjs'), 'dist'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return '';
    } catch (error) {
      return String((error as { stderr: string }).stderr);
    }
  })();
  const [major, minor] = process.versions.node.split('.').map(Number);
  const [needMajor, needMinor] = version.split('.').map(Number);
  if (major > needMajor || (major === needMajor && minor >= needMinor)) assert.equal(dist, '');
  else assert.match(dist, new RegExp(`needs Node ${version.replace('.', '\\.')} or newer.*\\n.*nvm install 22`));
});
