/**
 * The selection tools on the canvas: rectangle (drag), lasso (freehand drag, or polygon: click the
 * corners, then Enter, a double-click or a click on the first corner closes it) and the magic wand
 * (click). Each adds to the mask, or subtracts with Alt held when it starts (Shift, or nothing, adds).
 * Esc cancels a shape being drawn. Finished shapes are handed to onOp as history entries (data in
 * photo pixels; the wand's selection as runs over the display copy it was computed on).
 */
import type { HistoryEntry } from '../../main/contract.ts';
import { encodeRuns } from '../mask/mask-runs.ts';
import { rectanglePolygon } from '../mask/polygon-raster.ts';
import { magicWand } from '../mask/wand.ts';
import type { EditorCanvas } from './editor-canvas.ts';
import { isTyping, type PanZoomController } from './pan-zoom-controller.ts';
import { screenToImage } from './viewport.ts';

export interface SelectionSettings {
  tool: 'rect' | 'lasso' | 'wand' | null;
  lassoMode: 'freehand' | 'polygon';
  wandTolerance: number;
  wandContiguous: boolean;
  enabled: boolean;
}

type Op = Exclude<HistoryEntry, { kind: 'edit' | 'stroke' | 'clear' | 'invert' }>;

/** Screen pixels within which a click on the first corner closes a polygon. */
const CLOSE_DISTANCE = 8;

export class SelectionController {
  private drawing: { tool: 'rect' | 'lasso' | 'polygon'; mode: 'add' | 'subtract'; pointerId: number; points: number[]; firstScreen: { x: number; y: number }; doc: number } | null = null;
  private readonly disposers: (() => void)[] = [];

  constructor(
    private readonly canvas: EditorCanvas,
    private readonly nav: PanZoomController,
    private readonly settings: () => SelectionSettings,
    private readonly onOp: (op: Op) => void,
  ) {
    const el = canvas.container;
    const on = <E extends Event>(target: EventTarget, type: string, fn: (e: E) => void) => {
      target.addEventListener(type, fn as EventListener);
      this.disposers.push(() => target.removeEventListener(type, fn as EventListener));
    };
    on(el, 'pointerdown', (e: PointerEvent) => this.down(e));
    on(el, 'pointermove', (e: PointerEvent) => this.move(e));
    on(el, 'pointerup', (e: PointerEvent) => this.up(e));
    on(el, 'pointercancel', () => this.cancel());
    on(el, 'dblclick', () => this.closePolygon());
    on(window, 'keydown', (e: KeyboardEvent) => {
      if (!this.drawing || isTyping(e)) return;
      if (e.key === 'Escape') this.cancel();
      else if (e.key === 'Enter') this.closePolygon();
      else return;
      e.preventDefault();
      e.stopPropagation();
    });
  }

  private imagePoint(e: { clientX: number; clientY: number }) {
    const r = this.canvas.container.getBoundingClientRect();
    return screenToImage(this.canvas.view, e.clientX - r.left, e.clientY - r.top);
  }

  private down(e: PointerEvent): void {
    const s = this.settings();
    if (e.button !== 0 || this.nav.panning || !s.enabled || !s.tool || !this.canvas.hasDocument) return;
    e.preventDefault();
    const p = this.imagePoint(e);
    if (this.drawing?.tool === 'polygon') {
      const near = Math.hypot(e.clientX - this.drawing.firstScreen.x, e.clientY - this.drawing.firstScreen.y) <= CLOSE_DISTANCE;
      if (near && this.drawing.points.length >= 6) return this.closePolygon();
      this.drawing.points.push(p.x, p.y);
      return this.showOutline(p);
    }
    const mode = e.altKey ? 'subtract' : 'add';
    if (s.tool === 'wand') return this.wand(p, mode, s);
    try {
      this.canvas.container.setPointerCapture(e.pointerId);
    } catch {
      // Synthetic pointers cannot be captured; drawing works without it.
    }
    const tool = s.tool === 'rect' ? 'rect' : s.lassoMode === 'polygon' ? 'polygon' : 'lasso';
    this.drawing = { tool, mode, pointerId: e.pointerId, points: [p.x, p.y], firstScreen: { x: e.clientX, y: e.clientY }, doc: this.canvas.drawnDocument };
    this.showOutline(p);
  }

