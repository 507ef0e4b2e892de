/**
 * The robustness suite's inputs, generated: upgrades (targets, hosts, origins, tokens, resets),
 * raw HTTP, WebSocket frames that break the protocol, wire messages that are not requests,
 * contract messages on every channel (wrong types, shapes, sizes), crafted project files and
 * broken images. Each case says how it travels; serve/robustness.test.ts sends them one by one.
 */
import sharp from 'sharp';
import { CHANNELS } from '../main/contract.ts';
import { encodeProject, type ProjectManifest } from '../main/host/project-file.ts';
import { encodeWire } from '../wire/websocket-frames.ts';
import { upgradeRequest, wsFrame } from './raw-websocket.ts';

export interface Target {
  host: string;
  origin: string;
  token: string;
}

/** Bytes sent on a fresh TCP connection; a reply (any HTTP status, or a close) is expected unless reset. */
export interface RawCase {
  via: 'raw';
  category: 'upgrade' | 'http' | 'frame';
  name: string;
  bytes: (t: Target) => Buffer;
  /** The client resets the connection right after sending: nothing to wait for. */
  reset?: boolean;
}

/** A WebSocket message on an authenticated socket; a bad-request (or other error) reply is expected. */
export interface MessageCase {
  via: 'message';
  category: 'wire' | 'contract' | 'project' | 'image';
  name: string;
  message: Uint8Array | string;
}

export type MalformedCase = RawCase | MessageCase;

const CRLF = '\r\n';

