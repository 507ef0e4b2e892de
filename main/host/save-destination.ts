/**
 * Where a file the person saves goes. Electron shows a save dialog (the shell injects it); serve
 * mode writes into the work folder and hands back a download URL, since a browser page chooses
 * where downloads land.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SavedFile } from '../contract.ts';
import { MIME, type FileUrls } from './file-urls.ts';

export type SaveKind = 'image' | 'project';

/** Asks the person where to save: a path, 'download' (serve mode), or null when they cancel. */
export type ChooseSaveTarget = (req: { kind: SaveKind; suggestedName: string }) => Promise<{ path: string } | 'download' | null>;

export class SaveDestination {
  constructor(
    private readonly choose: ChooseSaveTarget,
    private readonly downloadsDir: string,
    private readonly files: FileUrls,
  ) {}

  /** Chooses the target, lets write() fill it, and describes the result; null when cancelled. */
  async save(kind: SaveKind, suggestedName: string, write: (outPath: string) => Promise<void>): Promise<SavedFile | null> {
    const target = await this.choose({ kind, suggestedName });
    if (target === null) return null;
    if (target === 'download') {
      const dir = path.join(this.downloadsDir, randomUUID());
      await mkdir(dir, { recursive: true });
      const outPath = path.join(dir, suggestedName);
      await write(outPath);
      const ext = path.extname(suggestedName).slice(1).toLowerCase();
      const downloadUrl = this.files.register({ path: outPath, mime: MIME[ext] ?? 'application/octet-stream', downloadName: suggestedName });
      return { fileName: suggestedName, bytes: (await stat(outPath)).size, savedPath: null, downloadUrl };
    }
    await write(target.path);
    return { fileName: path.basename(target.path), bytes: (await stat(target.path)).size, savedPath: target.path, downloadUrl: null };
  }
}

/** "holiday.jpg" + "-edited" + "png" → "holiday-edited.png". */
export function suggestedFileName(originalName: string, suffix: string, ext: string): string {
  const base = path.basename(originalName, path.extname(originalName)).replace(/[^\p{L}\p{N} ._-]/gu, '_').slice(0, 120) || 'photo';
  return `${base}${suffix}.${ext}`;
}
