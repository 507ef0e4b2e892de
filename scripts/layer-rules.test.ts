/**
 * The layer rules and the typecheck break on purpose (issue 24: "break a rule on purpose once to see it
 * fail"), every time the tests run:
 * - a small tree with the repository's folder names, one import per rule that breaks it, is cruised
 *   with the repository's .dependency-cruiser.cjs as `npm run lint:layers` does: each rule must name its
 *   breaking import, the check must exit with an error, and the imports the rules allow must pass;
 * - Node code that touches the DOM, and window code that touches Node, fail `tsc` under the
 *   repository's tsconfig.json and tsconfig.browser.json respectively.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { REPO_ROOT } from '../test-support/paths.ts';

/** file -> its source; each import is one edge the rules judge. */
const TREE: Record<string, string> = {
  // Allowed: the renderer takes the contract, the contract takes the protocol, the app shell takes the host.
  'renderer/ok.ts': "import { x } from '../main/contract.ts';\nexport const y = x;\n",
  'main/contract.ts': "import { p } from './engine/protocol.ts';\nexport const x = p;\n",
  'main/engine/protocol.ts': 'export const p = 1;\n',
  'main/app/shell.ts': "import { h } from '../host/handlers.ts';\nexport const s = h;\n",
  'main/host/handlers.ts': 'export const h = 1;\n',
  'main/engine-host/engine-host.ts': 'export const eh = 1;\n',
  // Broken, one per rule.
  'main/engine/uses-electron.ts': "import { app } from 'electron';\nexport const a = app;\n",
  'main/engine/uses-host.ts': "import { h } from '../host/handlers.ts';\nexport const b = h;\n",
  'main/engine/uses-engine-host.ts': "import { eh } from '../engine-host/engine-host.ts';\nexport const c = eh;\n",
  'renderer/uses-host.ts': "import { h } from '../main/host/handlers.ts';\nexport const d = h;\n",
  'renderer/uses-serve.ts': "import { sv } from '../serve/server.ts';\nexport const e = sv;\n",
  'renderer/uses-node.ts': "import fs from 'node:fs';\nexport const f = fs;\n",
  'serve/server.ts': 'export const sv = 1;\n',
  'preload/uses-shell.ts': "import { s } from '../main/app/shell.ts';\nexport const g = s;\n",
  'main/host/uses-electron.ts': "import { dialog } from 'electron';\nexport const i = dialog;\n",
  'main/engine-host/uses-host.ts': "import { h } from '../host/handlers.ts';\nexport const j = h;\n",
  'serve/uses-renderer.ts': "import { y } from '../renderer/ok.ts';\nexport const k = y;\n",
  'wire/uses-host.ts': "import { h } from '../main/host/handlers.ts';\nexport const l = h;\n",
  'main/host/cycle-a.ts': "import { n } from './cycle-b.ts';\nexport const m = () => n;\n",
  'main/host/cycle-b.ts': "import { m } from './cycle-a.ts';\nexport const n = () => m;\n",
};

/** rule name -> the breaking import (from, to) it must report. */
const EXPECTED: [string, string, string][] = [
  ['engine-stays-alone', 'main/engine/uses-electron.ts', 'electron'],
  ['engine-stays-alone', 'main/engine/uses-host.ts', 'main/host/handlers.ts'],
  ['engine-not-its-parent', 'main/engine/uses-engine-host.ts', 'main/engine-host/engine-host.ts'],
  ['renderer-only-contract', 'renderer/uses-host.ts', 'main/host/handlers.ts'],
  ['renderer-only-contract', 'renderer/uses-serve.ts', 'serve/server.ts'],
  ['renderer-no-node', 'renderer/uses-node.ts', 'fs'],
  ['preload-not-shell', 'preload/uses-shell.ts', 'main/app/shell.ts'],
  ['host-without-electron', 'main/host/uses-electron.ts', 'electron'],
  ['engine-host-without-electron', 'main/engine-host/uses-host.ts', 'main/host/handlers.ts'],
  ['serve-without-electron', 'serve/uses-renderer.ts', 'renderer/ok.ts'],
  ['shared-stays-shared', 'wire/uses-host.ts', 'main/host/handlers.ts'],
  ['no-cycle', 'main/host/cycle-a.ts', 'main/host/cycle-b.ts'],
];

