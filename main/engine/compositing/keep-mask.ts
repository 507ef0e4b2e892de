/**
 * The model's keep-mask [1,1,S,S] (1 = keep, 0 = generate) from the full-resolution mask.
 *
 * Area-averaging the mask down and keeping only cells whose average is exactly 0 is the same as
 * asking "does any photo pixel overlapping this cell want generating?", which is what is computed
 * (no averages needed). It is then dilated by a cell or so: regenerating a little more costs nothing,
 * while a half-masked cell leaves the old content's edge in the seam. The plan's padding is keep.
 */
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

/**
 * @param boxMask the mask inside the plan's box, one byte per pixel, 1 = generate
 * @param dilate cells to grow the generated region by (default 1)
 */
export function keepMaskForModel(boxMask: Uint8Array, plan: CropPlan, size: number, dilate = 1): Float32Array {
  const side = plan.square.width;
  const { width, height } = plan.box;
  const gen = new Uint8Array(size * size);
  const rowCells = new Uint8Array(size);
  // Runs of generate pixels along each row: a run covers a contiguous span of cells.
  const firstCell = (x: number) => cellsTouched(x + plan.pad.left, side, size)[0];
  const lastCell = (x: number) => cellsTouched(x + plan.pad.left, side, size)[1];
  for (let y = 0; y < height; y++) {
    const row = boxMask.subarray(y * width, (y + 1) * width);
    let start = row.findIndex((v) => v !== 0);
    if (start < 0) continue;
    rowCells.fill(0);
    while (start >= 0 && start < width) {
      let end = start + 1;
      while (end < width && row[end] !== 0) end++;
      rowCells.fill(1, firstCell(start), lastCell(end - 1) + 1);
      start = end;
      while (start < width && row[start] === 0) start++;
    }
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
