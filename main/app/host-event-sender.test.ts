import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HOST_EVENT_CHANNEL } from '../../wire/ipc-channels.ts';
import { broadcastHostEvent } from './host-event-sender.ts';

function target(url: string, destroyed = false) {
  const sent: unknown[][] = [];
  return { sent, isDestroyed: () => destroyed, getURL: () => url, send: (...args: unknown[]) => void sent.push(args) };
}

test('events reach only live pages on the app origin, as (channel, name, payload)', () => {
  const ours = target('app://editor/index.html');
  const foreign = target('https://example.com/');
  const gone = target('app://editor/index.html', true);
  const payload = { command: 'undo' } as const;
  assert.equal(broadcastHostEvent([ours, foreign, gone], { event: 'menu:command', payload }), 1);
  assert.deepEqual(ours.sent, [[HOST_EVENT_CHANNEL, 'menu:command', payload]]);
  assert.deepEqual(foreign.sent, []);
  assert.deepEqual(gone.sent, []);
});
