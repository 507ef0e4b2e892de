import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HostError } from '../contract.ts';
import { createDispatcher, registerHandlers, type Handlers } from './register-handlers.ts';

const okHandlers = new Proxy({} as Handlers, {
  get: (_t, channel) => async (input: unknown) => ({ channel, input }),
});

test('a trusted sender with valid input reaches the handler with parsed input', async () => {
  const seen: unknown[] = [];
  const handlers = { ...okHandlers, 'edit:cancel': (input: unknown) => (seen.push(input), null) } as Handlers;
  const dispatch = createDispatcher(handlers, { isTrustedSender: (s: string) => s === 'app' });
  assert.deepEqual(await dispatch('edit:cancel', 'app', { runId: 'r1' }), { ok: true, value: null });
  assert.deepEqual(seen, [{ runId: 'r1' }]);
});

test('an untrusted sender is refused before parsing or handling', async () => {
  let called = false;
  const handlers = { ...okHandlers, 'edit:cancel': () => ((called = true), null) } as Handlers;
  const dispatch = createDispatcher(handlers, { isTrustedSender: (s: string) => s === 'app' });
  const answer = await dispatch('edit:cancel', 'https://evil.example', { runId: 'r1' });
  assert.equal(answer.ok, false);
  assert.equal(!answer.ok && answer.error.code, 'forbidden');
  assert.equal(called, false);
});

test('a sender check that throws counts as untrusted', async () => {
  const dispatch = createDispatcher(okHandlers, {
    isTrustedSender: () => {
      throw new Error('no frame');
    },
  });
  const answer = await dispatch('app:info', {}, {});
  assert.equal(!answer.ok && answer.error.code, 'forbidden');
});

test('malformed input and unknown channels answer bad-request without calling a handler', async () => {
  const dispatch = createDispatcher(okHandlers, { isTrustedSender: () => true });
  const bad = await dispatch('edit:cancel', 'app', { runId: '../../etc' });
  assert.equal(!bad.ok && bad.error.code, 'bad-request');
  assert.match(!bad.ok ? bad.error.message : '', /runId/);
  const extra = await dispatch('app:info', 'app', { sneaky: 1 });
  assert.equal(!extra.ok && extra.error.code, 'bad-request');
  const unknown = await dispatch('shell:exec', 'app', {});
  assert.equal(!unknown.ok && unknown.error.code, 'bad-request');
  const proto = await dispatch('__proto__', 'app', {});
  assert.equal(!proto.ok && proto.error.code, 'bad-request');
});

test('handler failures become envelopes with user-facing messages', async () => {
  const logged: string[] = [];
  const throwing = (e: unknown) => ({ ...okHandlers, 'engine:status': () => Promise.reject(e) }) as Handlers;
  const run = (e: unknown) =>
    createDispatcher(throwing(e), { isTrustedSender: () => true, log: (m) => logged.push(m) })('engine:status', 'app', {});

  assert.deepEqual(await run(new HostError('not-found', 'That photo is no longer open.')), {
    ok: false,
    error: { code: 'not-found', message: 'That photo is no longer open.' },
  });
  const engineError = Object.assign(new Error('The mask is empty.'), { name: 'EngineError', code: 'empty-mask' });
  assert.deepEqual(await run(engineError), { ok: false, error: { code: 'empty-mask', message: 'The mask is empty.' } });
  const crashed = await run(Object.assign(new Error('killed'), { name: 'EngineCrashedError' }));
  assert.equal(!crashed.ok && crashed.error.code, 'engine-crashed');
  assert.match(!crashed.ok ? crashed.error.message : '', /image, mask and history are kept/);
  const cancelled = await run(Object.assign(new Error('x'), { name: 'EditCancelledError' }));
  assert.equal(!cancelled.ok && cancelled.error.code, 'cancelled');
  assert.equal(logged.length, 0);
  const internal = await run(new TypeError('boom'));
  assert.equal(!internal.ok && internal.error.code, 'internal');
  assert.match(!internal.ok ? internal.error.message : '', /Something went wrong: boom/);
  assert.equal(logged.length, 1);
});

test('registerHandlers registers every contract channel on a per-channel transport (the ipcMain shape)', async () => {
  const registered = new Map<string, (sender: { url: string }, input: unknown) => Promise<unknown>>();
  registerHandlers({ handle: (channel, listener) => registered.set(channel, listener) }, okHandlers, {
    isTrustedSender: (s: { url: string }) => s.url.startsWith('app://'),
  });
  assert.ok(registered.has('edit:run') && registered.has('project:save') && registered.has('settings:set'));
  assert.deepEqual(await registered.get('app:info')!({ url: 'app://index.html' }, {}), {
    ok: true,
    value: { channel: 'app:info', input: {} },
  });
  const refused = (await registered.get('app:info')!({ url: 'https://x' }, {})) as { ok: boolean };
  assert.equal(refused.ok, false);
});
