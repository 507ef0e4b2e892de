/**
 * The real-photo evaluation's before/after grid: one row per hole, the photo's crop around the hole
 * (its outline dashed) and then each prompt's edit of the same crop, all at 100% zoom, labelled.
 */
import sharp, { type OverlayOptions } from 'sharp';
import type { Hole, RgbImage } from './photo-metrics.ts';

export interface GridCell {
  label: string;
  width: number;
  height: number;
  rgb: Uint8Array;
}

export interface GridRow {
  label: string;
  cells: GridCell[];
  /** The hole in the first cell's coordinates, outlined there. */
  outline: Hole;
}

const LABEL_HEIGHT = 26;
const GAP = 6;

/** The square crop around the hole the grid shows (1.3 r each side), kept inside the image. */
export function gridBox(img: RgbImage, hole: Hole): { x: number; y: number; width: number; height: number } {
  const half = Math.ceil(1.3 * hole.r);
  const x = Math.max(0, Math.min(img.width - 2 * half, Math.round(hole.cx) - half));
  const y = Math.max(0, Math.min(img.height - 2 * half, Math.round(hole.cy) - half));
  return { x, y, width: Math.min(2 * half, img.width), height: Math.min(2 * half, img.height) };
}

export function gridCell(img: RgbImage, hole: Hole, label: string): GridCell {
  const box = gridBox(img, hole);
  const rgb = new Uint8Array(box.width * box.height * 3);
  for (let y = 0; y < box.height; y++) {
    const from = ((box.y + y) * img.width + box.x) * 3;
    rgb.set(img.data.subarray(from, from + box.width * 3), y * box.width * 3);
  }
  return { label, width: box.width, height: box.height, rgb };
}

/** The hole in the coordinates of its grid cell. */
export function holeInCell(img: RgbImage, hole: Hole): Hole {
  const box = gridBox(img, hole);
  return { cx: hole.cx - box.x, cy: hole.cy - box.y, r: hole.r };
}

const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);

function labelSvg(text: string, width: number): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${LABEL_HEIGHT}">` +
      `<text x="4" y="19" font-family="sans-serif" font-size="16" fill="#eee">${escapeXml(text)}</text></svg>`,
  );
}

function outlineSvg(cell: GridCell, hole: Hole): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${cell.width}" height="${cell.height}">` +
      `<circle cx="${hole.cx}" cy="${hole.cy}" r="${hole.r}" fill="none" stroke="#fff" stroke-width="1.5" stroke-dasharray="6 6"/></svg>`,
  );
}

export async function writeGrid(rows: GridRow[], outPath: string): Promise<{ width: number; height: number }> {
  const rowWidth = (row: GridRow) => row.cells.reduce((w, c) => w + c.width + GAP, GAP);
  const rowHeight = (row: GridRow) => LABEL_HEIGHT + Math.max(...row.cells.map((c) => c.height)) + GAP;
  const width = Math.max(...rows.map(rowWidth));
  const height = rows.reduce((h, r) => h + rowHeight(r), GAP);
  const layers: OverlayOptions[] = [];
  let top = GAP;
  for (const row of rows) {
    let left = GAP;
    for (const [k, cell] of row.cells.entries()) {
      const text = k === 0 ? `${row.label}: ${cell.label}` : cell.label;
      layers.push({ input: labelSvg(text, cell.width), left, top });
      layers.push({ input: Buffer.from(cell.rgb), raw: { width: cell.width, height: cell.height, channels: 3 }, left, top: top + LABEL_HEIGHT });
      if (k === 0) layers.push({ input: outlineSvg(cell, row.outline), left, top: top + LABEL_HEIGHT });
      left += cell.width + GAP;
    }
    top += rowHeight(row);
  }
  await sharp({ create: { width, height, channels: 3, background: { r: 24, g: 24, b: 24 } } })
    .composite(layers)
    .png({ compressionLevel: 6 })
    .toFile(outPath);
  return { width, height };
}
