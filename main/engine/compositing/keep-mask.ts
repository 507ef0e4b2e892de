/**
 * The model's keep-mask [1,1,S,S] (1 = keep, 0 = generate) from the full-resolution mask.
 *
 * Area-averaging the mask down and keeping only cells whose average is exactly 0 is the same as
 * asking "does any photo pixel overlapping this cell want generating?", which is what is computed
 * (no averages needed). It is then dilated by a cell or so: regenerating a little more costs nothing,
 * while a half-masked cell leaves the old content's edge in the seam. The plan's padding is keep.
 */
import type { Box } from './box.ts';
import type { CropPlan } from './crop-plan.ts';

/** Output cells [first, last] that square pixel `p` overlaps, for `side` pixels onto `size` cells. */
function cellsTouched(p: number, side: number, size: number): [number, number] {
  return [Math.floor((p * size) / side), Math.floor(((p + 1) * size - 1) / side)];
}

function dilateSquare(gen: Uint8Array, size: number, radius: number): Uint8Array {
  if (radius <= 0) return gen;
  const rows = new Uint8Array(gen.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!gen[y * size + x]) continue;
      for (let d = Math.max(0, x - radius); d <= Math.min(size - 1, x + radius); d++) rows[y * size + d] = 1;
    }
  }
  const out = new Uint8Array(gen.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!rows[y * size + x]) continue;
      for (let d = Math.max(0, y - radius); d <= Math.min(size - 1, y + radius); d++) out[d * size + x] = 1;
    }
  }
  return out;
}

/** The generate pixels of a box mask as runs per row: flat [y, start, end (exclusive), …]. */
export interface MaskRuns {
  runs: Int32Array;
}

/**
 * Scans the box mask once (1 = generate; any value above 0 counts), for keepMaskForModel at every size;
 * `within` (box coordinates: the mask's own bounding box) limits the scan to where generate pixels are.
 */
export function maskRuns(boxMask: Uint8Array, width: number, height: number, within: Box = { x: 0, y: 0, width, height }): MaskRuns {
  const runs: number[] = [];
  const xEnd = within.x + within.width;
  for (let y = within.y; y < within.y + within.height; y++) {
    const base = y * width;
    let x = within.x;
    while (x < xEnd) {
      while (x < xEnd && boxMask[base + x] === 0) x++;
      if (x === xEnd) break;
      const begin = x;
      while (x < xEnd && boxMask[base + x] !== 0) x++;
      runs.push(y, begin, x);
    }
  }
  return { runs: Int32Array.from(runs) };
}

/**
 * @param boxMask the mask inside the plan's box, one byte per pixel, 1 = generate (or its runs, maskRuns, when several sizes are made)
 * @param dilate cells to grow the generated region by (default 1)
 */
export function keepMaskForModel(boxMask: Uint8Array | MaskRuns, plan: CropPlan, size: number, dilate = 1): Float32Array {
  const side = plan.square.width;
  const { runs } = boxMask instanceof Uint8Array ? maskRuns(boxMask, plan.box.width, plan.box.height) : boxMask;
  const gen = new Uint8Array(size * size);
  const rowCells = new Uint8Array(size);
  // A run covers a contiguous span of cells; the runs of one photo row mark cells of its cell rows.
  const firstCell = (x: number) => cellsTouched(x + plan.pad.left, side, size)[0];
  const lastCell = (x: number) => cellsTouched(x + plan.pad.left, side, size)[1];
  for (let i = 0; i < runs.length; ) {
    const y = runs[i];
    rowCells.fill(0);
    for (; i < runs.length && runs[i] === y; i += 3) rowCells.fill(1, firstCell(runs[i + 1]), lastCell(runs[i + 2] - 1) + 1);
    const [r0, r1] = cellsTouched(y + plan.pad.top, side, size);
    for (let r = r0; r <= r1; r++) {
      for (let c = 0; c < size; c++) if (rowCells[c]) gen[r * size + c] = 1;
    }
  }
  const grown = dilateSquare(gen, size, dilate);
  const keep = new Float32Array(size * size);
  for (let i = 0; i < keep.length; i++) keep[i] = grown[i] ? 0 : 1;
  return keep;
}
