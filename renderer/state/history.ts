/**
 * The document's history: mask operations and accepted edits in one list, so undo/redo treats
 * strokes and edits alike. entries[0, position) are applied; entries after position can be redone
 * until something new is pushed. Immutable: every change returns a new History.
 */
import { type EditorState, editModeOf, type HistoryEntry } from '../../main/contract.ts';

export type MaskEntry = Exclude<HistoryEntry, { kind: 'edit' }>;

export class History {
  static readonly empty = new History([], 0);

  private constructor(
    readonly entries: readonly HistoryEntry[],
    readonly position: number,
  ) {}

  static from(state: EditorState): History {
    return new History(state.entries, Math.max(0, Math.min(state.position, state.entries.length)));
  }

  toState(): EditorState {
    return { entries: [...this.entries], position: this.position };
  }

  push(entry: HistoryEntry): History {
    return new History([...this.entries.slice(0, this.position), entry], this.position + 1);
  }

  get canUndo(): boolean {
    return this.position > 0;
  }

  get canRedo(): boolean {
    return this.position < this.entries.length;
  }

  undo(): History {
    return this.canUndo ? new History(this.entries, this.position - 1) : this;
  }

  redo(): History {
    return this.canRedo ? new History(this.entries, this.position + 1) : this;
  }

  /** Go to the state after `position` entries (0: the original photo with no mask). */
  goTo(position: number): History {
    return new History(this.entries, Math.max(0, Math.min(position, this.entries.length)));
  }

  get applied(): readonly HistoryEntry[] {
    return this.entries.slice(0, this.position);
  }

  /** The mask operations in effect, in order (an accepted edit does not touch the mask). */
  get maskOps(): MaskEntry[] {
    return this.applied.filter((e): e is MaskEntry => e.kind !== 'edit');
  }

  /** The accepted edits in effect, in order: what the host lays over the original. */
  get editIds(): string[] {
    return this.applied.flatMap((e) => (e.kind === 'edit' ? [e.editId] : []));
  }
}

export function entryLabel(e: HistoryEntry): string {
  switch (e.kind) {
    case 'stroke':
      return e.mode === 'paint' ? 'Brush stroke' : 'Eraser stroke';
    case 'clear':
      return 'Clear mask';
    case 'invert':
      return 'Invert mask';
    case 'rect':
      return e.mode === 'add' ? 'Rectangle' : 'Rectangle (subtract)';
    case 'lasso':
      return e.mode === 'add' ? 'Lasso' : 'Lasso (subtract)';
    case 'region':
      if (e.source === 'file') return 'Load mask';
      return `Magic wand${e.mode === 'subtract' ? ' (subtract)' : ''}, tolerance ${e.wand?.tolerance ?? '?'}${e.wand?.contiguous === false ? ', global' : ''}`;
    case 'grow':
      return e.pixels >= 0 ? `Grow ${e.pixels} px` : `Shrink ${-e.pixels} px`;
    case 'feather':
      return `Feather ${e.pixels} px`;
    case 'extend':
      return extendLabel(e);
    case 'edit':
      return editModeOf(e.label) === 'fill' ? 'Fill' : `Edit: ${e.label}`;
  }
}

/** "Extend canvas: 128 px right", "Extend canvas: 64 px on every side", "Extend canvas: 100 px left, 50 px top". */
function extendLabel(e: Extract<HistoryEntry, { kind: 'extend' }>): string {
  const sides = (['left', 'top', 'right', 'bottom'] as const).filter((side) => e[side] > 0);
  if (sides.length === 4 && sides.every((side) => e[side] === e.left)) return `Extend canvas: ${e.left} px on every side`;
  return `Extend canvas: ${sides.map((side) => `${e[side]} px ${side}`).join(', ')}`;
}
