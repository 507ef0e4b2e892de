/**
 * The project file container: "GLIDEPRJ", a version, a JSON header (the manifest and the byte ranges
 * of the embedded files), then the files' bytes (original photo, patches, masks) back to back. One
 * file the person can move around; no zip needed since the embedded images are already compressed.
 */
import { z } from 'zod';
import { HostError, EditorState, Recipe, Id } from '../contract.ts';

const MAGIC = Buffer.from('GLIDEPRJ', 'ascii');
const VERSION = 1;

export const ProjectManifest = z.object({
  format: z.literal('glide-inpaint-project'),
  document: z.object({ name: z.string(), blob: z.string() }),
  edits: z.array(
    z.object({
      editId: Id,
      x: z.number().int().nonnegative(),
      y: z.number().int().nonnegative(),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
      seed: z.number().int(),
      recipe: Recipe,
      patchBlob: z.string(),
      maskBlob: z.string(),
    }),
  ),
  state: EditorState,
});
export type ProjectManifest = z.infer<typeof ProjectManifest>;

const Header = z.object({
  manifest: z.unknown(),
  blobs: z.record(z.string(), z.object({ offset: z.number().int().nonnegative(), length: z.number().int().nonnegative() })),
});

export function encodeProject(manifest: ProjectManifest, blobs: Map<string, Uint8Array>): Buffer {
  let offset = 0;
  const ranges: Record<string, { offset: number; length: number }> = {};
  for (const [name, bytes] of blobs) {
    ranges[name] = { offset, length: bytes.byteLength };
    offset += bytes.byteLength;
  }
  const header = Buffer.from(JSON.stringify({ manifest, blobs: ranges }), 'utf8');
  const fixed = Buffer.alloc(16);
  MAGIC.copy(fixed, 0);
  fixed.writeUInt32LE(VERSION, 8);
  fixed.writeUInt32LE(header.byteLength, 12);
  return Buffer.concat([fixed, header, ...[...blobs.values()].map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength))]);
}

export function decodeProject(file: Uint8Array, name: string): { manifest: ProjectManifest; blobs: Map<string, Uint8Array> } {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const notProject = () => new HostError('bad-project', `"${name}" is not a project saved by this editor, or it is damaged.`);
  if (buf.byteLength < 16 || !buf.subarray(0, 8).equals(MAGIC)) throw notProject();
  const version = buf.readUInt32LE(8);
  if (version > VERSION) throw new HostError('bad-project', `"${name}" was saved by a newer version of the editor; update the editor to open it.`);
  const headerLength = buf.readUInt32LE(12);
  if (16 + headerLength > buf.byteLength) throw notProject();
  let header: z.infer<typeof Header>;
  let manifest: ProjectManifest;
  try {
    header = Header.parse(JSON.parse(buf.subarray(16, 16 + headerLength).toString('utf8')));
    manifest = ProjectManifest.parse(header.manifest);
  } catch {
    throw notProject();
  }
  const dataStart = 16 + headerLength;
  const blobs = new Map<string, Uint8Array>();
  for (const [blobName, { offset, length }] of Object.entries(header.blobs)) {
    if (dataStart + offset + length > buf.byteLength) throw notProject();
    blobs.set(blobName, buf.subarray(dataStart + offset, dataStart + offset + length));
  }
  return { manifest, blobs };
}
