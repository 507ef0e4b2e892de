/**
 * Which model bundle serve mode loads: the one named on the command line or in settings, else the
 * default model (models/default), else the tiny random-weight test bundle (.work/tiny), said aloud
 * because its output is noise.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ProviderChoice } from '../main/engine/protocol.ts';
import { HostError } from '../main/contract.ts';
import type { BundleChoice } from '../main/host/engine-session.ts';

export function chooseBundle(repoRoot: string, chosen: string | null, provider: ProviderChoice): BundleChoice {
  if (chosen) return { dir: path.resolve(chosen), provider };
  const defaultDir = path.join(repoRoot, 'models/default');
  if (existsSync(path.join(defaultDir, 'bundle.json'))) return { dir: defaultDir, provider };
  const tinyDir = path.join(repoRoot, '.work/tiny');
  if (existsSync(path.join(tinyDir, 'bundle.json'))) {
    return { dir: tinyDir, provider, note: 'the tiny random-weight test bundle stands in for models/default, so results are noise' };
  }
  throw new HostError(
    'engine-unavailable',
    `No model bundle found: put one in ${defaultDir} (or pass --bundle DIR), or export the tiny test bundle with npm run models:export-tiny.`,
  );
}