function upgradeCases(): RawCase[] {
  const cases: RawCase[] = [];
  const up = (name: string, build: (t: Target) => string, reset = false) => cases.push({ via: 'raw', category: 'upgrade', name, bytes: (t) => Buffer.from(build(t)), reset });
  const targets = [
    'http://[/api', 'http://[::1/api', '//[', 'http://a:b@[/', '*', '', '/api?token=%zz', '/api?token=%', '/api/../api', '/API',
    '/api/', '/api?token', '/api?token=&token=', '/%00api', '/api#x', `/api?token=${'a'.repeat(8000)}`, 'ftp://x/api', 'http://127.0.0.1:1/api',
    '/api?token[]=x', '/.%2e/api',
  ];
  for (const target of targets) up(`target ${JSON.stringify(target.slice(0, 40))}`, (t) => upgradeRequest({ target, host: t.host, origin: t.origin }));
  for (const host of ['evil.example', 'localhost', '127.0.0.1', '127.0.0.1:1', '', '[::1]', '127.0.0.1:0x50', 'x'.repeat(3000)]) {
    up(`host ${JSON.stringify(host.slice(0, 30))}`, (t) => upgradeRequest({ target: `/api?token=${t.token}`, host, origin: t.origin }));
  }
  for (const origin of ['null', 'http://evil.example', 'HTTP://127.0.0.1', 'file://', '', 'http://127.0.0.1', 'https://127.0.0.1']) {
    up(`origin ${JSON.stringify(origin)}`, (t) => upgradeRequest({ target: `/api?token=${t.token}`, host: t.host, origin }));
  }
  up('no origin', (t) => upgradeRequest({ target: `/api?token=${t.token}`, host: t.host }));
  for (const token of ['', 'x', 'wrong-token', '%00', 'é'.repeat(40)]) {
    up(`token ${JSON.stringify(token.slice(0, 12))}`, (t) => upgradeRequest({ target: `/api?token=${encodeURIComponent(token)}`, host: t.host, origin: t.origin }));
  }
  up('token with a different length', (t) => upgradeRequest({ target: `/api?token=${t.token}x`, host: t.host, origin: t.origin }));
  const handshake = (t: Target, lines: string[]) => [`GET /api?token=${t.token} HTTP/1.1`, `Host: ${t.host}`, `Origin: ${t.origin}`, ...lines].join(CRLF) + CRLF + CRLF;
  up('no Sec-WebSocket-Key', (t) => handshake(t, ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13']));
  up('Sec-WebSocket-Version 8', (t) => handshake(t, ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 8']));
  up('bad key', (t) => handshake(t, ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: short', 'Sec-WebSocket-Version: 13']));
  up('Upgrade: h2c', (t) => handshake(t, ['Upgrade: h2c', 'Connection: Upgrade']));
  up('POST upgrade', (t) => upgradeRequest({ target: `/api?token=${t.token}`, host: t.host, origin: t.origin }).replace('GET', 'POST'));
  up('bad extension offer', (t) => upgradeRequest({ target: `/api?token=${t.token}`, host: t.host, origin: t.origin, headers: { 'Sec-WebSocket-Extensions': 'permessage-deflate; server_max_window_bits=99' } }));
  // Resets: refused and accepted upgrades whose clients drop at once, and ones cut mid-header.
  for (let i = 0; i < 12; i++) up(`reset after a refused upgrade #${i}`, (t) => upgradeRequest({ target: '/api?token=wrong', host: t.host, origin: t.origin }), true);
  for (let i = 0; i < 6; i++) up(`reset after a good upgrade #${i}`, (t) => upgradeRequest({ target: `/api?token=${t.token}`, host: t.host, origin: t.origin }), true);
  for (const cut of [5, 20, 60]) up(`reset mid-headers at ${cut}`, (t) => upgradeRequest({ target: `/api?token=${t.token}`, host: t.host, origin: t.origin }).slice(0, cut), true);
  return cases;
}

function httpCases(): RawCase[] {
  const get = (target: string, extra = '') => (t: Target) => Buffer.from(`GET ${target} HTTP/1.1${CRLF}Host: ${t.host}${CRLF}${extra}Connection: close${CRLF}${CRLF}`);
  const cases: [string, (t: Target) => Buffer][] = [
    ...['/%E0%A4%A', '/assets/%', '/%zz', 'http://[/', '/%2e%2e/%2e%2e/etc/passwd', '/files/..%2F..%2Fx', '/files/%00', '/index.html%00.png', '/\\..\\x', `/${'a'.repeat(7000)}`].map(
      (target): [string, (t: Target) => Buffer] => [`GET ${target.slice(0, 30)}`, get(target)],
    ),
    ['garbage line', () => Buffer.from(`NOT HTTP${CRLF}${CRLF}`)],
    ['binary garbage', () => Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10])],
    ['header without colon', get('/', `Broken header line${CRLF}`)],
    ['100 KB header', get('/', `X-Big: ${'a'.repeat(100_000)}${CRLF}`)],
    ['DELETE', (t) => Buffer.from(`DELETE / HTTP/1.1${CRLF}Host: ${t.host}${CRLF}Connection: close${CRLF}${CRLF}`)],
    ['no Host', () => Buffer.from(`GET / HTTP/1.1${CRLF}Connection: close${CRLF}${CRLF}`)],
    ['HTTP/9.9', (t) => Buffer.from(`GET / HTTP/9.9${CRLF}Host: ${t.host}${CRLF}${CRLF}`)],
    ['bad chunked body', (t) => Buffer.from(`POST / HTTP/1.1${CRLF}Host: ${t.host}${CRLF}Transfer-Encoding: chunked${CRLF}${CRLF}zz${CRLF}`)],
    ['content-length and chunked', (t) => Buffer.from(`POST / HTTP/1.1${CRLF}Host: ${t.host}${CRLF}Content-Length: 3${CRLF}Transfer-Encoding: chunked${CRLF}${CRLF}0${CRLF}${CRLF}`)],
    ['negative content-length', (t) => Buffer.from(`POST / HTTP/1.1${CRLF}Host: ${t.host}${CRLF}Content-Length: -1${CRLF}${CRLF}`)],
  ];
  return cases.map(([name, bytes]) => ({ via: 'raw', category: 'http', name, bytes }));
}

function frameCases(): RawCase[] {
  const b = (s: string) => Buffer.from(s);
  const frames: [string, Buffer][] = [
    ['unmasked binary', wsFrame({ opcode: 2, payload: b('abc'), mask: false })],
    ['unmasked close', wsFrame({ opcode: 8, mask: false })],
    ...[3, 4, 5, 6, 7, 11, 12, 13, 14, 15].map((opcode): [string, Buffer] => [`reserved opcode ${opcode}`, wsFrame({ opcode, payload: b('x') })]),
    ...[1, 2, 3, 4, 5, 6, 7].map((rsv): [string, Buffer] => [`RSV bits ${rsv}`, wsFrame({ opcode: 2, payload: b('x'), rsv })]),
    ['invalid UTF-8 text', wsFrame({ opcode: 1, payload: Buffer.from([0xc3, 0x28]) })],
    ['overlong UTF-8 text', wsFrame({ opcode: 1, payload: Buffer.from([0xc0, 0xaf]) })],
    ['UTF-16 surrogate in text', wsFrame({ opcode: 1, payload: Buffer.from([0xed, 0xa0, 0x80]) })],
    ['declares 1 TiB', wsFrame({ opcode: 2, declaredLength: 2 ** 40 })],
    ['declares 2^63', Buffer.concat([Buffer.from([0x82, 0xff]), Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0]), Buffer.alloc(4)])],
    ['declares just over the limit', wsFrame({ opcode: 2, declaredLength: 256 * 1024 * 1024 + 1 })],
    ['truncated frame then end', wsFrame({ opcode: 2, payload: b('abcdef'), declaredLength: 100 })],
    ['fragmented ping', wsFrame({ opcode: 9, fin: false })],
    ['ping over 125 bytes', wsFrame({ opcode: 9, payload: Buffer.alloc(126) })],
    ['continuation without start', wsFrame({ opcode: 0, payload: b('x') })],
    ['new message inside a fragmented one', Buffer.concat([wsFrame({ opcode: 2, fin: false, payload: b('a') }), wsFrame({ opcode: 2, payload: b('b') })])],
    ['close with code 999', wsFrame({ opcode: 8, payload: Buffer.from([0x03, 0xe7]) })],
    ['close with code 1005', wsFrame({ opcode: 8, payload: Buffer.from([0x03, 0xed]) })],
    ['close with a 1-byte body', wsFrame({ opcode: 8, payload: Buffer.from([0x03]) })],
    ['close with invalid UTF-8 reason', wsFrame({ opcode: 8, payload: Buffer.from([0x03, 0xe8, 0xff, 0xfe]) })],
    ['16-bit length used for 5 bytes', Buffer.concat([Buffer.from([0x82, 0xfe, 0, 5]), Buffer.alloc(4), b('hello')])],
    ['text frame', wsFrame({ opcode: 1, payload: b('{"t":"req"}') })],
    ['empty binary frame', wsFrame({ opcode: 2 })],
  ];
  return frames.map(([name, frame]) => ({
    via: 'raw',
    category: 'frame',
    name,
    bytes: (t) => Buffer.concat([Buffer.from(upgradeRequest({ target: `/api?token=${t.token}`, host: t.host, origin: t.origin })), frame]),
  }));
}

/** A wire frame with a hand-written JSON header. */
function rawHeader(json: string, parts = Buffer.alloc(0)): Uint8Array {
  const h = Buffer.from(json);
  const out = Buffer.alloc(4 + h.length + parts.length);
  out.writeUInt32LE(h.length, 0);
  h.copy(out, 4);
  parts.copy(out, 4 + h.length);
  return out;
}

function wireCases(): MessageCase[] {
  const cases: [string, Uint8Array | string][] = [
    ['null header', rawHeader('null')],
    ['number header', rawHeader('42')],
    ['string header', rawHeader('"req"')],
    ['array header', rawHeader('[1,2]')],
    ['empty object', rawHeader('{}')],
    ['no channel', rawHeader('{"t":"req","id":1,"input":{}}')],
    ['channel number', rawHeader('{"t":"req","id":1,"channel":5,"input":{}}')],
    ['channel null', rawHeader('{"t":"req","id":1,"channel":null,"input":{}}')],
    ['channel object', rawHeader('{"t":"req","id":1,"channel":{},"input":{}}')],
    ['channel __proto__', rawHeader('{"t":"req","id":1,"channel":"__proto__","input":{}}')],
    ['channel constructor', rawHeader('{"t":"req","id":1,"channel":"constructor","input":{}}')],
    ['channel toString', rawHeader('{"t":"req","id":1,"channel":"toString","input":{}}')],
    ['channel 10 KB', rawHeader(JSON.stringify({ t: 'req', id: 1, channel: 'x'.repeat(10_000), input: {} }))],
    ['id string', rawHeader('{"t":"req","id":"1","channel":"app:info","input":{}}')],
    ['id negative', rawHeader('{"t":"req","id":-1,"channel":"app:info","input":{}}')],
    ['id fraction', rawHeader('{"t":"req","id":1.5,"channel":"app:info","input":{}}')],
    ['id huge', rawHeader('{"t":"req","id":1e300,"channel":"app:info","input":{}}')],
    ['no input', rawHeader('{"t":"req","id":1,"channel":"app:info"}')],
    ['t res', rawHeader('{"t":"res","id":1,"envelope":{}}')],
    ['t evt', rawHeader('{"t":"evt","event":"engine:status","payload":{}}')],
    ['__proto__ key', rawHeader('{"t":"req","id":1,"channel":"app:info","input":{"__proto__":{"polluted":1}}}')],
    ['extra top-level key', rawHeader('{"t":"req","id":1,"channel":"app:info","input":{},"x":1}')],
    ['not JSON', rawHeader('{"t":')],
    ['invalid UTF-8 header', rawHeader('\udcff')],
    ['header length past the end', Buffer.from([255, 255, 255, 127, 123])],
    ['3 bytes', Buffer.from([1, 2, 3])],
    ['zero-length header', Buffer.from([0, 0, 0, 0])],
    ['bytes ref out of range', rawHeader('{"t":"req","id":1,"channel":"app:info","input":{"$bytes":[0,9]}}')],
    ['bytes ref negative', rawHeader('{"t":"req","id":1,"channel":"app:info","input":{"$bytes":[-1,1]}}', Buffer.alloc(2))],
    ['bytes ref not a pair', rawHeader('{"t":"req","id":1,"channel":"app:info","input":{"$bytes":7}}')],
    ['bytes ref strings', rawHeader('{"t":"req","id":1,"channel":"app:info","input":{"$bytes":["0","1"]}}', Buffer.alloc(2))],
    ['100k nesting', rawHeader('['.repeat(100_000) + ']'.repeat(100_000))],
    ['100k nested objects in input', rawHeader(`{"t":"req","id":1,"channel":"settings:set","input":${'{"run":'.repeat(50_000)}{}${'}'.repeat(50_000)}}`)],
    ['text message', 'hello'],
    ['text JSON request', JSON.stringify({ t: 'req', id: 1, channel: 'app:info', input: {} })],
  ];
  return cases.map(([name, message]) => ({ via: 'message', category: 'wire', name, message }));
}

const req = (channel: string, input: unknown) => encodeWire({ t: 'req', id: 7, channel, input });

/** Inputs that are wrong for every channel, then per-field mutations of each channel's valid input. */
function contractCases(valid: Record<string, Record<string, unknown>>): MessageCase[] {
  const cases: MessageCase[] = [];
  const add = (channel: string, name: string, input: unknown) => cases.push({ via: 'message', category: 'contract', name: `${channel}: ${name}`, message: req(channel, input) });
  const wrongValues: [string, unknown][] = [
    ['null', null],
    ['array', [1]],
    ['bytes', new Uint8Array(300)],
  ];
  for (const channel of CHANNELS) {
    for (const [name, value] of wrongValues) add(channel, `input ${name}`, value);
    add(channel, 'extra field', { ...valid[channel], zzExtra: 1 });
    if (channel.startsWith('image:') || channel.startsWith('settings:')) {
      add(channel, '5000 extra fields', { ...valid[channel], ...Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])) });
    }
    for (const field of Object.keys(valid[channel] ?? {})) {
      const base = valid[channel];
      const { [field]: _dropped, ...without } = base;
      add(channel, `${field} missing`, without);
      add(channel, `${field} wrong type`, { ...base, [field]: typeof base[field] === 'string' ? 12 : 'str' });
      add(channel, `${field} bytes`, { ...base, [field]: new Uint8Array(10) });
      if (typeof base[field] === 'string') add(channel, `${field} 100 KB`, { ...base, [field]: 'y'.repeat(100_000) });
      if (typeof base[field] === 'string') add(channel, `${field} traversal`, { ...base, [field]: '../../../../etc/passwd' });
    }
  }
  return cases;
}

