/** Interleaved 8-bit pixels (row-major, channel-last), the form sharp's raw output has. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}
