/**
 * The serve-mode server against the inputs of issue 25's audit: invalid upgrade targets, resets,
 * WebSocket protocol errors, messages that are not requests, in-flight floods, bad % escapes.
 * Any uncaught error here would end the test process; each case also checks the server still answers.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { hostFixture, type HostFixture } from '../main/host/testing/host-fixture.ts';
import type { Handlers } from '../main/host/register-handlers.ts';
import { afterHandshake, parseServerFrames, rawExchange, resetAfterSending, upgradeRequest, wsFrame } from '../test-support/raw-websocket.ts';
import { startServeServer, type ServeServer } from './http-server.ts';
import { decodeWire, encodeWire } from '../wire/websocket-frames.ts';

const TOKEN = 'hardening-token';
let f: HostFixture;
let server: ServeServer;
let staticDir: string;
let releaseSlow: () => void = () => {};
const logged: string[] = [];

before(async () => {
  f = await hostFixture();
  staticDir = await mkdtemp(path.join(os.tmpdir(), 'serve-static-'));
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>x</title>');
  // engine:restart waits until released, to hold requests in flight.
  const handlers: Handlers = {
    ...f.host.handlers,
    'engine:restart': () => new Promise((resolve) => (releaseSlow = () => resolve(f.session.current()))),
  };
  server = await startServeServer({
    port: 0,
    staticDir,
    token: TOKEN,
    files: f.files,
    handlers,
    maxPayloadBytes: 1024 * 1024,
    limits: { maxInFlight: 4, maxInFlightBytes: 64 * 1024 * 1024 },
    heartbeatMs: 200,
    log: (m) => logged.push(m),
  });
});
after(async () => {
  await server.close();
  await f.close();
  await rm(staticDir, { recursive: true, force: true });
});

const host = () => `127.0.0.1:${server.port}`;
const origin = () => `http://${host()}`;
const goodUpgrade = () => upgradeRequest({ target: `/api?token=${TOKEN}`, host: host(), origin: origin() });

function connect(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${host()}/api?token=${TOKEN}`, { origin: origin() });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function nextReply(ws: WebSocket): Promise<any> {
  return new Promise((resolve) => ws.once('message', (d: Buffer) => resolve(decodeWire(new Uint8Array(d)))));
}

/** The server is up: a new socket gets app:info answered. */
async function assertAnswers(): Promise<void> {
  const ws = await connect();
  const reply = nextReply(ws);
  ws.send(encodeWire({ t: 'req', id: 1, channel: 'app:info', input: {} }));
  assert.equal((await reply).envelope.ok, true);
  ws.close();
}

test('an invalid upgrade target is answered 400 and the server stays up', async () => {
  for (const target of ['http://[/api', 'http://[::1/api?token=x', '//[', 'http://a:b@[/']) {
    const answer = await rawExchange(server.port, upgradeRequest({ target, host: host(), origin: origin() }));
    assert.equal(answer.status, 400, target);
  }
  await assertAnswers();
});

test('300 refused upgrades whose clients reset at once do not take the server down', async () => {
  const bad = upgradeRequest({ target: '/api?token=wrong', host: host(), origin: origin() });
  for (let i = 0; i < 300; i += 30) await Promise.all(Array.from({ length: 30 }, () => resetAfterSending(server.port, bad)));
  await Promise.all(Array.from({ length: 30 }, () => resetAfterSending(server.port, goodUpgrade())));
  await assertAnswers();
});

test('WebSocket protocol errors close that socket only', async () => {
  const text = (s: string) => Buffer.from(s);
  const cases: [string, Buffer][] = [
    ['unmasked frame', wsFrame({ opcode: 2, payload: text('abc'), mask: false })],
    ['reserved opcode 3', wsFrame({ opcode: 3, payload: text('x') })],
    ['reserved opcode 11', wsFrame({ opcode: 11 })],
    ['RSV1 without an extension', wsFrame({ opcode: 2, payload: text('x'), rsv: 4 })],
    ['RSV3', wsFrame({ opcode: 2, rsv: 1 })],
    ['invalid UTF-8 text', wsFrame({ opcode: 1, payload: Buffer.from([0xc3, 0x28, 0xff]) })],
    ['over maxPayload', wsFrame({ opcode: 2, payload: Buffer.alloc(1024 * 1024 + 1) })],
    ['claims 2^62 bytes', wsFrame({ opcode: 2, declaredLength: 2 ** 52 })],
    ['fragmented control frame', wsFrame({ opcode: 9, fin: false })],
    ['continuation without a start', wsFrame({ opcode: 0, payload: text('x') })],
    ['control frame over 125 bytes', wsFrame({ opcode: 9, payload: Buffer.alloc(200) })],
    ['close with invalid code', wsFrame({ opcode: 8, payload: Buffer.from([0x03, 0xe7]) })],
  ];
  for (const [name, frame] of cases) {
    const answer = await rawExchange(server.port, Buffer.concat([Buffer.from(goodUpgrade()), frame]), 3000);
    assert.equal(answer.status, 101, name);
    const closes = parseServerFrames(afterHandshake(answer.bytes)).filter((fr) => fr.opcode === 8);
    assert.equal(closes.length, 1, `${name}: closed with a status`);
    assert.ok(closes[0].payload.readUInt16BE(0) >= 1002, name);
  }
  await assertAnswers();
});

