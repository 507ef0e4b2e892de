/**
 * Where the Electron binary is, or why there is none. The electron package's main export is the
 * binary's path; it throws when its postinstall download never happened (installs with
 * ELECTRON_SKIP_BINARY_DOWNLOAD=1, or where the download host is unreachable).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type ElectronBinary = { path: string } | { missing: string };

export function findElectronBinary(): ElectronBinary {
  let binary: unknown;
  try {
    binary = require('electron');
  } catch {
    // "Electron failed to install correctly": its postinstall download never happened.
    return { missing: 'the electron package has no binary (its download was skipped with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or github.com was out of reach)' };
  }
  if (typeof binary !== 'string') return { missing: 'the electron package did not name a binary' };
  if (!existsSync(binary)) return { missing: `the Electron binary ${binary} does not exist` };
  return { path: binary };
}
