/**
 * Painting: pointer drags become strokes (data: points in image pixels, width, mode, hardness).
 * While dragging, the mask layer shows the live line; on release the stroke is handed to onStroke,
 * which puts it in the history.
 */
import type { Stroke } from '../../main/contract.ts';
import type { EditorCanvas } from './editor-canvas.ts';
import { coreWidth } from './mask-render.ts';
import type { PanZoomController } from './pan-zoom-controller.ts';
import { screenToImage } from './viewport.ts';

export interface BrushSettings {
  mode: 'paint' | 'erase';
  /** Diameter in full-resolution image pixels (as in photo editors: zooming does not change what it covers). */
  size: number;
  hardness: number;
  enabled: boolean;
}

export class BrushController {
  private stroke: Stroke | null = null;
  private pointerId = -1;
  /** The document the stroke began on. */
  private doc = 0;
  private lastScreen = { x: 0, y: 0 };
  private frame = 0;
  private readonly disposers: (() => void)[] = [];

  constructor(
    private readonly canvas: EditorCanvas,
    private readonly nav: PanZoomController,
    private readonly settings: () => BrushSettings,
    private readonly onStroke: (s: Stroke) => void,
  ) {
    const el = canvas.container;
    const on = <E extends Event>(type: string, fn: (e: E) => void) => {
      el.addEventListener(type, fn as EventListener);
      this.disposers.push(() => el.removeEventListener(type, fn as EventListener));
    };
    on('pointerdown', (e: PointerEvent) => this.down(e));
    on('pointermove', (e: PointerEvent) => this.move(e));
    on('pointerup', (e: PointerEvent) => this.up(e));
    on('pointercancel', (e: PointerEvent) => this.up(e));
    on('pointerleave', () => canvas.setCursor(null, 0));
  }

  private imagePoint(e: PointerEvent) {
    const r = this.canvas.container.getBoundingClientRect();
    return screenToImage(this.canvas.view, e.clientX - r.left, e.clientY - r.top);
  }

  private down(e: PointerEvent): void {
    const s = this.settings();
    if (e.button !== 0 || this.nav.panning || !s.enabled || !this.canvas.hasDocument) return;
    e.preventDefault();
    try {
      this.canvas.container.setPointerCapture(e.pointerId);
    } catch {
      // Synthetic pointers (scripts, some pens) cannot be captured; painting works without it.
    }
    this.pointerId = e.pointerId;
    this.doc = this.canvas.drawnDocument;
    const p = this.imagePoint(e);
    this.lastScreen = { x: e.clientX, y: e.clientY };
    // Alt swaps brush and eraser for this stroke, as it subtracts with the selection tools.
    const mode = e.altKey ? (s.mode === 'paint' ? 'erase' : 'paint') : s.mode;
    this.stroke = { kind: 'stroke', mode, width: s.size, hardness: s.hardness, points: [p.x, p.y] };
    this.canvas.mask.showLive(this.stroke);
  }

  private move(e: PointerEvent): void {
    const s = this.settings();
    const p = this.imagePoint(e);
    // The outline shows what a stroke covers (its 50% line), as the overlay and the engine's mask do.
    this.canvas.setCursor(this.nav.panning || !s.enabled ? null : p, coreWidth({ width: s.size, hardness: s.hardness }));
    if (!this.stroke || e.pointerId !== this.pointerId) return;
    // Coalesced events keep fast strokes smooth where the browser batches pointer moves.
    for (const ev of e.getCoalescedEvents?.() ?? [e]) {
      if (Math.hypot(ev.clientX - this.lastScreen.x, ev.clientY - this.lastScreen.y) < 1) continue;
      this.lastScreen = { x: ev.clientX, y: ev.clientY };
      const q = this.imagePoint(ev);
      this.stroke.points.push(q.x, q.y);
    }
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        if (this.stroke) this.canvas.mask.showLive(this.stroke);
      });
    }
  }

  private up(e: PointerEvent): void {
    if (!this.stroke || e.pointerId !== this.pointerId) return;
    const stroke = { ...this.stroke, points: this.stroke.points.map((v) => Math.round(v * 100) / 100) };
    this.stroke = null;
    this.pointerId = -1;
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    // A photo opened during the drag: the points are the previous photo's.
    if (this.canvas.drawnDocument === this.doc) this.onStroke(stroke);
    this.canvas.mask.showLive(null);
  }

  destroy(): void {
    for (const d of this.disposers) d();
  }
}
