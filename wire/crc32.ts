/**
 * CRC-32 (IEEE 802.3, the one PNG chunks and zlib use), table-driven: one definition for both sides,
 * the renderer's grey mask PNGs (it has no zlib) and the engine's PNG chunks.
 */
let table: Uint32Array | undefined;

/** The CRC-32 of the parts, in order, as if they were one byte string. */
export function crc32(...parts: readonly Uint8Array[]): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const bytes of parts) for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
