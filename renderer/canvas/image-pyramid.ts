/**
 * An image decoded once (an ImageBitmap), with halves made on demand, so the canvas draws the photo, the patches and
 * the candidate from a copy about the size they are shown: drawing a 4096 px display copy into a
 * 1300 px view costs Chromium's software canvas ~80 ms a frame (more while it is still decoding),
 * a copy of about the shown size a fraction of that. A progress step, a patch loading or a pan then
 * costs the view's size, not the photo's.
 */

/** Halves are made down to this width; below it the smallest copy is drawn. */
const MIN_LEVEL_WIDTH = 256;

export class ImagePyramid {
  /** levels[k] is 1/2^k of the base's size (level 0: the decoded image itself); undefined until made. */
  private readonly levels: (ImageBitmap | undefined)[] = [];
  private readonly width: number;
  private readonly height: number;
  private making = false;
  private closed = false;

  private constructor(base: ImageBitmap) {
    this.levels[0] = base;
    this.width = base.width;
    this.height = base.height;
  }

  /**
   * Decodes the image at `url` once, off the main thread, into a bitmap the canvas draws without
   * decoding again (an <img> is decoded for the page and again for a canvas); `size` resizes it as it
   * is decoded (patches are kept at the display copy's resolution: the canvas never shows more).
   */
  static async load(url: string, size?: { width: number; height: number }): Promise<ImagePyramid> {
    let bitmap: ImageBitmap;
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(String(response.status));
      const blob = await response.blob();
      bitmap = await createImageBitmap(blob, size ? { resizeWidth: Math.max(1, Math.round(size.width)), resizeHeight: Math.max(1, Math.round(size.height)), resizeQuality: 'medium' } : {});
    } catch {
      throw new Error(`The image at ${url} could not be loaded.`);
    }
    return new ImagePyramid(bitmap);
  }

  /** The image's own size. */
  get size(): { width: number; height: number } {
    return { width: this.width, height: this.height };
  }

  /** The image at its own resolution. */
  get base(): ImageBitmap {
    return this.levels[0]!;
  }

  /**
   * The smallest copy at least `shownWidth` device pixels wide that exists now; when a smaller one
   * would do and is not made yet, the halves down to it are made after this frame and `onReady` is
   * called once they can be drawn.
   */
  pick(shownWidth: number, onReady: () => void): ImageBitmap {
    const want = this.levelFor(shownWidth);
    for (let k = want; k > 0; k--) if (this.levels[k]) return this.levels[k]!;
    if (want > 0) this.make(want, onReady);
    return this.base;
  }

  /**
   * Makes the copies down to the one `pick` would want for this width now, so an image swapped in for
   * another one (a large photo's display copy after its preview) costs no frame drawn from the full copy.
   */
  async prepare(shownWidth: number): Promise<void> {
    const want = this.levelFor(shownWidth);
    for (let k = 1; k <= want && !this.closed; k++) {
      this.levels[k] ??= await createImageBitmap(this.levels[k - 1]!, { resizeWidth: Math.max(1, this.width >> k), resizeHeight: Math.max(1, this.height >> k), resizeQuality: 'medium' });
    }
  }

  /** The level whose copy is the smallest at least `shownWidth` wide (not below MIN_LEVEL_WIDTH). */
  private levelFor(shownWidth: number): number {
    let want = 0;
    while (this.width >> (want + 1) >= Math.max(shownWidth, MIN_LEVEL_WIDTH)) want++;
    return want;
  }

  /** Each half made from the one above it (a 2:1 reduction, cheap and clean), off the current frame. */
  private make(level: number, onReady: () => void): void {
    if (this.making) return;
    this.making = true;
    void (async () => {
      for (let k = 1; k <= level && !this.closed; k++) {
        if (this.levels[k]) continue;
        const above = this.levels[k - 1]!;
        this.levels[k] = await createImageBitmap(above, { resizeWidth: Math.max(1, this.width >> k), resizeHeight: Math.max(1, this.height >> k), resizeQuality: 'medium' });
      }
      if (!this.closed) onReady();
    })()
      .catch(() => {}) // the larger copy is drawn instead
      .finally(() => (this.making = false));
  }

  close(): void {
    this.closed = true;
    for (const level of this.levels) level?.close();
    this.levels.length = 0;
  }
}
