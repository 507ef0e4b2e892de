/**
 * Adding and reading PNG ancillary chunks that sharp does not write: the `parameters` text (tEXt, or
 * iTXt when the text is not Latin-1) and an iCCP profile for patches of photos with a non-sRGB profile.
 */
import zlib from 'node:zlib';
import { crc32 } from '../../../wire/crc32.ts';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function pngChunk(type: string, data: Uint8Array): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  typeAndData.copy(out, 4);
  out.writeUInt32BE(crc32(typeAndData), 8 + data.length);
  return out;
}

function checkKeyword(keyword: string): void {
  if (!/^[\x20-\x7e\xa1-\xff]{1,79}$/.test(keyword) || /^ | $|  /.test(keyword)) {
    throw new Error(`Invalid PNG text keyword: ${JSON.stringify(keyword)}`);
  }
}

/** tEXt when the text is Latin-1 (what most tools read), otherwise iTXt with UTF-8. */
export function textChunk(keyword: string, text: string): Buffer {
  checkKeyword(keyword);
  if (/^[\x01-\xff]*$/.test(text)) {
    return pngChunk('tEXt', Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]));
  }
  // keyword \0, compression flag 0, method 0, empty language \0, empty translated keyword \0, text
  const header = Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0, 0, 0, 0, 0])]);
  return pngChunk('iTXt', Buffer.concat([header, Buffer.from(text, 'utf8')]));
}

export function iccProfileChunk(profile: Uint8Array): Buffer {
  return pngChunk('iCCP', Buffer.concat([Buffer.from('ICC Profile\0\0', 'latin1'), zlib.deflateSync(profile)]));
}

interface ChunkRef {
  type: string;
  start: number; // offset of the length field
  dataStart: number;
  dataEnd: number;
}

function* chunksOf(png: Uint8Array): Generator<ChunkRef> {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (buf.length < 8 || !buf.subarray(0, 8).equals(SIGNATURE)) throw new Error('Not a PNG file');
  let at = 8;
  while (at + 12 <= buf.length) {
    const length = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const dataEnd = at + 8 + length;
    if (dataEnd + 4 > buf.length) throw new Error(`Truncated PNG chunk ${type}`);
    yield { type, start: at, dataStart: at + 8, dataEnd };
    at = dataEnd + 4;
  }
}

/** The PNG with `chunks` inserted before its image data (where text and colour chunks belong). */
export function insertPngChunks(png: Uint8Array, chunks: Buffer[]): Buffer {
  for (const chunk of chunksOf(png)) {
    if (chunk.type === 'PLTE' || chunk.type === 'IDAT') {
      const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
      return Buffer.concat([buf.subarray(0, chunk.start), ...chunks, buf.subarray(chunk.start)]);
    }
  }
  throw new Error('PNG has no image data');
}

/** Every tEXt, zTXt and iTXt entry, keyword -> text (later chunks win). */
export function readPngText(png: Uint8Array): Map<string, string> {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  const out = new Map<string, string>();
  for (const { type, dataStart, dataEnd } of chunksOf(png)) {
    if (type !== 'tEXt' && type !== 'zTXt' && type !== 'iTXt') continue;
    const data = buf.subarray(dataStart, dataEnd);
    const nul = data.indexOf(0);
    const keyword = data.toString('latin1', 0, nul);
    if (type === 'tEXt') out.set(keyword, data.toString('latin1', nul + 1));
    else if (type === 'zTXt') out.set(keyword, zlib.inflateSync(data.subarray(nul + 2)).toString('latin1'));
    else {
      const compressed = data[nul + 1] === 1;
      const language = data.indexOf(0, nul + 3);
      const translated = data.indexOf(0, language + 1);
      const body = data.subarray(translated + 1);
      out.set(keyword, (compressed ? zlib.inflateSync(body) : body).toString('utf8'));
    }
  }
  return out;
}
