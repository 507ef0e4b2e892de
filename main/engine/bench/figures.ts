/** A benchmark's measured numbers, printed as a table; later benches can read earlier figures (ratios). */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export interface BenchContext {
  bundleDir: string;
  /** 'default' (the trained model) or 'tiny' (random weights; only the speed is meaningful). */
  bundleKind: 'default' | 'tiny';
  /** Figures measured so far in this run, by name. */
  figures: Map<string, Figure>;
}

export interface Bench {
  title: string;
  run(ctx: BenchContext): Promise<Figure[]>;
}

export function printFigures(title: string, figures: Figure[]): void {
  console.log(`\n## ${title}`);
  for (const f of figures) {
    const value = f.value >= 100 ? f.value.toFixed(0) : f.value >= 1 ? f.value.toFixed(2) : f.value.toPrecision(3);
    console.log(`  ${f.name.padEnd(44)} ${value.padStart(10)} ${f.unit}${f.note ? `   (${f.note})` : ''}`);
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
