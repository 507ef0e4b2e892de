/** The engine entry's two transports: Electron's parentPort (messages wrapped in {data}) and Node IPC. */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { connectToParent } from './parent-port.ts';

test("under Electron's utilityProcess it uses process.parentPort and unwraps e.data", (t) => {
  const posted: unknown[] = [];
  const port = Object.assign(new EventEmitter(), { postMessage: (m: unknown) => posted.push(m) });
  const proc = process as unknown as { parentPort?: unknown };
  proc.parentPort = port;
  t.after(() => delete proc.parentPort);

  const parent = connectToParent()!;
  const received: unknown[] = [];
  parent.onMessage((m) => received.push(m));
  const mask = new Uint8Array([1, 2, 3]);
  port.emit('message', { data: { type: 'cancel', id: 'e1', mask } });
  assert.deepEqual(received, [{ type: 'cancel', id: 'e1', mask }]);
  parent.send({ type: 'started', pid: 7 });
  assert.deepEqual(posted, [{ type: 'started', pid: 7 }]);
});

test('without either transport there is no parent', (t) => {
  const saved = process.send;
  process.send = undefined;
  t.after(() => (process.send = saved));
  assert.equal(connectToParent(), undefined);
});
