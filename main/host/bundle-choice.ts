/**
 * Which model bundle the engine loads: the one named in settings (or on serve mode's command line), else the
 * default model (models/default), else the tiny random-weight test bundle (.work/tiny), said aloud
 * because its output is noise.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ProviderChoice } from '../engine/protocol.ts';
import { HostError } from '../contract.ts';
import type { BundleChoice } from './engine-session.ts';

/** models/default under `repoRoot` when it is there. */
export function defaultBundleDir(repoRoot: string): string | null {
  const dir = path.join(repoRoot, 'models/default');
  return existsSync(path.join(dir, 'bundle.json')) ? dir : null;
}

export function chooseBundle(repoRoot: string, chosen: string | null, provider: ProviderChoice): BundleChoice {
  if (chosen) return { dir: path.resolve(chosen), provider };
  const defaultDir = path.join(repoRoot, 'models/default');
  if (defaultBundleDir(repoRoot)) return { dir: defaultDir, provider };
  const tinyDir = path.join(repoRoot, '.work/tiny');
  if (existsSync(path.join(tinyDir, 'bundle.json'))) {
    return { dir: tinyDir, provider, note: 'the tiny random-weight test bundle stands in for models/default, so results are noise' };
  }
  throw new HostError(
    'engine-unavailable',
    `No model bundle found in ${defaultDir}: choose a model folder in the settings (serve mode: --bundle DIR), or reinstall the app to restore the default model.`,
  );
}