/** A minimal valid input per channel (what the mutations start from). */
export function validInputs(png: Uint8Array): Record<string, Record<string, unknown>> {
  const id = 'aB3_-x';
  return {
    'app:info': {},
    'image:open-bytes': { name: 'p.png', bytes: png },
    'image:open-path': { path: '/tmp/p.png' },
    'image:open-dialog': {},
    'document:close': { docId: id },
    'edit:run': { docId: id, runId: id, editIds: [], mask: png, settings: { prompt: 'x', seed: 1, candidates: 1 } },
    'edit:cancel': { runId: id },
    'candidate:accept': { docId: id, candidateId: id },
    'candidate:discard': { docId: id, candidateIds: [id] },
    'export:image': { docId: id, editIds: [], format: 'png' },
    'project:save': { docId: id, state: { entries: [], position: 0 } },
    'project:open-bytes': { name: 'p.glideproj', bytes: png },
    'project:open-path': { path: '/tmp/p.glideproj' },
    'project:open-dialog': {},
    'model:choose-dialog': {},
    'settings:get': {},
    'settings:set': { run: { candidates: 2 } },
    'engine:status': {},
    'engine:restart': {},
    'autosave:write': { docId: id, state: { entries: [], position: 0 }, dirty: true, run: { prompt: '', guidanceScale: null, steps: null, seedMode: 'random', seed: 0, candidates: 1 }, staging: null },
    'autosave:check': {},
    'autosave:restore': {},
    'autosave:discard': {},
    'models:list': {},
    'models:use': { id },
    'models:remove': { id },
    'models:official-offer': {},
    'models:get-official': { variant: 'base', fp16: false },
    'models:install-control': { action: 'pause' },
    'models:import-dialog': { fp16: false },
    'models:add-folder-dialog': {},
  };
}

