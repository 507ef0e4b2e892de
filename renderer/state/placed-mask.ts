/**
 * The history's mask operations placed in the canvas its extensions have grown to, and that canvas
 * (mask/placed-ops.ts), worked out once per history and photo: the overlay, a run, Save mask and
 * the export all ask for it.
 */
import { placeMaskOps, type CanvasGeometry, type PlacedOp } from '../mask/placed-ops.ts';
import type { History } from './history.ts';

export interface PlacedMask {
  ops: PlacedOp[];
  canvas: CanvasGeometry;
}

const memo = new WeakMap<History, { width: number; height: number; placed: PlacedMask }>();

export function placedMask(history: History, photo: { width: number; height: number }): PlacedMask {
  const hit = memo.get(history);
  if (hit && hit.width === photo.width && hit.height === photo.height) return hit.placed;
  const placed = placeMaskOps(photo, history.applied);
  memo.set(history, { width: photo.width, height: photo.height, placed });
  return placed;
}
