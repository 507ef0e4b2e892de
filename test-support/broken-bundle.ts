/**
 * A copy of a bundle with one graph replaced by bytes that are not ONNX, its bundle.json updated so
 * the checksums still pass: the damage is only found when onnxruntime opens the graph. The other
 * files are symlinks to the original (graphs are large).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function corruptGraphBundle(sourceDir: string, graph = 'base.denoiser.onnx'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'broken-bundle-'));
  for (const name of readdirSync(sourceDir)) {
    if (name !== 'bundle.json' && name !== graph) symlinkSync(path.join(sourceDir, name), path.join(dir, name));
  }
  const junk = Buffer.from('this is not an ONNX graph\n'.repeat(64));
  writeFileSync(path.join(dir, graph), junk);
  const manifest = JSON.parse(readFileSync(path.join(sourceDir, 'bundle.json'), 'utf8'));
  manifest.files[graph] = { sha256: createHash('sha256').update(junk).digest('hex'), bytes: junk.length };
  writeFileSync(path.join(dir, 'bundle.json'), JSON.stringify(manifest, null, 2));
  return dir;
}
