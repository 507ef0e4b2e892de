import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FillGuide, PULL_START } from './fill-guide.ts';

const S = 32;
const PX = S * S;

/** A left-to-right ramp (harmonic: the membrane must reproduce it) with a square hole. */
function scene() {
  const image = new Float32Array(3 * PX);
  const mask = new Float32Array(PX).fill(1);
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
    const p = y * S + x;
    image[p] = -0.8 + (1.6 * x) / (S - 1);
    image[PX + p] = 0.2;
    image[2 * PX + p] = -0.3 + (0.6 * y) / (S - 1);
    if (x >= 8 && x < 24 && y >= 6 && y < 26) mask[p] = 0;
  }
  return { image, mask };
}

test('the membrane continues the surroundings: a linear ramp through the hole', () => {
  const { image, mask } = scene();
  const guide = new FillGuide(image, mask, [1, 3, S, S], 10);
  const x0 = new Float64Array(3 * PX);
  for (let p = 0; p < PX; p++) for (let c = 0; c < 3; c++) x0[c * PX + p] = mask[p] ? image[c * PX + p] : 0.9; // a bright blob in the hole
  guide.apply(x0, 0);
  let worst = 0;
  for (let p = 0; p < PX; p++) {
    if (mask[p]) continue;
    for (let c = 0; c < 3; c++) {
      const membrane = (x0[c * PX + p] - PULL_START * 0.9) / (1 - PULL_START);
      worst = Math.max(worst, Math.abs(membrane - image[c * PX + p]));
    }
  }
  assert.ok(worst < 0.01, `membrane off the ramp by ${worst.toFixed(4)}`);
});

test('the pull is strong early and released by the last steps; known pixels are never touched', () => {
  const { image, mask } = scene();
  const guide = new FillGuide(image, mask, [1, 3, S, S], 10);
  assert.equal(guide.keep(0), PULL_START);
  assert.ok(guide.keep(7) > PULL_START && guide.keep(7) < 1);
  assert.equal(guide.keep(9), 1);
  const x0 = Float64Array.from(image, (v, i) => (mask[i % PX] ? v : 1));
  const before = x0.slice();
  guide.apply(x0, 9);
  assert.deepEqual(x0, before, 'the last step keeps the model\'s own x0');
  guide.apply(x0, 0);
  for (let i = 0; i < 3 * PX; i++) if (mask[i % PX]) assert.equal(x0[i], before[i]);
});

test('a hole with nothing known beside it is left alone', () => {
  const image = new Float32Array(3 * PX).fill(0.5);
  const guide = new FillGuide(image, new Float32Array(PX), [1, 3, S, S], 10);
  assert.equal(guide.active, false);
  const x0 = new Float64Array(3 * PX).fill(0.3);
  guide.apply(x0, 0);
  assert.ok(x0.every((v) => v === 0.3));
});

test('with patches, the target carries layers across the hole, where the membrane averages them', () => {
  // Sky, a ridge, a forest and grass in bands; a round hole across all four.
  const N = 64, P = N * N;
  const colours = [[0.6, 0.7, 0.9], [-0.2, -0.3, -0.1], [-0.6, -0.2, -0.6], [0.3, 0.4, -0.5]];
  const bandOf = (y: number) => (y < 24 ? 0 : y < 30 ? 1 : y < 44 ? 2 : 3);
  const image = new Float32Array(3 * P);
  const mask = new Float32Array(P).fill(1);
  for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
    const p = y * N + x;
    for (let c = 0; c < 3; c++) image[c * P + p] = colours[bandOf(y)][c];
    if ((x - 32) ** 2 + (y - 32) ** 2 < 18 ** 2) mask[p] = 0;
  }
  const offBand = (patches: boolean) => {
    const guide = new FillGuide(image, mask, [1, 3, N, N], 10, patches);
    const x0 = new Float64Array(3 * P); // the model's x0 all 0: what apply leaves is (1 - PULL_START) x the target
    guide.apply(x0, 0);
    let off = 0, hole = 0;
    for (let p = 0; p < P; p++) {
      if (mask[p]) continue;
      hole++;
      const want = colours[bandOf(Math.floor(p / N))];
      if (Math.max(...[0, 1, 2].map((c) => Math.abs(x0[c * P + p] / (1 - PULL_START) - want[c]))) > 0.1) off++;
    }
    return off / hole;
  };
  const membrane = offBand(false), patches = offBand(true);
  assert.ok(membrane > 0.5, `the membrane blends the bands (${membrane.toFixed(3)} off)`);
  assert.ok(patches < 0.05, `patches continue them: ${(100 * patches).toFixed(1)}% of the hole off its band's colour`);
});
