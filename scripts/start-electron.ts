/**
 * `npm start`: builds the renderer and the Electron bundles, then launches the app. Where there is
 * no Electron binary it says so and points at serve mode instead of failing deep inside Electron.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './electron-binary.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electron = findElectronBinary();
if ('missing' in electron) {
  console.error(`npm start: cannot launch the desktop app: ${electron.missing}.`);
  console.error('  To get it, with access to github.com (where Electron downloads from): node node_modules/electron/install.js');
  console.error('  Or run the same editor in a browser now: npm run serve');
  process.exit(1);
}

const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

// ELECTRON_RUN_AS_NODE would make the binary a plain Node (the packaged app has that fuse off anyway).
const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE;
const app = spawn(electron.path, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env });
app.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.kill(signal));
