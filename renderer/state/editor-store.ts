/**
 * The window's state container: a snapshot, replaced (never mutated) on each change, and listeners.
 * React panels read it through useEditor; the canvas binding subscribes directly.
 */
import { initialSnapshot, type EditorSnapshot, type Notice } from './editor-state.ts';

export class EditorStore {
  private snapshot: EditorSnapshot = initialSnapshot;
  private readonly listeners = new Set<() => void>();
  private nextNotice = 1;

  get = (): EditorSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  update(change: Partial<EditorSnapshot> | ((s: EditorSnapshot) => Partial<EditorSnapshot>)): void {
    const patch = typeof change === 'function' ? change(this.snapshot) : change;
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.listeners) l();
  }

  /** Shows a message in the window (errors stay until dismissed; info fades). */
  notify(kind: Notice['kind'], message: string): void {
    const notice = { id: this.nextNotice++, kind, message };
    this.update((s) => ({ notices: [...s.notices.filter((n) => n.message !== message), notice].slice(-4) }));
    if (kind === 'info') setTimeout(() => this.dismiss(notice.id), 6000);
  }

  dismiss(id: number): void {
    this.update((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
  }
}
