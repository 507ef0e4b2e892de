/** What the parent is told about a loaded bundle (protocol's BundleInfo). */
import type { LoadedBundle } from '../bundle/load.ts';
import type { BundleInfo } from '../protocol.ts';
import { spaceTimesteps } from '../sampler.ts';

export function bundleInfo(b: LoadedBundle): BundleInfo {
  const { manifest } = b;
  const base = manifest.stages.base;
  return {
    dir: b.dir,
    name: manifest.name,
    sha256: b.manifestSha256,
    stages: manifest.stages.upsampler ? ['base', 'upsampler'] : ['base'],
    // The photo-facing size: the upsampler's output when there is one.
    imageSize: manifest.stages.upsampler?.imageSize ?? base.imageSize,
    defaults: {
      guidanceScale: manifest.defaults.guidanceScale,
      steps: spaceTimesteps(base.diffusionSteps, manifest.defaults.baseRespacing).length,
      sampler: manifest.defaults.sampler,
      // Only a resizable upsampler has a Detail setting (upsample-plan.ts).
      ...(manifest.stages.upsampler?.resizable ? { detail: manifest.defaults.detail ?? 'standard' } : {}),
    },
    license: manifest.license.name,
  };
}
