/**
 * One authenticated WebSocket of serve mode: decodes each binary frame, checks it is a request
 * (zod) before the dispatcher sees it, and answers every message, malformed ones included, with a
 * short error. Requests in flight are capped per socket (count and bytes), so one page cannot queue
 * unbounded work or memory; a socket that stops answering pings is dropped.
 */
import { z } from 'zod';
import type { WebSocket } from 'ws';
import type { Envelope } from '../main/contract.ts';
import type { Dispatch } from '../main/host/register-handlers.ts';
import { decodeWire, encodeWire } from '../wire/websocket-frames.ts';

/** A request as the page sends it; anything else is answered with bad-request. */
export const WireRequest = z
  .object({
    t: z.literal('req'),
    id: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    channel: z.string().min(1).max(64),
    input: z.unknown(),
  })
  .strict();

export interface ApiSocketLimits {
  /** Requests one socket may have unanswered; more are answered 'busy' at once. */
  maxInFlight: number;
  /** Bytes of unanswered requests one socket may hold. */
  maxInFlightBytes: number;
}

export const DEFAULT_API_SOCKET_LIMITS: ApiSocketLimits = { maxInFlight: 32, maxInFlightBytes: 512 * 1024 * 1024 };

/** Id 0 answers a message whose own id could not be read (the page numbers its requests from 1). */
const NO_ID = 0;

export function serveApiSocket(ws: WebSocket, dispatch: Dispatch<WebSocket>, limits: ApiSocketLimits, log: (message: string) => void): void {
  let inFlight = 0;
  let inFlightBytes = 0;

  const reply = (id: number, envelope: Envelope) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(encodeWire({ t: 'res', id, envelope }), (error) => {
      if (error) log(`reply not sent: ${error.message}`);
    });
  };
  const refuse = (id: number, code: 'bad-request' | 'busy', message: string) => reply(id, { ok: false, error: { code, message } });

  // Protocol violations (bad opcodes, unmasked or oversized frames, invalid UTF-8) arrive here; ws
  // has already closed the socket with the matching status code.
  ws.on('error', (error) => log(`socket closed on a protocol error: ${error.message.slice(0, 120)}`));

  ws.on('message', (data, isBinary) => {
    if (!isBinary) return refuse(NO_ID, 'bad-request', 'Requests are binary frames; text frames are not understood.');
    const frame = toBytes(data);
    let decoded: unknown;
    try {
      decoded = decodeWire(frame);
    } catch {
      return refuse(NO_ID, 'bad-request', 'The message could not be decoded (not a request frame).');
    }
    const request = WireRequest.safeParse(decoded);
    if (!request.success) {
      const id = readableId(decoded);
      return refuse(id, 'bad-request', 'The message is not a request (it needs t: "req", a numeric id, a channel and an input).');
    }
    const { id, channel, input } = request.data;
    if (inFlight >= limits.maxInFlight || inFlightBytes + frame.byteLength > limits.maxInFlightBytes) {
      return refuse(id, 'busy', 'Too many requests are waiting for an answer; try again when they finish.');
    }
    inFlight++;
    inFlightBytes += frame.byteLength;
    dispatch(channel, ws, input)
      .catch((): Envelope => ({ ok: false, error: { code: 'internal', message: 'The request failed unexpectedly. Try again.' } }))
      .then((envelope) => reply(id, envelope))
      .catch((error: Error) => log(`reply failed: ${error.message}`))
      .finally(() => {
        inFlight--;
        inFlightBytes -= frame.byteLength;
      });
  });
}

/**
 * Pings every socket each interval and drops the ones that did not answer the previous ping (a
 * browser answers by itself; a half-open or stalled peer does not). Returns a stop function.
 */
export function startHeartbeat(sockets: () => Iterable<WebSocket>, intervalMs: number): () => void {
  const alive = new WeakMap<WebSocket, boolean>();
  const timer = setInterval(() => {
    for (const ws of sockets()) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      if (!alive.has(ws)) ws.on('pong', () => alive.set(ws, true));
      alive.set(ws, false);
      ws.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

function readableId(decoded: unknown): number {
  const id = decoded && typeof decoded === 'object' ? (decoded as { id?: unknown }).id : undefined;
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : NO_ID;
}

function toBytes(data: unknown): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data as Buffer;
}
