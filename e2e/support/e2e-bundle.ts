/**
 * The model the browser tests run: the default model when models/default has landed, else the tiny
 * random-weight test bundle's base stage (the default model is base-only too), whose output is noise
 * but which runs the real engine path in seconds.
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { baseOnlyBundle } from '../../test-support/bundle-variants.ts';
import { DEFAULT_BUNDLE_DIR, tinyBundleDir } from '../../test-support/paths.ts';

export function e2eBundle(): { dir: string; isDefault: boolean } {
  if (existsSync(path.join(DEFAULT_BUNDLE_DIR, 'bundle.json'))) return { dir: DEFAULT_BUNDLE_DIR, isDefault: true };
  const dir = baseOnlyBundle(tinyBundleDir());
  process.once('exit', () => rmSync(dir, { recursive: true, force: true })); // symlinks and a bundle.json
  return { dir, isDefault: false };
}
