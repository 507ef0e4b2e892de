/**
 * What the person does, as operations on the store and the host, one module per concern: documents,
 * mask and history, settings, runs, staging, files out, the engine, and the host's events. Every
 * failure ends up as a notice in the window, never only in the console.
 */
import type { Api } from '../../main/contract.ts';
import type { CanvasOwner } from '../canvas/canvas-owner.ts';
import type { EditorStore } from '../state/editor-store.ts';
import { ActionContext } from './action-context.ts';
import { autosaveActions } from './autosave-actions.ts';
import { canvasActions } from './canvas-actions.ts';
import { documentActions } from './document-actions.ts';
import { engineActions } from './engine-actions.ts';
import { exportActions } from './export-actions.ts';
import { handleHostEvent } from './host-events.ts';
import { maskActions } from './mask-actions.ts';
import { runActions } from './run-actions.ts';
import { settingsActions } from './settings-actions.ts';
import { stagingActions } from './staging-actions.ts';

export type EditorActions = ReturnType<typeof createEditorActions>;

export function createEditorActions(store: EditorStore, api: Api, canvas: CanvasOwner) {
  const ctx = new ActionContext(store, api, canvas);
  const staging = stagingActions(ctx);
  const runs = runActions(ctx, staging.discardAll);
  const actions = {
    ...documentActions(ctx, runs.clearPreview),
    ...maskActions(ctx),
    ...canvasActions(ctx),
    ...settingsActions(ctx),
    ...runs,
    ...staging,
    ...exportActions(ctx),
    ...engineActions(ctx),
    ...autosaveActions(ctx),

    /** Listens to the host, then shows what it says about itself, its settings and the engine. */
    async init(): Promise<void> {
      api.onEvent((e) => handleHostEvent(ctx, actions, e));
      await ctx.attempt(async () => {
        const [app, settings, engine] = await Promise.all([api.invoke('app:info', {}), api.invoke('settings:get', {}), api.invoke('engine:status', {})]);
        store.update({ app, engine });
        actions.applySettings(settings);
      });
      await actions.checkRecovery();
      actions.startAutosave(store.get().app?.mode);
      actions.startMaskAhead();
    },
  };
  return actions;
}
