/**
 * The host's events: engine status, run progress, and Electron's menu commands (the canvas handles
 * the View items itself through its own listener).
 */
import type { EventPayload, HostEvent } from '../../main/contract.ts';
import type { ActionContext } from './action-context.ts';

/** What the menu and the events drive, from the other action groups. */
export interface HostEventTargets {
  undo(): void;
  redo(): void;
  openPath(kind: 'image' | 'project', path: string): Promise<void>;
  openWithDialog(kind: 'image' | 'project'): Promise<void>;
  exportImage(): Promise<void>;
  saveProject(): Promise<void>;
  showProgress(p: EventPayload<'edit:progress'>): void;
}

export function handleHostEvent({ store }: ActionContext, to: HostEventTargets, e: HostEvent): void {
  if (e.event === 'engine:status') {
    const wasDown = store.get().engine.state !== 'ready';
    store.update({ engine: e.payload });
    // crashed / restarting / failed show in the engine banner; say when it is back.
    if (e.payload.state === 'ready' && wasDown && store.get().doc) store.notify('info', 'The engine is ready again.');
  } else if (e.event === 'edit:progress') {
    to.showProgress(e.payload);
  } else if (e.event === 'menu:command') {
    onMenu(to, e.payload);
  }
}

function onMenu(to: HostEventTargets, menu: EventPayload<'menu:command'>): void {
  const command = menu.command;
  // In the prompt (or any text field) Edit › Undo/Redo edit the text, as everywhere else.
  const typing = document.activeElement instanceof HTMLInputElement || document.activeElement instanceof HTMLTextAreaElement;
  if ((command === 'undo' || command === 'redo') && typing) document.execCommand(command);
  else if (command === 'undo') to.undo();
  else if (command === 'redo') to.redo();
  else if (menu.command === 'open-recent') void to.openPath(menu.kind, menu.path);
  else if (command === 'export') void to.exportImage();
  else if (command === 'save-project') void to.saveProject();
  else if (command === 'open-image') void to.openWithDialog('image');
  else if (command === 'open-project') void to.openWithDialog('project');
}