/** A manifest as plain JSON, to be damaged field by field. */
// biome-ignore lint/suspicious/noExplicitAny: crafted manifests are deliberately untyped
type Loose = any;

async function projectCases(photo: Buffer, mask: Buffer): Promise<MessageCase[]> {
  const recipe = { prompt: 'p', seed: 1, guidanceScale: 3, steps: 4, sampler: 'ddim', model: { name: 'm', sha256: 'x' }, createdAt: '2026-01-01' };
  const good = (): { manifest: Loose; blobs: Map<string, Uint8Array> } => ({
    manifest: {
      format: 'glide-inpaint-project',
      document: { name: 'p.png', blob: 'original' },
      edits: [{ editId: 'e1', x: 0, y: 0, width: 8, height: 8, seed: 1, recipe, patchBlob: 'patch-e1', maskBlob: 'mask-0' }],
      state: { entries: [{ kind: 'edit', editId: 'e1', label: 'x' }], position: 1 },
    },
    blobs: new Map<string, Uint8Array>([['original', photo], ['patch-e1', mask], ['mask-0', mask]]),
  });
  const variants: [string, (p: { manifest: Loose; blobs: Map<string, Uint8Array> }) => void][] = [];
  const names = ['../../victim', '../victim', '/tmp/victim', '/etc/passwd', 'C:\\Windows\\x', 'mask-0/../../../x', 'link-to-victim', '..', '.', '', 'mask-0\u0000', '%2e%2e/x', 'mask-99999999', 'patch-' + 'a'.repeat(70)];
  for (const evil of names) {
    for (const field of ['maskBlob', 'patchBlob'] as const) {
      variants.push([`${field} ${JSON.stringify(evil.slice(0, 20))}`, (p) => {
        p.blobs.set(evil, p.blobs.get(p.manifest.edits[0][field])!);
        p.manifest.edits[0][field] = evil;
      }]);
    }
    variants.push([`document blob ${JSON.stringify(evil.slice(0, 20))}`, (p) => {
      p.blobs.set(evil, photo);
      p.manifest.document.blob = evil;
    }]);
  }
  const typed: [string, (m: Loose) => void][] = [
    ['x negative', (m) => (m.edits[0].x = -5)],
    ['x string', (m) => (m.edits[0].x = '0')],
    ['width 1e12', (m) => (m.edits[0].width = 1e12)],
    ['width NaN-like', (m) => (m.edits[0].width = null)],
    ['edit outside the photo', (m) => (m.edits[0].x = 60)],
    ['editId traversal', (m) => (m.edits[0].editId = '../../etc')],
    ['duplicate edits', (m) => m.edits.push(structuredClone(m.edits[0]))],
    ['unknown edit in history', (m) => (m.state.entries[0].editId = 'zz')],
    ['position past the end', (m) => (m.state.position = 99)],
    ['10,001 edits', (m) => (m.edits = Array.from({ length: 10_001 }, (_, i) => ({ ...m.edits[0], editId: `e${i}` })))],
    ['prompt 1 MB', (m) => (m.edits[0].recipe.prompt = 'p'.repeat(1_000_000))],
    ['name 10 KB', (m) => (m.document.name = 'n'.repeat(10_000))],
    ['manifest null', (m) => Object.keys(m).forEach((k) => delete m[k])],
    ['edits object', (m) => (m.edits = { 0: m.edits[0] })],
    ['state entries bytes', (m) => (m.state.entries = 'abc')],
    ['extra field', (m) => (m.zz = 1)],
    ['format wrong', (m) => (m.format = 'zip')],
  ];
  for (const [name, alter] of typed) variants.push([name, (p) => alter(p.manifest)]);
  variants.push(['mask not a PNG', (p) => p.blobs.set('mask-0', Buffer.from('GIF89a'))]);
  variants.push(['patch empty', (p) => p.blobs.set('patch-e1', new Uint8Array(0))]);
  variants.push(['original missing', (p) => p.blobs.delete('original')]);
  variants.push(['original not an image', (p) => p.blobs.set('original', Buffer.from('hello'))]);
  const cases: MessageCase[] = variants.map(([name, alter]) => {
    const p = good();
    alter(p);
    return { via: 'message', category: 'project', name, message: req('project:open-bytes', { name: 'x.glideproj', bytes: encodeProject(p.manifest as ProjectManifest, p.blobs) }) };
  });
  // Container-level damage.
  const bytes = encodeProject(good().manifest, good().blobs);
  const container: [string, Buffer][] = [
    ['header length 4 GiB', Buffer.concat([bytes.subarray(0, 12), Buffer.from([255, 255, 255, 255]), bytes.subarray(16)])],
    ['version 99', Buffer.concat([bytes.subarray(0, 8), Buffer.from([99, 0, 0, 0]), bytes.subarray(12)])],
    ['truncated in the header', bytes.subarray(0, 40)],
    ['truncated in the blobs', bytes.subarray(0, bytes.length - 10)],
    ['magic only', Buffer.from('GLIDEPRJ')],
    ['blob range past the end', (() => {
      const hl = bytes.readUInt32LE(12);
      const header = JSON.parse(bytes.subarray(16, 16 + hl).toString());
      header.blobs.original.length = 1e15;
      const h = Buffer.from(JSON.stringify(header));
      const fixed = Buffer.from(bytes.subarray(0, 16));
      fixed.writeUInt32LE(h.length, 12);
      return Buffer.concat([fixed, h, bytes.subarray(16 + hl)]);
    })()],
    ['header not JSON', (() => {
      const fixed = Buffer.from(bytes.subarray(0, 16));
      fixed.writeUInt32LE(5, 12);
      return Buffer.concat([fixed, Buffer.from('{{{{{')]);
    })()],
  ];
  for (const [name, b] of container) cases.push({ via: 'message', category: 'project', name, message: req('project:open-bytes', { name: 'x.glideproj', bytes: b }) });
  return cases;
}

