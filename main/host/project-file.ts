/**
 * The project file container: "GLIDEPRJ", a version, a JSON header (the manifest and the byte ranges
 * of the embedded files), then the files' bytes (original photo, patches, masks) back to back. One
 * file the person can move around; no zip needed since the embedded images are already compressed.
 */
import { z } from 'zod';
import { HostError, EditorState, Recipe, Id } from '../contract.ts';

const MAGIC = Buffer.from('GLIDEPRJ', 'ascii');
const VERSION = 1;

/**
 * Names of embedded files: only the forms this editor writes. They are never used as file names on
 * disk (project-service.ts names files by index), but a strict form keeps the header honest.
 */
export const BlobName = z.string().regex(/^(original|patch-[A-Za-z0-9_-]{1,64}|mask-[0-9]{1,6})$/, 'not a part name this editor writes');
/** Coordinates and sizes within the largest photo the editor opens (60 MP: a side under 2^20). */
const Coord = z.number().int().nonnegative().max(2 ** 20);
const Side = z.number().int().positive().max(2 ** 20);
/** More edits than any history holds is a damaged or crafted file. */
export const MAX_PROJECT_EDITS = 10_000;

export const ProjectManifest = z
  .object({
    format: z.literal('glide-inpaint-project'),
    document: z.object({ name: z.string().min(1).max(1024), blob: BlobName }).strict(),
    edits: z
      .array(
        z
          .object({
            editId: Id,
            x: Coord,
            y: Coord,
            width: Side,
            height: Side,
            seed: z.number().int().min(-(2 ** 53)).max(2 ** 53),
            recipe: Recipe.extend({ prompt: z.string().max(2000), model: z.object({ name: z.string().max(256), sha256: z.string().max(128) }), createdAt: z.string().max(64) }),
            patchBlob: BlobName,
            maskBlob: BlobName,
          })
          .strict(),
      )
      .max(MAX_PROJECT_EDITS),
    state: EditorState,
  })
  .strict()
  .superRefine((m, ctx) => {
    const ids = new Set<string>();
    for (const e of m.edits) {
      if (ids.has(e.editId)) ctx.addIssue({ code: 'custom', message: `edit ${e.editId} appears twice` });
      ids.add(e.editId);
    }
    for (const entry of m.state.entries) {
      if (entry.kind === 'edit' && !ids.has(entry.editId)) ctx.addIssue({ code: 'custom', message: 'the history names an edit the file does not hold' });
    }
    if (m.state.position > m.state.entries.length) ctx.addIssue({ code: 'custom', message: 'the history position is past its end' });
  });
export type ProjectManifest = z.infer<typeof ProjectManifest>;

const Header = z
  .object({
    manifest: z.unknown(),
    blobs: z.record(BlobName, z.object({ offset: z.number().int().nonnegative(), length: z.number().int().nonnegative() }).strict()),
  })
  .strict();

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
