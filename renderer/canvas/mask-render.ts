/**
 * Draws the mask from its history, in order, onto a 2D context at a given scale: brush strokes with
 * the canvas, rectangles, lassos and wand/file regions through the pure geometry of renderer/mask,
 * grow/shrink and feather over the mask so far, clears, inverts and the new areas of canvas
 * extensions (the operations placed in the current canvas: mask/placed-ops.ts). The canvas may cover
 * only a box of the scaled photo (`origin`), so the full-resolution mask for a run is drawn only where it can be.
 *
 * The overlay and the engine's mask are drawn by the same code in the same way, so the engine gets
 * exactly what the overlay shows: each stroke hard at its 50% line (what the engine keeps: it
 * thresholds a hard mask at half and feathers the blend itself), coverage as alpha; the colour is only
 * for the overlay.
 */
import type { Stroke } from '../../main/contract.ts';
import { featherMask } from '../mask/feather.ts';
import { growShrink } from '../mask/grow-shrink.ts';
import { decodeRuns } from '../mask/mask-runs.ts';
import { fillStrips, type PlacedOp } from '../mask/placed-ops.ts';
import { rasterisePolygon, rectanglePolygon } from '../mask/polygon-raster.ts';
import { coveredBox } from '../../wire/covered-box.ts';
import { combineInto, type MaskBox, type MaskPixels } from '../mask/raster.ts';

export type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/**
 * The width a stroke covers: its 50% line, what the engine generates (it blends the edge itself).
 * A brush's hardness sets how much of its size that is: all of it at hardness 1, half at 0.
 */
export function coreWidth(s: Pick<Stroke, 'width' | 'hardness'>): number {
  return s.width * (0.5 + 0.5 * s.hardness);
}

export interface MaskStyle {
  scale: number;
  colour: string;
  /** Where the canvas's top-left lies on the scaled photo (default 0, 0). */
  origin?: { x: number; y: number };
  /** The scaled photo's size (default the canvas's): regions and shapes are placed on it. */
  extent?: { width: number; height: number };
}

interface Target {
  ctx: Ctx2D;
  style: MaskStyle;
  ox: number;
  oy: number;
  /** The scaled photo's size. */
  width: number;
  height: number;
}

function target(ctx: Ctx2D, style: MaskStyle): Target {
  return {
    ctx,
    style,
    ox: style.origin?.x ?? 0,
    oy: style.origin?.y ?? 0,
    width: style.extent?.width ?? ctx.canvas.width,
    height: style.extent?.height ?? ctx.canvas.height,
  };
}

export function renderMask(ctx: Ctx2D, ops: readonly PlacedOp[], style: MaskStyle): void {
  const { width, height } = ctx.canvas;
  ctx.save();
  ctx.clearRect(0, 0, width, height);
  ctx.restore();
  const t = target(ctx, style);
  for (const op of ops) applyOp(t, op);
}

/** Draws one more operation over what the context already shows. */
export function applyMaskOp(ctx: Ctx2D, op: PlacedOp, style: MaskStyle): void {
  applyOp(target(ctx, style), op);
}

