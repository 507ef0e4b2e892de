/**
 * The seeded noise must give the same numbers everywhere and forever: its first outputs are pinned
 * here (checked against an independent Python implementation of xoshiro128** seeded by SplitMix64,
 * and of the Box-Muller transform, when written).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededNoise, Xoshiro128 } from './rng.ts';

test('xoshiro128** seeded by SplitMix64: pinned outputs', () => {
  const first = (seed: number) => { const r = new Xoshiro128(seed); return Array.from({ length: 6 }, () => r.nextUint32()); };
  assert.deepEqual(first(0), [3737715805, 2584255861, 2876756834, 3286328325, 1553311962, 1625202774]);
  assert.deepEqual(first(42), [1776835114, 4165204688, 17111135, 2317295270, 2792088233, 2554630222]);
  assert.deepEqual(first(2 ** 32 - 1), [331202089, 2303545133, 2732085799, 1755962312, 20464611, 435992899]);
});

test('Gaussian noise: pinned float32 values for seed 0', () => {
  const values = new SeededNoise(0).fill(new Float32Array(6));
  assert.deepEqual([...values], [
    -0.9758715629577637, -1.7697570323944092, 0.054684631526470184,
    -0.9459248185157776, 0.35621270537376404, -1.339381456375122,
  ]);
});

test('draws continue one stream: sizes do not change the numbers', () => {
  const whole = new SeededNoise(5).next({ stage: 'base', kind: 'start' }, 7);
  const split = new SeededNoise(5);
  const a = split.next({ stage: 'base', kind: 'start' }, 3);
  const b = split.next({ stage: 'base', kind: 'step', step: 0 }, 4);
  assert.deepEqual([...a, ...b], [...whole]);
});

test('standard normal statistics', () => {
  const x = new SeededNoise(1).fill(new Float32Array(1_000_000));
  let sum = 0, sq = 0, within1 = 0;
  for (const v of x) { sum += v; sq += v * v; if (Math.abs(v) < 1) within1++; }
  const mean = sum / x.length;
  assert.ok(Math.abs(mean) < 0.005, `mean ${mean}`);
  assert.ok(Math.abs(sq / x.length - 1) < 0.01, `variance ${sq / x.length}`);
  assert.ok(Math.abs(within1 / x.length - 0.6827) < 0.003, `P(|x|<1) ${within1 / x.length}`);
  assert.ok(x.every(Number.isFinite));
});

test('different seeds give different noise; bad seeds are refused', () => {
  const a = new SeededNoise(1).fill(new Float32Array(16));
  const b = new SeededNoise(2).fill(new Float32Array(16));
  assert.notDeepEqual([...a], [...b]);
  assert.throws(() => new SeededNoise(-1), RangeError);
  assert.throws(() => new SeededNoise(1.5), RangeError);
});

test('fill gives the values nextGaussian gives one by one, across draws of odd and even sizes', () => {
  for (const seed of [0, 7, 2 ** 32 - 1]) {
    const filled = new SeededNoise(seed), single = new SeededNoise(seed);
    for (const length of [1, 6, 999, 2, 3, 1000]) {
      const values = filled.fill(new Float32Array(length));
      for (let i = 0; i < length; i++) assert.equal(values[i], Math.fround(single.nextGaussian()), `seed ${seed}, a draw of ${length}, value ${i}`);
    }
  }
});
