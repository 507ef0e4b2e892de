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
