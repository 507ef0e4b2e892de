/**
 * What every group of editor actions shares: the store, the host's Api, the canvas owner, and the
 * one way a failure becomes a notice in the window (HostError messages are written for the person;
 * anything else is also logged to the console).
 */
import { HostError, type Api } from '../../main/contract.ts';
import type { CanvasOwner } from '../canvas/canvas-owner.ts';
import type { EditorSnapshot } from '../state/editor-state.ts';
import type { EditorStore } from '../state/editor-store.ts';

export type BusyKind = NonNullable<EditorSnapshot['busy']>;

export class ActionContext {
  constructor(
    readonly store: EditorStore,
    readonly api: Api,
    readonly canvas: CanvasOwner,
  ) {}

  /** Runs work with the window showing `kind` as busy; a failure becomes a notice. */
  async busy(kind: BusyKind, work: () => Promise<void>): Promise<void> {
    this.store.update({ busy: kind });
    try {
      await work();
    } catch (error) {
      this.report(error);
    } finally {
      this.store.update({ busy: null });
    }
  }

  /** Runs work; a failure becomes a notice. */
  async attempt(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.report(error);
    }
  }

  report(error: unknown): void {
    const message = error instanceof HostError ? error.message : `Something went wrong: ${(error as Error)?.message ?? String(error)}`;
    this.store.notify('error', message);
    if (!(error instanceof HostError)) console.error(error);
  }

  /** Refuses to replace the document while a run is working on it. */
  refuseWhileRunning(): boolean {
    if (!this.store.get().running) return false;
    this.store.notify('error', 'Wait for the run to finish (or cancel it) before opening another file.');
    return true;
  }
}