async function imageCases(photo: Buffer): Promise<MessageCase[]> {
  const png = photo;
  const jpeg = await sharp(png).jpeg().toBuffer();
  const webp = await sharp(png).webp().toBuffer();
  const gif = await sharp(png).gif().toBuffer();
  const tiff = await sharp(png).tiff().toBuffer();
  // A PNG whose header claims 100,000 x 100,000 pixels (a decompression bomb's first bytes).
  const bomb = Buffer.from(png);
  bomb.writeUInt32BE(100_000, 16);
  bomb.writeUInt32BE(100_000, 20);
  const zeroSize = Buffer.from(png);
  zeroSize.writeUInt32BE(0, 16);
  const images: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['1 byte', new Uint8Array([0x89])],
    ['PNG signature only', png.subarray(0, 8)],
    ['PNG truncated at half', png.subarray(0, png.length >> 1)],
    ['PNG last byte cut', png.subarray(0, png.length - 1)],
    ['JPEG truncated', jpeg.subarray(0, jpeg.length >> 1)],
    ['JPEG SOI only', jpeg.subarray(0, 2)],
    ['WebP truncated', webp.subarray(0, 30)],
    ['GIF', gif],
    ['TIFF', tiff],
    ['SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')],
    ['BMP header', Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)])],
    ['HTML', Buffer.from('<html><script>alert(1)</script>')],
    ['PNG claiming 10^10 pixels', bomb],
    ['PNG with zero width', zeroSize],
    ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) & 255))],
    ['PNG with a corrupt CRC', (() => { const b = Buffer.from(png); b[29] ^= 0xff; return b; })()],
    ['project bytes as an image', Buffer.from('GLIDEPRJ\u0001\u0000\u0000\u0000')],
  ];
  const cases: MessageCase[] = images.map(([name, bytes]) => ({ via: 'message', category: 'image', name, message: req('image:open-bytes', { name: 'photo.png', bytes }) }));
  for (const name of ['../../../../tmp/evil.png', '/etc/cron.d/x.png', 'C:\\evil.png', '\u0000.png', 'n'.repeat(1025), '']) {
    cases.push({ via: 'message', category: 'image', name: `name ${JSON.stringify(name.slice(0, 24))} with broken bytes`, message: req('image:open-bytes', { name, bytes: png.subarray(0, 20) }) });
  }
  // Masks for edit:run on a document that does not exist, and with bytes that are not a mask.
  for (const [name, bytes] of images.slice(0, 6)) {
    cases.push({ via: 'message', category: 'image', name: `edit:run mask ${name}`, message: req('edit:run', { docId: 'nodoc', runId: 'r1', editIds: [], mask: bytes, settings: { prompt: 'x', seed: 1, candidates: 1 } }) });
  }
  return cases;
}

export async function malformedInputs(): Promise<MalformedCase[]> {
  const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#4080c0' } }).png().toBuffer();
  const mask = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ffffff' } }).png().toBuffer();
  return [
    ...upgradeCases(),
    ...httpCases(),
    ...frameCases(),
    ...wireCases(),
    ...contractCases(validInputs(mask)),
    ...(await projectCases(photo, mask)),
    ...(await imageCases(photo)),
  ];
}
