/**
 * Issue 25's robustness suite: serve mode as the person runs it (its own process, the engine on the
 * tiny bundle) receives every generated malformed input (test-support/malformed-inputs.ts, over 300)
 * one by one. After each: the server process is up, a fresh connection gets engine:status answered
 * with the engine ready, the input itself got a reply (an HTTP status, a close, or a short error
 * message), and nothing outside the app's folders changed (a sandbox listed before and after).
 * Prints the counts; every count of failures must be 0.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { WebSocket } from 'ws';
import { afterHandshake, parseServerFrames, rawExchange, resetAfterSending } from '../test-support/raw-websocket.ts';
import { malformedInputs, type Target } from '../test-support/malformed-inputs.ts';
import { baseOnlyBundle } from '../test-support/bundle-variants.ts';
import { REPO_ROOT, tinyBundleDir } from '../test-support/paths.ts';
import { decodeWire, encodeWire } from '../wire/websocket-frames.ts';

const REPLY_MS = 5000;
let sandbox: string;
let server: { child: ChildProcess; port: number; token: string; exited: boolean } | null = null;
let output = '';
let bundleDir: string;

async function startServe(): Promise<NonNullable<typeof server>> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'serve/main.ts', '--port', '0', '--bundle', bundleDir, '--provider', 'cpu', '--settings', path.join(sandbox, 'config/settings.json'), '--static', path.join(sandbox, 'static')],
    { cwd: REPO_ROOT, env: { ...process.env, TMPDIR: path.join(sandbox, 'tmp'), HOME: path.join(sandbox, 'home') }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const s = { child, port: 0, token: '', exited: false };
  child.on('exit', () => (s.exited = true));
  child.stderr!.on('data', (d: Buffer) => (output += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d;
      const m = /Serving the editor at http:\/\/127\.0\.0\.1:(\d+)\/#token=([\w-]+)/.exec(output);
      if (m && !s.port) {
        s.port = Number(m[1]);
        s.token = m[2];
        resolve();
      }
    });
    child.once('exit', () => reject(new Error(`serve exited before listening:\n${output}`)));
  });
  const deadline = Date.now() + 120_000;
  while ((await engineState(s).catch(() => null)) !== 'ready') {
    if (Date.now() > deadline) throw new Error(`the engine did not become ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return s;
}

function target(s: NonNullable<typeof server>): Target {
  return { host: `127.0.0.1:${s.port}`, origin: `http://127.0.0.1:${s.port}`, token: s.token };
}

function connect(s: NonNullable<typeof server>): Promise<WebSocket> {
  const t = target(s);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${t.host}/api?token=${t.token}`, { origin: t.origin });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Sends one message and waits for its reply (any id; events are skipped): the envelope, or null on none. */
async function exchange(ws: WebSocket, message: Uint8Array | string, waitMs = REPLY_MS): Promise<{ ok: boolean; error?: { code: string; message: string } } | null> {
  return new Promise((resolve) => {
    const finish = (value: { ok: boolean } | null) => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      resolve(value);
    };
    const timer = setTimeout(() => finish(null), waitMs);
    const onMessage = (d: Buffer) => {
      const m = decodeWire(new Uint8Array(d));
      if (m.t === 'res') finish(m.envelope as never);
    };
    ws.on('message', onMessage);
    ws.once('close', () => finish(null));
    ws.send(message);
  });
}

/** Open sockets reused between inputs (the server never closes one over a malformed message). */
const open = new Map<string, WebSocket>();
async function socket(s: NonNullable<typeof server>, role: 'probe' | 'messages'): Promise<WebSocket> {
  const ws = open.get(role);
  if (ws && ws.readyState === ws.OPEN) return ws;
  const fresh = await connect(s);
  open.set(role, fresh);
  return fresh;
}

/** The server answers a fresh request: engine:status, the engine's state. */
async function engineState(s: NonNullable<typeof server>): Promise<string | null> {
  const reply = await exchange(await socket(s, 'probe'), encodeWire({ t: 'req', id: 1, channel: 'engine:status', input: {} }));
  return reply?.ok ? (reply as unknown as { value: { state: string } }).value.state : null;
}

/** Every file under the sandbox except the app's own folders (its work folder and its settings). */
async function listOutside(): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, rel: string) => {
    for (const name of await readdir(dir)) {
      const r = path.join(rel, name);
      if (r === 'config' || (rel === 'tmp' && name.startsWith('glide-serve-'))) continue;
      const st = await lstat(path.join(dir, name));
      out.push(`${r} ${st.isDirectory() ? 'dir' : st.size} ${st.mtimeMs}`);
      if (st.isDirectory()) await walk(path.join(dir, name), r);
    }
  };
  await walk(sandbox, '');
  return out.sort();
}

