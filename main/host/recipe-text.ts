/**
 * The text recorded in exported files: one block per applied edit in the form other diffusion tools
 * write into a PNG "parameters" chunk (prompt line, then "Key: value" pairs), so the edit can be read
 * back and replayed.
 */
import type { StoredPatch } from './document-store.ts';

export function recipeText(edits: readonly StoredPatch[], size: { width: number; height: number }): string | undefined {
  if (edits.length === 0) return undefined;
  return edits
    .map(({ recipe: r, x, y, width, height }) =>
      [
        r.prompt.replace(/\r?\n/g, ' '),
        [
          `Steps: ${r.steps}`,
          `Sampler: ${r.sampler.toUpperCase()}`,
          `CFG scale: ${r.guidanceScale}`,
          `Seed: ${r.seed}`,
          `Size: ${size.width}x${size.height}`,
          `Model: ${r.model.name}`,
          `Model hash: ${r.model.sha256.slice(0, 10)}`,
          `Region: ${x},${y},${width},${height}`,
          'Tool: glide-inpaint-editor',
        ].join(', '),
      ].join('\n'),
    )
    .join('\n\n');
}
