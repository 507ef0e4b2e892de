/**
 * What the real-photo evaluation edits: the held-out photographs, their scales, the holes and the prompts.
 *
 * The photographs are defined once, in models/train/backgrounds.py (LOMIRI_PHOTOS, split "heldout":
 * Debian's lomiri-wallpapers, 6.3-20 MP), read here through Python. The base model's other held-out
 * photographs (HELDOUT_GROUPS) are not used: gnome's wood-l/-d are renders, not photographs, and the
 * scikit-image ones are 0.1-0.3 MP. Debian's mate-backgrounds is never used.
 */
import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { planCrop } from '../../main/engine/compositing/crop-plan.ts';
import { featherSigma } from '../../main/engine/compositing/feather.ts';
import { Xoshiro128 } from '../../main/engine/rng.ts';
import { type Hole, inHole, type Rgb, type RgbImage } from './photo-metrics.ts';

export interface EvalSet {
  photos: { name: string; path: string }[];
  /** The training set's named colours (models/train/shapes.py COLOURS). */
  colours: Record<string, Rgb>;
  /** Every caption the default model was trained on (models/train/dataset.py all_captions()). */
  captions: string[];
}

const PY = `
import json
from models.train.backgrounds import lomiri_photo_files
from models.train.shapes import COLOURS
from models.train.dataset import all_captions
print(json.dumps({"photos": [{"name": n, "path": str(p)} for n, p in lomiri_photo_files("heldout")],
                  "colours": COLOURS, "captions": all_captions()}))
`;

export function readEvalSet(repoRoot: string): EvalSet {
  const out = execFileSync('/usr/bin/python3', ['-c', PY], { cwd: repoRoot, encoding: 'utf8' });
  return JSON.parse(out) as EvalSet;
}

export interface Scale {
  name: string;
  /** The photo is resized to about this many pixels, keeping its aspect. */
  pixels: number;
  /** Hole diameters, in photo pixels at this scale. */
  diameter: readonly [number, number];
  /** Only sources with at least this many pixels (no photo is enlarged much). */
  minSourcePixels: number;
}

export const SCALES: Record<string, Scale> = {
  '1MP': { name: '1MP', pixels: 1280 * 800, diameter: [250, 400], minSourcePixels: 0 },
  // 8 MP as cameras count it: picosdeeuropa is 3264x2448 = 7.99 MP.
  '12MP': { name: '12MP', pixels: 12e6, diameter: [600, 1000], minSourcePixels: 7.9e6 },
};

export type PromptKind = 'colour' | 'shape' | 'fill';
export interface EvalPrompt {
  text: string;
  kind: PromptKind;
  /** The colour named in the prompt, for colour adherence. */
  colour?: string;
}

/** Captions the default model knows (checked against the training set's by `checkPrompts`). */
export const PROMPTS: EvalPrompt[] = [
  { text: 'a large red circle', kind: 'colour', colour: 'red' },
  { text: 'a large blue circle', kind: 'colour', colour: 'blue' },
  { text: 'a large yellow star', kind: 'shape', colour: 'yellow' },
  { text: 'a large purple heart', kind: 'shape', colour: 'purple' },
  { text: '', kind: 'fill' },
];

export function checkPrompts(set: EvalSet): void {
  for (const p of PROMPTS) {
    if (!set.captions.includes(p.text)) throw new Error(`"${p.text}" is not a caption of the training set`);
    if (p.colour && !(p.colour in set.colours)) throw new Error(`${p.colour} is not a named colour of the training set`);
  }
}

export function scaledSize(width: number, height: number, pixels: number): { width: number; height: number } {
  const s = Math.sqrt(pixels / (width * height));
  return { width: Math.round(width * s), height: Math.round(height * s) };
}

/** FNV-1a of a string: the seed of a photo's holes at a scale. */
export function stringSeed(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * `count` round holes, seeded by the photo's name and the scale: diameters uniform in the scale's
 * range, centres uniform where the hole and its ring (metrics RING, 1.7 r) lie inside the photo.
 */
export function placeHoles(photoName: string, scale: Scale, width: number, height: number, count: number): Hole[] {
  const rng = new Xoshiro128(stringSeed(`${photoName}@${scale.name}`));
  const holes: Hole[] = [];
  for (let k = 0; k < count; k++) {
    const [lo, hi] = scale.diameter;
    const r = Math.round((lo + (hi - lo) * rng.nextDouble()) / 2);
    const m = Math.ceil(1.7 * r);
    if (2 * m > Math.min(width, height)) throw new Error(`a ${2 * r}-px hole and its ring do not fit in ${width}x${height}`);
    const cx = Math.round(m + (width - 2 * m) * rng.nextDouble());
    const cy = Math.round(m + (height - 2 * m) * rng.nextDouble());
    holes.push({ cx, cy, r });
  }
  return holes;
}

/** The photo resized (EXIF orientation applied) to `size`, written as a PNG, and its RGB pixels. */
export async function preparePhoto(source: string, size: { width: number; height: number }, outPath: string): Promise<RgbImage> {
  await sharp(source).rotate().resize(size.width, size.height, { fit: 'fill' }).removeAlpha().png({ compressionLevel: 1 }).toFile(outPath);
  return readRgb(outPath);
}

export async function readRgb(path: string): Promise<RgbImage> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** The mask the editor would send for a round hole: a full-size PNG, white (255) where it generates. */
export async function holeMaskPng(width: number, height: number, hole: Hole): Promise<Uint8Array> {
  const m = Buffer.alloc(width * height);
  for (let y = Math.max(0, Math.floor(hole.cy - hole.r)); y < Math.min(height, hole.cy + hole.r + 1); y++) {
    for (let x = Math.max(0, Math.floor(hole.cx - hole.r)); x < Math.min(width, hole.cx + hole.r + 1); x++) {
      if (inHole(hole, x, y)) m[y * width + x] = 255;
    }
  }
  return new Uint8Array(await sharp(m, { raw: { width, height, channels: 1 } }).png({ compressionLevel: 1 }).toBuffer());
}

/**
 * How far beyond a round hole the engine's blend may change pixels: its own feather for this hole
 * (crop-plan.ts: the square around the mask; feather.ts: sigma from its side, the ramp ending within
 * about 3 sigma), taken as 4 sigma + 2 px. Beyond it every pixel must be the photo's.
 */
export function featherReach(hole: Hole, size: { width: number; height: number }): number {
  const box = { x: Math.round(hole.cx - hole.r), y: Math.round(hole.cy - hole.r), width: 2 * hole.r, height: 2 * hole.r };
  return 4 * featherSigma(planCrop(box, size).square.width) + 2;
}
