/**
 * The Konva stage of the editor: the photo (display copy stretched over its full-resolution extent,
 * so every node works in image pixels), the accepted edits' patches, the staged candidate, the run's
 * preview (a layer of its own, so a progress step redraws only it), the mask overlay, and a UI layer
 * (brush cursor, run crop). An extended canvas shows its new area in the grey the host fills it with,
 * the photo at its place inside. The photo, patches and candidate are decoded once (patches at the
 * display copy's resolution) and drawn from a copy about the size they are shown (ImagePyramid). The stage's scale and position are the view; plain methods drive it, React never touches it.
 */
import Konva from 'konva';
import { NO_PADDING, type CanvasGeometry } from '../mask/placed-ops.ts';
import { loadImage } from './image-loader.ts';
import { ImagePyramid } from './image-pyramid.ts';
import { MaskLayer } from './mask-layer.ts';
import { actualSizeView, fitView, zoomAt, type View } from './viewport.ts';

/** The grey of canvas pixels nothing has filled yet: what the host's extended image holds there (extend-image.ts). */
const EMPTY_CANVAS_COLOUR = 'rgb(128, 128, 128)';
/** The longest side of the overlay and the wand's raster on an extended canvas (as the display copy's). */
const DISPLAY_MAX_SIDE = 4096;

/** A copy of the photo the host serves, and its size. */
interface ShownCopy {
  url: string;
  width: number;
  height: number;
}

