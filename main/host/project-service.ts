/**
 * Saves and reopens projects: the original photo, every accepted edit the history mentions (patch,
 * mask, recipe) and the renderer's history itself, so undo/redo and recipes survive a reopen.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HostError, type EditorState, type OpenedProject, type SavedFile } from '../contract.ts';
import type { DocumentStore, StoredPatch } from './document-store.ts';
import { acceptedEdit } from './edit-runner.ts';
import { fileInside } from './contained-path.ts';
import type { FileUrls } from './file-urls.ts';
import { decodeProject, encodeProject, type ProjectManifest } from './project-file.ts';
import { suggestedFileName, type SaveDestination } from './save-destination.ts';

export const PROJECT_EXTENSION = 'glideproj';

export class ProjectService {
  constructor(private readonly deps: { docs: DocumentStore; files: FileUrls; destination: SaveDestination }) {}

  async save(docId: string, state: EditorState): Promise<SavedFile | null> {
    const { docs, destination } = this.deps;
    const doc = docs.get(docId);
    const editIds = [...new Set(state.entries.flatMap((e) => (e.kind === 'edit' ? [e.editId] : [])))];
    const edits = editIds.map((id) => docs.edit(doc, id));
    const blobs = new Map<string, Uint8Array>();
    blobs.set('original', await readFile(doc.originalPath));
    const maskBlobs = new Map<string, string>();
    const manifest: ProjectManifest = {
      format: 'glide-inpaint-project',
      document: { name: doc.info.name, blob: 'original' },
      edits: [],
      state,
    };
    for (const edit of edits) {
      const patchBlob = `patch-${edit.id}`;
      blobs.set(patchBlob, await readFile(edit.path));
      let maskBlob = maskBlobs.get(edit.maskPath);
      if (!maskBlob) {
        maskBlob = `mask-${maskBlobs.size}`;
        maskBlobs.set(edit.maskPath, maskBlob);
        blobs.set(maskBlob, await readFile(edit.maskPath));
      }
      const { x, y, width, height, seed, recipe } = edit;
      manifest.edits.push({ editId: edit.id, x, y, width, height, seed, recipe, patchBlob, maskBlob });
    }
    const bytes = encodeProject(manifest, blobs);
    return destination.save('project', suggestedFileName(doc.info.name, '', PROJECT_EXTENSION), (outPath) => writeFile(outPath, bytes));
  }

  async openPath(filePath: string): Promise<OpenedProject> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(filePath);
    } catch {
      throw new HostError('io', `"${filePath}" could not be read. Check that the file exists and that you may read it.`);
    }
    return this.openBytes(path.basename(filePath), bytes);
  }

  async openBytes(name: string, bytes: Uint8Array): Promise<OpenedProject> {
    const { manifest, blobs } = decodeProject(bytes, name);
    const damaged = (what: string) => new HostError('bad-project', `"${name}" is damaged (${what}).`);
    const blob = (blobName: string) => {
      const b = blobs.get(blobName);
      if (!b) throw damaged('a part is missing');
      return b;
    };
    const png = (blobName: string) => {
      const b = blob(blobName);
      if (!isPng(b)) throw damaged('an edit or mask is not a PNG image');
      return b;
    };
    const original = blob(manifest.document.blob);
    const doc = await this.deps.docs.openBytes(manifest.document.name, original);
    try {
      for (const e of manifest.edits) {
        // An edit's box is in the canvas its run had (the photo, or the photo grown by recipe.canvas).
        const c = e.recipe.canvas;
        const width = doc.info.width + (c ? c.left + c.right : 0), height = doc.info.height + (c ? c.top + c.bottom : 0);
        if (e.x + e.width > width || e.y + e.height > height) throw damaged('an edit lies outside the photo');
      }
      // Files are named by their index in the manifest, never by a name taken from the file.
      const editsDir = path.join(doc.dir, 'edits');
      await mkdir(editsDir, { recursive: true });
      const maskPaths = new Map<string, string>();
      for (const [index, e] of manifest.edits.entries()) {
        const patchPath = fileInside(editsDir, `patch-${index}.png`);
        await writeFile(patchPath, png(e.patchBlob), { flag: 'wx' });
        let maskPath = maskPaths.get(e.maskBlob);
        if (!maskPath) {
          maskPath = fileInside(editsDir, `mask-${maskPaths.size}.png`);
          await writeFile(maskPath, png(e.maskBlob), { flag: 'wx' });
          maskPaths.set(e.maskBlob, maskPath);
        }
        const stored: StoredPatch = {
          id: e.editId,
          path: patchPath,
          url: this.deps.files.register({ path: patchPath, mime: 'image/png' }),
          x: e.x,
          y: e.y,
          width: e.width,
          height: e.height,
          seed: e.seed,
          recipe: e.recipe,
          maskPath,
        };
        doc.edits.set(stored.id, stored);
      }
      return { document: doc.info, edits: [...doc.edits.values()].map(acceptedEdit), state: manifest.state };
    } catch (error) {
      await this.deps.docs.close(doc.info.docId);
      throw error;
    }
  }
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
function isPng(bytes: Uint8Array): boolean {
  return bytes.byteLength > PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}
