/**
 * When to restart a crashed engine: with a growing delay, and not at all once it has crashed more
 * than `maxPerMinute` times in the last minute (a bundle or driver that crashes on every start would
 * otherwise spin forever).
 */
export interface RestartOptions {
  maxPerMinute: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RESTART: RestartOptions = { maxPerMinute: 3, firstDelayMs: 200, maxDelayMs: 5000 };

export type RestartDecision = { restart: true; delayMs: number } | { restart: false; crashesInLastMinute: number };

export class RestartPolicy {
  private crashes: number[] = [];
  constructor(private readonly options: RestartOptions = DEFAULT_RESTART) {}

  onCrash(now = Date.now()): RestartDecision {
    this.crashes = this.crashes.filter((t) => now - t < 60_000);
    this.crashes.push(now);
    const n = this.crashes.length;
    if (n > this.options.maxPerMinute) return { restart: false, crashesInLastMinute: n };
    return { restart: true, delayMs: Math.min(this.options.firstDelayMs * 2 ** (n - 1), this.options.maxDelayMs) };
  }

  /** A manual start() after giving up begins a fresh count. */
  reset(): void {
    this.crashes = [];
  }
}
