/**
 * The documents open in this launch. A document is its original photo (copied into its own work
 * folder), the candidates of its runs, and the edits the person accepted; which accepted edits
 * apply is the renderer's history's business, so requests name them by id (undo needs no round trip).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import type { ImageSource } from '../engine/protocol.ts';
import { HostError, type CanvasPadding, type DocumentInfo, type Recipe } from '../contract.ts';
import { CanvasImages, NO_PADDING, canvasSize } from './document-canvas.ts';
import { FileUrls } from './file-urls.ts';
import { readPhoto } from './image-intake.ts';

/** A patch file with its place in the photo (a candidate, or an accepted edit). */
export interface StoredPatch {
  id: string;
  path: string;
  url: string;
  x: number;
  y: number;
  width: number;
  height: number;
  seed: number;
  recipe: Recipe;
  /** The full-resolution mask PNG of the run that made it. */
  maskPath: string;
}

/** A patch's box in a canvas of the given padding (patches are kept in the canvas their run had: recipe.canvas). */
export function placedIn(p: Pick<StoredPatch, 'x' | 'y' | 'width' | 'height' | 'recipe'>, padding: CanvasPadding): { x: number; y: number; width: number; height: number } {
  const from = p.recipe.canvas ?? NO_PADDING;
  return { x: p.x + padding.left - from.left, y: p.y + padding.top - from.top, width: p.width, height: p.height };
}

export interface OpenDocument {
  info: DocumentInfo;
  dir: string;
  originalPath: string;
  candidates: Map<string, StoredPatch>;
  edits: Map<string, StoredPatch>;
  /** The photo grown by the history's canvas extensions, per padding. */
  canvases: CanvasImages;
  /** Work on the document's files that goes on after its request was answered (an accepted patch being compacted); close waits for it. */
  background: Set<Promise<void>>;
}

export class DocumentStore {
  private readonly docs = new Map<string, OpenDocument>();

  constructor(
    private readonly workDir: string,
    private readonly files: FileUrls,
    /** Called with each document opened (photo or project), e.g. to have the engine decode its photo ahead of the first run. */
    private readonly onOpen: (doc: OpenDocument) => void = () => {},
  ) {}

  async openBytes(name: string, bytes: Uint8Array): Promise<OpenDocument> {
    return this.open(name, (target) => writeFile(target, bytes));
  }

  async openPath(filePath: string): Promise<OpenDocument> {
    return this.open(path.basename(filePath), async (target) => {
      try {
        await copyFile(filePath, target);
      } catch {
        throw new HostError('io', `"${filePath}" could not be read. Check that the file exists and that you may read it.`);
      }
    });
  }

  get(docId: string): OpenDocument {
    const doc = this.docs.get(docId);
    if (!doc) throw new HostError('not-found', 'That photo is no longer open. Open it again.');
    return doc;
  }

  async close(docId: string): Promise<void> {
    const doc = this.docs.get(docId);
    if (!doc) return;
    this.docs.delete(docId);
    await Promise.allSettled(doc.background);
    this.files.revokeUnder(doc.dir);
    await rm(doc.dir, { recursive: true, force: true });
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.docs.keys()].map((id) => this.close(id)));
  }

  /**
   * The document's pixels with the given accepted edits laid over the original, in order, on the
   * canvas of this padding (absent: the photo itself); each edit moved from its run's canvas into it.
   */
  async sourceFor(doc: OpenDocument, editIds: readonly string[], canvas?: CanvasPadding): Promise<ImageSource> {
    const size = canvasSize(doc.info, canvas);
    const patches = editIds.map((id) => {
      const edit = this.edit(doc, id);
      const box = placedIn(edit, canvas ?? NO_PADDING);
      if (box.x < 0 || box.y < 0 || box.x + box.width > size.width || box.y + box.height > size.height) {
        throw new HostError('bad-request', `An edit in the history lies outside the ${size.width}×${size.height} canvas; its canvas does not match the history's.`);
      }
      return { path: edit.path, ...box };
    });
    return { imagePath: await doc.canvases.imageFor(canvas), patches };
  }

  edit(doc: OpenDocument, editId: string): StoredPatch {
    const edit = doc.edits.get(editId);
    if (!edit) throw new HostError('not-found', 'An edit in the history is unknown to the host (it may come from another launch). Reopen the project.');
    return edit;
  }

  private async open(name: string, writeOriginal: (target: string) => Promise<void>): Promise<OpenDocument> {
    const docId = randomUUID();
    const dir = path.join(this.workDir, docId);
    await mkdir(dir, { recursive: true });
    try {
      const originalPath = path.join(dir, `original${path.extname(name).toLowerCase().replace(/[^.a-z0-9]/g, '') || '.img'}`);
      await writeOriginal(originalPath);
      const displayPath = path.join(dir, 'display.jpg');
      const previewPath = path.join(dir, 'preview.jpg');
      const photo = await readPhoto(originalPath, displayPath, name, previewPath);
      const { size } = await stat(originalPath);
      // A large JPEG's display copy may still be being written: its URL answers once it is.
      const info: DocumentInfo = {
        docId,
        name,
        format: photo.format,
        width: photo.width,
        height: photo.height,
        fileBytes: size,
        display: { url: this.files.register({ path: displayPath, mime: 'image/jpeg', ready: photo.displayWritten }), ...photo.display },
        ...(photo.preview ? { preview: { url: this.files.register({ path: previewPath, mime: 'image/jpeg' }), ...photo.preview } } : {}),
      };
      const doc: OpenDocument = { info, dir, originalPath, candidates: new Map(), edits: new Map(), canvases: new CanvasImages(originalPath, dir), background: new Set() };
      const writing = photo.displayWritten.catch(() => {});
      doc.background.add(writing);
      void writing.then(() => doc.background.delete(writing));
      this.docs.set(docId, doc);
      this.onOpen(doc);
      return doc;
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }
}
