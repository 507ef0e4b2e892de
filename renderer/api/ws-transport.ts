/**
 * Serve mode's window.api transport: the contract over a WebSocket in binary frames (wire/websocket-frames.ts).
 * Requests wait for the socket; if it drops, pending requests fail with a clear message and the
 * client reconnects, so a restarted tab or server hiccup does not leave the page stuck.
 */
import { HostError, type ApiTransport } from '../../main/contract.ts';
import { decodeWire, encodeWire, MAX_WIRE_MESSAGE_BYTES } from '../../wire/websocket-frames.ts';

export function webSocketTransport(url: string, onConnection?: (open: boolean) => void): ApiTransport {
  let socket: WebSocket | null = null;
  let opened: Promise<WebSocket> | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const listeners = new Set<(event: string, payload: unknown) => void>();

  function connect(): Promise<WebSocket> {
    opened ??= new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => {
        socket = ws;
        onConnection?.(true);
        resolve(ws);
      };
      ws.onmessage = (m) => {
        let message;
        try {
          message = decodeWire(new Uint8Array(m.data as ArrayBuffer));
        } catch {
          return console.error('a message from the editor server could not be decoded');
        }
        if (message.t === 'res') {
          pending.get(message.id)?.resolve(message.envelope);
          pending.delete(message.id);
        } else if (message.t === 'evt') {
          for (const l of listeners) l(message.event, message.payload);
        }
      };
      ws.onclose = () => {
        const wasOpen = socket === ws;
        socket = null;
        opened = null;
        onConnection?.(false);
        for (const p of pending.values()) p.reject(new HostError('io', 'The connection to the editor server was lost. Check that `npm run serve` is still running, then try again.'));
        pending.clear();
        if (wasOpen) setTimeout(() => void connect().catch(() => {}), 1000);
        else reject(new HostError('io', 'Could not connect to the editor server. Open the address `npm run serve` printed (it has the token).'));
      };
    });
    return opened;
  }
  void connect().catch(() => {});

  return {
    async request(channel, input) {
      const id = nextId++;
      const frame = encodeWire({ t: 'req', id, channel, input });
      // The server refuses bigger frames by closing the socket; say why before sending one.
      if (frame.byteLength > MAX_WIRE_MESSAGE_BYTES) {
        throw new HostError('too-large', `This file is ${Math.round(frame.byteLength / 2 ** 20)} MB; the editor in a browser takes files up to ${MAX_WIRE_MESSAGE_BYTES / 2 ** 20} MB.`);
      }
      const ws = socket ?? (await connect());
      const answer = new Promise<unknown>((resolve, reject) => pending.set(id, { resolve, reject }));
      ws.send(frame);
      return answer;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
