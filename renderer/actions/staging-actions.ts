/** A run's candidates before one is accepted: choose, compare with the photo, accept or discard. */
import type { ActionContext } from './action-context.ts';

export function stagingActions(ctx: ActionContext) {
  const { store, api } = ctx;
  return {
    selectCandidate(index: number): void {
      store.update((s) => (s.staging ? { staging: { ...s.staging, selected: index } } : {}));
    },

    setCompare(compare: Partial<{ holding: boolean; amount: number }>): void {
      store.update((s) => ({ compare: { ...s.compare, ...compare } }));
    },

    /** The chosen candidate becomes an edit in the history; the host forgets the others. */
    async accept(): Promise<void> {
      const s = store.get();
      if (!s.doc || !s.staging) return;
      const docId = s.doc.docId;
      const staging = s.staging;
      const chosen = staging.candidates[staging.selected];
      await ctx.attempt(async () => {
        const edit = await api.invoke('candidate:accept', { docId, candidateId: chosen.candidateId });
        const others = staging.candidates.filter((c) => c.candidateId !== chosen.candidateId).map((c) => c.candidateId);
        store.update((now) => ({
          edits: { ...now.edits, [edit.editId]: edit },
          history: now.history.push({ kind: 'edit', editId: edit.editId, label: edit.recipe.prompt }),
          staging: null,
        }));
        if (others.length) await api.invoke('candidate:discard', { docId, candidateIds: others });
      });
    },

    async discardAll(): Promise<void> {
      const s = store.get();
      if (!s.doc || !s.staging) return;
      const docId = s.doc.docId;
      const ids = s.staging.candidates.map((c) => c.candidateId);
      store.update({ staging: null });
      await ctx.attempt(() => api.invoke('candidate:discard', { docId, candidateIds: ids }));
    },
  };
}
