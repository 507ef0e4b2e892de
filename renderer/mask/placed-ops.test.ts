import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HistoryEntry } from '../../main/contract.ts';
import { isSoftMask, maskExtent } from './mask-extent.ts';
import { canvasOf, fillStrips, placeMaskOps } from './placed-ops.ts';

const PHOTO = { width: 600, height: 400 };
const rect: HistoryEntry = { kind: 'rect', mode: 'add', x: 10, y: 20, width: 30, height: 40 };
const stroke: HistoryEntry = { kind: 'stroke', mode: 'paint', width: 8, hardness: 1, points: [1, 2, 3, 4] };
const wand: HistoryEntry = { kind: 'region', source: 'wand', mode: 'add', grid: { width: 60, height: 40 }, runs: [0, 0, 6, 255] };
const right: HistoryEntry = { kind: 'extend', left: 0, top: 0, right: 128, bottom: 0 };
const around: HistoryEntry = { kind: 'extend', left: 16, top: 8, right: 16, bottom: 8 };

test('without an extension the operations are the history\'s own objects', () => {
  const entries = [rect, stroke, { kind: 'grow', pixels: 4 } as HistoryEntry];
  const { ops, canvas } = placeMaskOps(PHOTO, entries);
  assert.deepEqual(canvas, { ...PHOTO, padding: { left: 0, top: 0, right: 0, bottom: 0 } });
  assert.equal(ops.length, 3);
  ops.forEach((op, i) => assert.equal(op, entries[i]));
});

test('extending moves earlier shapes by the added left and top, and fills the new area', () => {
  const entries = [rect, stroke, right, around, { kind: 'feather', pixels: 6 } as HistoryEntry];
  const { ops, canvas } = placeMaskOps(PHOTO, entries);
  assert.deepEqual(canvas, { width: 600 + 128 + 32, height: 400 + 16, padding: { left: 16, top: 8, right: 144, bottom: 8 } });
  assert.deepEqual(ops[0], { ...rect, x: 26, y: 28 });
  assert.deepEqual((ops[1] as { points: number[] }).points, [17, 10, 19, 12]);
  // The first extension's canvas (728×400) sits at 16, 8; the photo inside it at 16, 8 too.
  assert.deepEqual(ops[2], { kind: 'fill', outer: { x: 16, y: 8, width: 728, height: 400 }, inner: { x: 16, y: 8, width: 600, height: 400 } });
  assert.deepEqual(ops[3], { kind: 'fill', outer: { x: 0, y: 0, width: 760, height: 416 }, inner: { x: 16, y: 8, width: 728, height: 400 } });
  assert.equal(ops[4], entries[4], 'an entry after the last extension is unchanged');
  assert.equal(canvasOf(PHOTO, entries).width, 760);
});

test('regions stretch over the canvas of their time; grow, feather and invert stay inside it', () => {
  const entries: HistoryEntry[] = [wand, { kind: 'invert' }, { kind: 'grow', pixels: -3 }, right];
  const { ops } = placeMaskOps(PHOTO, entries);
  const photoBox = { x: 0, y: 0, width: 600, height: 400 };
  assert.deepEqual((ops[0] as { at?: unknown }).at, photoBox);
  assert.deepEqual((ops[1] as { clip?: unknown }).clip, photoBox);
  assert.deepEqual((ops[2] as { clip?: unknown }).clip, photoBox);
  // The wand's 6 cells on a 60-wide grid over 600 px: x 0..60 (plus a pixel of margin), the right strip from 600.
  const extent = maskExtent(ops.slice(0, 1), 728, 400);
  assert.deepEqual(extent, { x: 0, y: 0, width: 63, height: 13 });
});

test('the same entry placed the same way is the same object (the overlay draws only what was appended)', () => {
  const a = placeMaskOps(PHOTO, [rect, right]).ops;
  const b = placeMaskOps(PHOTO, [rect, right, stroke]).ops;
  assert.equal(a[0], b[0]);
  assert.equal(a[1], b[1]);
});

test('the new area of an extension: its strips, the run mask\'s box, and a soft (exact) blend', () => {
  assert.deepEqual(fillStrips({ x: 0, y: 0, width: 728, height: 400 }, { x: 0, y: 0, width: 600, height: 400 }), [{ x: 600, y: 0, width: 128, height: 400 }]);
  const strips = fillStrips({ x: 0, y: 0, width: 760, height: 416 }, { x: 16, y: 8, width: 728, height: 400 });
  assert.equal(strips.reduce((n, s) => n + s.width * s.height, 0), 760 * 416 - 728 * 400, 'the strips cover the ring exactly once');
  const { ops, canvas } = placeMaskOps(PHOTO, [right]);
  assert.deepEqual(maskExtent(ops, canvas.width, canvas.height), { x: 598, y: 0, width: 130, height: 400 });
  assert.equal(isSoftMask(ops), true);
  assert.equal(isSoftMask(placeMaskOps(PHOTO, [right, { kind: 'clear' }, rect]).ops), false);
});