/** Short, one line, for a person: no stack traces, no object dumps, no key lists. */
function unclear(message: string): boolean {
  return message.length > 200 || /\n|\s{2}at |\[object |undefined|Unrecognized key|Symbol\(/.test(message);
}

before(async () => {
  sandbox = await mkdtemp(path.join(os.tmpdir(), 'robustness-'));
  for (const dir of ['tmp', 'config', 'static', 'home', 'outside']) await mkdir(path.join(sandbox, dir));
  await writeFile(path.join(sandbox, 'static/index.html'), '<!doctype html><title>editor</title>');
  await writeFile(path.join(sandbox, 'outside/victim.png'), 'do not overwrite');
  await symlink(path.join(sandbox, 'outside/victim.png'), path.join(sandbox, 'outside/link-to-victim'));
  // The tiny bundle's base stage: the real engine path in seconds.
  bundleDir = baseOnlyBundle(tinyBundleDir());
  server = await startServe();
});

after(async () => {
  for (const ws of open.values()) ws.terminate();
  if (server && !server.exited) {
    const exited = new Promise((r) => server!.child.once('exit', r));
    server.child.kill('SIGTERM');
    await exited;
  }
  await rm(sandbox, { recursive: true, force: true });
  rmSync(bundleDir, { recursive: true, force: true });
});

test('over 300 malformed inputs: 0 crashes, 0 hangs, 0 unclear messages, 0 writes outside the app\'s folders', async () => {
  const cases = await malformedInputs();
  const counts = { sent: 0, crashes: 0, hangs: 0, unclear: 0, engineDown: 0, writesOutside: 0 };
  const byCategory: Record<string, number> = {};
  const failures: string[] = [];
  const started = Date.now();
  const outsideBefore = await listOutside();

  const slowest: [number, string][] = [];
  for (const c of cases) {
    const caseStart = Date.now();
    let s = server!;
    const label = `${c.category}: ${c.name}`;
    counts.sent++;
    byCategory[c.category] = (byCategory[c.category] ?? 0) + 1;
    let replied = true;
    let message: string | undefined;
    if (c.via === 'raw') {
      const bytes = c.bytes(target(s));
      if (c.reset) await resetAfterSending(s.port, bytes);
      else {
        const answer = await rawExchange(s.port, bytes, REPLY_MS, {
          end: c.category === 'frame',
          // An upgrade is answered by its status line; a frame after the handshake by a frame (a close or a reply).
          until: (b) =>
            c.category === 'frame'
              ? /^HTTP\/1\.1 (?!101)/.test(b.toString('latin1', 0, 12)) || parseServerFrames(afterHandshake(b)).length > 0
              : b.includes('\r\n\r\n'),
        });
        replied = answer.status !== null || answer.closed;
      }
    } else {
      const reply = await exchange(await socket(s, 'messages'), c.message);
      replied = reply !== null;
      if (reply && !reply.ok) message = reply.error?.message;
      if (reply && !reply.ok && (reply.error?.code === 'internal' || unclear(reply.error?.message ?? ''))) {
        counts.unclear++;
        failures.push(`unclear: ${label}: ${reply.error?.code} ${reply.error?.message.slice(0, 300)}`);
      }
    }
    if (!replied) {
      counts.hangs++;
      failures.push(`no reply: ${label}`);
    }
    await new Promise((r) => setImmediate(r));
    if (s.exited) {
      counts.crashes++;
      failures.push(`crash: ${label}\n${output.slice(-2000)}`);
      for (const ws of open.values()) ws.terminate();
      open.clear();
      server = s = await startServe();
      continue;
    }
    const state = await engineState(s).catch(() => null);
    if (state !== 'ready') {
      counts.engineDown++;
      failures.push(`engine ${state ?? 'no answer'} after ${label}${message ? ` (${message})` : ''}`);
    }
    slowest.push([Date.now() - caseStart, label]);
  }
  slowest.sort((a, b) => b[0] - a[0]);
  console.log(`slowest inputs: ${slowest.slice(0, 5).map(([ms, l]) => `${l} ${ms} ms`).join('; ')}`);
  const outsideAfter = await listOutside();
  const changed = [...outsideAfter.filter((l) => !outsideBefore.includes(l)), ...outsideBefore.filter((l) => !outsideAfter.includes(l))];
  counts.writesOutside = changed.length;
  failures.push(...changed.map((l) => `changed outside the app's folders: ${l}`));

  // And the editor still works end to end: a real photo, a real edit on the engine.
  const ws = await connect(server!);
  const photo = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#336699' } }).png().toBuffer();
  const opened = (await exchange(ws, encodeWire({ t: 'req', id: 2, channel: 'image:open-bytes', input: { name: 'p.png', bytes: photo } }))) as unknown as { ok: boolean; value: { docId: string } };
  assert.equal(opened?.ok, true);
  const mask = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ffffff' } }).png().toBuffer();
  const editStarted = Date.now();
  const edit = await exchange(ws, encodeWire({ t: 'req', id: 3, channel: 'edit:run', input: { docId: opened.value.docId, runId: 'r1', editIds: [], mask, settings: { prompt: 'x', seed: 1, candidates: 1, steps: 2 } } }), 120_000);
  ws.terminate();

  console.log(
    `robustness: sent ${counts.sent} (${Object.entries(byCategory).map(([k, v]) => `${k} ${v}`).join(', ')}); crashes ${counts.crashes}, hangs ${counts.hangs}, ` +
      `unclear messages ${counts.unclear}, engine not ready ${counts.engineDown}, writes outside ${counts.writesOutside}; ${((editStarted - started) / 1000).toFixed(1)} s; ` +
      `then a real edit: ${edit?.ok ? 'answered' : 'FAILED'} in ${((Date.now() - editStarted) / 1000).toFixed(1)} s`,
  );
  assert.deepEqual(failures, []);
  assert.ok(counts.sent >= 300);
  assert.equal(edit?.ok, true, JSON.stringify(edit));
});
