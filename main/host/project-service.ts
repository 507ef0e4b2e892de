/**
 * Saves and reopens projects: the original photo, every accepted edit the history mentions (patch,
 * mask, recipe) and the renderer's history itself, so undo/redo and recipes survive a reopen.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HostError, type EditorState, type OpenedProject, type SavedFile } from '../contract.ts';
import type { DocumentStore, StoredPatch } from './document-store.ts';
import { acceptedEdit } from './edit-runner.ts';
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
    const blob = (blobName: string) => {
      const b = blobs.get(blobName);
      if (!b) throw new HostError('bad-project', `"${name}" is damaged (a part is missing).`);
      return b;
    };
    const original = blob(manifest.document.blob);
    const doc = await this.deps.docs.openBytes(manifest.document.name, original);
    try {
      const editsDir = path.join(doc.dir, 'edits');
      await mkdir(editsDir, { recursive: true });
      const maskPaths = new Map<string, string>();
      for (const e of manifest.edits) {
        const patchPath = path.join(editsDir, `${e.editId}.png`);
        await writeFile(patchPath, blob(e.patchBlob));
        let maskPath = maskPaths.get(e.maskBlob);
        if (!maskPath) {
          maskPath = path.join(editsDir, `${e.maskBlob}.png`);
          await writeFile(maskPath, blob(e.maskBlob));
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
      const position = Math.min(manifest.state.position, manifest.state.entries.length);
      return { document: doc.info, edits: [...doc.edits.values()].map(acceptedEdit), state: { ...manifest.state, position } };
    } catch (error) {
      await this.deps.docs.close(doc.info.docId);
      throw error;
    }
  }
}
