import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HistoryEntry } from '../../main/contract.ts';
import { History, entryLabel } from './history.ts';

const stroke = (x: number): HistoryEntry => ({ kind: 'stroke', mode: 'paint', width: 10, hardness: 1, points: [x, x] });

test('undo and redo move through strokes and edits alike', () => {
  let h = History.empty.push(stroke(1)).push({ kind: 'edit', editId: 'e1', label: 'a red circle' }).push(stroke(2));
  assert.deepEqual(h.editIds, ['e1']);
  assert.equal(h.maskOps.length, 2);
  h = h.undo();
  assert.equal(h.maskOps.length, 1);
  assert.deepEqual(h.editIds, ['e1']);
  h = h.undo();
  assert.deepEqual(h.editIds, []);
  assert.ok(h.canRedo);
  h = h.redo();
  assert.deepEqual(h.editIds, ['e1']);
});

test('pushing after undo drops the redo tail', () => {
  const h = History.empty.push(stroke(1)).push(stroke(2)).undo().push({ kind: 'clear' });
  assert.equal(h.entries.length, 2);
  assert.equal(h.canRedo, false);
  assert.deepEqual(
    h.maskOps.map((e) => e.kind),
    ['stroke', 'clear'],
  );
});

test('goTo clamps, undo at the start and redo at the end are no-ops', () => {
  const h = History.empty.push(stroke(1)).push(stroke(2));
  assert.equal(h.goTo(0).position, 0);
  assert.equal(h.goTo(99).position, 2);
  assert.equal(History.empty.undo(), History.empty);
  assert.equal(h.redo(), h);
});

test('state round-trips for project files', () => {
  const h = History.empty.push(stroke(1)).push({ kind: 'invert' }).undo();
  const back = History.from(h.toState());
  assert.deepEqual(back.toState(), { entries: h.entries, position: 1 });
  assert.equal(History.from({ entries: [], position: 5 }).position, 0);
  assert.equal(entryLabel({ kind: 'edit', editId: 'x', label: 'a cat' }), 'Edit: a cat');
  // An edit with an empty prompt is a Fill.
  assert.equal(entryLabel({ kind: 'edit', editId: 'x', label: '' }), 'Fill');
  assert.equal(entryLabel({ kind: 'edit', editId: 'x', label: '  ' }), 'Fill');
});
