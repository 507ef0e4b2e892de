/**
 * npm 11 runs a dependency's install script only when package.json's allowScripts allows it. The
 * app needs exactly three: electron (downloads its binary), onnxruntime-node (the CUDA add-on on
 * Linux), esbuild (checks its platform binary). Every other package with an install script must be
 * denied on purpose, so a new one (a dependency update) fails here instead of being skipped silently.
 * Reads package-lock.json, which marks each package that has one (hasInstallScript).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../test-support/paths.ts';

const NEEDED = ['electron', 'esbuild', 'onnxruntime-node'];

const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { name?: string; hasInstallScript?: boolean }>;
};
const allowScripts = pkg.allowScripts ?? {};

/** The names of locked packages with install scripts ("node_modules/a/node_modules/@s/b" -> "@s/b"). */
function packagesWithInstallScripts(): string[] {
  const names = new Set<string>();
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (where === '' || !entry.hasInstallScript) continue;
    names.add(entry.name ?? where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length));
  }
  return [...names].sort();
}

/** allowScripts keys may be pinned ("pkg@1.2.3"); the name is what precedes the version's "@". */
function entryName(key: string): string {
  const at = key.indexOf('@', 1);
  return at === -1 ? key : key.slice(0, at);
}

test('every dependency with an install script is allowed or denied in package.json', () => {
  const covered = new Set(Object.keys(allowScripts).map(entryName));
  const unreviewed = packagesWithInstallScripts().filter((name) => !covered.has(name));
  assert.deepEqual(unreviewed, [], `add these to package.json's allowScripts (true only if the app needs the script; see npm install-scripts ls): ${unreviewed.join(', ')}`);
});

test('exactly electron, esbuild and onnxruntime-node may run install scripts', () => {
  const allowed = Object.entries(allowScripts).filter(([, ok]) => ok === true).map(([key]) => entryName(key)).sort();
  assert.deepEqual(allowed, NEEDED);
});

test('allowScripts names only packages that are installed with an install script', () => {
  const withScripts = new Set(packagesWithInstallScripts());
  const stale = Object.keys(allowScripts).filter((key) => !withScripts.has(entryName(key)));
  assert.deepEqual(stale, [], `remove these from allowScripts (npm install-scripts prune): ${stale.join(', ')}`);
});

/** Every file under `dir` with its size and mtime, to show that a script changed nothing. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => {
      const st = statSync(path.join(dir, f));
      return `${f} ${st.size} ${st.mtimeMs}`;
    })
    .sort();
}

test('where the download hosts are unreachable, the skip variables let the allowed install scripts finish without fetching', () => {
  // The two scripts that download (electron: its binary from github.com; onnxruntime-node: the CUDA
  // add-on), run as npm runs them, with every proxy pointing at a closed port: a script that tried to
  // fetch would fail or hang there. README and .ci/run name these variables.
  const env = {
    ...process.env,
    ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
    ONNXRUNTIME_NODE_INSTALL: 'skip',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    https_proxy: 'http://127.0.0.1:9',
    http_proxy: 'http://127.0.0.1:9',
  };
  for (const name of ['electron', 'onnxruntime-node']) {
    const dir = path.join(REPO_ROOT, 'node_modules', name);
    const script = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).scripts.postinstall as string;
    const before = listing(dir);
    const r = spawnSync('sh', ['-c', script], { cwd: dir, env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, `${name}'s install script (${script}) failed with the skip variables set:\n${r.stdout}${r.stderr}`);
    assert.deepEqual(listing(dir), before, `${name}'s install script changed its package`);
  }
});