  private move(e: PointerEvent): void {
    const d = this.drawing;
    if (!d) return;
    const p = this.imagePoint(e);
    if (d.tool === 'lasso' && e.pointerId === d.pointerId) {
      for (const ev of e.getCoalescedEvents?.() ?? [e]) {
        const q = this.imagePoint(ev);
        d.points.push(q.x, q.y);
      }
    }
    this.showOutline(p);
  }

  private up(e: PointerEvent): void {
    const d = this.drawing;
    if (!d || d.tool === 'polygon' || e.pointerId !== d.pointerId) return;
    this.drawing = null;
    this.canvas.mask.showOutline(null);
    if (d.doc !== this.canvas.drawnDocument) return; // another photo opened meanwhile: the points are the previous one's
    if (d.tool === 'rect') {
      const p = this.imagePoint(e);
      const [x0, y0] = d.points;
      const r = { x: Math.min(x0, p.x), y: Math.min(y0, p.y), width: Math.abs(p.x - x0), height: Math.abs(p.y - y0) };
      if (r.width >= 1 && r.height >= 1) this.onOp({ kind: 'rect', mode: d.mode, ...roundBox(r) });
    } else if (d.points.length >= 6) {
      this.onOp({ kind: 'lasso', mode: d.mode, points: d.points.map(round2) });
    }
  }

  private closePolygon(): void {
    const d = this.drawing;
    if (!d || d.tool !== 'polygon') return;
    this.drawing = null;
    this.canvas.mask.showOutline(null);
    if (d.doc !== this.canvas.drawnDocument) return;
    // A double-click also delivered two clicks at the same place: drop repeated corners.
    const points: number[] = [];
    for (let i = 0; i < d.points.length; i += 2) {
      const n = points.length;
      if (n && Math.hypot(points[n - 2] - d.points[i], points[n - 1] - d.points[i + 1]) < 0.5) continue;
      points.push(d.points[i], d.points[i + 1]);
    }
    if (points.length >= 6) this.onOp({ kind: 'lasso', mode: d.mode, points: points.map(round2) });
  }

  private cancel(): void {
    this.drawing = null;
    this.canvas.mask.showOutline(null);
  }

  private showOutline(pointer: { x: number; y: number }): void {
    const d = this.drawing;
    if (!d) return;
    if (d.tool === 'rect') {
      const [x0, y0] = d.points;
      this.canvas.mask.showOutline(rectanglePolygon({ x: Math.min(x0, pointer.x), y: Math.min(y0, pointer.y), width: Math.abs(pointer.x - x0), height: Math.abs(pointer.y - y0) }));
    } else if (d.tool === 'polygon') {
      this.canvas.mask.showOutline([...d.points, pointer.x, pointer.y]);
    } else {
      this.canvas.mask.showOutline(d.points);
    }
  }

  /** The wand runs on the photo as shown (display copy with the accepted edits), at its resolution. */
  private wand(p: { x: number; y: number }, mode: 'add' | 'subtract', s: SelectionSettings): void {
    const shown = this.canvas.shownPixels();
    if (!shown) {
      // A large photo's display copy still loading (its first second): select once it is in.
      const doc = this.canvas.drawnDocument;
      if (doc) void this.canvas.displayReady().then(() => this.canvas.drawnDocument === doc && this.canvas.shownPixels() && this.wand(p, mode, s));
      return;
    }
    const scale = shown.width / this.canvas.imageSize.width;
    const selected = magicWand(shown.data, shown.width, shown.height, p.x * scale, p.y * scale, { tolerance: s.wandTolerance, contiguous: s.wandContiguous });
    const runs = encodeRuns(selected, shown.width, shown.height);
    if (!runs.length) return;
    this.onOp({
      kind: 'region',
      source: 'wand',
      mode,
      grid: { width: shown.width, height: shown.height },
      runs,
      wand: { x: round2(p.x), y: round2(p.y), tolerance: s.wandTolerance, contiguous: s.wandContiguous },
    });
  }

  destroy(): void {
    for (const d of this.disposers) d();
  }
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

function roundBox(r: { x: number; y: number; width: number; height: number }) {
  return { x: round2(r.x), y: round2(r.y), width: round2(r.width), height: round2(r.height) };
}
