/**
 * Asks before the editor window closes over work not saved in a project (the autosave knows).
 * Cancel keeps the window; "Close Without Saving" discards the autosave, so the next start does not
 * offer it again. The dialog is injected, so the decision is tested without Electron.
 */
export interface CloseGuardDeps {
  unsavedWork: () => { name: string } | null;
  /** Electron's dialog.showMessageBoxSync on the window: the index of the chosen button. */
  ask: (options: { type: 'question'; buttons: string[]; defaultId: number; cancelId: number; message: string; detail: string }) => number;
  discard: () => Promise<void>;
  /** Closes the window for real once the autosave is gone. */
  destroy: () => void;
}

export function guardClose(deps: CloseGuardDeps): (event: { preventDefault(): void }) => void {
  let confirmed = false;
  return (event) => {
    if (confirmed) return;
    const unsaved = deps.unsavedWork();
    if (!unsaved) return;
    event.preventDefault();
    const choice = deps.ask({
      type: 'question',
      buttons: ['Cancel', 'Close Without Saving'],
      defaultId: 0,
      cancelId: 0,
      message: `"${unsaved.name}" has changes that are not saved in a project.`,
      detail: 'Close without saving discards them. To keep them, choose Cancel, then File › Save Project.',
    });
    if (choice !== 1) return;
    confirmed = true;
    void deps.discard().finally(() => deps.destroy());
  };
}
