/**
 * The mask overlay: a display-resolution canvas holding the mask (alpha = coverage, drawn in the
 * overlay colour) shown over the photo, plus the live line of the stroke being painted. The layer's
 * own canvas element carries the overlay opacity, so overlapping strokes never look darker.
 */
import Konva from 'konva';
import type { Stroke } from '../../main/contract.ts';
import type { MaskEntry } from '../state/history.ts';
import { coreWidth, drawStroke, hasMaskPixels, renderMask } from './mask-render.ts';

export class MaskLayer {
  readonly layer = new Konva.Layer({ listening: false });
  private readonly canvas = document.createElement('canvas');
  private readonly ctx = this.canvas.getContext('2d', { willReadFrequently: false })!;
  private readonly image: Konva.Image;
  private readonly live = new Konva.Line({ lineCap: 'round', lineJoin: 'round', listening: false, visible: false, perfectDrawEnabled: false });
  private ops: readonly MaskEntry[] = [];
  private colour = '#ff3366';
  /** Display pixels per full-resolution image pixel. */
  private scale = 1;

  constructor() {
    this.image = new Konva.Image({ image: this.canvas, listening: false });
    this.layer.add(this.image, this.live);
  }

  /** A new document: the mask canvas at display resolution, covering the image's full-resolution extent. */
  setDocument(size: { width: number; height: number }, display: { width: number; height: number }): void {
    this.canvas.width = display.width;
    this.canvas.height = display.height;
    this.scale = display.width / size.width;
    this.image.size(size);
    this.ops = [];
    this.redraw();
  }

  setStyle(colour: string, opacity: number, visible: boolean): void {
    this.layer.getNativeCanvasElement().style.opacity = String(opacity);
    this.layer.visible(visible);
    if (colour !== this.colour) {
      this.colour = colour;
      this.redraw();
    }
  }

  /** Shows these mask operations; one appended stroke is drawn incrementally, anything else redraws. */
  setOps(ops: readonly MaskEntry[]): void {
    const appendedOne = ops.length === this.ops.length + 1 && this.ops.every((op, i) => ops[i] === op);
    const last = ops[ops.length - 1];
    this.ops = ops;
    if (appendedOne && last.kind === 'stroke') {
      drawStroke(this.ctx, last, { scale: this.scale, colour: this.colour, soft: true });
      this.layer.batchDraw();
    } else {
      this.redraw();
    }
  }

  /** The stroke being painted, drawn hard until it is committed (then it joins the ops, softened). */
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

  private redraw(): void {
    renderMask(this.ctx, this.ops, { scale: this.scale, colour: this.colour, soft: true });
    this.layer.batchDraw();
  }
}
