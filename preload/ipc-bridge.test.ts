import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { createApiClient, HostError } from '../main/contract.ts';
import { HOST_EVENT_CHANNEL } from '../wire/ipc-channels.ts';
import { createIpcBridge } from './ipc-bridge.ts';

class FakeIpc extends EventEmitter {
  invoked: unknown[][] = [];
  answer: unknown = { ok: true, value: { mode: 'electron', nativeDialogs: true, version: '1', maxPixels: 1 } };
  async invoke(channel: string, ...args: unknown[]) {
    this.invoked.push([channel, ...args]);
    return this.answer;
  }
}

test('requests reach only the contract channels', async () => {
  const ipc = new FakeIpc();
  const bridge = createIpcBridge(ipc);
  assert.deepEqual(await bridge.request('app:info', {}), ipc.answer);
  assert.deepEqual(ipc.invoked, [['app:info', {}]]);
  await assert.rejects(bridge.request('some:other' as never, {}), /Unknown request/);
  await assert.rejects(bridge.request({ toString: () => 'app:info' } as never, {}), /Unknown request/);
  assert.equal(ipc.invoked.length, 1);
});

test('events come without the IPC event object, and unsubscribing stops them', () => {
  const ipc = new FakeIpc();
  const bridge = createIpcBridge(ipc);
  const heard: unknown[][] = [];
  const off = bridge.subscribe((...args) => heard.push(args));
  const ipcEvent = { sender: ipc, ports: [] };
  ipc.emit(HOST_EVENT_CHANNEL, ipcEvent, 'menu:command', { command: 'fit' });
  ipc.emit('some-other-channel', ipcEvent, 'menu:command', { command: 'undo' });
  assert.deepEqual(heard, [['menu:command', { command: 'fit' }]]);
  off();
  off(); // twice is harmless
  ipc.emit(HOST_EVENT_CHANNEL, ipcEvent, 'menu:command', { command: 'fit' });
  assert.equal(heard.length, 1);
  assert.equal(ipc.listenerCount(HOST_EVENT_CHANNEL), 0);
});

test('the page-side client over the bridge turns envelopes into values and HostErrors with codes', async () => {
  const ipc = new FakeIpc();
  const api = createApiClient(createIpcBridge(ipc));
  assert.equal((await api.invoke('app:info', {})).mode, 'electron');
  ipc.answer = { ok: false, error: { code: 'cancelled', message: 'The run was cancelled.' } };
  await assert.rejects(api.invoke('edit:cancel', { runId: 'r1' }), (e: HostError) => e instanceof HostError && e.code === 'cancelled');
});