test('every message that is not a valid request gets a short bad-request reply', async () => {
  const ws = await connect();
  const header = (json: string) => {
    const h = Buffer.from(json);
    const b = Buffer.alloc(4 + h.length);
    b.writeUInt32LE(h.length, 0);
    h.copy(b, 4);
    return b;
  };
  const messages: [string, Buffer | string][] = [
    ['null header', header('null')],
    ['no channel', header('{"t":"req","id":5,"input":{}}')],
    ['channel a number', header('{"t":"req","id":6,"channel":7,"input":{}}')],
    ['channel an object', header('{"t":"req","id":7,"channel":{"toString":1},"input":{}}')],
    ['unknown channel', header('{"t":"req","id":8,"channel":"__proto__","input":{}}')],
    ['a response from the page', header('{"t":"res","id":9,"envelope":{}}')],
    ['an array', header('[1,2,3]')],
    ['not JSON', header('{"t":')],
    ['header longer than the frame', Buffer.from([255, 255, 255, 0, 1])],
    ['bytes reference out of range', header('{"t":"req","id":10,"channel":"app:info","input":{"$bytes":[0,99]}}')],
    ['bytes reference not a pair', header('{"t":"req","id":11,"channel":"app:info","input":{"$bytes":5}}')],
    ['text frame', 'hello'],
    ['deep nesting', header('['.repeat(100_000) + ']'.repeat(100_000))],
  ];
  for (const [name, message] of messages) {
    const reply = nextReply(ws);
    ws.send(message);
    const m = await reply;
    assert.equal(m.t, 'res', name);
    assert.equal(m.envelope.ok, false, name);
    assert.equal(m.envelope.error.code, 'bad-request', name);
    assert.ok(m.envelope.error.message.length < 200, `${name}: ${m.envelope.error.message}`);
  }
  ws.close();
  await assertAnswers();
});

test('bytes where an object is expected answer a short message, not a list of keys', async () => {
  const ws = await connect();
  for (const channel of ['app:info', 'settings:set', 'edit:run']) {
    const reply = nextReply(ws);
    ws.send(encodeWire({ t: 'req', id: 3, channel, input: new Uint8Array(5000) }));
    const m = await reply;
    assert.equal(m.envelope.error.code, 'bad-request');
    assert.ok(m.envelope.error.message.length < 120, m.envelope.error.message);
  }
  const reply = nextReply(ws);
  ws.send(encodeWire({ t: 'req', id: 4, channel: 'app:info', input: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])) }));
  const m = await reply;
  assert.match(m.envelope.error.message, /unexpected fields "k0", "k1", "k2" and 4997 more/);
  ws.close();
});

test('requests in flight are capped per socket; the excess is answered busy at once', async () => {
  const ws = await connect();
  const replies: any[] = [];
  ws.on('message', (d: Buffer) => replies.push(decodeWire(new Uint8Array(d))));
  for (let id = 1; id <= 6; id++) ws.send(encodeWire({ t: 'req', id, channel: 'engine:restart', input: {} }));
  while (replies.length < 2) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(replies.map((r) => [r.id, r.envelope.error?.code]), [[5, 'busy'], [6, 'busy']]);
  releaseSlow();
  ws.close();
  await assertAnswers();
});

test('a socket that stops answering pings is dropped', async () => {
  const answer = await rawExchange(server.port, goodUpgrade(), 1500);
  assert.equal(answer.status, 101);
  assert.equal(answer.closed, true, 'the server closed the silent socket');
  const pings = parseServerFrames(afterHandshake(answer.bytes)).filter((fr) => fr.opcode === 9);
  assert.ok(pings.length >= 1);
});

test('malformed percent escapes and targets are 400, never 500', async () => {
  for (const target of ['/%E0%A4%A', '/assets/%', '/%zz', 'http://[/']) {
    const answer = await rawExchange(server.port, `GET ${target} HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`);
    assert.equal(answer.status, 400, target);
  }
  const garbage = await rawExchange(server.port, 'NOT AN HTTP REQUEST\r\n\r\n');
  assert.equal(garbage.status, 400);
  await assertAnswers();
});
