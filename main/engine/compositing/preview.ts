/** Progress previews: the predicted x0 [1,3,S,S] in [-1, 1] as a small PNG (at most `maxSide` px). */
import sharp from 'sharp';
import { quantiseModelImage } from './from-model.ts';

export async function previewPng(x0: Float32Array, size: number, maxSide = 128): Promise<Uint8Array> {
  const rgb = quantiseModelImage(x0, size);
  let pipeline = sharp(rgb, { raw: { width: size, height: size, channels: 3 } });
  if (size > maxSide) pipeline = pipeline.resize(maxSide, maxSide, { fit: 'fill', kernel: 'lanczos3' });
  const png = await pipeline.png({ compressionLevel: 3 }).toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
