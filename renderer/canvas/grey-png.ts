/**
 * A one-channel (greyscale, 8-bit) PNG from raw bytes, compressed by the browser's own zlib
 * (CompressionStream 'deflate' is the zlib format PNG's IDAT holds). Masks cross to the host as these:
 * a quarter of the bytes of the canvas's RGBA PNG to filter and compress (6.2 MP mask box: Chromium's
 * convertToBlob encodes 25 MB of RGBA), and rows filtered "Up", so a mask's repeated rows are zeros.
 */
import { crc32 } from '../../wire/crc32.ts';

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  const typeBytes = new TextEncoder().encode(type);
  out.set(typeBytes, 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(typeBytes, data));
  return out;
}

/** Encodes width × height grey bytes (row-major) as a PNG. */
export async function greyPng(grey: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  const stream = new CompressionStream('deflate');
  const writer = stream.writable.getWriter();
  const compressed = new Response(stream.readable).arrayBuffer();
  // Rows in bands of about 1 MB, each row with its filter byte: 2 (Up, the byte minus the one above).
  const rowsPerBand = Math.max(1, Math.floor(1_000_000 / (width + 1)));
  for (let y0 = 0; y0 < height; y0 += rowsPerBand) {
    const rows = Math.min(rowsPerBand, height - y0);
    const band = new Uint8Array(rows * (width + 1));
    for (let r = 0; r < rows; r++) {
      const y = y0 + r;
      const at = r * (width + 1);
      band[at] = 2;
      const row = grey.subarray(y * width, (y + 1) * width);
      if (y === 0) band.set(row, at + 1);
      else for (let x = 0, above = (y - 1) * width; x < width; x++) band[at + 1 + x] = row[x] - grey[above + x];
    }
    await writer.write(band);
  }
  await writer.close();
  const idat = new Uint8Array(await compressed);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 0, 0, 0, 0], 8); // 8 bits, greyscale, deflate, adaptive filtering, no interlace
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}
