import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineStatus } from '../contract.ts';
import { EngineSession } from './engine-session.ts';
import { FakeEngineHost } from './testing/fake-engine-host.ts';

function session(fake = new FakeEngineHost()) {
  const seen: EngineStatus[] = [];
  const s = new EngineSession(fake, () => ({ dir: '/b', provider: 'cpu', note: 'tiny test bundle' }), (st) => seen.push(st));
  return { s, seen, fake };
}

test('start loads the chosen bundle and reports ready with the model and provider', async () => {
  const { s, seen, fake } = session();
  await s.start();
  assert.deepEqual(seen.map((x) => x.state), ['starting', 'loading', 'ready']);
  assert.match(seen[1].message, /tiny test bundle/);
  assert.equal(s.current().model?.name, 'fake-model');
  assert.equal(s.current().provider?.name, 'cpu');
  assert.deepEqual(fake.calls.find((c) => c.type === 'load')?.req, { bundleDir: '/b', provider: 'cpu' });
  assert.equal(s.requireReady().bundle.name, 'fake-model');
});

test('a crash is reported, runs are refused, and the restarted engine is ready again', async () => {
  const { s, seen, fake } = session();
  await s.start();
  fake.emitStatus({ state: 'crashed', message: 'The engine process was killed by SIGKILL.' });
  assert.equal(s.current().state, 'crashed');
  assert.match(s.current().message, /SIGKILL.*kept/);
  assert.throws(() => s.requireReady(), /not ready/);
  fake.emitStatus({ state: 'restarting' });
  fake.emitStatus({ state: 'ready' });
  assert.equal(s.current().state, 'ready');
  assert.deepEqual(seen.slice(-3).map((x) => x.state), ['crashed', 'restarting', 'ready']);
  assert.equal(fake.calls.filter((c) => c.type === 'load').length, 1, 'the engine host reloads the bundle itself');
});

test('a bundle that fails to load leaves the state failed with the reason', async () => {
  const fake = new FakeEngineHost();
  fake.failLoad = Object.assign(new Error('bundle.json is missing in /b.'), { name: 'EngineError', code: 'bad-bundle' });
  const { s } = session(fake);
  await s.start();
  assert.equal(s.current().state, 'failed');
  assert.match(s.current().message, /could not be loaded: bundle.json is missing/);
});

test('restart stops and starts the engine again', async () => {
  const { s, fake } = session();
  await s.start();
  await s.restart();
  assert.deepEqual(fake.calls.map((c) => c.type), ['start', 'load', 'stop', 'start', 'load']);
  assert.equal(s.current().state, 'ready');
});
