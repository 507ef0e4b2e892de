import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeamToneMatcher } from './seam-tone.ts';

const S = 32;
const PX = S * S;

/** A smooth image: a diagonal gradient, different per channel. */
function gradient(): Float64Array {
  const x = new Float64Array(3 * PX);
  for (let c = 0; c < 3; c++) for (let y = 0; y < S; y++) for (let i = 0; i < S; i++) x[c * PX + y * S + i] = -0.6 + 0.4 * c * (i / S) + 0.5 * (y / S);
  return x;
}

/** Keep-mask with a rectangular hole [x0, x1) x [y0, y1). */
function rectHole(x0: number, y0: number, x1: number, y1: number): Float32Array {
  const m = new Float32Array(PX).fill(1);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * S + x] = 0;
  return m;
}

function maxHoleError(a: Float64Array, b: Float64Array, mask: Float32Array): number {
  let e = 0;
  for (let c = 0; c < 3; c++) for (let p = 0; p < PX; p++) if (mask[p] < 0.5) e = Math.max(e, Math.abs(a[c * PX + p] - b[c * PX + p]));
  return e;
}

test('a tone drift of the hole is matched back to its surroundings; the kept pixels do not change', () => {
  const truth = gradient();
  const mask = rectHole(6, 8, 26, 24);
  const drift = [0.12, -0.08, 0.05]; // 15, -10 and 6 levels
  const x0 = truth.slice();
  for (let c = 0; c < 3; c++) for (let p = 0; p < PX; p++) if (mask[p] < 0.5) x0[c * PX + p] += drift[c];
  const matcher = new SeamToneMatcher(mask, [1, 3, S, S], { iterations: 400 });
  assert.ok(matcher.active);
  const before = maxHoleError(x0, truth, mask);
  matcher.apply(x0);
  for (let c = 0; c < 3; c++) for (let p = 0; p < PX; p++) if (mask[p] >= 0.5) assert.equal(x0[c * PX + p], truth[c * PX + p]);
  const after = maxHoleError(x0, truth, mask);
  assert.ok(before > 0.11 && after < 0.03, `hole error ${before.toFixed(3)} -> ${after.toFixed(3)}`);
});

test('warm starts: repeated steps of the same drift converge with few iterations each', () => {
  const truth = gradient();
  const mask = rectHole(2, 2, 30, 30);
  const matcher = new SeamToneMatcher(mask, [1, 3, S, S], { iterations: 10 });
  let after = Infinity;
  for (let step = 0; step < 25; step++) {
    const x0 = truth.slice();
    for (let c = 0; c < 3; c++) for (let p = 0; p < PX; p++) if (mask[p] < 0.5) x0[c * PX + p] += 0.1;
    matcher.apply(x0);
    after = maxHoleError(x0, truth, mask);
  }
  assert.ok(after < 0.03, `after 25 steps of 10 iterations: ${after.toFixed(3)}`);
});

test('an object drawn against the border keeps its colour (content edges are not drift)', () => {
  const truth = gradient();
  const mask = rectHole(6, 8, 26, 24);
  const x0 = truth.slice();
  // A saturated block filling the hole's left third, touching the border on three sides.
  const block = [0.9, -0.9, 0.9];
  for (let c = 0; c < 3; c++) for (let y = 8; y < 24; y++) for (let x = 6; x < 12; x++) x0[c * PX + y * S + x] = block[c];
  const matcher = new SeamToneMatcher(mask, [1, 3, S, S], { iterations: 400 });
  matcher.apply(x0);
  let worst = 0;
  for (let c = 0; c < 3; c++) for (let y = 8; y < 24; y++) for (let x = 6; x < 12; x++) worst = Math.max(worst, Math.abs(x0[c * PX + y * S + x] - block[c]));
  assert.ok(worst < 0.06, `block colour moved by ${worst.toFixed(3)}`);
  // The rest of the hole was already right and stays so.
  let rest = 0;
  for (let c = 0; c < 3; c++) for (let y = 8; y < 24; y++) for (let x = 14; x < 26; x++) rest = Math.max(rest, Math.abs(x0[c * PX + y * S + x] - truth[c * PX + y * S + x]));
  assert.ok(rest < 0.06, `refill moved by ${rest.toFixed(3)}`);
});

test('nothing to match: no hole, or a hole with no kept border', () => {
  const none = new SeamToneMatcher(new Float32Array(PX).fill(1), [1, 3, S, S]);
  const all = new SeamToneMatcher(new Float32Array(PX), [1, 3, S, S]);
  assert.equal(none.active, false);
  assert.equal(all.active, false);
  const x0 = gradient().map((v) => v + 0.2);
  const copy = x0.slice();
  all.apply(x0);
  assert.deepEqual(x0, copy);
  assert.throws(() => new SeamToneMatcher(new Float32Array(PX), [2, 3, S, S]), RangeError);
});

test('the context\'s gradient goes on across the border (extrapolate, the default) instead of flattening there', () => {
  const truth = gradient();
  const mask = rectHole(6, 8, 26, 24);
  const x0 = truth.slice();
  for (let c = 0; c < 3; c++) for (let p = 0; p < PX; p++) if (mask[p] < 0.5) x0[c * PX + p] += 0.12;
  const plain = x0.slice();
  new SeamToneMatcher(mask, [1, 3, S, S], { iterations: 400, extrapolate: false }).apply(plain);
  new SeamToneMatcher(mask, [1, 3, S, S], { iterations: 400 }).apply(x0);
  const [before, after] = [maxHoleError(plain, truth, mask), maxHoleError(x0, truth, mask)];
  assert.ok(after < 0.004 && after < before / 4, `hole error ${before.toFixed(4)} matching the neighbour, ${after.toFixed(4)} extrapolating`);
});
