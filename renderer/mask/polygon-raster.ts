/**
 * Fills a polygon (rectangle or lasso, points in image pixels) on a raster at a given scale: a pixel
 * is covered when its centre is inside (non-zero winding, so a lasso that crosses itself has no
 * holes). Centre sampling is what the engine's threshold at one half amounts to, with no blur to undo.
 */
import type { MaskPixels } from './raster.ts';

/**
 * @param points flat x0, y0, x1, y1, … in image pixels (closed implicitly)
 * @param scale raster pixels per image pixel
 * @param limit the raster's size; the result is clipped to it
 * @returns the covered pixels inside the polygon's box (255 inside), or null when nothing is covered
 */
export function rasterisePolygon(points: readonly number[], scale: number, limit: { width: number; height: number }): MaskPixels | null {
  const n = points.length >> 1;
  if (n < 3) return null;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = points[2 * i] * scale, y = points[2 * i + 1] * scale;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const x0 = Math.max(0, Math.floor(minX)), x1 = Math.min(limit.width, Math.ceil(maxX));
  const y0 = Math.max(0, Math.floor(minY)), y1 = Math.min(limit.height, Math.ceil(maxY));
  if (x1 <= x0 || y1 <= y0) return null;
  const width = x1 - x0, height = y1 - y0;
  const data = new Uint8Array(width * height);
  const crossings: { x: number; dir: number }[] = [];
  let any = false;
  for (let row = 0; row < height; row++) {
    const cy = y0 + row + 0.5;
    crossings.length = 0;
    for (let i = 0; i < n; i++) {
      const ax = points[2 * i] * scale, ay = points[2 * i + 1] * scale;
      const j = (i + 1) % n;
      const bx = points[2 * j] * scale, by = points[2 * j + 1] * scale;
      // Half-open in y so a vertex on the scanline is counted once.
      if ((ay <= cy && by > cy) || (by <= cy && ay > cy)) {
        crossings.push({ x: ax + ((cy - ay) / (by - ay)) * (bx - ax), dir: by > ay ? 1 : -1 });
      }
    }
    if (crossings.length < 2) continue;
    crossings.sort((a, b) => a.x - b.x);
    let winding = 0;
    for (let k = 0; k < crossings.length - 1; k++) {
      winding += crossings[k].dir;
      if (!winding) continue;
      // Pixels whose centre (x + 0.5) lies in [left, right).
      const from = Math.max(x0, Math.ceil(crossings[k].x - 0.5));
      const to = Math.min(x1, Math.ceil(crossings[k + 1].x - 0.5));
      if (to > from) {
        data.fill(255, row * width + (from - x0), row * width + (to - x0));
        any = true;
      }
    }
  }
  return any ? { x: x0, y: y0, width, height, data } : null;
}

/** The four corners of an axis-aligned rectangle as a polygon (so rectangles and lassos fill alike). */
export function rectanglePolygon(r: { x: number; y: number; width: number; height: number }): number[] {
  return [r.x, r.y, r.x + r.width, r.y, r.x + r.width, r.y + r.height, r.x, r.y + r.height];
}

/** Shoelace area of a simple polygon, in square image pixels. */
export function polygonArea(points: readonly number[]): number {
  let twice = 0;
  const n = points.length >> 1;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    twice += points[2 * i] * points[2 * j + 1] - points[2 * j] * points[2 * i + 1];
  }
  return Math.abs(twice) / 2;
}
