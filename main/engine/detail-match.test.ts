import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lockLowFrequencies, matchCoarseDetail, matchDetail, smoothChroma } from './detail-match.ts';

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

/**
 * A 192-px image: flat sky-blue around a centred hole of radius 70 that holds blotches (15 px across with
 * `scale` 5, about 9 px with 3) and, optionally, colour speckles.
 */
function blotchy(speckles: boolean, scale = 5) {
  const N = 192, P = N * N;
  const x = new Float32Array(3 * P);
  const keep = new Float32Array(P).fill(1);
  const sky = [-0.2, 0.1, 0.7];
  for (let y = 0; y < N; y++) for (let xx = 0; xx < N; xx++) {
    const p = y * N + xx;
    const hole = (xx - 96) ** 2 + (y - 96) ** 2 < 70 ** 2;
    if (hole) keep[p] = 0;
    const blotch = hole ? 0.25 * Math.sin(xx / scale) * Math.sin(y / scale) : 0;
    const speck = hole && speckles ? (((xx * 7 + y * 3) % 3) - 1) * 0.2 : 0;
    x[p] = sky[0] + blotch + speck;
    x[P + p] = sky[1] + blotch - speck;
    x[2 * P + p] = sky[2] + blotch;
  }
  return { x, keep, N, P };
}

for (const [what, scale] of [['blotches', 5], ['a 9-px speckle', 3]] as const) test(`coarse detail in a hole on a flat sky (${what}) is lowered, never raised; known pixels untouched`, () => {
  const { x, keep, N, P } = blotchy(false, scale);
  const before = x.slice();
  const spread = (v: Float32Array) => {
    let lo = Infinity, hi = -Infinity;
    for (let p = 0; p < P; p++) if (!keep[p] && (p % N - 96) ** 2 + (Math.floor(p / N) - 96) ** 2 < 50 ** 2) { lo = Math.min(lo, v[p]); hi = Math.max(hi, v[p]); }
    return hi - lo;
  };
  const gains = matchCoarseDetail(x, keep, N);
  assert.ok(gains.every((g) => g <= 1) && gains.some((g) => g < 0.5), `gains ${gains}`);
  assert.ok(spread(x) < 0.5 * spread(before), `the blotches' range fell: ${spread(before)} -> ${spread(x)}`);
  for (let p = 0; p < 3 * P; p++) if (keep[p % P]) assert.equal(x[p], before[p]);
});

test('chroma smoothing: colour speckles go, brightness stays; known pixels untouched', () => {
  const { x, keep, N, P } = blotchy(true);
  const before = x.slice();
  smoothChroma(x, keep, N, 2);
  const lum = (v: Float32Array, p: number) => 0.299 * v[p] + 0.587 * v[P + p] + 0.114 * v[2 * P + p];
  let speckBefore = 0, speckAfter = 0, lumDiff = 0, n = 0;
  for (let y = 60; y < 132; y++) for (let xx = 60; xx < 132; xx++) {
    const p = y * N + xx;
    speckBefore += Math.abs((before[p] - lum(before, p)) - (before[p + 1] - lum(before, p + 1)));
    speckAfter += Math.abs((x[p] - lum(x, p)) - (x[p + 1] - lum(x, p + 1)));
    lumDiff = Math.max(lumDiff, Math.abs(lum(x, p) - lum(before, p)));
    n++;
  }
  assert.ok(speckAfter < 0.2 * speckBefore, `pixel-to-pixel colour change ${speckBefore / n} -> ${speckAfter / n}`);
  assert.ok(lumDiff < 1e-3, `brightness kept, but where a channel is clamped to [-1, 1] (max change ${lumDiff})`);
  for (let p = 0; p < 3 * P; p++) if (keep[p % P]) assert.equal(x[p], before[p]);
});

test('matched locally, a hole across a flat sky (top) and a grainy meadow (bottom) loses the grain only under the sky', () => {
  // 256 px: the top half is flat, the bottom half has checkerboard grain 0.2; the hole (radius 90) is
  // filled with grain 0.2 everywhere, as the model's texture of the same strength wherever it works.
  const N = 256, P = N * N;
  const make = () => {
    const x = new Float32Array(3 * P);
    const keep = new Float32Array(P).fill(1);
    for (let y = 0; y < N; y++) for (let xx = 0; xx < N; xx++) {
      const p = y * N + xx;
      const hole = (xx - 128) ** 2 + (y - 128) ** 2 < 90 ** 2;
      if (hole) keep[p] = 0;
      const grain = ((xx + y) % 2 ? 1 : -1) * (hole || y >= 128 ? 0.2 : 0);
      for (let c = 0; c < 3; c++) x[c * P + p] = grain;
    }
    return { x, keep };
  };
  const amplitude = (x: Float32Array, y0: number, y1: number) => {
    let s = 0, n = 0;
    for (let y = y0; y < y1; y++) for (let xx = 108; xx < 148; xx++) { s += Math.abs(x[y * N + xx]); n++; }
    return s / n;
  };
  const local = make();
  const before = local.x.slice();
  matchDetail(local.x, local.keep, N, 1, 48);
  assert.ok(amplitude(local.x, 50, 80) < 0.05, `grain left under the sky: ${amplitude(local.x, 50, 80)}`);
  assert.ok(amplitude(local.x, 176, 206) > 0.15, `grain kept in the meadow: ${amplitude(local.x, 176, 206)}`);
  for (let p = 0; p < 3 * P; p++) if (local.keep[p % P]) assert.equal(local.x[p], before[p]);
  // One gain for the whole hole (no window) treats both alike: the meadow's grain is lowered with the sky's.
  const whole = make();
  matchDetail(whole.x, whole.keep, N, 1);
  assert.ok(Math.abs(amplitude(whole.x, 176, 206) / amplitude(whole.x, 50, 80) - 1) < 0.05, 'one gain everywhere');
});

test('locking to the base: the hole\'s local colour is the reference\'s, its fine detail kept; known pixels untouched', () => {
  // The hole drifted pale (+0.3 in every channel) and carries a fine checkerboard; the reference is the true colour.
  const N = 128, P = N * N;
  const x = new Float32Array(3 * P), reference = new Float32Array(3 * P), keep = new Float32Array(P).fill(1);
  for (let y = 0; y < N; y++) for (let xx = 0; xx < N; xx++) {
    const p = y * N + xx;
    const hole = (xx - 64) ** 2 + (y - 64) ** 2 < 40 ** 2;
    if (hole) keep[p] = 0;
    const fine = ((xx + y) % 2 ? 1 : -1) * 0.1;
    for (let c = 0; c < 3; c++) {
      reference[c * P + p] = -0.2 + 0.2 * c;
      x[c * P + p] = reference[c * P + p] + (hole ? 0.3 + fine : 0);
    }
  }
  const before = x.slice();
  lockLowFrequencies(x, reference, keep, N, 4);
  let drift = 0, detail = 0, n = 0;
  for (let y = 50; y < 78; y++) for (let xx = 50; xx < 78; xx++) {
    const p = y * N + xx;
    drift += Math.abs((x[p] + x[p + 1]) / 2 - reference[p]);
    detail += Math.abs(x[p] - x[p + 1]);
    n++;
  }
  assert.ok(drift / n < 0.01, `local mean back to the reference: ${drift / n}`);
  assert.ok(Math.abs(detail / n - 0.2) < 0.01, `the checkerboard kept: ${detail / n}`);
  for (let p = 0; p < 3 * P; p++) if (keep[p % P]) assert.equal(x[p], before[p]);
});
