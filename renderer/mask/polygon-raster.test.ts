import assert from 'node:assert/strict';
import { test } from 'node:test';
import { polygonArea, rasterisePolygon, rectanglePolygon } from './polygon-raster.ts';
import { countCovered } from './raster.ts';

const limit = { width: 400, height: 300 };

test('a rectangle covers exactly its pixels, at any scale', () => {
  const r = rasterisePolygon(rectanglePolygon({ x: 10, y: 20, width: 30, height: 40 }), 1, limit)!;
  assert.deepEqual([r.x, r.y, r.width, r.height], [10, 20, 30, 40]);
  assert.equal(countCovered(r.data), 1200);
  const half = rasterisePolygon(rectanglePolygon({ x: 10, y: 20, width: 30, height: 40 }), 0.5, limit)!;
  assert.equal(countCovered(half.data), 15 * 20);
});

test('polygon fill area matches the shoelace area within the perimeter', () => {
  // A star-ish irregular polygon and a triangle.
  const shapes = [
    [50, 50, 350, 80, 200, 280],
    [200, 10, 240, 120, 380, 130, 260, 190, 300, 290, 200, 220, 100, 290, 140, 190, 20, 130, 160, 120],
  ];
  for (const poly of shapes) {
    const r = rasterisePolygon(poly, 1, limit)!;
    const area = polygonArea(poly);
    let perimeter = 0;
    for (let i = 0; i < poly.length; i += 2) perimeter += Math.hypot(poly[(i + 2) % poly.length] - poly[i], poly[(i + 3) % poly.length] - poly[i + 1]);
    const err = Math.abs(countCovered(r.data) - area);
    assert.ok(err < perimeter * 0.5, `pixels ${countCovered(r.data)} vs area ${area} (perimeter ${perimeter.toFixed(0)})`);
    assert.ok(err / area < 0.01, `relative error ${(err / area).toFixed(4)}`);
  }
});

test('a lasso that crosses itself fills without holes (non-zero winding) and clips to the raster', () => {
  // A figure with a loop traced twice around the same square: even-odd would leave it empty.
  const twice = [...rectanglePolygon({ x: 10, y: 10, width: 20, height: 20 }), ...rectanglePolygon({ x: 10, y: 10, width: 20, height: 20 })];
  assert.equal(countCovered(rasterisePolygon(twice, 1, limit)!.data), 400);
  const clipped = rasterisePolygon(rectanglePolygon({ x: -50, y: -50, width: 100, height: 100 }), 1, limit)!;
  assert.deepEqual([clipped.x, clipped.y, clipped.width, clipped.height], [0, 0, 50, 50]);
  assert.equal(rasterisePolygon([0, 0, 10, 10], 1, limit), null);
  assert.equal(rasterisePolygon(rectanglePolygon({ x: 500, y: 0, width: 10, height: 10 }), 1, limit), null);
});
