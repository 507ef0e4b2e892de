/**
 * The mask operations beyond brush strokes, clear and invert, and extending the canvas, as the
 * renderer's history and the project file hold them: data, not pixels, so a project replays them (all
 * in full-resolution pixels of the canvas as it stood then, unless said otherwise). contract.ts puts
 * them in HistoryEntry. zod only, like the contract.
 */
import { z } from 'zod';

/** The most pixels one side of the canvas may grow by in all (the canvas stays within the photo limit too). */
export const MAX_EXTEND = 16_384;

/** Shapes and the wand add to the mask (Shift, or nothing) or subtract from it (Alt). */
export const MaskMode = z.enum(['add', 'subtract']);

export const RectangleOp = z.object({
  kind: z.literal('rect'),
  mode: MaskMode,
  x: z.number(),
  y: z.number(),
  width: z.number().positive(),
  height: z.number().positive(),
});

/** A closed polygon (freehand or clicked point by point): flat x0, y0, x1, y1, … */
export const LassoOp = z.object({
  kind: z.literal('lasso'),
  mode: MaskMode,
  points: z.array(z.number()).min(6).max(400_000),
});

/**
 * Pixels kept as runs over a grid stretched over the photo: the wand's selection (computed on the
 * photo as shown, `grid` the display copy's size) or a mask loaded from a file (`replace`: it
 * becomes the whole mask; grid = the photo's size). runs: flat [y, x, length, coverage 1..255, …].
 */
export const RegionOp = z.object({
  kind: z.literal('region'),
  source: z.enum(['wand', 'file']),
  mode: z.enum(['add', 'subtract', 'replace']),
  grid: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }),
  runs: z.array(z.number().int().nonnegative()).max(8_000_000),
  /** What the wand was asked (for the history and the recipe; the runs are what it found). */
  wand: z.object({ x: z.number(), y: z.number(), tolerance: z.number().min(0).max(255), contiguous: z.boolean() }).optional(),
});

/** Grow (> 0) or shrink (< 0) the whole mask by a distance. */
export const GrowOp = z.object({ kind: z.literal('grow'), pixels: z.number().min(-2000).max(2000) });

/** Feather the whole mask's edge over a width (half inside, half outside). */
export const FeatherOp = z.object({ kind: z.literal('feather'), pixels: z.number().positive().max(2000) });

/**
 * How far the canvas reaches beyond the original photo on each side, in photo pixels: the photo lies
 * at (left, top) of a canvas (left + width + right) × (top + height + bottom). All zero: the photo itself.
 */
export const CanvasPadding = z
  .object({
    left: z.number().int().min(0).max(MAX_EXTEND),
    top: z.number().int().min(0).max(MAX_EXTEND),
    right: z.number().int().min(0).max(MAX_EXTEND),
    bottom: z.number().int().min(0).max(MAX_EXTEND),
  })
  .strict();
export type CanvasPadding = z.infer<typeof CanvasPadding>;

/**
 * Extend the canvas (outpainting): add pixels on the given sides of the canvas as it stands. Entries
 * after it are in the grown canvas's coordinates (the earlier ones move by left, top), and the new
 * area joins the mask, so a run fills it from the border's context.
 */
export const ExtendOp = z.object({
  kind: z.literal('extend'),
  left: z.number().int().min(0).max(MAX_EXTEND),
  top: z.number().int().min(0).max(MAX_EXTEND),
  right: z.number().int().min(0).max(MAX_EXTEND),
  bottom: z.number().int().min(0).max(MAX_EXTEND),
});

export const MASK_OPS = [RectangleOp, LassoOp, RegionOp, GrowOp, FeatherOp, ExtendOp] as const;
