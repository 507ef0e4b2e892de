/**
 * The run's mask made ahead: once the mask has stayed as it is for a while (and nothing runs), it is made
 * for the history and document of that moment, so a click on Run sends it at once. After a stroke, a
 * person who runs next types a prompt or reaches for the button first; a 24 MP stroke's full-resolution
 * mask is ~0.2-0.3 s of the window's main thread that no longer falls between the click and the run.
 * History and document objects are immutable, so "the same" is identity.
 */
export class MaskAhead<H, D, M> {
  private ahead: { history: H; doc: D; mask: Promise<M> } | null = null;
  private waiting: { history: H; doc: D; timer: ReturnType<typeof setTimeout> } | null = null;

  constructor(
    private readonly make: (history: H, doc: D) => Promise<M>,
    private readonly idleMs: number,
    /** Whether the person is in the middle of something (a pointer held down: a stroke being painted); the mask waits for its end. */
    private readonly interacting: () => boolean = () => false,
  ) {}

  /** The editor's state changed: a new mask (history or document) starts the wait; other changes (typing a prompt) do not. */
  changed(history: H, doc: D | null, running: boolean): void {
    if (!doc || running) return this.cancel();
    if (this.holds(history, doc) || (this.waiting && this.waiting.history === history && this.waiting.doc === doc)) return;
    this.cancel();
    this.wait(history, doc);
  }

  /** The mask of this history on this document: the one made ahead if it is theirs (and did not fail), else made now. */
  get(history: H, doc: D): Promise<M> {
    this.cancel();
    if (!this.holds(history, doc)) return this.make(history, doc);
    return this.ahead!.mask.catch(() => this.make(history, doc));
  }

  private wait(history: H, doc: D): void {
    const timer = setTimeout(() => {
      this.waiting = null;
      if (this.interacting()) return this.wait(history, doc);
      const mask = this.make(history, doc);
      mask.catch(() => {}); // made again at the click if it failed
      this.ahead = { history, doc, mask };
    }, this.idleMs);
    this.waiting = { history, doc, timer };
  }

  private cancel(): void {
    if (this.waiting) clearTimeout(this.waiting.timer);
    this.waiting = null;
  }

  private holds(history: H, doc: D): boolean {
    return this.ahead !== null && this.ahead.history === history && this.ahead.doc === doc;
  }
}
