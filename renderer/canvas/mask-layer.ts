/**
 * The mask overlay: a display-resolution canvas holding the mask (alpha = coverage, drawn in the
 * overlay colour) shown over the photo, plus the live line of the stroke being painted and the
 * outline of a rectangle or lasso being drawn. The layer's own canvas element carries the overlay
 * opacity, so overlapping strokes never look darker. A previewed operation (grow/feather being
 * adjusted) is drawn over a copy of the history's mask, so changing or clearing it costs no replay.
 */
import Konva from 'konva';
import type { Stroke } from '../../main/contract.ts';
import type { PlacedOp } from '../mask/placed-ops.ts';
import { applyMaskOp, coreWidth, hasMaskPixels, renderMask } from './mask-render.ts';

export class MaskLayer {
  readonly layer = new Konva.Layer({ listening: false });
  private readonly canvas = document.createElement('canvas');
  private readonly ctx = this.canvas.getContext('2d', { willReadFrequently: false })!;
  private readonly image: Konva.Image;
  private readonly live = new Konva.Line({ lineCap: 'round', lineJoin: 'round', listening: false, visible: false, perfectDrawEnabled: false });
  /** The rectangle or lasso being drawn: marching-ants style, light over dark. */
  private readonly outline = new Konva.Line({ stroke: '#ffffff', strokeWidth: 1.5, strokeScaleEnabled: false, dash: [6, 4], shadowColor: '#000', shadowBlur: 2, listening: false, visible: false });
  /** The history's mask without the preview, kept while one is shown so its changes redraw only the preview. */
  private readonly base = document.createElement('canvas');
  private ops: readonly PlacedOp[] = [];
  private previewOp: PlacedOp | null = null;
  /** Whether base holds the current ops' mask (it is drawn only when a preview needs it). */
  private baseValid = false;
  private colour = '#ff3366';
  /** Display pixels per full-resolution image pixel. */
  private scale = 1;

  constructor() {
    this.image = new Konva.Image({ image: this.canvas, listening: false });
    this.layer.add(this.image, this.live, this.outline);
  }

  /**
   * A new document, or the canvas grew or shrank back (extend canvas, undo): the mask canvas at
   * display resolution (`scale` display pixels per image pixel), covering the canvas's full-resolution
   * extent, empty until the next setOps draws the operations again.
   */
  setExtent(size: { width: number; height: number }, scale: number): void {
    this.canvas.width = this.base.width = Math.max(1, Math.round(size.width * scale));
    this.canvas.height = this.base.height = Math.max(1, Math.round(size.height * scale));
    this.scale = scale;
    this.image.size(size);
    this.ops = [];
    this.previewOp = null;
    this.baseValid = false;
    this.layer.batchDraw();
  }

  setStyle(colour: string, opacity: number, visible: boolean): void {
    this.layer.getNativeCanvasElement().style.opacity = String(opacity);
    this.layer.visible(visible);
    if (colour !== this.colour) {
      this.colour = colour;
      this.redraw();
    }
  }

  /** Shows these mask operations, then the preview; one appended operation is drawn incrementally, anything else replays. */
  setOps(ops: readonly PlacedOp[], preview: PlacedOp | null = null): void {
    const appendedOne = ops.length === this.ops.length + 1 && this.ops.every((op, i) => ops[i] === op);
    const same = ops.length === this.ops.length && this.ops.every((op, i) => ops[i] === op);
    const last = ops[ops.length - 1];
    this.ops = ops;
    if (same && preview === this.previewOp) return;
    if (!same) this.baseValid = false;
    if (appendedOne && !this.previewOp && !preview) {
      // The common case (a stroke or shape added): draw just it, as painting needs.
      applyMaskOp(this.ctx, last, this.style());
      this.layer.batchDraw();
      return;
    }
    if (!same && !preview) {
      this.previewOp = null;
      return this.redraw();
    }
    // A preview: keep the history's mask aside once, so each change of the amount redraws only the preview.
    if (!this.baseValid) {
      renderMask(this.base.getContext('2d')!, this.ops, this.style());
      this.baseValid = true;
    }
    this.previewOp = preview;
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.ctx.drawImage(this.base, 0, 0);
    if (preview) applyMaskOp(this.ctx, preview, this.style());
    this.layer.batchDraw();
  }

  /** The outline of a rectangle or lasso being drawn (image pixels, closed); null hides it. */
  showOutline(points: number[] | null): void {
    if (!points) this.outline.visible(false);
    else this.outline.points(points).closed(true).visible(true);
    this.layer.batchDraw();
  }

  /** The stroke being painted, drawn as it will be once committed (hard at its 50% line, as the engine gets it). */
  showLive(stroke: Stroke | null): void {
    if (!stroke) {
      this.live.visible(false);
    } else {
      this.live
        .points(stroke.points.length === 2 ? [...stroke.points, ...stroke.points] : stroke.points)
        .strokeWidth(coreWidth(stroke))
        .stroke(this.colour)
        .globalCompositeOperation(stroke.mode === 'paint' ? 'source-over' : 'destination-out')
        .visible(true);
    }
    this.layer.batchDraw();
  }

  hasMask(): boolean {
    return hasMaskPixels(this.ctx);
  }

  private style() {
    return { scale: this.scale, colour: this.colour };
  }

  private redraw(): void {
    this.baseValid = false;
    renderMask(this.ctx, this.ops, this.style());
    if (this.previewOp) applyMaskOp(this.ctx, this.previewOp, this.style());
    this.layer.batchDraw();
  }
}
