/**
 * EngineHost against the real engine process (forked through tsx) and the tiny bundle: requests and
 * answers, bad requests, and crashes (kill -9) that must never reach the parent.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHELSEA, ellipseMask } from '../engine/compositing/test-images.ts';
import { baseOnlyBundle, corruptGraphBundle } from '../../test-support/bundle-variants.ts';
import { tinyBundleDir } from '../../test-support/paths.ts';
import {
  EngineCrashedError,
  EngineError,
  EngineHost,
  nodeEngineLauncher,
  type EngineChannel,
  type EngineProcessStatus,
} from './engine-host.ts';

const tiny = tinyBundleDir();

/** A launcher that keeps the channels it opens, so a test can talk to the engine behind the host's back. */
function recordingLauncher() {
  const channels: EngineChannel[] = [];
  const base = nodeEngineLauncher();
  return { channels, launch: () => { const c = base(); channels.push(c); return c; } };
}

function statusLog(host: EngineHost) {
  const states: EngineProcessStatus[] = [];
  host.onStatus((s) => states.push(s));
  const waitFor = async (state: EngineProcessStatus['state'], after = 0) => {
    for (let i = 0; i < 3000; i++) {
      const hit = states.slice(after).find((s) => s.state === state);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no '${state}' status; got ${states.map((s) => s.state).join(', ')}`);
  };
  return { states, waitFor };
}

test('start and load the tiny bundle: bundle and provider info', async (t) => {
  const host = new EngineHost(nodeEngineLauncher());
  t.after(() => host.stop());
  const { states } = statusLog(host);
  await host.start();
  assert.ok(host.pid && host.pid !== process.pid, 'the engine runs in its own process');
  const early = host.edit({ source: { imagePath: CHELSEA }, mask: new Uint8Array(8), outDir: '/tmp', settings: { prompt: 'x', seed: 1 } });
  await assert.rejects(early.done, (e: unknown) => e instanceof EngineError && e.code === 'no-bundle' && /No model is loaded/.test(e.message));
  const loaded = await host.load(tiny, 'cpu');
  assert.equal(loaded.type, 'loaded');
  assert.equal(loaded.bundle.name, 'tiny reference (random weights)');
  assert.deepEqual(loaded.bundle.stages, ['base', 'upsampler']);
  assert.equal(loaded.bundle.defaults.steps, 25);
  assert.match(loaded.bundle.sha256, /^[0-9a-f]{64}$/);
  assert.equal(loaded.provider.name, 'cpu');
  assert.deepEqual(states.map((s) => s.state), ['starting', 'ready']);
});

test('a bad request is answered with an error and the engine stays up', async (t) => {
  const logged: string[] = [];
  const rec = recordingLauncher();
  const host = new EngineHost(rec.launch, { log: (m) => logged.push(m) });
  t.after(() => host.stop());
  await host.start();
  const pid = host.pid;

  // Through the API: settings the engine's schema refuses.
  const bad = host.edit({
    source: { imagePath: '/nowhere.png' },
    mask: new Uint8Array(8),
    settings: { prompt: 'x', seed: -3, steps: 0 },
    outDir: '/tmp',
  });
  await assert.rejects(bad.done, (e: unknown) => {
    assert.ok(e instanceof EngineError);
    assert.equal(e.code, 'bad-request');
    assert.match(e.message, /seed|steps/);
    return true;
  });
  // Behind its back: junk that is not a request at all.
  rec.channels[0].send('launch the missiles' as never);
  rec.channels[0].send({ type: 'load', id: 'raw-1' } as never);
  for (let i = 0; i < 300 && logged.length < 1; i++) await new Promise((r) => setTimeout(r, 10));
  assert.match(logged.join('\n'), /bad-request/);

  // A request whose work fails is an error too, not a crash.
  await assert.rejects(host.load('/no/such/bundle'), (e: unknown) => e instanceof EngineError && e.code === 'bad-bundle' && /no bundle\.json/.test(e.message));
  const loaded = await host.load(tiny, 'cpu');
  assert.equal(loaded.type, 'loaded');
  assert.equal(host.pid, pid, 'the same engine process answered throughout');
});

test('a broken graph is rejected with a message naming the file; the engine stays up', async (t) => {
  const host = new EngineHost(nodeEngineLauncher());
  t.after(() => host.stop());
  await host.start();
  const pid = host.pid;
  await assert.rejects(host.load(corruptGraphBundle(tiny), 'cpu'), (e: unknown) => {
    assert.ok(e instanceof EngineError, String(e));
    assert.equal(e.code, 'bad-bundle');
    assert.match(e.message, /base\.denoiser\.onnx/);
    console.log(`broken bundle message: ${e.message}`);
    return true;
  });
  assert.equal((await host.load(tiny, 'cpu')).type, 'loaded');
  assert.equal(host.pid, pid);
});

test('kill -9 of the engine while it loads a broken bundle: the load rejects, the parent carries on, the engine restarts with the last good bundle', async (t) => {
  const host = new EngineHost(nodeEngineLauncher());
  t.after(() => host.stop());
  const status = statusLog(host);
  await host.start();
  await host.load(tiny, 'cpu');
  const firstPid = host.pid!;

  const crashing = host.load(corruptGraphBundle(tiny), 'cpu');
  process.kill(firstPid, 'SIGKILL');
  await assert.rejects(crashing, (e: unknown) => {
    assert.ok(e instanceof EngineCrashedError, String(e));
    assert.match(e.message, /SIGKILL/);
    return true;
  });
  const crashed = await status.waitFor('crashed');
  assert.match(crashed.message ?? '', /SIGKILL.*Restarting/);
  const mark = status.states.length;
  await status.waitFor('ready', mark);
  assert.deepEqual(status.states.slice(mark - 1).map((s) => s.state), ['crashed', 'restarting', 'ready']);
  assert.notEqual(host.pid, firstPid);
  assert.ok(host.pid, 'a new engine runs');
  // The parent is untouched (we are still here) and the host still serves.
  assert.equal((await host.load(tiny, 'cpu')).type, 'loaded');
});

test('kill -9 of the engine mid-edit: the edit rejects with EngineCrashedError, the engine restarts with the bundle reloaded, a new edit works', async (t) => {
  const host = new EngineHost(nodeEngineLauncher());
  t.after(() => host.stop());
  const status = statusLog(host);
  await host.start();
  await host.load(baseOnlyBundle(tiny), 'cpu');
  const firstPid = host.pid!;
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'engine-host-'));
  const mask = new Uint8Array(await ellipseMask(451, 300, { x: 150, y: 80, width: 120, height: 100 }));
  const request = (steps: number) => ({ source: { imagePath: CHELSEA }, mask, outDir, settings: { prompt: 'a red circle', seed: 1, steps } });

  let killedAtStep = 0;
  const doomed = host.edit(request(50), (p) => {
    if (!killedAtStep) {
      killedAtStep = p.step;
      process.kill(firstPid, 'SIGKILL');
    }
  });
  const mark = status.states.length;
  await assert.rejects(doomed.done, (e: unknown) => e instanceof EngineCrashedError && /SIGKILL/.test(e.message));
  assert.equal(killedAtStep, 1, 'killed mid-run, at the first step of 50');
  await status.waitFor('ready', mark);
  assert.deepEqual(status.states.slice(mark).map((s) => s.state), ['crashed', 'restarting', 'ready']);
  assert.notEqual(host.pid, firstPid);

  // No load() here: the restarted engine has the bundle already.
  const result = await host.edit(request(2)).done;
  assert.equal(result.candidates.length, 1);
  assert.equal(result.candidates[0].seed, 1);
});

test('after more crashes a minute than the policy allows, the host stops restarting and says why', async (t) => {
  const host = new EngineHost(nodeEngineLauncher(), { restart: { maxPerMinute: 1, firstDelayMs: 10 } });
  t.after(() => host.stop());
  const status = statusLog(host);
  await host.start();
  process.kill(host.pid!, 'SIGKILL');
  await status.waitFor('ready', 2);
  process.kill(host.pid!, 'SIGKILL');
  for (let i = 0; i < 300 && !/not restarted/.test(status.states.at(-1)?.message ?? ''); i++) await new Promise((r) => setTimeout(r, 10));
  assert.match(status.states.at(-1)!.message!, /crashed 2 times in the last minute/);
  await assert.rejects(host.load(tiny), EngineCrashedError);
  // A manual start() begins again.
  await host.start();
  assert.equal((await host.load(tiny, 'cpu')).type, 'loaded');
});

test('stop() shuts the engine down; requests after it reject', async () => {
  const host = new EngineHost(nodeEngineLauncher());
  await host.start();
  const pid = host.pid!;
  await host.stop();
  assert.equal(host.pid, undefined);
  assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the engine process is gone');
  await assert.rejects(host.load(tiny));
});