export interface Placed {
  id: string;
  url: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export class EditorCanvas {
  readonly stage: Konva.Stage;
  readonly mask = new MaskLayer();
  private readonly photoLayer = new Konva.Layer({ listening: false });
  private readonly previewLayer = new Konva.Layer({ listening: false });
  private readonly uiLayer = new Konva.Layer({ listening: false });
  private readonly photo = new Konva.Image({ image: undefined, listening: false });
  /** The canvas's area beyond the photo (extend canvas), before a run fills it. */
  private readonly emptyCanvas = new Konva.Rect({ fill: EMPTY_CANVAS_COLOUR, listening: false, visible: false });
  private readonly patchGroup = new Konva.Group({ listening: false });
  private readonly candidate = new Konva.Image({ image: undefined, listening: false, visible: false });
  private readonly preview = new Konva.Image({ image: undefined, listening: false, visible: false });
  private readonly cropFrame = new Konva.Rect({ stroke: '#ffffff', dash: [6, 4], strokeScaleEnabled: false, strokeWidth: 1.5, visible: false });
  private readonly cursor = new Konva.Circle({ stroke: '#ffffff', strokeWidth: 1, strokeScaleEnabled: false, shadowColor: '#000', shadowBlur: 2, shadowForStrokeEnabled: true, visible: false });
  private readonly patchNodes = new Map<string, Konva.Image>();
  /** The decoded images behind the photo, patch and candidate nodes. */
  private readonly pyramids = new Map<Konva.Image, ImagePyramid>();
  private readonly viewListeners = new Set<(v: View) => void>();
  /** The canvas's size in full-resolution pixels (the photo's, unless extended). */
  imageSize = { width: 1, height: 1 };
  private photoSize = { width: 1, height: 1 };
  private padding = NO_PADDING;
  /** Display pixels per full-resolution pixel of the display copy. */
  private displayScale = 1;
  /** The photo as shown at display resolution, for the wand; dropped when the document or its edits change. */
  private shown: { key: string; pixels: ImageData } | null = null;
  private docToken = 0;
  /** The document whose photo is drawn; behind docToken while the next one loads. */
  private drawnToken = 0;
  /** Whether the photo node shows the display copy (not the preview a large JPEG is shown with first). */
  private displayIn = false;
  private displayLoaded: Promise<void> = Promise.resolve();
  private candidateUrl: string | null = null;
  private previewUrl: string | null = null;
  private readonly resizeObserver: ResizeObserver;
  view: View = { scale: 1, x: 0, y: 0 };

  constructor(readonly container: HTMLDivElement) {
    this.stage = new Konva.Stage({ container, width: container.clientWidth || 1, height: container.clientHeight || 1 });
    this.photoLayer.add(this.emptyCanvas, this.photo, this.patchGroup, this.candidate);
    this.previewLayer.add(this.preview);
    this.uiLayer.add(this.cropFrame, this.cursor);
    this.stage.add(this.photoLayer, this.previewLayer, this.mask.layer, this.uiLayer);
    this.resizeObserver = new ResizeObserver(() => {
      this.stage.size({ width: container.clientWidth || 1, height: container.clientHeight || 1 });
      this.stage.batchDraw();
    });
    this.resizeObserver.observe(container);
  }

  /**
   * Whether a photo is drawn and it is the open document's. While the next photo loads the previous
   * one may still be shown, but its view is not the new document's: strokes there would land on the
   * new photo at the wrong place, so the tools wait (the canvas is aria-busy and shows a progress cursor).
   */
  get hasDocument(): boolean {
    return this.drawnToken > 0 && this.drawnToken === this.docToken && this.pyramids.has(this.photo);
  }

  /** Which document the tools draw on (0 while none is drawn): a stroke begun on one is dropped if it ends on another. */
  get drawnDocument(): number {
    return this.hasDocument ? this.drawnToken : 0;
  }

  /**
   * Shows a document: its preview copy first where the host made one (a large JPEG), then the display
   * copy in its place once that has loaded; without a preview, the display copy.
   */
  async setDocument(doc: { width: number; height: number; display: ShownCopy; preview?: ShownCopy }): Promise<void> {
    const token = ++this.docToken;
    // Assistive technology (and the benchmark) learn that the canvas is loading until the photo is drawn.
    this.container.setAttribute('aria-busy', 'true');
    this.displayIn = false;
    const pyramid = await ImagePyramid.load((doc.preview ?? doc.display).url).catch((error: unknown) => {
      if (token === this.docToken) this.container.setAttribute('aria-busy', 'false');
      throw error;
    });
    if (token !== this.docToken) return pyramid.close();
    this.photoSize = this.imageSize = { width: doc.width, height: doc.height };
    this.padding = NO_PADDING;
    this.displayScale = doc.display.width / doc.width;
    this.photo.position({ x: 0, y: 0 }).size({ width: doc.width, height: doc.height });
    this.setPyramid(this.photo, pyramid);
    this.emptyCanvas.visible(false);
    for (const node of this.patchNodes.values()) this.dropNode(node);
    this.patchNodes.clear();
    this.mask.setExtent(this.imageSize, this.displayScale);
    this.setCandidate(null, 1);
    this.setPreview(null, null);
    this.fit();
    this.stage.draw();
    this.drawnToken = token;
    this.container.setAttribute('aria-busy', 'false');
    if (doc.preview) this.displayLoaded = this.swapInDisplayCopy(doc.display.url, token);
    else this.displayIn = true;
  }

  /** The display copy in the preview's place, with its copy for the view made first (no frame drawn from 4096 px). */
  private async swapInDisplayCopy(url: string, token: number): Promise<void> {
    const pyramid = await ImagePyramid.load(url).catch(() => null); // the preview stays shown
    if (pyramid) await pyramid.prepare(this.photo.width() * this.shownScale());
    if (token !== this.docToken) return pyramid?.close();
    if (pyramid) {
      this.setPyramid(this.photo, pyramid);
      this.photoLayer.batchDraw();
    }
    this.shown = null;
    this.displayIn = true;
  }

  /** Settles once the display copy is shown (at once for a photo without a preview). */
  displayReady(): Promise<void> {
    return this.displayIn ? Promise.resolve() : this.displayLoaded;
  }

  /**
   * The canvas as the window shows it. The mask's operations follow it (mask/placed-ops.ts), so the
   * mask must be set again after a change (setOps); returns whether anything changed.
   */
  setCanvas(canvas: CanvasGeometry): boolean {
    const p = canvas.padding;
    if (canvas.width === this.imageSize.width && canvas.height === this.imageSize.height && p.left === this.padding.left && p.top === this.padding.top) return false;
    this.imageSize = { width: canvas.width, height: canvas.height };
    this.padding = p;
    this.photo.position({ x: p.left, y: p.top });
    this.emptyCanvas.setAttrs({ x: 0, y: 0, width: canvas.width, height: canvas.height, visible: canvas.width !== this.photoSize.width || canvas.height !== this.photoSize.height });
    this.mask.setExtent(this.imageSize, this.maskScale());
    this.shown = null;
    this.fit();
    this.photoLayer.batchDraw();
    return true;
  }

  /** The overlay's resolution: the display copy's, or less where an extended canvas would make it larger than a display copy. */
  private maskScale(): number {
    const long = Math.max(this.imageSize.width, this.imageSize.height);
    return this.imageSize === this.photoSize ? this.displayScale : Math.min(this.displayScale, DISPLAY_MAX_SIDE / long);
  }

  /** The canvas as shown (display copy and the loaded patches over it, the empty area grey), at the display copy's resolution. */
  shownPixels(): ImageData | null {
    const pyramid = this.pyramids.get(this.photo);
    if (!pyramid || !this.displayIn) return null; // not from the preview: the wand works at the display copy's resolution
    const photo = pyramid.base;
    const patches = (this.patchGroup.getChildren() as Konva.Image[]).filter((n) => this.pyramids.has(n)); // in z-order
    const key = `${this.docToken}:${this.imageSize.width}x${this.imageSize.height}+${this.padding.left}+${this.padding.top}:${patches.map((n) => `${n._id}@${n.x()},${n.y()}`).join(',')}`;
    if (this.shown?.key === key) return this.shown.pixels;
    const scale = this.maskScale();
    const width = Math.max(1, Math.round(this.imageSize.width * scale)), height = Math.max(1, Math.round(this.imageSize.height * scale));
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.fillStyle = EMPTY_CANVAS_COLOUR;
    if (width !== pyramid.size.width || height !== pyramid.size.height) ctx.fillRect(0, 0, width, height);
    ctx.drawImage(photo, this.padding.left * scale, this.padding.top * scale, this.photoSize.width * scale, this.photoSize.height * scale);
    for (const n of patches) ctx.drawImage(this.pyramids.get(n)!.base, n.x() * scale, n.y() * scale, n.width() * scale, n.height() * scale);
    this.shown = { key, pixels: ctx.getImageData(0, 0, width, height) };
    return this.shown.pixels;
  }

  /** Device pixels per image pixel at the current view. */
  private shownScale(): number {
    return this.view.scale * (window.devicePixelRatio || 1);
  }

  /** Gives a node its decoded image (the node's previous one is freed) and picks the copy for the view. */
  private setPyramid(node: Konva.Image, pyramid: ImagePyramid | null): void {
    this.pyramids.get(node)?.close();
    if (pyramid) this.pyramids.set(node, pyramid);
    else this.pyramids.delete(node);
    node.image(pyramid ? this.pickFor(node, pyramid) : undefined);
  }

  private pickFor(node: Konva.Image, pyramid: ImagePyramid): CanvasImageSource {
    return pyramid.pick(node.width() * this.shownScale(), () => {
      if (this.pyramids.get(node) !== pyramid) return;
      node.image(this.pickFor(node, pyramid));
      this.photoLayer.batchDraw();
    });
  }

  private dropNode(node: Konva.Image): void {
    this.setPyramid(node, null);
    node.destroy();
  }

  /** A patch's size at the display copy's resolution, where it is smaller (the canvas never shows more of it). */
  private atDisplayScale(p: { width: number; height: number }): { width: number; height: number } | undefined {
    return this.displayScale < 1 ? { width: p.width * this.displayScale, height: p.height * this.displayScale } : undefined;
  }

  /** Shows exactly these patches, in this order (the accepted edits the history applies). */
  setPatches(patches: readonly Placed[]): void {
    const wanted = new Set(patches.map((p) => p.id));
    for (const [id, node] of this.patchNodes) {
      if (!wanted.has(id)) {
        this.dropNode(node);
        this.patchNodes.delete(id);
      }
    }
    patches.forEach((p, index) => {
      let node = this.patchNodes.get(p.id);
      if (!node) {
        node = new Konva.Image({ image: undefined, x: p.x, y: p.y, width: p.width, height: p.height, listening: false });
        this.patchNodes.set(p.id, node);
        this.patchGroup.add(node);
        const staged = this.candidateUrl === p.url ? this.pyramids.get(this.candidate) : undefined;
        if (staged) {
          // The accepted candidate: its decoded image moves to the patch, not decoded again.
          this.pyramids.delete(this.candidate);
          this.candidate.image(undefined).visible(false);
          this.candidateUrl = null;
          this.setPyramid(node, staged);
        } else {
          const target = node;
          const token = this.docToken;
          void ImagePyramid.load(p.url, this.atDisplayScale(p)).then((pyramid) => {
            if (token !== this.docToken || this.patchNodes.get(p.id) !== target) return pyramid.close();
            this.setPyramid(target, pyramid);
            this.photoLayer.batchDraw();
          });
        }
      }
      node.position({ x: p.x, y: p.y }); // an extended canvas moves the edits made before it
      node.zIndex(index);
    });
    this.photoLayer.batchDraw();
  }

  /** The staged candidate over its box; opacity 0 shows the photo before it (compare). */
  setCandidate(c: Omit<Placed, 'id'> | null, opacity: number): void {
    if (!c) {
      this.candidateUrl = null;
      this.setPyramid(this.candidate, null);
      this.candidate.visible(false);
    } else {
      this.candidate.position({ x: c.x, y: c.y }).size({ width: c.width, height: c.height }).opacity(opacity).visible(true);
      if (c.url !== this.candidateUrl) {
        this.candidateUrl = c.url;
        this.setPyramid(this.candidate, null);
        void ImagePyramid.load(c.url, this.atDisplayScale(c)).then((pyramid) => {
          if (this.candidateUrl !== c.url) return pyramid.close();
          this.setPyramid(this.candidate, pyramid);
          this.photoLayer.batchDraw();
        });
      }
    }
    this.photoLayer.batchDraw();
  }

  /** The run's intermediate result inside its crop, with a dashed frame; null clears both. */
  setPreview(url: string | null, crop: { x: number; y: number; width: number; height: number } | null): void {
    // Each layer is drawn again only when what it shows changed: a progress step without a new
    // preview costs no frame, and one with a preview costs one, when its image has loaded (a redrawn
    // layer is a view-sized canvas the compositor copies again).
    const frame = this.cropFrame;
    const frameChanged = crop
      ? !frame.visible() || frame.x() !== crop.x || frame.y() !== crop.y || frame.width() !== crop.width || frame.height() !== crop.height
      : frame.visible();
    if (frameChanged) {
      frame.setAttrs(crop ? { ...crop, visible: true } : { visible: false });
      this.uiLayer.batchDraw();
    }
    if (!url || !crop) {
      this.previewUrl = null;
      if (this.preview.visible()) {
        this.preview.visible(false);
        this.previewLayer.batchDraw();
      }
    } else if (url !== this.previewUrl) {
      this.previewUrl = url;
      void loadImage(url)
        .then((img) => {
          if (this.previewUrl !== url) return;
          this.preview.setAttrs({ image: img, ...crop, visible: true });
          this.previewLayer.batchDraw();
        })
        .catch(() => {}); // revoked by a newer preview before it loaded
    }
  }

  /** The brush outline at an image point; null hides it. */
  setCursor(at: { x: number; y: number } | null, diameter: number): void {
    if (!at) this.cursor.visible(false);
    else this.cursor.setAttrs({ x: at.x, y: at.y, radius: diameter / 2, visible: true });
    this.uiLayer.batchDraw();
  }

  setView(view: View): void {
    this.view = view;
    // The copies to draw follow the zoom.
    for (const [node, pyramid] of this.pyramids) node.image(this.pickFor(node, pyramid));
    this.stage.setAttrs({ scaleX: view.scale, scaleY: view.scale, x: view.x, y: view.y });
    this.stage.batchDraw();
    for (const l of this.viewListeners) l(view);
  }

  onViewChange(listener: (v: View) => void): () => void {
    this.viewListeners.add(listener);
    return () => this.viewListeners.delete(listener);
  }

  screenSize(): { width: number; height: number } {
    return { width: this.stage.width(), height: this.stage.height() };
  }

  fit(): void {
    this.setView(fitView(this.imageSize, this.screenSize()));
  }

  actualSize(): void {
    this.setView(actualSizeView(this.view, this.screenSize()));
  }

  zoomAt(factor: number, sx: number, sy: number): void {
    this.setView(zoomAt(this.view, factor, sx, sy));
  }

  destroy(): void {
    for (const pyramid of this.pyramids.values()) pyramid.close();
    this.pyramids.clear();
    this.resizeObserver.disconnect();
    this.stage.destroy();
  }
}
