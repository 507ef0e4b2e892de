import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RestartPolicy } from './restart-policy.ts';

test('restarts with a doubling delay, and gives up past the per-minute limit', () => {
  const p = new RestartPolicy({ maxPerMinute: 3, firstDelayMs: 100, maxDelayMs: 250 });
  assert.deepEqual(p.onCrash(0), { restart: true, delayMs: 100 });
  assert.deepEqual(p.onCrash(1000), { restart: true, delayMs: 200 });
  assert.deepEqual(p.onCrash(2000), { restart: true, delayMs: 250 });
  assert.deepEqual(p.onCrash(3000), { restart: false, crashesInLastMinute: 4 });
});

test('crashes older than a minute no longer count', () => {
  const p = new RestartPolicy({ maxPerMinute: 1, firstDelayMs: 100, maxDelayMs: 1000 });
  assert.equal(p.onCrash(0).restart, true);
  assert.equal(p.onCrash(61_000).restart, true);
  assert.equal(p.onCrash(62_000).restart, false);
});