let tree: string;
/** "rule: from -> to" for each error dependency-cruiser printed. */
let violations: string[];
let exitCode: number | null;

before(async () => {
  tree = await mkdtemp(path.join(os.tmpdir(), 'layer-rules-'));
  for (const [file, source] of Object.entries(TREE)) {
    await mkdir(path.dirname(path.join(tree, file)), { recursive: true });
    await writeFile(path.join(tree, file), source);
  }
  // As package.json's lint:layers runs it, with the repository's config, from the tree's root.
  const r = spawnSync(
    process.execPath,
    [
      '--require',
      path.join(REPO_ROOT, 'scripts/swc-tsx-parse.cjs'),
      path.join(REPO_ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
      '--config',
      path.join(REPO_ROOT, '.dependency-cruiser.cjs'),
      'main',
      'renderer',
      'preload',
      'serve',
      'wire',
    ],
    { cwd: tree, encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  exitCode = r.status;
  // "  error engine-stays-alone: main/engine/x.ts → electron" (a cycle continues on the next lines).
  violations = [...r.stdout.matchAll(/^\s+error ([\w-]+): (\S+) →\s+(\S+)/gm)].map((m) => `${m[1]}: ${m[2]} -> ${m[3]}`);
  if (!violations.length) console.log(r.stdout, r.stderr);
});

after(async () => {
  await rm(tree, { recursive: true, force: true });
});

test('each layer rule fails on an import that breaks it, and the check exits with an error', () => {
  assert.notEqual(exitCode, 0, 'dependency-cruiser passed a tree that breaks every rule');
  for (const [rule, from, to] of EXPECTED) {
    assert.ok(violations.includes(`${rule}: ${from} -> ${to}`), `${rule} did not report ${from} -> ${to}; reported:\n${violations.join('\n')}`);
  }
  assert.equal(violations.length, EXPECTED.length, violations.join('\n'));
  console.log(`layer rules broken on purpose: ${EXPECTED.length} imports, each reported by its rule (${new Set(EXPECTED.map((e) => e[0])).size} rules)`);
});

test('imports the layer table allows are not reported', () => {
  const allowed = ['renderer/ok.ts', 'main/contract.ts', 'main/app/shell.ts'];
  const wrong = violations.filter((v) => allowed.includes(v.split(' ')[1]));
  assert.deepEqual(wrong, []);
});

/**
 * Runs the repository's `tsc` on two files under a config that extends `config` (inside the repository,
 * so Node's types resolve as they do for the real code): one file that is fine, one that is not.
 */
async function typecheck(config: string, good: string, bad: string): Promise<{ status: number | null; out: string }> {
  const dir = await mkdtemp(path.join(REPO_ROOT, '.work', 'typecheck-break-'));
  try {
    await writeFile(path.join(dir, 'good.ts'), good);
    await writeFile(path.join(dir, 'bad.ts'), bad);
    const base = JSON.parse(await readFile(path.join(REPO_ROOT, config), 'utf8'));
    await writeFile(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: path.join(REPO_ROOT, config), compilerOptions: base.compilerOptions, include: ['good.ts', 'bad.ts'], exclude: [] }),
    );
    const r = spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/tsc'), ['--noEmit', '-p', path.join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the typecheck fails on Node code that uses the DOM (tsconfig.json) and on window code that uses Node (tsconfig.browser.json)', async () => {
  await mkdir(path.join(REPO_ROOT, '.work'), { recursive: true });
  const node = await typecheck('tsconfig.json', 'export const cwd: string = process.cwd();\n', 'export const title: string = document.title;\n');
  assert.notEqual(node.status, 0, node.out);
  assert.match(node.out, /bad\.ts.*Cannot find name 'document'/);
  assert.doesNotMatch(node.out, /good\.ts/);
  const browser = await typecheck('tsconfig.browser.json', 'export const title: string = document.title;\n', 'export const cwd: string = process.cwd();\n');
  assert.notEqual(browser.status, 0, browser.out);
  assert.match(browser.out, /bad\.ts.*Cannot find name 'process'/);
  assert.doesNotMatch(browser.out, /good\.ts/);
});
