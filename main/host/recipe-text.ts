/**
 * The text recorded in exported files: one block per applied edit in the form other diffusion tools
 * write into a PNG "parameters" chunk (prompt line, then "Key: value" pairs), so the edit can be read
 * back and replayed. A Fill (empty prompt) has an empty prompt line and "Mode: Fill" first among the pairs.
 */
import type { CanvasPadding } from '../contract.ts';
import { NO_PADDING } from './document-canvas.ts';
import { placedIn, type StoredPatch } from './document-store.ts';

/** "rect+lasso+wand+grow 6+feather 16": the mask's operations in order (the recipe in the project holds them in full). */
function maskSummary(ops: NonNullable<StoredPatch['recipe']['mask']>): string {
  const words = ops.map((op) => {
    switch (op.kind) {
      case 'stroke':
        return op.mode === 'paint' ? 'brush' : 'eraser';
      case 'region':
        return op.source === 'wand' ? 'wand' : 'file';
      case 'grow':
      case 'feather':
        return `${op.kind} ${op.pixels}`;
      default:
        return op.kind;
    }
  });
  // Runs of the same word once: a hundred brush strokes read as "brush".
  return words.filter((w, i) => w !== words[i - 1]).join('+');
}

/**
 * size: the exported image's; canvas: how far it reaches beyond the photo (the edits' regions are
 * given in its pixels, and an edit run on a grown canvas says how it had grown: "Extended: L T R B").
 */
export function recipeText(edits: readonly StoredPatch[], size: { width: number; height: number }, canvas: CanvasPadding = NO_PADDING): string | undefined {
  if (edits.length === 0) return undefined;
  return edits
    .map((edit) => ({ r: edit.recipe, ...placedIn(edit, canvas) }))
    .map(({ r, x, y, width, height }) =>
      [
        r.prompt.replace(/\r?\n/g, ' '),
        [
          ...(r.mode === 'fill' ? ['Mode: Fill'] : []),
          `Steps: ${r.steps}`,
          `Sampler: ${r.sampler.toUpperCase()}`,
          `CFG scale: ${r.guidanceScale}`,
          `Seed: ${r.seed}`,
          `Size: ${size.width}x${size.height}`,
          `Model: ${r.model.name}`,
          `Model hash: ${r.model.sha256.slice(0, 10)}`,
          `Region: ${x},${y},${width},${height}`,
          ...(r.canvas ? [`Extended: L${r.canvas.left} T${r.canvas.top} R${r.canvas.right} B${r.canvas.bottom}`] : []),
          ...(r.mask?.length ? [`Mask: ${maskSummary(r.mask)}`] : []),
          'Tool: glide-inpaint-editor',
        ].join(', '),
      ].join('\n'),
    )
    .join('\n\n');
}
