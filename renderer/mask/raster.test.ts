import assert from 'node:assert/strict';
import { test } from 'node:test';
import { featherMask } from './feather.ts';
import { decodeRuns, encodeRuns } from './mask-runs.ts';
import { rasterisePolygon, rectanglePolygon } from './polygon-raster.ts';
import { coveredBox } from '../../wire/covered-box.ts';
import { combineInto, countCovered } from './raster.ts';

test('add and subtract combine like union and difference; runs and boxes round-trip', () => {
  const w = 50, h = 50;
  const dst = new Uint8Array(w * h);
  combineInto(dst, w, rasterisePolygon(rectanglePolygon({ x: 0, y: 0, width: 30, height: 30 }), 1, { width: w, height: h })!, 'add');
  combineInto(dst, w, rasterisePolygon(rectanglePolygon({ x: 20, y: 20, width: 30, height: 30 }), 1, { width: w, height: h })!, 'add');
  assert.equal(countCovered(dst), 900 + 900 - 100);
  combineInto(dst, w, rasterisePolygon(rectanglePolygon({ x: 0, y: 0, width: 10, height: 50 }), 1, { width: w, height: h })!, 'subtract');
  assert.equal(countCovered(dst), 1700 - 300);
  assert.deepEqual(coveredBox(dst, w, h), { x: 10, y: 0, width: 40, height: 50 });
  assert.equal(coveredBox(new Uint8Array(4), 2, 2), null);
  const soft = featherMask(dst, w, h, 6);
  const back = decodeRuns(encodeRuns(soft, w, h), w, h);
  assert.deepEqual(back.data, soft);
});
