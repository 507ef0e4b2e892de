/** Changing the model folder or execution provider in settings reloads the engine at once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostFixture } from './testing/host-fixture.ts';

/** The reload runs in the background; the fake engine answers at once. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

test('settings:set reloads the model when the provider or model folder changes, not otherwise', async () => {
  const f = await hostFixture();
  try {
    const loads = () => f.engineHost.calls.filter((c) => c.type === 'load').length;
    const set = f.host.handlers['settings:set'] as (patch: unknown) => Promise<unknown>;
    const before = loads();
    await set({ brush: { size: 80 } });
    await settle();
    assert.equal(loads(), before, 'a brush change does not touch the engine');
    await set({ engine: { provider: 'cpu' } });
    await settle();
    assert.equal(loads(), before + 1, 'a new provider reloads the model');
    await set({ engine: { bundleDir: '/bundles/other' } });
    await settle();
    assert.equal(loads(), before + 2, 'a new model folder reloads the model');
    assert.equal(f.session.current().state, 'ready');
  } finally {
    await f.close();
  }
});

test('Choose model… switches to the chosen bundle folder; cancelling changes nothing', async () => {
  let answer: string | null = '/models/openai-glide/bundle.json';
  const f = await hostFixture({ chooseOpenPath: async (kind) => (kind === 'model' ? answer : null) });
  try {
    const choose = f.host.handlers['model:choose-dialog'] as (input: unknown) => Promise<{ engine: { bundleDir: string | null } } | null>;
    const loads = () => f.engineHost.calls.filter((c) => c.type === 'load').length;
    const first = loads();
    const settings = await choose({});
    assert.equal(settings?.engine.bundleDir, '/models/openai-glide');
    await settle();
    assert.equal(loads(), first + 1, 'the engine reloads with the new folder');
    answer = null;
    assert.equal(await choose({}), null);
    await settle();
    assert.equal(loads(), first + 1, 'cancelling reloads nothing');
  } finally {
    await f.close();
  }
});

test('without native dialogs (serve mode) Choose model… is refused with a clear message', async () => {
  const f = await hostFixture();
  try {
    await assert.rejects((f.host.handlers['model:choose-dialog'] as (i: unknown) => Promise<unknown>)({}), /Native dialogs are not available/);
  } finally {
    await f.close();
  }
});
