/**
 * Where the mask can have coverage, from its operations alone (no pixels): the box the run's
 * full-resolution mask needs drawing in, so a small mask on a 50 MP photo costs its own size. Also
 * whether the mask is soft (feathered): then its grey levels are the blend weights for the engine.
 */
import { decodeRuns } from './mask-runs.ts';
import { fillStrips, type PlacedOp } from './placed-ops.ts';
import { coveredBox } from '../../wire/covered-box.ts';
import type { MaskBox } from './raster.ts';

type Edges = { x0: number; y0: number; x1: number; y1: number } | null;

function union(a: Edges, b: Edges): Edges {
  if (!a) return b;
  if (!b) return a;
  return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
}

function pointsEdges(points: readonly number[], margin: number): Edges {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i + 1 < points.length; i += 2) {
    x0 = Math.min(x0, points[i]);
    x1 = Math.max(x1, points[i]);
    y0 = Math.min(y0, points[i + 1]);
    y1 = Math.max(y1, points[i + 1]);
  }
  return x0 <= x1 ? { x0: x0 - margin, y0: y0 - margin, x1: x1 + margin, y1: y1 + margin } : null;
}

function grow(e: Edges, by: number): Edges {
  return e && { x0: e.x0 - by, y0: e.y0 - by, x1: e.x1 + by, y1: e.y1 + by };
}

function boxEdges(b: MaskBox): Edges {
  return { x0: b.x, y0: b.y, x1: b.x + b.width, y1: b.y + b.height };
}

/** The integer box (in photo pixels) outside which every pixel has coverage 0; null when the mask is empty. */
export function maskExtent(ops: readonly PlacedOp[], width: number, height: number): MaskBox | null {
  const whole: Edges = { x0: 0, y0: 0, x1: width, y1: height };
  let e: Edges = null;
  for (const op of ops) {
    switch (op.kind) {
      case 'clear':
        e = null;
        break;
      case 'invert':
        e = op.clip ? union(e, boxEdges(op.clip)) : whole;
        break;
      case 'fill':
        for (const strip of fillStrips(op.outer, op.inner)) e = union(e, boxEdges(strip));
        break;
      case 'stroke':
        if (op.mode === 'paint') e = union(e, pointsEdges(op.points, op.width / 2 + 1));
        break;
      case 'rect':
        if (op.mode === 'add') e = union(e, { x0: op.x, y0: op.y, x1: op.x + op.width, y1: op.y + op.height });
        break;
      case 'lasso':
        if (op.mode === 'add') e = union(e, pointsEdges(op.points, 0));
        break;
      case 'region': {
        if (op.mode === 'subtract') break;
        const box = coveredBox(decodeRuns(op.runs, op.grid.width, op.grid.height).data, op.grid.width, op.grid.height);
        const at = op.at ?? { x: 0, y: 0, width, height };
        const sx = at.width / op.grid.width, sy = at.height / op.grid.height;
        const edges: Edges = box && { x0: at.x + box.x * sx - 1, y0: at.y + box.y * sy - 1, x1: at.x + (box.x + box.width) * sx + 1, y1: at.y + (box.y + box.height) * sy + 1 };
        e = op.mode === 'replace' ? edges : union(e, edges);
        break;
      }
      case 'grow':
        if (op.pixels > 0) e = grow(e, op.pixels + 1);
        break;
      case 'feather':
        e = grow(e, op.pixels / 2 + 1);
        break;
    }
  }
  if (!e) return null;
  // Two pixels of room: a shrink must see uncovered pixels around the mask, not the box's edge.
  const x0 = Math.max(0, Math.floor(e.x0) - 2), y0 = Math.max(0, Math.floor(e.y0) - 2);
  const x1 = Math.min(width, Math.ceil(e.x1) + 2), y1 = Math.min(height, Math.ceil(e.y1) + 2);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}

/**
 * A feather since the last clear, a loaded mask with grey levels, or the new area of an extended
 * canvas: the engine blends by the mask's grey levels (so the photo's own pixels at an extension's
 * border stay exactly as they were).
 */
export function isSoftMask(ops: readonly PlacedOp[]): boolean {
  let soft = false;
  for (const op of ops) {
    if (op.kind === 'clear') soft = false;
    if (op.kind === 'feather' || op.kind === 'fill') soft = true;
    // A loaded file is soft when it has grey levels (a feathered mask saved earlier).
    if (op.kind === 'region' && op.mode === 'replace') soft = op.runs.some((v, i) => i % 4 === 3 && v !== 255);
  }
  return soft;
}
