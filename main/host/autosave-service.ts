/**
 * Autosave and recovery of the open document. After each change that matters the renderer sends
 * the history, the run panel and the staged candidates; the host keeps them in the app's data folder:
 *
 *   <dir>/doc-<docId>/original.<ext>        copied once per document
 *   <dir>/doc-<docId>/<patchId>.png, mask-N.png   each accepted or staged patch and its mask, copied once
 *   <dir>/autosave.json                     the state, written to a temporary file, synced, then renamed
 *
 * so a save costs the state's JSON plus any new patch, not the photo again, and a kill at any moment
 * leaves either the previous state or the new one. Everything read back is checked with zod and
 * every file name is built from checked ids or indexes inside the folder.
 */
import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { EditorState, HostError, Id, Recipe, RunPanel, StagingState, type RecoveredDocument, type RecoveryInfo, type RequestInput } from '../contract.ts';
import { fileInside } from './contained-path.ts';
import type { DocumentStore, StoredPatch } from './document-store.ts';
import { acceptedEdit } from './edit-runner.ts';
import type { FileUrls } from './file-urls.ts';

const STATE_FILE = 'autosave.json';

const SavedPatch = z
  .object({
    id: Id,
    x: z.number().int().nonnegative(),
    y: z.number().int().nonnegative(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    seed: z.number().int(),
    recipe: Recipe,
    mask: z.number().int().nonnegative().max(100_000),
  })
  .strict();
type SavedPatch = z.infer<typeof SavedPatch>;

const AutosaveFile = z
  .object({
    format: z.literal('glide-inpaint-autosave'),
    docId: Id,
    name: z.string().min(1).max(1024),
    originalExt: z.string().regex(/^\.[a-z0-9]{1,8}$/),
    savedAt: z.string().max(64),
    dirty: z.boolean(),
    state: EditorState,
    run: RunPanel,
    edits: z.array(SavedPatch).max(10_000),
    candidates: z.array(SavedPatch).max(8),
    staging: StagingState.nullable(),
  })
  .strict();
type AutosaveFile = z.infer<typeof AutosaveFile>;

export class AutosaveService {
  /** Masks already copied, per document folder: host mask path -> index. */
  private masks = new Map<string, number>();
  private docDirName = '';
  private lastDirty = false;
  private lastName = '';
  /** One autosave operation at a time (two tabs, or a write racing a discard). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: { dir: string; docs: DocumentStore; files: FileUrls }) {}

  /** Whether the last autosave held work not saved in a project (Electron's close dialog asks then). */
  unsavedWork(): { name: string } | null {
    return this.lastDirty ? { name: this.lastName } : null;
  }

  write(input: RequestInput<'autosave:write'>): Promise<{ bytes: number; millis: number }> {
    return this.serial(() => this.writeNow(input));
  }

  restore(): Promise<RecoveredDocument> {
    return this.serial(() => this.restoreNow());
  }

  discard(): Promise<void> {
    return this.serial(async () => {
      this.lastDirty = false;
      this.docDirName = '';
      this.masks = new Map();
      await rm(this.deps.dir, { recursive: true, force: true });
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => {});
    return next;
  }

  private async writeNow(input: RequestInput<'autosave:write'>): Promise<{ bytes: number; millis: number }> {
    const started = performance.now();
    const doc = this.deps.docs.get(input.docId);
    await mkdir(this.deps.dir, { recursive: true });
    const dirName = `doc-${doc.info.docId}`;
    const docDir = fileInside(this.deps.dir, dirName);
    if (dirName !== this.docDirName) {
      this.docDirName = dirName;
      this.masks = new Map();
    }
    await mkdir(docDir, { recursive: true });
    let bytes = 0;
    const copyOnce = async (from: string, name: string) => {
      const to = fileInside(docDir, name);
      if (await exists(to)) return;
      await copyFile(from, `${to}.partial`);
      await syncFile(`${to}.partial`);
      await rename(`${to}.partial`, to);
      bytes += (await stat(to)).size;
    };
    const originalExt = path.extname(doc.originalPath).toLowerCase();
    await copyOnce(doc.originalPath, `original${originalExt}`);
    const save = async (p: StoredPatch): Promise<SavedPatch> => {
      await copyOnce(p.path, `${p.id}.png`);
      let mask = this.masks.get(p.maskPath);
      if (mask === undefined) {
        mask = this.masks.size;
        await copyOnce(p.maskPath, `mask-${mask}.png`);
        this.masks.set(p.maskPath, mask);
      }
      return { id: p.id, x: p.x, y: p.y, width: p.width, height: p.height, seed: p.seed, recipe: p.recipe, mask };
    };
    const editIds = [...new Set(input.state.entries.flatMap((e) => (e.kind === 'edit' ? [e.editId] : [])))];
    const edits: SavedPatch[] = [];
    for (const id of editIds) edits.push(await save(this.deps.docs.edit(doc, id)));
    const candidates: SavedPatch[] = [];
    for (const id of input.staging?.candidateIds ?? []) {
      const c = doc.candidates.get(id);
      if (c) candidates.push(await save(c));
    }
    const file: AutosaveFile = {
      format: 'glide-inpaint-autosave',
      docId: doc.info.docId,
      name: doc.info.name,
      originalExt,
      savedAt: new Date().toISOString(),
      dirty: input.dirty,
      state: input.state,
      run: { ...input.run, detail: input.run.detail ?? null },
      edits,
      candidates,
      staging: input.staging && candidates.length === input.staging.candidateIds.length ? input.staging : null,
    };
    const json = JSON.stringify(file);
    await writeAtomically(path.join(this.deps.dir, STATE_FILE), json);
    bytes += Buffer.byteLength(json);
    this.lastDirty = input.dirty;
    this.lastName = doc.info.name;
    await this.removeOtherDocuments(dirName);
    return { bytes, millis: performance.now() - started };
  }

  /** The unsaved work of an earlier launch, or null (none, saved in a project, or unreadable). */
  async check(): Promise<RecoveryInfo | null> {
    const saved = await this.read();
    if (!saved?.dirty) return null;
    return { name: saved.name, savedAt: saved.savedAt, entries: saved.state.entries.length, edits: saved.edits.length };
  }

  private async restoreNow(): Promise<RecoveredDocument> {
    const saved = await this.read();
    if (!saved) throw new HostError('not-found', 'There is no unsaved work to restore.');
    const docDir = fileInside(this.deps.dir, `doc-${saved.docId}`);
    let original: Uint8Array;
    try {
      original = await readFile(fileInside(docDir, `original${saved.originalExt}`));
    } catch {
      throw new HostError('bad-project', 'The unsaved work could not be restored: its copy of the photo is missing.');
    }
    const doc = await this.deps.docs.openBytes(saved.name, original);
    try {
      const into = path.join(doc.dir, 'recovered');
      await mkdir(into);
      const restorePatch = async (p: SavedPatch, index: number, kind: 'edit' | 'candidate'): Promise<StoredPatch> => {
        const patchPath = fileInside(into, `${kind}-${index}.png`);
        const maskPath = fileInside(into, `mask-${p.mask}.png`);
        try {
          await copyFile(fileInside(docDir, `${p.id}.png`), patchPath);
          if (!(await exists(maskPath))) await copyFile(fileInside(docDir, `mask-${p.mask}.png`), maskPath);
        } catch {
          throw new HostError('bad-project', 'The unsaved work could not be restored: an edit\'s file is missing.');
        }
        const url = this.deps.files.register({ path: patchPath, mime: 'image/png' });
        return { id: p.id, path: patchPath, url, x: p.x, y: p.y, width: p.width, height: p.height, seed: p.seed, recipe: p.recipe, maskPath };
      };
      for (const [i, e] of saved.edits.entries()) {
        const stored = await restorePatch(e, i, 'edit');
        doc.edits.set(stored.id, stored);
      }
      const candidates = [];
      for (const [i, c] of saved.candidates.entries()) {
        const stored = await restorePatch(c, i, 'candidate');
        doc.candidates.set(stored.id, stored);
        candidates.push({ candidateId: stored.id, url: stored.url, seed: stored.seed, x: stored.x, y: stored.y, width: stored.width, height: stored.height });
      }
      const staging = saved.staging
        ? { runId: saved.staging.runId, candidates, selected: Math.min(saved.staging.selected, candidates.length - 1), settings: saved.staging.settings, millis: saved.staging.millis }
        : null;
      return {
        project: { document: doc.info, edits: [...doc.edits.values()].map(acceptedEdit), state: saved.state },
        run: saved.run,
        staging,
      };
    } catch (error) {
      await this.deps.docs.close(doc.info.docId);
      throw error;
    }
  }

  private async read(): Promise<AutosaveFile | null> {
    let text: string;
    try {
      text = await readFile(path.join(this.deps.dir, STATE_FILE), 'utf8');
    } catch {
      return null;
    }
    try {
      const parsed = AutosaveFile.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  private async removeOtherDocuments(keep: string): Promise<void> {
    for (const name of await readdir(this.deps.dir)) {
      if (name.startsWith('doc-') && name !== keep) await rm(path.join(this.deps.dir, name), { recursive: true, force: true });
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function syncFile(file: string): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Written beside, synced, renamed over: a reader sees the old file or the new one, never half. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
}
