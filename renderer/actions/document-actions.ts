/** Opening photos and projects: from a File (picker, drop, paste), the host's dialog, or a recent path. */
import type { AcceptedEdit, DocumentInfo, Response } from '../../main/contract.ts';
import { History } from '../state/history.ts';
import type { ActionContext } from './action-context.ts';

const PROJECT_EXTENSION = '.glideproj';

export function documentActions(ctx: ActionContext, clearPreview: () => void) {
  const { store, api } = ctx;

  function showProject(opened: Response<'project:open-path'>): Promise<void> {
    return replaceDocument(opened.document, History.from(opened.state), Object.fromEntries(opened.edits.map((e) => [e.editId, e])));
  }

  /** Shows a newly opened photo or project; the previous document is closed on the host. */
  async function replaceDocument(doc: DocumentInfo, history: History, edits: Record<string, AcceptedEdit>): Promise<void> {
    const previous = store.get().doc;
    clearPreview();
    store.update({ doc, history, savedHistory: history, edits, staging: null, running: null });
    if (previous) await api.invoke('document:close', { docId: previous.docId }).catch(() => {});
  }

  return {
    async openFile(file: File): Promise<void> {
      if (ctx.refuseWhileRunning()) return;
      const isProject = file.name.toLowerCase().endsWith(PROJECT_EXTENSION);
      await ctx.busy('opening', async () => {
        const bytes = new Uint8Array(await file.arrayBuffer());
        if (isProject) {
          const opened = await api.invoke('project:open-bytes', { name: file.name, bytes });
          await showProject(opened);
        } else {
          const doc = await api.invoke('image:open-bytes', { name: file.name || 'pasted image.png', bytes });
          await replaceDocument(doc, History.empty, {});
        }
      });
    },

    /** Electron: the host's own open dialog. */
    async openWithDialog(kind: 'image' | 'project'): Promise<void> {
      await ctx.busy('opening', async () => {
        if (kind === 'image') {
          const doc = await api.invoke('image:open-dialog', {});
          if (doc) await replaceDocument(doc, History.empty, {});
        } else {
          const opened = await api.invoke('project:open-dialog', {});
          if (opened) {
            await showProject(opened);
          }
        }
      });
    },

    /** Electron: File › Open Recent. */
    async openPath(kind: 'image' | 'project', path: string): Promise<void> {
      if (ctx.refuseWhileRunning()) return;
      await ctx.busy('opening', async () => {
        if (kind === 'image') {
          await replaceDocument(await api.invoke('image:open-path', { path }), History.empty, {});
        } else {
          const opened = await api.invoke('project:open-path', { path });
          await showProject(opened);
        }
      });
    },
  };
}
