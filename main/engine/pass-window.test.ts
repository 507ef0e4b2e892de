import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cutWindow, holeSquare, lowResWindow, passWindow, pasteWindow, WINDOW_MARGIN } from './pass-window.ts';

/** A keep-mask of side `size` with a generated disc of radius r at (cx, cy). */
function disc(size: number, cx: number, cy: number, r: number): Float32Array {
  const keep = new Float32Array(size * size).fill(1);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) keep[y * size + x] = 0;
  return keep;
}

test('a pass runs on the hole\'s box plus the margin, on whole low-res pixels and the graph\'s multiple', () => {
  const keep = disc(512, 250, 270, 100); // box 150..350 x 170..370
  const w = passWindow(keep, 512, 128, 32);
  assert.ok(w);
  assert.equal(w.side % 32, 0);
  assert.equal(w.x % 4, 0);
  assert.equal(w.y % 4, 0);
  assert.equal(w.side, Math.ceil((201 + 2 * WINDOW_MARGIN) / 32) * 32);
  assert.ok(w.x <= 150 - WINDOW_MARGIN + 2 && w.x + w.side >= 351 + WINDOW_MARGIN - 2, `x ${w.x}..${w.x + w.side}`);
  assert.ok(w.y <= 170 - WINDOW_MARGIN + 2 && w.y + w.side >= 371 + WINDOW_MARGIN - 2, `y ${w.y}..${w.y + w.side}`);
  assert.deepEqual(lowResWindow(w, 4), { x: w.x / 4, y: w.y / 4, side: w.side / 4 });
  // A factor of 3: the side is a multiple of 96 (whole low-res pixels and the graph's 32)
  const three = passWindow(disc(576, 288, 288, 100), 576, 192, 32);
  assert.ok(three && three.side % 96 === 0 && three.x % 3 === 0 && three.y % 3 === 0, JSON.stringify(three));
});

test('the whole crop where the factor is not whole, the hole fills it, or there is none', () => {
  assert.equal(passWindow(disc(480, 240, 240, 80), 480, 128, 32), null); // 3.75x
  assert.equal(passWindow(disc(512, 256, 256, 230), 512, 128, 32), null); // square >= crop
  assert.equal(passWindow(new Float32Array(512 * 512).fill(1), 512, 128, 32), null);
});

test('a square near the crop\'s edge stays inside it', () => {
  const w = holeSquare(disc(512, 20, 500, 15), 512, 64);
  assert.ok(w && w.x === 0 && w.y + w.side === 512, JSON.stringify(w));
});

test('a soft mask\'s partly kept pixels are inside the square', () => {
  const keep = new Float32Array(256 * 256).fill(1);
  keep[100 * 256 + 200] = 0.5;
  const w = holeSquare(keep, 256, 8);
  assert.ok(w && w.x <= 200 && w.x + w.side > 200 && w.y <= 100 && w.y + w.side > 100, JSON.stringify(w));
});

test('cut then pasted back over the same image gives it unchanged; pasted elsewhere only the square changes', () => {
  const size = 64;
  const image = Float32Array.from({ length: 3 * size * size }, (_, i) => Math.sin(i));
  const w = { x: 8, y: 16, side: 32 };
  const cut = cutWindow(image, 3, size, w);
  assert.equal(cut[1 * 32 * 32 + 2 * 32 + 3], image[1 * size * size + 18 * size + 11]);
  assert.deepEqual(pasteWindow(image, cut, 3, size, w), image);
  const pasted = pasteWindow(new Float32Array(image.length), cut, 3, size, w);
  let inside = 0;
  for (let i = 0; i < pasted.length; i++) if (pasted[i] !== 0) inside++;
  assert.ok(inside <= 3 * 32 * 32 && inside > 3 * 32 * 30);
});
