/**
 * The real-photo evaluation's records and how they are summed up: a table per photo (one line per
 * prompt), per-photo medians, and per-scale medians by prompt kind with the issue's targets.
 */
import type { ResolvedSettings } from '../../main/engine/protocol.ts';
import type { ColourAdherence, Hole } from './photo-metrics.ts';
import type { PromptKind } from './photo-eval-set.ts';

export interface EditRecord {
  photo: string;
  scale: string;
  size: { width: number; height: number };
  holeIndex: number;
  hole: Hole;
  seed: number;
  prompt: string;
  kind: PromptKind;
  sharpness: number;
  seam: number;
  /** Share of hole pixels with a colour absent from the ring; for every prompt (the target is the empty one's). */
  novelty: number;
  /** The same for the untouched photo's own hole: what was there that its surroundings lack. */
  photoNovelty: number;
  colour: (ColourAdherence & { named: string }) | null;
  changedBeyondFeather: number;
  /** Farthest changed pixel from the hole's centre, in radii. */
  farthestChange: number;
  /** The engine's whole edit (crop, sampling, paste-back, patch file) and its sampling alone. */
  engineMs: number;
  inferenceMs: number | null;
  /** What the engine says it ran with (the bundle's defaults filled in). */
  settings: ResolvedSettings;
}

export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return Number.NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const promptLabel = (p: string) => (p === '' ? '"" (Fill)' : p);

function colourText(c: EditRecord['colour']): string {
  if (!c) return '-';
  return `${c.hit ? 'yes' : 'no '} ${c.dominant} (${c.gain >= 0 ? '+' : ''}${c.gain.toFixed(2)})`;
}

/** One photo's holes at one scale: a line per edit. */
export function photoTable(records: EditRecord[]): string {
  const first = records[0];
  const lines = [`${first.photo}  ${first.scale} ${first.size.width}x${first.size.height}`];
  lines.push(`  ${pad('hole', 22)}${pad('prompt', 24)}${lpad('sharp', 6)}${lpad('seam', 6)}${lpad('novel', 7)}${lpad('(photo)', 8)}  ${pad('colour drawn (gain)', 22)}${lpad('beyond', 7)}${lpad('reach/r', 8)}${lpad('engine ms', 10)}`);
  for (const r of records) {
    const hole = `#${r.holeIndex} r=${r.hole.r} (${r.hole.cx},${r.hole.cy})`;
    lines.push(
      `  ${pad(hole, 22)}${pad(promptLabel(r.prompt), 24)}${lpad(f2(r.sharpness), 6)}${lpad(f2(r.seam), 6)}${lpad(f3(r.novelty), 7)}${lpad(f3(r.photoNovelty), 8)}  ${pad(colourText(r.colour), 22)}${lpad(String(r.changedBeyondFeather), 7)}${lpad(f2(r.farthestChange), 8)}${lpad(String(Math.round(r.engineMs)), 10)}`,
    );
  }
  return lines.join('\n');
}

export interface PhotoSummary {
  photo: string;
  scale: string;
  sharpness: number;
  seam: number;
  fillNovelty: number;
  colourHits: number;
  colourEdits: number;
  changedBeyondFeather: number;
  engineMs: number;
}

/** Medians over a photo's edits at a scale; fill novelty is the worst (largest) of its empty-prompt edits. */
export function summarisePhoto(records: EditRecord[]): PhotoSummary {
  const fills = records.filter((r) => r.kind === 'fill');
  const coloured = records.filter((r) => r.colour);
  return {
    photo: records[0].photo,
    scale: records[0].scale,
    sharpness: median(records.map((r) => r.sharpness)),
    seam: median(records.map((r) => r.seam)),
    fillNovelty: fills.length ? Math.max(...fills.map((r) => r.novelty)) : Number.NaN,
    colourHits: coloured.filter((r) => r.colour?.hit).length,
    colourEdits: coloured.length,
    changedBeyondFeather: records.reduce((s, r) => s + r.changedBeyondFeather, 0),
    engineMs: median(records.map((r) => r.engineMs)),
  };
}

