/** A served file as a streamed response body (candidate patches can be tens of megabytes). */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';

export async function openFileBody(filePath: string): Promise<{ body: ReadableStream<Uint8Array>; size: number }> {
  const info = await stat(filePath);
  if (!info.isFile()) throw new Error(`${filePath} is not a file`);
  return { body: Readable.toWeb(createReadStream(filePath)) as ReadableStream<Uint8Array>, size: info.size };
}
