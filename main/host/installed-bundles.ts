/**
 * Model folders a page may switch to by name: the bundles installed beside the app
 * (<root>/models/<name>/bundle.json) and any the person named themselves (serve's --bundle, a
 * folder chosen in Electron's dialog). Anything else from the page would point the engine at a
 * free path on disk.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export function bundleDirAllowList(root: string, extra: () => Iterable<string | null | undefined>): (dir: string) => boolean {
  const installed = path.join(path.resolve(root), 'models');
  return (dir) => {
    const resolved = path.resolve(dir);
    for (const named of extra()) if (named && path.resolve(named) === resolved) return true;
    return path.dirname(resolved) === installed && existsSync(path.join(resolved, 'bundle.json'));
  };
}
