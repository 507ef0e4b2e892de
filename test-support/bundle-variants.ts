/**
 * Bundles derived from another for tests, in temporary folders; unchanged files are symlinks to the
 * original (graphs are large).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

type Manifest = { files: Record<string, { sha256: string; bytes: number }>; stages: Record<string, unknown>; defaults: Record<string, unknown> };

function derive(sourceDir: string, prefix: string, change: (manifest: Manifest, dir: string) => void, skip: string[] = []): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const name of readdirSync(sourceDir)) {
    if (name !== 'bundle.json' && !skip.includes(name)) symlinkSync(path.join(sourceDir, name), path.join(dir, name));
  }
  const manifest = JSON.parse(readFileSync(path.join(sourceDir, 'bundle.json'), 'utf8')) as Manifest;
  change(manifest, dir);
  writeFileSync(path.join(dir, 'bundle.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

/**
 * One graph replaced by bytes that are not ONNX, with bundle.json updated so the checksums pass:
 * the damage is only found when onnxruntime opens the graph.
 */
export function corruptGraphBundle(sourceDir: string, graph = 'base.denoiser.onnx'): string {
  return derive(sourceDir, 'broken-bundle-', (manifest, dir) => {
    const junk = Buffer.from('this is not an ONNX graph\n'.repeat(64));
    writeFileSync(path.join(dir, graph), junk);
    manifest.files[graph] = { sha256: createHash('sha256').update(junk).digest('hex'), bytes: junk.length };
  }, [graph]);
}

/** A graph bundle.json lists is missing from the folder. */
export function missingGraphBundle(sourceDir: string, graph = 'base.text.onnx'): string {
  return derive(sourceDir, 'incomplete-bundle-', () => {}, [graph]);
}

/**
 * The base stage alone (no upsampler): edits at 64 px only, a fraction of the time, for tests that
 * exercise the engine process rather than the upsampler.
 */
export function baseOnlyBundle(sourceDir: string): string {
  return derive(sourceDir, 'base-only-bundle-', (manifest) => {
    const up = manifest.stages.upsampler as { graphs: Record<string, string> } | undefined;
    if (!up) return;
    for (const file of Object.values(up.graphs)) delete manifest.files[file];
    delete manifest.stages.upsampler;
    delete manifest.defaults.upsamplerRespacing;
    delete manifest.defaults.upsamplerTemperature;
  });
}

/** The same graphs with other defaults (bundle.json's `defaults` replaced). */
export function withDefaults(sourceDir: string, defaults: Record<string, unknown>): string {
  return derive(sourceDir, 'defaults-bundle-', (manifest) => {
    manifest.defaults = defaults;
  });
}
