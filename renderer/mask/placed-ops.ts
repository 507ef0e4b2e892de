/**
 * The mask operations as the current canvas sees them. Extending the canvas moves the photo (and
 * everything drawn before) right and down by the added left and top; each history entry stays as it
 * was recorded, in the pixels of the canvas of its time, and is placed here:
 *
 *  - strokes, rectangles and lassos move by the extensions that came after them;
 *  - wand and file regions are stretched over the canvas of their time (`at`), not the whole canvas;
 *  - grow/shrink, feather and invert work only inside the canvas of their time (`clip`), so they see
 *    its edge as they did then;
 *  - an extension becomes a fill of its new area (`fill`: outer minus inner), which joins the mask.
 *
 * Whatever an earlier entry spilled outside its canvas is covered by the later extension's fill, so
 * the mask inside each canvas is what it was before the canvas grew. Without extensions the entries
 * are returned as they are (the same objects). Pure: no DOM.
 */
import type { CanvasPadding, HistoryEntry } from '../../main/contract.ts';
import type { MaskEntry } from '../state/history.ts';
import type { MaskBox } from './raster.ts';

type Entry<K extends MaskEntry['kind']> = Extract<MaskEntry, { kind: K }>;

export type PlacedOp =
  | Entry<'stroke' | 'rect' | 'lasso' | 'clear'>
  | (Entry<'region'> & { at?: MaskBox })
  | (Entry<'grow' | 'feather' | 'invert'> & { clip?: MaskBox })
  | { kind: 'fill'; outer: MaskBox; inner: MaskBox };

export interface CanvasGeometry {
  width: number;
  height: number;
  /** Where the photo lies in the canvas and how far the canvas reaches past it on each side. */
  padding: CanvasPadding;
}

export const NO_PADDING: CanvasPadding = { left: 0, top: 0, right: 0, bottom: 0 };

export function isPadded(p: CanvasPadding): boolean {
  return p.left > 0 || p.top > 0 || p.right > 0 || p.bottom > 0;
}

function addPadding(a: CanvasPadding, b: CanvasPadding): CanvasPadding {
  return { left: a.left + b.left, top: a.top + b.top, right: a.right + b.right, bottom: a.bottom + b.bottom };
}

function geometry(photo: { width: number; height: number }, padding: CanvasPadding): CanvasGeometry {
  return { width: photo.width + padding.left + padding.right, height: photo.height + padding.top + padding.bottom, padding };
}

/** The canvas after these entries: the photo grown by every extension among them. */
export function canvasOf(photo: { width: number; height: number }, entries: readonly HistoryEntry[]): CanvasGeometry {
  let padding = NO_PADDING;
  for (const e of entries) if (e.kind === 'extend') padding = addPadding(padding, e);
  return geometry(photo, padding);
}

/** The new area of an extension as up to four boxes (top, bottom, left, right strips). */
export function fillStrips(outer: MaskBox, inner: MaskBox): MaskBox[] {
  const strips: MaskBox[] = [
    { x: outer.x, y: outer.y, width: outer.width, height: inner.y - outer.y },
    { x: outer.x, y: inner.y + inner.height, width: outer.width, height: outer.y + outer.height - (inner.y + inner.height) },
    { x: outer.x, y: inner.y, width: inner.x - outer.x, height: inner.height },
    { x: inner.x + inner.width, y: inner.y, width: outer.x + outer.width - (inner.x + inner.width), height: inner.height },
  ];
  return strips.filter((s) => s.width > 0 && s.height > 0);
}

// Placed copies are kept per entry and placement, so an unchanged entry stays the same object
// (the overlay draws an appended entry alone only when the earlier ones are identical).
const placedCache = new WeakMap<object, Map<string, PlacedOp>>();

function cached(entry: MaskEntry, key: string, make: () => PlacedOp): PlacedOp {
  let byKey = placedCache.get(entry);
  if (!byKey) placedCache.set(entry, (byKey = new Map()));
  let placed = byKey.get(key);
  if (!placed) byKey.set(key, (placed = make()));
  return placed;
}

function shiftPoints(points: readonly number[], dx: number, dy: number): number[] {
  return points.map((v, i) => v + (i % 2 ? dy : dx));
}

/**
 * The applied history's mask operations in the pixels of the canvas after all of them, and that
 * canvas. `photo` is the original photo's size.
 */
export function placeMaskOps(photo: { width: number; height: number }, entries: readonly HistoryEntry[]): { ops: PlacedOp[]; canvas: CanvasGeometry } {
  const canvas = canvasOf(photo, entries);
  const final = canvas.padding;
  const ops: PlacedOp[] = [];
  let padding = NO_PADDING;
  for (const entry of entries) {
    if (entry.kind === 'edit') continue;
    const now = geometry(photo, padding);
    // Where this entry's canvas lies in the final one.
    const at: MaskBox = { x: final.left - padding.left, y: final.top - padding.top, width: now.width, height: now.height };
    if (entry.kind === 'extend') {
      padding = addPadding(padding, entry);
      const grown = geometry(photo, padding);
      const outer = { x: final.left - padding.left, y: final.top - padding.top, width: grown.width, height: grown.height };
      ops.push(cached(entry, `${outer.x},${outer.y}`, () => ({ kind: 'fill', outer, inner: { x: outer.x + entry.left, y: outer.y + entry.top, width: now.width, height: now.height } })));
      continue;
    }
    const whole = at.x === 0 && at.y === 0 && at.width === canvas.width && at.height === canvas.height;
    if (whole) {
      ops.push(entry);
      continue;
    }
    const key = `${at.x},${at.y},${at.width},${at.height}`;
    ops.push(
      cached(entry, key, (): PlacedOp => {
        switch (entry.kind) {
          case 'stroke':
          case 'lasso':
            return { ...entry, points: shiftPoints(entry.points, at.x, at.y) };
          case 'rect':
            return { ...entry, x: entry.x + at.x, y: entry.y + at.y };
          case 'region':
            return { ...entry, at };
          case 'grow':
          case 'feather':
          case 'invert':
            return { ...entry, clip: at };
          case 'clear':
            return entry;
        }
      }),
    );
  }
  return { ops, canvas };
}