export function summaryTable(summaries: PhotoSummary[]): string {
  const lines = [`${pad('photo', 40)}${pad('scale', 6)}${lpad('sharp', 7)}${lpad('seam', 7)}${lpad('fill novelty', 13)}${lpad('colour', 8)}${lpad('beyond', 8)}${lpad('engine ms', 10)}`];
  for (const s of summaries) {
    lines.push(
      `${pad(s.photo, 40)}${pad(s.scale, 6)}${lpad(f2(s.sharpness), 7)}${lpad(f2(s.seam), 7)}${lpad(f3(s.fillNovelty), 13)}${lpad(`${s.colourHits}/${s.colourEdits}`, 8)}${lpad(String(s.changedBeyondFeather), 8)}${lpad(String(Math.round(s.engineMs)), 10)}`,
    );
  }
  return lines.join('\n');
}

export interface ScaleSummary {
  scale: string;
  edits: number;
  byKind: Record<string, { edits: number; sharpness: number; seam: number; novelty: number; colourHits: number; colourEdits: number }>;
  sharpness: number;
  lowestPhotoSharpness: number;
  seam: number;
  worstFillNovelty: number;
  colourHits: number;
  colourEdits: number;
  changedBeyondFeather: number;
  engineMs: number;
}

export function summariseScale(records: EditRecord[], photos: PhotoSummary[]): ScaleSummary {
  const byKind: ScaleSummary['byKind'] = {};
  for (const kind of ['colour', 'shape', 'fill']) {
    const rs = records.filter((r) => r.kind === kind);
    if (!rs.length) continue;
    byKind[kind] = {
      edits: rs.length,
      sharpness: median(rs.map((r) => r.sharpness)),
      seam: median(rs.map((r) => r.seam)),
      novelty: median(rs.map((r) => r.novelty)),
      colourHits: rs.filter((r) => r.colour?.hit).length,
      colourEdits: rs.filter((r) => r.colour).length,
    };
  }
  const coloured = records.filter((r) => r.colour);
  return {
    scale: records[0].scale,
    edits: records.length,
    byKind,
    sharpness: median(records.map((r) => r.sharpness)),
    lowestPhotoSharpness: Math.min(...photos.map((p) => p.sharpness).filter(Number.isFinite)),
    seam: median(records.map((r) => r.seam)),
    worstFillNovelty: Math.max(...photos.map((p) => p.fillNovelty).filter(Number.isFinite)),
    colourHits: coloured.filter((r) => r.colour?.hit).length,
    colourEdits: coloured.length,
    changedBeyondFeather: records.reduce((s, r) => s + r.changedBeyondFeather, 0),
    engineMs: median(records.map((r) => r.engineMs)),
  };
}

export function scaleText(s: ScaleSummary): string {
  const lines = [`${s.scale}: ${s.edits} edits`];
  for (const [kind, k] of Object.entries(s.byKind)) {
    const colour = k.colourEdits ? `, colour ${k.colourHits}/${k.colourEdits}` : '';
    lines.push(`  ${pad(kind, 7)} ${k.edits} edits: sharpness ${f2(k.sharpness)}, seam ${f2(k.seam)}, novelty ${f3(k.novelty)}${colour} (medians)`);
  }
  const pct = s.colourEdits ? ((100 * s.colourHits) / s.colourEdits).toFixed(1) : 'n/a';
  lines.push(`  sharpness median ${f2(s.sharpness)} (target >= 0.8), lowest photo median ${f2(s.lowestPhotoSharpness)} (target >= 0.5)`);
  lines.push(`  seam median ${f2(s.seam)} (target 0.8-1.25)`);
  lines.push(`  empty-prompt novelty, worst photo ${f3(s.worstFillNovelty)} (target <= 0.02)`);
  lines.push(`  colour adherence ${s.colourHits}/${s.colourEdits} (${pct}%)`);
  lines.push(`  pixels changed beyond the feather ${s.changedBeyondFeather} (must be 0)`);
  lines.push(`  engine ms per edit, median ${Math.round(s.engineMs)}`);
  return lines.join('\n');
}
