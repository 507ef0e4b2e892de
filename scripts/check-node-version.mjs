#!/usr/bin/env node
/**
 * Says what this machine's Node can do, before anything fails deep inside a tool. Plain JavaScript:
 * setup runs it before npm packages exist.
 *
 *   node scripts/check-node-version.mjs setup   warns below package.json's engines (what packaging
 *                                               needs), fails below what running and testing need
 *   node scripts/check-node-version.mjs dist    fails below package.json's engines
 *
 * The full requirement is package.json's engines.node (electron-builder's @electron/rebuild needs
 * Node >= 22.12). Running the app, serve mode and the tests work from Node 20.19 (vite 8's floor), so
 * a Node 20 machine (this project's CI) can do everything but `npm run dist`.
 */
import { readFileSync } from 'node:fs';

const RUN_AND_TEST = '20.19.0';
const engines = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node;
const packaging = engines.replace(/^>=\s*/, '');
const current = process.versions.node;
const purpose = process.argv[2] ?? 'setup';

/** Compares dotted versions numerically ("22.12" and "22.12.0" are equal). */
function atLeast(version, minimum) {
  const a = version.split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

const howTo =
  `Install Node ${packaging} or newer (Node 22 LTS): with nvm, \`nvm install 22 && nvm use 22\`; ` +
  'otherwise the installer or your distribution\'s package from https://nodejs.org/en/download. Then run `npm run setup` again.';

if (!atLeast(current, RUN_AND_TEST)) {
  console.error(`Node ${current} is too old for this app: running and testing need Node ${RUN_AND_TEST} or newer, packaging ${packaging}.`);
  console.error(howTo);
  process.exit(1);
}
if (!atLeast(current, packaging)) {
  if (purpose === 'dist') {
    console.error(`npm run dist: electron-builder (its @electron/rebuild) needs Node ${packaging} or newer; this is Node ${current}.`);
    console.error(howTo);
    process.exit(1);
  }
  console.warn(`Note: Node ${current} runs the app, serve mode and the tests, but packaging (\`npm run dist\`) needs Node ${packaging} or newer (package.json "engines"; npm's EBADENGINE warning below says the same).`);
  console.warn(`To package on this machine: ${howTo}`);
}
