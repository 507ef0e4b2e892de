import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MaskAhead } from './mask-ahead.ts';

/** A MaskAhead over string histories and documents whose masks are counted, on node:test's mock clock. */
function fixture(t: import('node:test').TestContext, interacting = () => false) {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const made: string[] = [];
  const masks = new MaskAhead(async (history: string, doc: string) => (made.push(`${doc}:${history}`), `mask of ${doc}:${history}`), 600, interacting);
  return { masks, made };
}

test('a mask that stays as it is is made once, ahead; the click then gets that one without making it again', async (t) => {
  const { masks, made } = fixture(t);
  masks.changed('h1', 'doc', false);
  t.mock.timers.tick(599);
  assert.deepEqual(made, [], 'not while the person may still be changing it');
  t.mock.timers.tick(1);
  assert.deepEqual(made, ['doc:h1']);
  masks.changed('h1', 'doc', false); // e.g. the prompt typed: the same mask
  t.mock.timers.tick(5000);
  assert.equal(await masks.get('h1', 'doc'), 'mask of doc:h1');
  assert.deepEqual(made, ['doc:h1'], 'made once');
});

test('a change of the mask restarts the wait, other changes do not; a click before it ends makes the mask then', async (t) => {
  const { masks, made } = fixture(t);
  masks.changed('h1', 'doc', false);
  t.mock.timers.tick(400);
  masks.changed('h2', 'doc', false); // another stroke
  t.mock.timers.tick(400);
  masks.changed('h2', 'doc', false); // a keystroke in the prompt
  t.mock.timers.tick(199);
  assert.deepEqual(made, []);
  t.mock.timers.tick(1);
  assert.deepEqual(made, ['doc:h2']);
  masks.changed('h3', 'doc', false);
  assert.equal(await masks.get('h3', 'doc'), 'mask of doc:h3', 'the click does not wait');
  t.mock.timers.tick(5000);
  assert.deepEqual(made, ['doc:h2', 'doc:h3'], 'and the pending wait was dropped');
  assert.equal(await masks.get('h2', 'other doc'), 'mask of other doc:h2', 'another document is another mask');
});

test('nothing is made while a run is going, without a document, or while a pointer is held (a stroke being painted)', async (t) => {
  let held = true;
  const { masks, made } = fixture(t, () => held);
  masks.changed('h1', 'doc', true);
  masks.changed('h1', null, false);
  t.mock.timers.tick(5000);
  assert.deepEqual(made, []);
  masks.changed('h1', 'doc', false);
  t.mock.timers.tick(1800);
  assert.deepEqual(made, [], 'waits for the pointer to be let go');
  held = false;
  t.mock.timers.tick(600);
  assert.deepEqual(made, ['doc:h1']);
});

test('a mask made ahead that failed is made again at the click', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let calls = 0;
  const masks = new MaskAhead(async () => {
    calls++;
    if (calls === 1) throw new Error('out of memory');
    return 'mask';
  }, 600);
  masks.changed('h1', 'doc', false);
  t.mock.timers.tick(600);
  assert.equal(await masks.get('h1', 'doc'), 'mask');
  assert.equal(calls, 2);
});
