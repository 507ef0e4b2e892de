/**
 * Files out: the edited photo and the project. Electron saves where the person chose (savedPath);
 * serve mode hands back a download URL, clicked here so the browser saves it.
 */
import type { SavedFile } from '../../main/contract.ts';
import { isPadded } from '../mask/placed-ops.ts';
import { placedMask } from '../state/placed-mask.ts';
import type { ActionContext } from './action-context.ts';

export function exportActions(ctx: ActionContext) {
  const { store, api } = ctx;

  function deliver(saved: SavedFile, verb: string): void {
    if (saved.downloadUrl) {
      const a = document.createElement('a');
      a.href = saved.downloadUrl;
      a.download = saved.fileName;
      document.body.append(a);
      a.click();
      a.remove();
    }
    store.notify('info', `${verb} ${saved.savedPath ?? saved.fileName} (${(saved.bytes / 1e6).toFixed(1)} MB).`);
  }

  return {
    async exportImage(): Promise<void> {
      const s = store.get();
      if (!s.doc) return store.notify('error', 'Open a photo first.');
      const docId = s.doc.docId;
      const { padding } = placedMask(s.history, s.doc).canvas;
      await ctx.busy('exporting', async () => {
        const saved = await api.invoke('export:image', {
          docId,
          editIds: s.history.editIds,
          format: s.exportSettings.format,
          quality: s.exportSettings.quality,
          ...(isPadded(padding) ? { canvas: padding } : {}),
        });
        if (saved) deliver(saved, 'Exported');
      });
    },

    async saveProject(): Promise<void> {
      const s = store.get();
      if (!s.doc) return store.notify('error', 'Open a photo first.');
      const docId = s.doc.docId;
      await ctx.busy('saving', async () => {
        const saved = await api.invoke('project:save', { docId, state: s.history.toState() });
        if (saved) {
          // What was saved is no longer unsaved work (later changes are).
          store.update((now) => (now.doc?.docId === docId ? { savedHistory: s.history } : {}));
          deliver(saved, 'Saved the project');
        }
      });
    },
  };
}
