/** Where tests find the shared reference vectors and the bundles our own tools export. */
import { execFileSync } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** ../shared beside the clone (CI puts it there too). */
export const REFERENCE_DIR = path.resolve(REPO_ROOT, '../shared/reference/glide');
export const DEFAULT_BUNDLE_DIR = path.join(REPO_ROOT, 'models/default');
/** The committed test photos (sources and licences in test-support/fixtures/README.md). */
export const FIXTURES_DIR = path.join(REPO_ROOT, 'test-support/fixtures');

/**
 * The tiny reference models exported by our own tool (models/glide/export_tiny.py) as a bundle.
 * Exported once per checkout into .work/tiny (about 10 s).
 */
export function tinyBundleDir(): string {
  const dir = path.join(REPO_ROOT, '.work/tiny');
  if (!existsSync(path.join(dir, 'bundle.json'))) {
    // Exported aside and renamed into place, so test files running in parallel never see half a bundle.
    const tmp = `${dir}.partial-${process.pid}`;
    execFileSync('/usr/bin/python3', ['-m', 'models.glide.export_tiny', REFERENCE_DIR, tmp], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another process got there first
    }
  }
  return dir;
}

/**
 * Fixtures for the TypeScript checkpoint importer, written by models/glide/import_fixtures.py (small
 * models with the official layout: checkpoints, graph templates, PyTorch outputs, the Python converter's
 * bundles, pickles that call os.system / builtins.eval). Made once per checkout into .work/import-fixtures.
 */
export function importFixturesDir(): string {
  const dir = path.join(REPO_ROOT, '.work/import-fixtures');
  if (!existsSync(path.join(dir, 'io.npz'))) {
    const tmp = `${dir}.partial-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    execFileSync('/usr/bin/python3', ['-m', 'models.glide.import_fixtures', REFERENCE_DIR, tmp], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return dir;
}
