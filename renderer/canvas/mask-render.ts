/**
 * Draws the mask from its history: strokes, clears and inverts, in order, onto a 2D context at a
 * given scale. The display draws soft strokes (hardness as a blur); the full-resolution export
 * draws each stroke hard at its 50% line, which is what the engine keeps (it thresholds the mask at
 * half and feathers the blend itself). Mask coverage is alpha; colour is only for the overlay.
 */
import type { Stroke } from '../../main/contract.ts';
import type { MaskEntry } from '../state/history.ts';

export type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** Width of the fully opaque core; with the blur around it, its edge is the stroke's 50% line. */
export function coreWidth(s: Pick<Stroke, 'width' | 'hardness'>): number {
  return s.width * (0.5 + 0.5 * s.hardness);
}

/** Blur (Gaussian sigma, image px) that softens the core out to about the stroke's full width. */
export function softness(s: Pick<Stroke, 'width' | 'hardness'>): number {
  return ((1 - s.hardness) * s.width) / 8;
}

export interface MaskStyle {
  scale: number;
  colour: string;
  /** Draw hardness as blur (display) or hard at the 50% line (the mask the engine gets). */
  soft: boolean;
}

export function renderMask(ctx: Ctx2D, ops: readonly MaskEntry[], style: MaskStyle): void {
  const { width, height } = ctx.canvas;
  ctx.save();
  ctx.clearRect(0, 0, width, height);
  for (const op of ops) {
    if (op.kind === 'clear') ctx.clearRect(0, 0, width, height);
    else if (op.kind === 'invert') invert(ctx, style.colour);
    else drawStroke(ctx, op, style);
  }
  ctx.restore();
}

/** Coverage becomes 1 - coverage everywhere (xor with a full opaque fill). */
export function invert(ctx: Ctx2D, colour: string): void {
  ctx.save();
  ctx.globalCompositeOperation = 'xor';
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.restore();
}

export function drawStroke(ctx: Ctx2D, stroke: Stroke, style: MaskStyle): void {
  const sigma = style.soft ? softness(stroke) * style.scale : 0;
  const op: GlobalCompositeOperation = stroke.mode === 'paint' ? 'source-over' : 'destination-out';
  if (sigma < 0.5) {
    ctx.save();
    ctx.globalCompositeOperation = op;
    tracePath(ctx, stroke, style.scale, 0, 0, coreWidth(stroke) * style.scale, style.colour);
    ctx.restore();
    return;
  }
  // Blur only the stroke's own box: a filter over the whole canvas would cost the photo's size per stroke.
  const margin = Math.ceil((coreWidth(stroke) * style.scale) / 2 + 3 * sigma + 2);
  const box = pointsBox(stroke.points, style.scale, margin, ctx.canvas.width, ctx.canvas.height);
  if (!box) return;
  const scratch = new OffscreenCanvas(box.width, box.height);
  const sctx = scratch.getContext('2d')!;
  sctx.filter = `blur(${sigma.toFixed(2)}px)`;
  tracePath(sctx, stroke, style.scale, box.x, box.y, coreWidth(stroke) * style.scale, style.colour);
  ctx.save();
  ctx.globalCompositeOperation = op;
  ctx.drawImage(scratch, box.x, box.y);
  ctx.restore();
}

function tracePath(ctx: Ctx2D, stroke: Stroke, scale: number, ox: number, oy: number, lineWidth: number, colour: string): void {
  const p = stroke.points;
  ctx.fillStyle = colour;
  ctx.strokeStyle = colour;
  if (p.length < 4) {
    ctx.beginPath();
    ctx.arc(p[0] * scale - ox, p[1] * scale - oy, lineWidth / 2, 0, Math.PI * 2);
    ctx.fill();
    return;
  }
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.lineWidth = lineWidth;
  ctx.beginPath();
  ctx.moveTo(p[0] * scale - ox, p[1] * scale - oy);
  for (let i = 2; i < p.length; i += 2) ctx.lineTo(p[i] * scale - ox, p[i + 1] * scale - oy);
  ctx.stroke();
}

/** The canvas-pixel box around the points, grown by margin and clipped to the canvas. */
export function pointsBox(points: readonly number[], scale: number, margin: number, maxW: number, maxH: number) {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < points.length; i += 2) {
    x0 = Math.min(x0, points[i]);
    x1 = Math.max(x1, points[i]);
    y0 = Math.min(y0, points[i + 1]);
    y1 = Math.max(y1, points[i + 1]);
  }
  const x = Math.max(0, Math.floor(x0 * scale - margin));
  const y = Math.max(0, Math.floor(y0 * scale - margin));
  const right = Math.min(maxW, Math.ceil(x1 * scale + margin));
  const bottom = Math.min(maxH, Math.ceil(y1 * scale + margin));
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null;
}

/** True when some pixel is at least half covered: the engine would generate there. */
export function hasMaskPixels(ctx: Ctx2D): boolean {
  const { width, height } = ctx.canvas;
  const rows = Math.max(1, Math.floor(4_000_000 / width)); // read in bands: bounded memory on 50 MP
  for (let y = 0; y < height; y += rows) {
    const data = ctx.getImageData(0, y, width, Math.min(rows, height - y)).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] >= 128) return true;
  }
  return false;
}

/** The mask the engine gets: white (generate) on transparent, at the photo's full resolution, as PNG. */
export async function fullResolutionMaskPng(ops: readonly MaskEntry[], width: number, height: number): Promise<Uint8Array> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  renderMask(ctx, ops, { scale: 1, colour: '#ffffff', soft: false });
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  canvas.width = canvas.height = 1; // let the 100+ MB backing store go now, not at the next GC
  return new Uint8Array(await blob.arrayBuffer());
}
