import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HistoryEntry } from '../../main/contract.ts';
import { placeMaskOps } from '../mask/placed-ops.ts';
import { recipeMask } from './recipe-mask.ts';

const rect = (x: number): HistoryEntry => ({ kind: 'rect', mode: 'add', x, y: 5, width: 10, height: 10 });
const extend: HistoryEntry = { kind: 'extend', left: 20, top: 0, right: 0, bottom: 0 };

test('the recipe keeps what draws the mask: extensions, then the last clear and everything after it', () => {
  const history: HistoryEntry[] = [rect(1), extend, { kind: 'edit', editId: 'e1', label: 'x' }, rect(2), { kind: 'clear' }, rect(3), { kind: 'feather', pixels: 4 }];
  assert.deepEqual(recipeMask(history), [extend, { kind: 'clear' }, rect(3), { kind: 'feather', pixels: 4 }]);
  assert.deepEqual(recipeMask([rect(1), rect(2)]), [rect(1), rect(2)]);
  const file: HistoryEntry = { kind: 'region', source: 'file', mode: 'replace', grid: { width: 4, height: 4 }, runs: [0, 0, 4, 255] };
  assert.deepEqual(recipeMask([rect(1), file, rect(3)]), [file, rect(3)]);
});

test('replayed, the recipe places the mask where the history does', () => {
  const photo = { width: 100, height: 60 };
  const history: HistoryEntry[] = [rect(1), extend, { kind: 'clear' }, rect(3), { kind: 'extend', left: 0, top: 8, right: 0, bottom: 0 }];
  const fromHistory = placeMaskOps(photo, history);
  const fromRecipe = placeMaskOps(photo, recipeMask(history));
  assert.deepEqual(fromRecipe.canvas, fromHistory.canvas);
  assert.deepEqual(fromRecipe.ops.slice(-3), fromHistory.ops.slice(-3));
});
