import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApiClient, HostError, requests, events, type ApiTransport } from './contract.ts';

function transportAnswering(envelope: unknown): ApiTransport & { emit(event: string, payload: unknown): void } {
  const listeners = new Set<(e: string, p: unknown) => void>();
  return {
    request: async () => envelope,
    subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
    emit: (e, p) => listeners.forEach((l) => l(e, p)),
  };
}

test('the client returns parsed values and throws HostError with the host code and message', async () => {
  const ok = createApiClient(transportAnswering({ ok: true, value: null }));
  assert.equal(await ok.invoke('edit:cancel', { runId: 'r1' }), null);
  const failing = createApiClient(transportAnswering({ ok: false, error: { code: 'empty-mask', message: 'Paint first.' } }));
  await assert.rejects(failing.invoke('edit:cancel', { runId: 'r1' }), (e: HostError) => e instanceof HostError && e.code === 'empty-mask' && e.message === 'Paint first.');
});

test('a response that does not match the contract is an error, not a silently wrong value', async () => {
  const lying = createApiClient(transportAnswering({ ok: true, value: { mode: 'telnet' } }));
  await assert.rejects(lying.invoke('app:info', {}));
  await assert.rejects(createApiClient(transportAnswering('garbage')).invoke('app:info', {}));
});

test('events are parsed; unknown or malformed ones never reach listeners', () => {
  const t = transportAnswering(null);
  const seen: unknown[] = [];
  const off = createApiClient(t).onEvent((e) => seen.push(e));
  t.emit('edit:progress', { runId: 'r', candidate: 0, candidates: 1, stage: 'base', step: 1, totalSteps: 5, preview: new Uint8Array([1]) });
  t.emit('edit:progress', { runId: 'r' });
  t.emit('shell:evil', {});
  off();
  t.emit('menu:command', { command: 'undo' });
  assert.equal(seen.length, 1);
  assert.deepEqual((seen[0] as { event: string }).event, 'edit:progress');
});

test('every request channel has input and output schemas, and image bytes are typed arrays, not JSON arrays', () => {
  for (const [channel, schema] of Object.entries(requests)) {
    assert.ok(schema.input && schema.output, channel);
  }
  assert.ok(Object.keys(events).length >= 3);
  const run = requests['edit:run'].input;
  assert.equal(run.safeParse({ docId: 'd', runId: 'r', editIds: [], mask: [0, 255, 0], settings: { prompt: '', seed: null, candidates: 1 } }).success, false);
  assert.equal(run.safeParse({ docId: 'd', runId: 'r', editIds: [], mask: new Uint8Array(3), settings: { prompt: '', seed: null, candidates: 1 } }).success, true);
});
