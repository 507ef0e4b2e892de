/**
 * Keeps the Open Recent list: wraps the host's handlers so that every photo or project that opened
 * (by path, by dialog or from the menu) or was saved is put first in the list. Only successes are
 * recorded: a file that failed to open is not offered again.
 *
 * The dialog's chooser is wrapped too (it goes into createHost), so the path a dialog returned can be
 * recorded once the open it led to succeeded.
 */
import type { Handlers } from '../host/register-handlers.ts';
import type { RecentFile } from './shell-state-schema.ts';

type Kind = 'image' | 'project';
/** Model bundles are chosen through the same dialogs but are not recent documents. */
type DialogKind = Kind | 'model' | 'checkpoint';

export interface RecentTracker {
  chooseOpenPath: (kind: DialogKind) => Promise<string | null>;
  wrap(handlers: Handlers): Handlers;
}

export function recentFilesTracker(chooseOpenPath: (kind: DialogKind) => Promise<string | null>, record: (file: RecentFile) => void): RecentTracker {
  const chosen: Record<DialogKind, string | null> = { image: null, project: null, model: null, checkpoint: null };
  return {
    chooseOpenPath: async (kind) => (chosen[kind] = await chooseOpenPath(kind)),
    wrap: (handlers) => ({
      ...handlers,
      'image:open-path': async (input) => {
        const result = await handlers['image:open-path'](input);
        record({ path: input.path, kind: 'image' });
        return result;
      },
      'project:open-path': async (input) => {
        const result = await handlers['project:open-path'](input);
        record({ path: input.path, kind: 'project' });
        return result;
      },
      'image:open-dialog': async (input) => {
        chosen.image = null;
        const result = await handlers['image:open-dialog'](input);
        if (result && chosen.image) record({ path: chosen.image, kind: 'image' });
        return result;
      },
      'project:open-dialog': async (input) => {
        chosen.project = null;
        const result = await handlers['project:open-dialog'](input);
        if (result && chosen.project) record({ path: chosen.project, kind: 'project' });
        return result;
      },
      'project:save': async (input) => {
        const result = await handlers['project:save'](input);
        if (result?.savedPath) record({ path: result.savedPath, kind: 'project' });
        return result;
      },
    }),
  };
}
