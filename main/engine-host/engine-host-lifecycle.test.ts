/**
 * EngineHost's lifecycle rules against a scripted fake channel (no process): the handshake, message
 * checking, cancel before sending, stop during a restart. The real process is in engine-host.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineRequest } from '../engine/protocol.ts';
import { EditCancelledError, EngineCrashedError, EngineHost, EngineStoppedError, type EngineChannel } from './engine-host.ts';

class FakeEngine implements EngineChannel {
  sent: EngineRequest[] = [];
  private messageListeners: ((m: unknown) => void)[] = [];
  private exitListeners: ((i: { code: number | null; signal: string | null }) => void)[] = [];
  pid = 4242;
  killed = false;
  constructor(private readonly onSend: (msg: EngineRequest, engine: FakeEngine) => void = () => {}) {}
  send(msg: EngineRequest) {
    this.sent.push(msg);
    this.onSend(msg, this);
  }
  onMessage(l: (m: unknown) => void) {
    this.messageListeners.push(l);
  }
  onExit(l: (i: { code: number | null; signal: string | null }) => void) {
    this.exitListeners.push(l);
  }
  kill() {
    this.killed = true;
    this.exit(null, 'SIGKILL');
  }
  emit(m: unknown) {
    for (const l of this.messageListeners) l(m);
  }
  exit(code: number | null, signal: string | null = null) {
    queueMicrotask(() => { for (const l of this.exitListeners) l({ code, signal }); });
  }
}

/** A fake that says 'started' as soon as it is listened to, and exits on 'shutdown'. */
function launcher(onSend?: (msg: EngineRequest, e: FakeEngine) => void) {
  const engines: FakeEngine[] = [];
  const launch = () => {
    const e = new FakeEngine((msg, eng) => (msg.type === 'shutdown' ? eng.exit(0) : onSend?.(msg, eng)));
    engines.push(e);
    setImmediate(() => e.emit({ type: 'started', pid: e.pid }));
    return e;
  };
  return { engines, launch };
}

test('start() resolves on the started event; requests get distinct ids', async () => {
  const l = launcher();
  const host = new EngineHost(l.launch);
  await host.start();
  assert.equal(host.pid, 4242);
  void host.load('/a').catch(() => {});
  void host.load('/b').catch(() => {});
  await new Promise((r) => setImmediate(r));
  const ids = l.engines[0].sent.map((m) => m.id);
  assert.equal(new Set(ids).size, 2);
  await host.stop();
});

test('malformed engine messages are logged and ignored; a mismatched answer rejects', async () => {
  const logs: string[] = [];
  const l = launcher((msg, e) => {
    if (msg.type !== 'load') return;
    e.emit({ type: 'loaded', id: msg.id }); // missing bundle/provider: malformed
    e.emit({ type: 'exported', id: msg.id, outPath: '/x', bytes: 1 }); // valid, but not a load's answer
  });
  const host = new EngineHost(l.launch, { log: (m) => logs.push(m) });
  await host.start();
  await assert.rejects(host.load('/a'), (e: Error & { code?: string }) => e.code === 'internal' && /exported/.test(e.message));
  assert.match(logs.join('\n'), /malformed/);
  await host.stop();
});

test('cancel before the request reached the engine rejects at once and sends nothing', async () => {
  const l = launcher();
  const host = new EngineHost(l.launch);
  const run = host.edit({ source: { imagePath: '/p.png' }, mask: new Uint8Array(1), outDir: '/o', settings: { prompt: '', seed: 0 } });
  host.cancel(run.id);
  await assert.rejects(run.done, EditCancelledError);
  await host.start();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(l.engines[0].sent.filter((m) => m.type === 'edit'), []);
  await host.stop();
});

test('a crash rejects what was sent; what was not yet sent goes to the restarted engine', async () => {
  const l = launcher();
  const host = new EngineHost(l.launch, { restart: { firstDelayMs: 30 } });
  await host.start();
  const lost = host.load('/a');
  await new Promise((r) => setImmediate(r));
  l.engines[0].exit(null, 'SIGSEGV');
  await assert.rejects(lost, (e: unknown) => e instanceof EngineCrashedError && /SIGSEGV/.test(e.message));
  const waiting = host.load('/b'); // during the restart delay
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(l.engines.length, 2);
  const sent = l.engines[1].sent.find((m) => m.type === 'load')!;
  assert.equal(sent.type === 'load' && sent.bundleDir, '/b');
  l.engines[1].emit({
    type: 'loaded', id: sent.id, provider: { name: 'cpu', reason: 'x' },
    bundle: { dir: '/b', name: 'b', sha256: 'h', stages: ['base'], imageSize: 64, defaults: { guidanceScale: 3, steps: 2, sampler: 'ddim' }, license: 'MIT' },
  });
  assert.equal((await waiting).bundle.dir, '/b');
  await host.stop();
});

test('stop() during a restart delay settles everything: no hang', async () => {
  const l = launcher();
  const host = new EngineHost(l.launch, { restart: { firstDelayMs: 60_000 } });
  await host.start();
  l.engines[0].exit(1);
  await new Promise((r) => setImmediate(r));
  const starting = host.start();
  const pending = host.load('/a');
  await host.stop();
  await assert.rejects(starting, EngineStoppedError);
  await assert.rejects(pending, EngineStoppedError);
  assert.equal(l.engines.length, 1, 'no restart after stop');
});

test('stop() kills an engine that ignores shutdown', async () => {
  const engines: FakeEngine[] = [];
  const host = new EngineHost(() => {
    const e = new FakeEngine(); // never exits by itself
    engines.push(e);
    setImmediate(() => e.emit({ type: 'started', pid: 1 }));
    return e;
  }, { stopTimeoutMs: 20 });
  await host.start();
  await host.stop();
  assert.ok(engines[0].killed);
});
