import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchDetail } from './detail-match.ts';

const S = 64;
const PX = S * S;

/** A grey image with checkerboard grain of amplitude `outside` around a centred hole and `inside` in it. */
function grainy(outside: number, inside: number) {
  const x = new Float32Array(3 * PX);
  const keep = new Float32Array(PX).fill(1);
  for (let y = 0; y < S; y++) for (let xx = 0; xx < S; xx++) {
    const p = y * S + xx;
    const hole = (xx - 32) ** 2 + (y - 32) ** 2 < 16 ** 2;
    if (hole) keep[p] = 0;
    const v = ((xx + y) % 2 ? 1 : -1) * (hole ? inside : outside);
    for (let c = 0; c < 3; c++) x[c * PX + p] = v;
  }
  return { x, keep };
}

const lapHole = (x: Float32Array, keep: Float32Array) => {
  let s = 0, n = 0;
  for (let y = 1; y < S - 1; y++) for (let xx = 1; xx < S - 1; xx++) {
    const p = y * S + xx;
    if (keep[p] === 0) { s += Math.abs(4 * x[p] - x[p - 1] - x[p + 1] - x[p - S] - x[p + S]); n++; }
  }
  return s / n;
};

test('grain stronger than the surroundings is scaled down toward their level; known pixels untouched', () => {
  const { x, keep } = grainy(0.05, 0.3);
  const before = x.slice();
  const gain = matchDetail(x, keep, S);
  assert.ok(gain < 0.3 && gain > 0.1, `gain ${gain}`);
  assert.ok(lapHole(x, keep) < 0.45 * lapHole(before, keep), 'the hole\'s fine detail fell');
  for (let p = 0; p < PX; p++) if (keep[p]) assert.equal(x[p], before[p]);
});

test('detail at or below the surroundings\' level is never amplified', () => {
  const { x, keep } = grainy(0.3, 0.1);
  const before = x.slice();
  assert.equal(matchDetail(x, keep, S), 1);
  assert.deepEqual(x, before);
});

test('with a gain cap above 1, weaker grain is raised toward the surroundings\' level, by at most the cap', () => {
  const { x, keep } = grainy(0.3, 0.1);
  const before = x.slice();
  const gain = matchDetail(x, keep, S, 2);
  assert.equal(gain, 2, 'capped: the band has 3x the hole\'s grain');
  assert.ok(lapHole(x, keep) > 1.6 * lapHole(before, keep), 'the hole\'s fine detail rose');
  for (let p = 0; p < PX; p++) if (keep[p]) assert.equal(x[p], before[p]);
  const { x: x2, keep: keep2 } = grainy(0.15, 0.1);
  const g2 = matchDetail(x2, keep2, S, 4);
  assert.ok(g2 > 1.2 && g2 < 1.8, `below the cap the gain is the ratio of the medians: ${g2}`);
});
