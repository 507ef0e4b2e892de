/**
 * A WebSocket client written by hand over a TCP socket, for tests that must send what a real client
 * never would: invalid request targets, resets mid-handshake, unmasked or reserved-bit frames,
 * bad opcodes, lengths that lie. Server frames are parsed back so replies and close codes can be read.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';

export interface RawResponse {
  /** The HTTP status on the first line, or null when the server sent none (closed or reset). */
  status: number | null;
  /** Everything received until the server closed (or the wait ended). */
  bytes: Buffer;
  closed: boolean;
}

/**
 * Sends raw bytes and collects the answer until the server closes, waitMs passes, or `until` says
 * the bytes so far are enough. `end` half-closes the connection after sending (the client is done).
 */
export function rawExchange(
  port: number,
  payload: Buffer | string,
  waitMs = 2000,
  options: { until?: (bytes: Buffer) => boolean; end?: boolean } = {},
): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closed = false;
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      const bytes = Buffer.concat(chunks);
      const m = /^HTTP\/1\.1 (\d{3})/.exec(bytes.subarray(0, 32).toString('latin1'));
      resolve({ status: m ? Number(m[1]) : null, bytes, closed });
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      if (options.until?.(Buffer.concat(chunks))) done();
    });
    socket.on('error', () => {});
    socket.on('close', () => ((closed = true), done()));
    if (options.end) socket.end(payload);
    else socket.write(payload);
  });
}

/** Connects, sends the bytes and resets the connection at once (RST, not FIN). */
export function resetAfterSending(port: number, payload: Buffer | string): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(payload, () => {
        socket.resetAndDestroy();
        resolve();
      });
    });
    socket.on('error', () => resolve());
  });
}

export function upgradeRequest(o: { target: string; host: string; origin?: string; headers?: Record<string, string> }): string {
  const lines = [
    `GET ${o.target} HTTP/1.1`,
    `Host: ${o.host}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
  ];
  if (o.origin !== undefined) lines.push(`Origin: ${o.origin}`);
  for (const [k, v] of Object.entries(o.headers ?? {})) lines.push(`${k}: ${v}`);
  return lines.join('\r\n') + '\r\n\r\n';
}

export interface FrameSpec {
  opcode: number;
  payload?: Buffer;
  fin?: boolean;
  /** The three reserved bits, 0-7. */
  rsv?: number;
  /** Clients must mask; false sends an unmasked frame (a protocol error). */
  mask?: boolean;
  /** A length field that differs from the payload (truncated or oversized claims). */
  declaredLength?: number;
}

export function wsFrame(spec: FrameSpec): Buffer {
  const payload = spec.payload ?? Buffer.alloc(0);
  const length = spec.declaredLength ?? payload.length;
  const mask = spec.mask !== false;
  const first = ((spec.fin === false ? 0 : 1) << 7) | ((spec.rsv ?? 0) << 4) | (spec.opcode & 0x0f);
  let head: Buffer;
  if (length < 126) head = Buffer.from([first, (mask ? 0x80 : 0) | length]);
  else if (length < 65536) {
    head = Buffer.alloc(4);
    head.writeUInt8(first, 0);
    head.writeUInt8((mask ? 0x80 : 0) | 126, 1);
    head.writeUInt16BE(length, 2);
  } else {
    head = Buffer.alloc(10);
    head.writeUInt8(first, 0);
    head.writeUInt8((mask ? 0x80 : 0) | 127, 1);
    head.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!mask) return Buffer.concat([head, payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i] ^= key[i & 3];
  return Buffer.concat([head, key, masked]);
}

/** Server frames (unmasked) in a byte stream after the handshake; stops at an incomplete one. */
export function parseServerFrames(bytes: Buffer): { opcode: number; payload: Buffer }[] {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at] & 0x0f;
    let length = bytes[at + 1] & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (start + 2 > bytes.length) break;
      length = bytes.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      if (start + 8 > bytes.length) break;
      length = Number(bytes.readBigUInt64BE(start));
      start += 8;
    }
    if (start + length > bytes.length) break;
    frames.push({ opcode, payload: bytes.subarray(start, start + length) });
    at = start + length;
  }
  return frames;
}

/** The bytes after the handshake's blank line (the frames), when the status was 101. */
export function afterHandshake(bytes: Buffer): Buffer {
  const end = bytes.indexOf('\r\n\r\n');
  return end < 0 ? Buffer.alloc(0) : bytes.subarray(end + 4);
}
