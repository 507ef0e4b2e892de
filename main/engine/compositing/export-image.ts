/**
 * Export: the document (original photo + accepted patches) at full resolution as PNG, JPEG or WebP.
 *
 * Metadata: the original's EXIF is kept (orientation reset to 1, since the pixels are already turned)
 * and so is its ICC profile when it still describes the pixels (RGB photos; see open-image.ts).
 * `parameters` (the edits' recipes) go in a PNG `parameters` text chunk, or for JPEG/WebP in XMP plus
 * a JSON sidecar `<outPath>.json`. Files are written atomically: a failed export leaves nothing behind.
 *
 * Pixels match readCurrentPixels() exactly. sharp's composite is exact for opaque patches over an
 * opaque base, so alpha is split off and joined back in separate lossless passes (sharp cannot order
 * those steps in one pipeline), and so are the colour conversions of non-8-bit-RGB photos.
 */
import path from 'node:path';
import sharp, { type OverlayOptions, type Sharp } from 'sharp';
import type { ImageFormat, ImageSource } from '../protocol.ts';
import { writeFileAtomically } from './atomic-write.ts';
import { checkPatchFile, checkPatchPlacement, patchReaderOptions } from './current-pixels.ts';
import { decoding } from './errors.ts';
import { decodePipeline, probeImage, readerOptions, type DecodeOptions, type ImageInfo } from './open-image.ts';
import { insertPngChunks, textChunk } from './png-chunks.ts';
import { JPEG_XMP_MAX_BYTES, parametersXmp } from './xmp.ts';

export interface ExportResult {
  outPath: string;
  /** Size of the image file written. */
  bytes: number;
  /** The JSON sidecar, written for JPEG/WebP when there are parameters. */
  sidecarPath?: string;
}

/** Keeps what still applies to the decoded pixels (see the colour policy in open-image.ts). */
function keepDocumentMetadata(pipeline: Sharp, info: ImageInfo): Sharp {
  return info.colour === 'native' ? pipeline.keepMetadata() : pipeline.keepExif().keepXmp();
}

/** An intermediate image that sharp can read back exactly, metadata included. */
async function losslessPass(pipeline: Sharp, info: ImageInfo): Promise<Sharp> {
  const png = await pipeline.keepMetadata().png({ compressionLevel: 1 }).toBuffer();
  return sharp(png, { ...readerOptions(info.maxPixels), ignoreIcc: true });
}

async function patchOverlays(source: ImageSource, info: ImageInfo): Promise<OverlayOptions[]> {
  const overlays: OverlayOptions[] = [];
  const options = patchReaderOptions(info.maxPixels);
  for (const patch of source.patches) {
    checkPatchPlacement(patch, info);
    const { hasAlpha } = await checkPatchFile(patch, info.maxPixels);
    if (hasAlpha) {
      // Patches replace RGB only (as readCurrentPixels reads them); composite would blend by their alpha.
      const data = await decoding(`the edit "${path.basename(patch.path)}"`, () =>
        sharp(patch.path, options).toColourspace('srgb').removeAlpha().raw().toBuffer(),
      );
      overlays.push({ input: data, raw: { width: patch.width, height: patch.height, channels: 3 }, left: patch.x, top: patch.y });
    } else {
      overlays.push({ input: patch.path, left: patch.x, top: patch.y, ...options });
    }
  }
  return overlays;
}

/** The document's current pixels (RGB, plus alpha if the photo has it) with its metadata, not yet encoded. */
async function documentPipeline(source: ImageSource, info: ImageInfo, format: ImageFormat): Promise<Sharp> {
  const overlays = await patchOverlays(source, info);
  const base =
    info.plain8BitRgb && info.colour === 'native' && !info.hasAlpha // the common case: one streaming pass
      ? sharp(info.path, { ...readerOptions(info.maxPixels), autoOrient: true, ignoreIcc: true })
      : await losslessPass(keepDocumentMetadata(decodePipeline(info).removeAlpha(), info), info);
  let doc = keepDocumentMetadata(base.composite(overlays).removeAlpha(), info);
  if (!info.hasAlpha) return doc;
  const alpha = await decodePipeline(info).extractChannel(3).raw().toBuffer();
  doc = (await losslessPass(doc, info)).joinChannel(alpha, { raw: { width: info.width, height: info.height, channels: 1 } });
  // JPEG has no alpha: lay the image on white rather than show whatever colour transparent pixels hold.
  if (format === 'jpeg') doc = (await losslessPass(doc, info)).flatten({ background: '#ffffff' });
  return doc.keepMetadata();
}

export async function exportImage(
  source: ImageSource,
  outPath: string,
  format: ImageFormat,
  quality = 92,
  parameters?: string,
  options: DecodeOptions = {},
): Promise<ExportResult> {
  const info = await probeImage(source.imagePath, options);
  const imageName = `the image "${path.basename(info.path)}"`;
  const doc = await decoding(imageName, () => documentPipeline(source, info, format));
  const sidecarPath = parameters !== undefined && format !== 'png' ? `${outPath}.json` : undefined;
  let encoder = format === 'png' ? doc.png({ compressionLevel: 6 }) : format === 'jpeg' ? doc.jpeg({ quality }) : doc.webp({ quality });
  if (parameters !== undefined && sidecarPath) {
    encoder = encoder.withXmp(parametersXmp(parameters, path.basename(sidecarPath), format === 'jpeg' ? JPEG_XMP_MAX_BYTES : Infinity));
  }
  // Encode in memory (decode errors surface here as 'bad-image'), then write: file errors stay file errors.
  let bytes: Buffer = await decoding(imageName, () => encoder.toBuffer());
  if (parameters !== undefined && format === 'png') bytes = insertPngChunks(bytes, [textChunk('parameters', parameters)]);
  await writeFileAtomically(outPath, bytes);
  if (sidecarPath) {
    const sidecar = { image: path.basename(outPath), parameters };
    await writeFileAtomically(sidecarPath, JSON.stringify(sidecar, null, 2) + '\n');
  }
  return { outPath, bytes: bytes.length, sidecarPath };
}
