import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Bundle } from './bundle/schema.ts';
import { enlargeBilinear } from './bilinear.ts';
import { lockLowFrequencies, matchCoarseDetail, matchDetail, smoothChroma } from './detail-match.ts';
import { finishHole } from './hole-finish.ts';

const DEFAULTS = { lockBaseColours: true, matchDetail: true, matchCoarseDetail: true, detailGainMax: 3, detailWindow: 96, chromaRadius: 2 } as Bundle['defaults'];

/** A sky (a vertical gradient) around a hole of radius r that holds blotches of 4-30 px and a pale drift; the base is the sky at 64 px. */
function scene(size: number, r: number) {
  const plane = size * size;
  const x = new Float32Array(3 * plane);
  const keep = new Float32Array(plane).fill(1);
  const sky = (c: number, y: number) => [-0.3, 0.1, 0.6][c] + 0.3 * (y / size);
  for (let y = 0; y < size; y++) for (let xx = 0; xx < size; xx++) {
    const p = y * size + xx;
    const hole = (xx - size / 2) ** 2 + (y - size / 2) ** 2 < r * r;
    if (hole) keep[p] = 0;
    const blotch = hole ? 0.12 * Math.sin(xx / 3) * Math.sin(y / 4) + 0.1 * Math.sin(xx / 9 + y / 13) + 0.15 : 0;
    for (let c = 0; c < 3; c++) x[c * plane + p] = sky(c, y) + blotch;
  }
  const base = new Float32Array(3 * 64 * 64);
  for (let c = 0; c < 3; c++) for (let y = 0; y < 64; y++) for (let xx = 0; xx < 64; xx++) base[c * 4096 + y * 64 + xx] = sky(c, (y + 0.5) * size / 64);
  return { x, keep, base };
}

test('a large hole is finished through a half-size copy for its coarse part: close to the full-size finishing, known pixels untouched', () => {
  const size = 1024, r = 330; // the finishing's square: 661 + 128 px, above the half-size threshold
  const { x, keep, base } = scene(size, r);
  const viaHalf = x.slice();
  finishHole(viaHalf, keep, size, base, 64, DEFAULTS);
  const full = x.slice();
  lockLowFrequencies(full, enlargeBilinear(base, 64, size), keep, size, 8);
  matchCoarseDetail(full, keep, size);
  matchDetail(full, keep, size, DEFAULTS.detailGainMax, DEFAULTS.detailWindow);
  smoothChroma(full, keep, size, 2);
  let change = 0, diff = 0, n = 0;
  for (let i = 0; i < x.length; i++) {
    if (keep[i % (size * size)]) { assert.equal(viaHalf[i], x[i]); continue; }
    change += (full[i] - x[i]) ** 2;
    diff += (viaHalf[i] - full[i]) ** 2;
    n++;
  }
  const rmsChange = Math.sqrt(change / n), rmsDiff = Math.sqrt(diff / n);
  assert.ok(rmsChange > 0.05, `the finishing changed the hole (rms ${rmsChange.toFixed(3)})`);
  console.log(`half-size finishing: rms difference ${rmsDiff.toFixed(4)} against a change of ${rmsChange.toFixed(4)}`);
  assert.ok(rmsDiff < 0.2 * rmsChange, `half-size against full-size: rms ${rmsDiff.toFixed(4)} against a change of ${rmsChange.toFixed(4)}`);
});
