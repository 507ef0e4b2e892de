/**
 * The window's one canvas, as the rest of the editor sees it: the actions ask it whether the mask
 * has anything to generate, and the toolbar and shortcuts ask it to fit or show 100%. CanvasView
 * attaches the EditorCanvas it mounts; before that (and after unmounting) there is no mask and the
 * view commands do nothing. View listeners registered early are kept and follow the mounted canvas.
 */
import type { View } from './viewport.ts';

/** What the owner needs of the mounted canvas (EditorCanvas). */
export interface OwnedCanvas {
  readonly mask: { hasMask(): boolean };
  fit(): void;
  actualSize(): void;
  onViewChange(listener: (v: View) => void): () => void;
}

export class CanvasOwner {
  private canvas: OwnedCanvas | null = null;
  private readonly viewListeners = new Set<(v: View) => void>();

  /** Makes this the canvas; returns the function that detaches it. */
  attach(canvas: OwnedCanvas): () => void {
    this.canvas = canvas;
    const off = canvas.onViewChange((v) => {
      for (const l of this.viewListeners) l(v);
    });
    return () => {
      off();
      if (this.canvas === canvas) this.canvas = null;
    };
  }

  /** Whether the mask has any pixel the engine would generate. */
  hasMask(): boolean {
    return this.canvas?.mask.hasMask() ?? false;
  }

  fit(): void {
    this.canvas?.fit();
  }

  actualSize(): void {
    this.canvas?.actualSize();
  }

  onViewChange(listener: (v: View) => void): () => void {
    this.viewListeners.add(listener);
    return () => {
      this.viewListeners.delete(listener);
    };
  }
}
