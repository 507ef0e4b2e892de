/**
 * Navigation on the canvas: the wheel zooms at the pointer, space-drag or middle-drag pans.
 * `panning` tells the brush to stay out of the way while space is held.
 */
import type { EditorCanvas } from './editor-canvas.ts';
import { wheelFactor } from './viewport.ts';

export class PanZoomController {
  spaceHeld = false;
  private drag: { pointerId: number; x: number; y: number } | null = null;
  private readonly disposers: (() => void)[] = [];

  constructor(private readonly canvas: EditorCanvas) {
    const el = canvas.container;
    this.listen(el, 'wheel', (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      canvas.zoomAt(wheelFactor(e.deltaY, e.deltaMode), e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    this.listen(window, 'keydown', (e: KeyboardEvent) => {
      if (e.code === 'Space' && !isTyping(e)) {
        e.preventDefault();
        if (!this.spaceHeld) {
          this.spaceHeld = true;
          el.style.cursor = 'grab';
        }
      }
    });
    this.listen(window, 'keyup', (e: KeyboardEvent) => {
      if (e.code === 'Space') {
        this.spaceHeld = false;
        el.style.cursor = '';
      }
    });
    this.listen(el, 'pointerdown', (e: PointerEvent) => {
      if (!(this.spaceHeld && e.button === 0) && e.button !== 1) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      el.setPointerCapture(e.pointerId);
      this.drag = { pointerId: e.pointerId, x: e.clientX, y: e.clientY };
      el.style.cursor = 'grabbing';
    });
    this.listen(el, 'pointermove', (e: PointerEvent) => {
      if (!this.drag || e.pointerId !== this.drag.pointerId) return;
      e.stopImmediatePropagation();
      const v = canvas.view;
      canvas.setView({ ...v, x: v.x + e.clientX - this.drag.x, y: v.y + e.clientY - this.drag.y });
      this.drag = { ...this.drag, x: e.clientX, y: e.clientY };
    });
    const end = (e: PointerEvent) => {
      if (!this.drag || e.pointerId !== this.drag.pointerId) return;
      e.stopImmediatePropagation();
      this.drag = null;
      el.style.cursor = this.spaceHeld ? 'grab' : '';
    };
    this.listen(el, 'pointerup', end);
    this.listen(el, 'pointercancel', end);
  }

  get panning(): boolean {
    return this.spaceHeld || this.drag !== null;
  }

  destroy(): void {
    for (const d of this.disposers) d();
  }

  private listen<E extends Event>(target: EventTarget, type: string, fn: (e: E) => void, options?: AddEventListenerOptions): void {
    // Capture phase: navigation claims its gestures before the brush sees them.
    const opts = { capture: true, ...options };
    target.addEventListener(type, fn as EventListener, opts);
    this.disposers.push(() => target.removeEventListener(type, fn as EventListener, opts));
  }
}

export function isTyping(e: Event): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
}
