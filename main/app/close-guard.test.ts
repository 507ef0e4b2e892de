import assert from 'node:assert/strict';
import { test } from 'node:test';
import { guardClose } from './close-guard.ts';

function setup(unsaved: { name: string } | null, answer: number) {
  const log: string[] = [];
  const onClose = guardClose({
    unsavedWork: () => unsaved,
    ask: (o) => (log.push(`ask ${o.message}`), answer),
    discard: async () => void log.push('discard'),
    destroy: () => log.push('destroy'),
  });
  const close = () => {
    let prevented = false;
    onClose({ preventDefault: () => (prevented = true) });
    return prevented;
  };
  return { log, close };
}

test('nothing unsaved: the window closes without a question', () => {
  const s = setup(null, 1);
  assert.equal(s.close(), false);
  assert.deepEqual(s.log, []);
});

test('unsaved work and Cancel: the window stays', () => {
  const s = setup({ name: 'beach.jpg' }, 0);
  assert.equal(s.close(), true);
  assert.deepEqual(s.log, ['ask "beach.jpg" has changes that are not saved in a project.']);
});

test('unsaved work and Close Without Saving: the autosave goes, then the window', async () => {
  const s = setup({ name: 'beach.jpg' }, 1);
  assert.equal(s.close(), true);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(s.log.slice(1), ['discard', 'destroy']);
  assert.equal(s.close(), false, 'the second close goes through');
});
