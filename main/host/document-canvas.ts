/**
 * The canvas a document's history has grown to (extend canvas / outpainting): the original photo at
 * (left, top) of a larger image. Requests name the canvas by its padding around the photo; the host
 * writes the grown image once per padding (the engine's own decode, new pixels mid-grey) and hands
 * it to the engine in place of the photo, with every accepted edit moved into the canvas's pixels.
 */
import path from 'node:path';
import { HostError, type CanvasPadding } from '../contract.ts';
import { writeExtendedImage } from '../engine/compositing/extend-image.ts';
import { MAX_PIXELS } from './image-intake.ts';

export const NO_PADDING: CanvasPadding = { left: 0, top: 0, right: 0, bottom: 0 };

export function isPadded(p: CanvasPadding | undefined): p is CanvasPadding {
  return !!p && (p.left > 0 || p.top > 0 || p.right > 0 || p.bottom > 0);
}

/** The canvas's size for a photo of `photo`'s size; refuses canvases above the photo limit. */
export function canvasSize(photo: { width: number; height: number }, padding: CanvasPadding = NO_PADDING): { width: number; height: number } {
  const width = photo.width + padding.left + padding.right;
  const height = photo.height + padding.top + padding.bottom;
  if (width * height > MAX_PIXELS) {
    throw new HostError('too-large', `The extended canvas would be ${width}×${height} (${((width * height) / 1e6).toFixed(0)} MP); up to ${MAX_PIXELS / 1e6} megapixels are supported.`);
  }
  return { width, height };
}

/** The grown image for this padding, written into the document's folder on first use (later calls share it). */
export class CanvasImages {
  private readonly made = new Map<string, Promise<string>>();

  constructor(
    private readonly originalPath: string,
    private readonly dir: string,
  ) {}

  imageFor(padding: CanvasPadding | undefined): Promise<string> {
    if (!isPadded(padding)) return Promise.resolve(this.originalPath);
    const key = `${padding.left}-${padding.top}-${padding.right}-${padding.bottom}`;
    let made = this.made.get(key);
    if (!made) {
      const target = path.join(this.dir, `canvas-${key}.png`);
      made = writeExtendedImage(this.originalPath, padding, target, { maxPixels: MAX_PIXELS }).then(
        () => target,
        (error: unknown) => {
          this.made.delete(key);
          const e = error as { name?: string; code?: string; message?: string };
          if (e?.name === 'ImageError') throw new HostError(e.code === 'too-large' ? 'too-large' : 'bad-image', e.message ?? String(error));
          throw error;
        },
      );
      this.made.set(key, made);
    }
    return made;
  }
}