/** A box in photo pixels as a box of the target canvas (scaled, then moved by the canvas's origin). */
function onTarget(t: Target, box: MaskBox): MaskBox {
  const s = t.style.scale;
  const x0 = Math.round(box.x * s) - t.ox, y0 = Math.round(box.y * s) - t.oy;
  const x1 = Math.round((box.x + box.width) * s) - t.ox, y1 = Math.round((box.y + box.height) * s) - t.oy;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

function applyOp(t: Target, op: PlacedOp): void {
  const { ctx, style } = t;
  switch (op.kind) {
    case 'clear':
      ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
      return;
    case 'invert':
      return invert(ctx, style.colour, op.clip && onTarget(t, op.clip));
    case 'fill':
      for (const strip of fillStrips(op.outer, op.inner)) {
        const b = onTarget(t, strip);
        ctx.save();
        ctx.fillStyle = style.colour;
        ctx.fillRect(b.x, b.y, b.width, b.height);
        ctx.restore();
      }
      return;
    case 'stroke':
      return drawStroke(ctx, op, style);
    case 'rect':
    case 'lasso': {
      const points = op.kind === 'rect' ? rectanglePolygon(op) : op.points;
      const shape = rasterisePolygon(points, style.scale, { width: t.width, height: t.height });
      if (shape) combinePixels(t, shape, op.mode);
      return;
    }
    case 'region': {
      if (op.mode === 'replace') ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
      const region = regionPixels(op.runs, op.grid, t, op.at && scaledBox(op.at, style.scale));
      if (region) combinePixels(t, region, op.mode === 'subtract' ? 'subtract' : 'add');
      return;
    }
    case 'grow':
      return transformWhole(t, Math.abs(op.pixels * style.scale) + 2, (a, w, h) => growShrink(a, w, h, op.pixels * style.scale), op.clip && onTarget(t, op.clip));
    case 'feather':
      return transformWhole(t, (op.pixels * style.scale) / 2 + 2, (a, w, h) => featherMask(a, w, h, op.pixels * style.scale), op.clip && onTarget(t, op.clip));
  }
}

function scaledBox(box: MaskBox, scale: number): MaskBox {
  const x = Math.round(box.x * scale), y = Math.round(box.y * scale);
  return { x, y, width: Math.round((box.x + box.width) * scale) - x, height: Math.round((box.y + box.height) * scale) - y };
}

/** Coverage becomes 1 - coverage everywhere, or inside `clip` (xor with an opaque fill). */
export function invert(ctx: Ctx2D, colour: string, clip?: MaskBox): void {
  ctx.save();
  ctx.globalCompositeOperation = 'xor';
  ctx.fillStyle = colour;
  if (clip) ctx.fillRect(clip.x, clip.y, clip.width, clip.height);
  else ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.restore();
}

export function drawStroke(ctx: Ctx2D, stroke: Stroke, style: MaskStyle): void {
  const ox = style.origin?.x ?? 0, oy = style.origin?.y ?? 0;
  ctx.save();
  ctx.globalCompositeOperation = stroke.mode === 'paint' ? 'source-over' : 'destination-out';
  tracePath(ctx, stroke, style.scale, ox, oy, coreWidth(stroke) * style.scale, style.colour);
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

/**
 * A region's runs (on its grid) as pixels of the target raster: nearest grid cell per target pixel
 * centre. The grid is stretched over `at` (scaled photo pixels: the canvas of its time), by default the whole canvas.
 */
function regionPixels(runs: readonly number[], grid: { width: number; height: number }, t: Target, at: MaskBox = { x: 0, y: 0, width: t.width, height: t.height }): MaskPixels | null {
  const cells = decodeRuns(runs, grid.width, grid.height).data;
  const box = coveredBox(cells, grid.width, grid.height);
  if (!box) return null;
  const sx = at.width / grid.width, sy = at.height / grid.height;
  const x0 = Math.max(0, Math.floor(box.x * sx)), y0 = Math.max(0, Math.floor(box.y * sy));
  const x1 = Math.min(at.width, Math.ceil((box.x + box.width) * sx)), y1 = Math.min(at.height, Math.ceil((box.y + box.height) * sy));
  if (x1 <= x0 || y1 <= y0) return null;
  const width = x1 - x0, height = y1 - y0;
  const data = new Uint8Array(width * height);
  const column = new Int32Array(width);
  for (let x = 0; x < width; x++) column[x] = Math.min(grid.width - 1, Math.floor((x0 + x + 0.5) / sx));
  for (let y = 0; y < height; y++) {
    const row = Math.min(grid.height - 1, Math.floor((y0 + y + 0.5) / sy)) * grid.width;
    for (let x = 0; x < width; x++) data[y * width + x] = cells[row + column[x]];
  }
  return { x: at.x + x0, y: at.y + y0, width, height, data };
}

/** Lays pixels placed on the scaled photo onto the canvas (which covers its box at t.ox, t.oy). */
function combinePixels(t: Target, src: MaskPixels, mode: 'add' | 'subtract'): void {
  const { ctx } = t;
  const x0 = Math.max(0, src.x - t.ox), y0 = Math.max(0, src.y - t.oy);
  const x1 = Math.min(ctx.canvas.width, src.x + src.width - t.ox), y1 = Math.min(ctx.canvas.height, src.y + src.height - t.oy);
  if (x1 <= x0 || y1 <= y0) return;
  const box = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  editAlpha(ctx, box, t.style.colour, (alpha) => {
    // src in the box's coordinates
    const local: MaskPixels = { x: 0, y: 0, width: box.width, height: box.height, data: new Uint8Array(box.width * box.height) };
    for (let y = 0; y < box.height; y++) {
      const from = (box.y + t.oy - src.y + y) * src.width + (box.x + t.ox - src.x);
      local.data.set(src.data.subarray(from, from + box.width), y * box.width);
    }
    combineInto(alpha, box.width, local, mode);
    return alpha;
  });
}

/**
 * Grow/shrink/feather: over the covered box of the whole canvas (or of `clip`, whose edge then acts
 * as the canvas's edge), grown by `margin` (nothing farther can change).
 */
function transformWhole(t: Target, margin: number, fn: (alpha: Uint8Array, w: number, h: number) => Uint8Array, clip?: MaskBox): void {
  const { ctx } = t;
  const cx = Math.max(0, clip?.x ?? 0), cy = Math.max(0, clip?.y ?? 0);
  const cx1 = Math.min(ctx.canvas.width, clip ? clip.x + clip.width : Infinity), cy1 = Math.min(ctx.canvas.height, clip ? clip.y + clip.height : Infinity);
  const W = cx1 - cx, H = cy1 - cy;
  if (W <= 0 || H <= 0) return;
  const all = alphaOf(ctx.getImageData(cx, cy, W, H).data);
  const covered = coveredBox(all, W, H);
  if (!covered) return;
  const m = Math.ceil(margin);
  const x0 = Math.max(0, covered.x - m), y0 = Math.max(0, covered.y - m);
  const box = { x: cx + x0, y: cy + y0, width: Math.min(W, covered.x + covered.width + m) - x0, height: Math.min(H, covered.y + covered.height + m) - y0 };
  editAlpha(ctx, box, t.style.colour, (alpha) => fn(alpha, box.width, box.height));
}

function alphaOf(rgba: Uint8ClampedArray): Uint8Array {
  const a = new Uint8Array(rgba.length >> 2);
  for (let i = 0; i < a.length; i++) a[i] = rgba[i * 4 + 3];
  return a;
}

/** Reads a box's coverage, lets fn change it, and writes it back in the overlay colour. */
function editAlpha(ctx: Ctx2D, box: MaskBox, colour: string, fn: (alpha: Uint8Array) => Uint8Array): void {
  const image = ctx.getImageData(box.x, box.y, box.width, box.height);
  const out = fn(alphaOf(image.data));
  const [r, g, b] = hexRgb(colour);
  const px = image.data;
  for (let i = 0; i < out.length; i++) {
    px[i * 4] = r;
    px[i * 4 + 1] = g;
    px[i * 4 + 2] = b;
    px[i * 4 + 3] = out[i];
  }
  ctx.putImageData(image, box.x, box.y);
}

function hexRgb(colour: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : [255, 255, 255];
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
