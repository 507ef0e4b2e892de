/**
 * The mask operations a run's recipe records (Recipe.mask): enough to draw the run's mask again and
 * no more. Everything before the last clear (or mask file, which replaces the mask) is gone from the
 * mask, except the canvas's extensions, which later operations' pixels depend on; so: the extensions
 * before it, then the clear or file, then everything since, in order.
 */
import type { HistoryEntry, MaskEntry } from '../../main/contract.ts';

export function recipeMask(applied: readonly HistoryEntry[]): MaskEntry[] {
  const entries = applied.filter((e): e is MaskEntry => e.kind !== 'edit');
  let reset = -1;
  entries.forEach((e, i) => {
    if (e.kind === 'clear' || (e.kind === 'region' && e.mode === 'replace')) reset = i;
  });
  if (reset < 0) return entries;
  return [...entries.slice(0, reset).filter((e) => e.kind === 'extend'), ...entries.slice(reset)];
}
