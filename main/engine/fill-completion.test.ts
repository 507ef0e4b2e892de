import assert from 'node:assert/strict';
import { test } from 'node:test';
import { completeFromSurroundings } from './fill-completion.ts';

const S = 64;
const PX = S * S;

/** Bands of sky, ridge, forest and grass (rows of flat colours), a round hole across them. */
function layers() {
  const colours = [[0.6, 0.7, 0.9], [-0.2, -0.3, -0.1], [-0.6, -0.2, -0.6], [0.3, 0.4, -0.5]];
  const bandOf = (y: number) => (y < 24 ? 0 : y < 30 ? 1 : y < 44 ? 2 : 3);
  const image = new Float64Array(3 * PX);
  const hole = new Uint8Array(PX);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const p = y * S + x;
      for (let c = 0; c < 3; c++) image[c * PX + p] = colours[bandOf(y)][c];
      if ((x - 32) ** 2 + (y - 32) ** 2 < 18 ** 2) hole[p] = 1;
    }
  }
  return { image, hole, colours, bandOf };
}

test('the hole is completed from the surroundings: each band continues across it in its own colour', () => {
  const { image, hole, colours, bandOf } = layers();
  const truth = Float64Array.from(image);
  // The first guess is one flat grey (what a smooth membrane of these bands averages to).
  for (let p = 0; p < PX; p++) if (hole[p]) for (let c = 0; c < 3; c++) image[c * PX + p] = 0;
  assert.equal(completeFromSurroundings(image, hole, S, S), true);
  let wrong = 0, holeCount = 0;
  for (let p = 0; p < PX; p++) {
    if (!hole[p]) {
      for (let c = 0; c < 3; c++) assert.equal(image[c * PX + p], truth[c * PX + p], 'known pixels stay');
      continue;
    }
    holeCount++;
    const y = Math.floor(p / S);
    const want = colours[bandOf(y)];
    const off = Math.max(...[0, 1, 2].map((c) => Math.abs(image[c * PX + p] - want[c])));
    if (off > 0.1) wrong++;
  }
  // Only rows at a band's edge may blend the two colours.
  assert.ok(wrong / holeCount < 0.1, `${((100 * wrong) / holeCount).toFixed(1)}% of the hole off its band's colour`);
});

test('a crop with no wholly known patch is left as it is', () => {
  const image = new Float64Array(3 * 16).fill(0.5);
  const hole = new Uint8Array(16).fill(1);
  hole[0] = 0;
  assert.equal(completeFromSurroundings(image, hole, 4, 4), false);
  assert.ok(image.every((v) => v === 0.5));
});
