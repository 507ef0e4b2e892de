/**
 * Autosave and recovery in the window. After each change that matters (a stroke or other mask step
 * ends, an edit is accepted, undo/redo, candidates arrive or go, the run panel changes) the document
 * is sent to the host's autosave, one save at a time, the latest state winning. At start, work an
 * earlier launch left unsaved is offered; the browser asks before a tab with unsaved work closes.
 */
import type { EditorSnapshot } from '../state/editor-state.ts';
import { hasUnsavedWork } from '../state/editor-state.ts';
import { History } from '../state/history.ts';
import type { ActionContext } from './action-context.ts';

type Saved = Pick<EditorSnapshot, 'doc' | 'history' | 'staging' | 'run'> & { dirty: boolean };

export function autosaveActions(ctx: ActionContext) {
  const { store, api } = ctx;
  let last: Saved | null = null;
  let inFlight = false;
  let again = false;
  let lastError = '';

  const changed = (s: EditorSnapshot) =>
    !last || last.doc !== s.doc || last.history !== s.history || last.staging !== s.staging || last.run !== s.run || last.dirty !== hasUnsavedWork(s);

  async function save(): Promise<void> {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      do {
        again = false;
        const s = store.get();
        if (!s.doc || s.recovery) break;
        last = { doc: s.doc, history: s.history, staging: s.staging, run: s.run, dirty: hasUnsavedWork(s) };
        const staging = s.staging && {
          runId: s.staging.runId,
          candidateIds: s.staging.candidates.map((c) => c.candidateId),
          selected: s.staging.selected,
          settings: s.staging.settings,
          millis: s.staging.millis,
        };
        try {
          await api.invoke('autosave:write', { docId: s.doc.docId, state: s.history.toState(), dirty: last.dirty, run: s.run, staging });
          lastError = '';
        } catch (error) {
          // Said once, not on every stroke; the next change tries again.
          const message = `Autosave failed: ${(error as Error).message}`;
          if (message !== lastError) store.notify('error', message);
          lastError = message;
        }
      } while (again);
    } finally {
      inFlight = false;
    }
  }

  return {
    /** Starts saving after each change; in a browser tab, asks before closing over unsaved work. */
    startAutosave(mode: 'electron' | 'serve' | undefined): void {
      store.subscribe(() => {
        const s = store.get();
        if (s.doc && !s.recovery && changed(s)) void save();
      });
      // Electron asks in its own close dialog (a page's beforeunload would block the close silently).
      if (mode === 'serve') {
        window.addEventListener('beforeunload', (e) => {
          if (!hasUnsavedWork(store.get())) return;
          e.preventDefault();
          e.returnValue = '';
        });
      }
    },

    async checkRecovery(): Promise<void> {
      await ctx.attempt(async () => store.update({ recovery: await api.invoke('autosave:check', {}) }));
    },

    /** Reopens the unsaved work exactly: photo, history, accepted and staged edits, run panel. */
    async restoreRecovery(): Promise<void> {
      if (ctx.refuseWhileRunning()) return;
      await ctx.busy('opening', async () => {
        const r = await api.invoke('autosave:restore', {});
        const previous = store.get().doc;
        store.update({
          doc: r.project.document,
          history: History.from(r.project.state),
          savedHistory: null,
          edits: Object.fromEntries(r.project.edits.map((e) => [e.editId, e])),
          staging: r.staging,
          running: null,
          run: r.run,
          recovery: null,
        });
        if (previous) await api.invoke('document:close', { docId: previous.docId }).catch(() => {});
      });
    },

    async discardRecovery(): Promise<void> {
      await ctx.attempt(async () => {
        await api.invoke('autosave:discard', {});
        store.update({ recovery: null });
        // The document open meanwhile (if any) is autosaved from now on.
        last = null;
        if (store.get().doc) void save();
      });
    },
  };
}
