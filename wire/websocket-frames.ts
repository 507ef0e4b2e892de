/**
 * How serve mode's WebSocket carries contract messages: one binary frame per message, so photos,
 * masks and previews travel as raw bytes instead of base64 or JSON arrays.
 *
 *   frame  = u32 LE header length | header (UTF-8 JSON) | byte parts, back to back
 *   header = the message with each Uint8Array replaced by {"$bytes": [offset, length]} into the parts
 *
 * Messages: {t:'req', id, channel, input} from the page; {t:'res', id, envelope} and
 * {t:'evt', event, payload} from the server. Pure code: the server and the renderer both import it.
 */
export type WireMessage =
  | { t: 'req'; id: number; channel: string; input: unknown }
  | { t: 'res'; id: number; envelope: unknown }
  | { t: 'evt'; event: string; payload: unknown };

const BYTES_KEY = '$bytes';

/**
 * The largest message either side sends: a photo or project opened as bytes. The worst legitimate
 * case is a 60-megapixel (the host's pixel limit) 8-bit RGBA PNG stored without compression,
 * 240 MB; a 50 MP mask PNG is at most 200 MB. The server refuses bigger frames, and the page says
 * so before sending one.
 */
export const MAX_WIRE_MESSAGE_BYTES = 256 * 1024 * 1024;

export function encodeWire(message: WireMessage): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const json = JSON.stringify(message, function (this: Record<string, unknown>, key: string, value: unknown) {
    // The holder's raw value: a Buffer's toJSON has already turned `value` into a JSON array.
    const raw = this[key];
    if (raw instanceof Uint8Array) {
      parts.push(raw);
      const ref = { [BYTES_KEY]: [offset, raw.byteLength] };
      offset += raw.byteLength;
      return ref;
    }
    return value;
  });
  const header = new TextEncoder().encode(json);
  const frame = new Uint8Array(4 + header.byteLength + offset);
  new DataView(frame.buffer).setUint32(0, header.byteLength, true);
  frame.set(header, 4);
  let at = 4 + header.byteLength;
  for (const part of parts) {
    frame.set(part, at);
    at += part.byteLength;
  }
  return frame;
}

export function decodeWire(frame: Uint8Array): WireMessage {
  if (frame.byteLength < 4) throw new Error('wire frame too short');
  const headerLength = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0, true);
  if (4 + headerLength > frame.byteLength) throw new Error('wire header overruns the frame');
  const partsStart = 4 + headerLength;
  const partsLength = frame.byteLength - partsStart;
  const json = new TextDecoder().decode(frame.subarray(4, partsStart));
  return JSON.parse(json, (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value) && BYTES_KEY in value && Object.keys(value).length === 1) {
      const [offset, length] = (value as Record<string, [number, number]>)[BYTES_KEY];
      if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > partsLength) {
        throw new Error('wire bytes reference overruns the frame');
      }
      return frame.subarray(partsStart + offset, partsStart + offset + length);
    }
    return value;
  }) as WireMessage;
}
