#!/usr/bin/env node
/**
 * Bundles the Electron side to JavaScript with esbuild (the renderer is vite's job):
 *   dist/main/main.mjs          the main process (ES module)
 *   dist/preload/preload.cjs    the preload (CommonJS: a sandboxed preload cannot be an ES module,
 *                               and may require only 'electron', so everything else is bundled in)
 *   dist/engine/engine-main.mjs the engine entry run as a utilityProcess
 *   dist/engine/import-worker.mjs the checkpoint importer's worker thread (Models panel)
 * Native packages (onnxruntime-node, sharp) stay external: they load their .node binaries from
 * node_modules, which electron-builder unpacks from the asar.
 */
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// --outdir: where the three bundles go (default dist/; the build's own test uses a temporary folder).
const { values } = parseArgs({ options: { outdir: { type: 'string', default: path.join(root, 'dist') } } });
const out = (file) => path.resolve(values.outdir, file);
const NATIVE = ['onnxruntime-node', 'sharp'];
// Bundled CommonJS dependencies call require(); ES module output has none unless we make one.
const REQUIRE_SHIM = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const node = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  sourcemap: 'linked',
  logLevel: 'warning',
  banner: { js: REQUIRE_SHIM },
};

const started = Date.now();
await Promise.all([
  build({ ...node, entryPoints: ['main/app/main.ts'], outfile: out('main/main.mjs'), external: ['electron', ...NATIVE] }),
  build({ ...node, entryPoints: ['main/engine/process/engine-main.ts'], outfile: out('engine/engine-main.mjs'), external: NATIVE }),
  build({ ...node, entryPoints: ['main/engine/checkpoint/import-worker.ts'], outfile: out('engine/import-worker.mjs') }),
  build({
    absWorkingDir: root,
    bundle: true,
    platform: 'browser',
    target: 'chrome130',
    format: 'cjs',
    sourcemap: 'linked',
    logLevel: 'warning',
    entryPoints: ['preload/preload.ts'],
    outfile: out('preload/preload.cjs'),
    external: ['electron'],
  }),
]);
console.log(`build-electron: main, preload and engine bundles in ${path.relative(root, values.outdir) || '.'}/ (${Date.now() - started} ms)`);
