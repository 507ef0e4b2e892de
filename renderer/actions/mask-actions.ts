/** The mask and the history: strokes, clears and inverts join the one undo list with accepted edits. */
import type { HistoryEntry } from '../../main/contract.ts';
import type { ActionContext } from './action-context.ts';

export function maskActions({ store }: ActionContext) {
  return {
    pushMask(entry: Exclude<HistoryEntry, { kind: 'edit' }>): void {
      if (!store.get().doc) return;
      store.update((s) => ({ history: s.history.push(entry) }));
    },

    undo(): void {
      store.update((s) => ({ history: s.history.undo() }));
    },

    redo(): void {
      store.update((s) => ({ history: s.history.redo() }));
    },

    goTo(position: number): void {
      store.update((s) => ({ history: s.history.goTo(position) }));
    },
  };
}
