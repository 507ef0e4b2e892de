import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { EngineHost } from '../engine-host/engine-host.ts';
import { utilityEngineLauncher, type UtilityFork, type UtilityProcessLike } from './utility-engine-launcher.ts';

/** Electron's UtilityProcess as far as the launcher uses it. */
class FakeUtility extends EventEmitter implements UtilityProcessLike {
  pid: number | undefined = undefined;
  posted: unknown[] = [];
  killed = false;
  postMessage(message: unknown) {
    this.posted.push(message);
  }
  kill() {
    this.killed = true;
    this.pid = undefined;
    queueMicrotask(() => this.emit('exit', 9));
    return true;
  }
  spawn(pid: number) {
    this.pid = pid;
    this.emit('spawn');
  }
}

function forkRecorder() {
  const forks: { modulePath: string; options: Parameters<UtilityFork>[2]; child: FakeUtility }[] = [];
  const fork: UtilityFork = (modulePath, _args, options) => {
    const child = new FakeUtility();
    forks.push({ modulePath, options, child });
    return child;
  };
  return { forks, fork };
}

test('maps postMessage, message, exit, kill and pid onto the engine channel', () => {
  const { forks, fork } = forkRecorder();
  const channel = utilityEngineLauncher({ fork, entry: '/app/dist/engine/engine-main.mjs', log: () => {} })();
  const [{ modulePath, options, child }] = forks;
  assert.equal(modulePath, '/app/dist/engine/engine-main.mjs');
  assert.equal(options.serviceName, 'GLIDE engine');

  assert.equal(channel.pid, undefined); // not spawned yet
  child.spawn(4242);
  assert.equal(channel.pid, 4242);

  const shutdown = { type: 'shutdown', id: 'r1' } as const;
  channel.send(shutdown);
  assert.deepEqual(child.posted, [shutdown]);

  const messages: unknown[] = [];
  channel.onMessage((m) => messages.push(m));
  child.emit('message', { type: 'started', pid: 4242 });
  assert.deepEqual(messages, [{ type: 'started', pid: 4242 }]);

  const exits: unknown[] = [];
  channel.onExit((info) => exits.push(info));
  child.emit('exit', 134);
  assert.deepEqual(exits, [{ code: 134, signal: null }]);

  // After the exit nothing more is posted to the dead process.
  channel.send(shutdown);
  assert.equal(child.posted.length, 1);
});

test('kill() ends the process; a V8 fatal error is logged and its exit reported', async () => {
  const { forks, fork } = forkRecorder();
  const logged: string[] = [];
  const channel = utilityEngineLauncher({ fork, entry: '/e.mjs', log: (m) => logged.push(m) })();
  const exits: unknown[] = [];
  channel.onExit((info) => exits.push(info));
  forks[0].child.emit('error', 'FatalError', 'v8::Something', '{}');
  assert.match(logged[0], /FatalError at v8::Something/);
  channel.kill();
  assert.equal(forks[0].child.killed, true);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(exits, [{ code: 9, signal: null }]);
});

test('an engine host over the launcher restarts the engine when it dies and reloads the bundle', async () => {
  const { forks, fork } = forkRecorder();
  // A fake engine: says 'started' once spawned and answers 'load'.
  const launcher = utilityEngineLauncher({
    fork: (modulePath, args, options) => {
      const child = fork(modulePath, args, options) as FakeUtility;
      child.postMessage = (message: unknown) => {
        child.posted.push(message);
        const m = message as { type: string; id: string; bundleDir: string };
        if (m.type === 'load') {
          queueMicrotask(() =>
            child.emit('message', {
              type: 'loaded',
              id: m.id,
              bundle: { dir: m.bundleDir, name: 'fake', sha256: 'x', stages: ['base'], imageSize: 64, defaults: { guidanceScale: 3, steps: 10, sampler: 'ddim' }, license: 'MIT' },
              provider: { name: 'cpu', reason: 'test' },
            }),
          );
        }
      };
      setImmediate(() => {
        child.spawn(1000 + forks.length);
        child.emit('message', { type: 'started', pid: child.pid });
      });
      return child;
    },
    entry: '/e.mjs',
    log: () => {},
  });
  const host = new EngineHost(launcher, { restart: { firstDelayMs: 1, maxDelayMs: 1 }, log: () => {} });
  const states: string[] = [];
  host.onStatus((s) => states.push(s.state));
  await host.start();
  await host.load('/models/default', 'cpu');
  assert.equal(forks.length, 1);

  forks[0].child.kill(); // as if the engine crashed
  await new Promise((r) => setTimeout(r, 50));
  await host.start(); // resolves once the restarted engine is up
  assert.equal(forks.length, 2);
  assert.deepEqual(states, ['starting', 'ready', 'crashed', 'restarting', 'ready']);
  const reload = forks[1].child.posted.find((m) => (m as { type: string }).type === 'load') as { bundleDir: string };
  assert.equal(reload.bundleDir, '/models/default');
  host.stop().catch(() => {});
  forks[1].child.kill();
});
