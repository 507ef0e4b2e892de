/**
 * Which of the hole's pixels the prompt drew (the object) and which refill the photo around it, at the
 * base stage's size: a hole pixel whose colour is farther than OBJECT_DISTANCE from the colour of every
 * known pixel of the crop is the object's; the object then takes the touching pixels close to its own mean
 * colour (OBJECT_SIMILAR) and what it encloses, and is grown by OBJECT_GROW px to take in its edge.
 *
 * Why: the upsampler draws the refilled background as a soft image under a fine grain, a blurred disc
 * around every object at 100%; fill-texture.ts can re-draw that part from the photo's own patches if it
 * knows which part it is. Colour is what the prompt controls most and what the base gets right (colour
 * adherence 32/32 on the real photos), so it is the test; an object close in colour to the photo (a green
 * frog on grass) is not found, and then nothing is re-drawn (MIN_SHARE).
 */

/** Distance in RGB levels (0-255 a channel) beyond which a colour is not the photo's. */
const OBJECT_DISTANCE = 48;
/** A hole pixel this close (RGB levels) to the object's mean colour and touching it is the object's too. */
const OBJECT_SIMILAR = 40;
/** Pixels (at the base's size) the object is grown by. */
const OBJECT_GROW = 1;
/** Below this share of the hole no object was found; above the other, too little background is left to re-draw. */
const MIN_SHARE = 0.1;
const MAX_SHARE = 0.9;

/**
 * @param drawn [1, 3, S, S] the base stage's output in [-1, 1]
 * @param crop [1, 3, S, S] the crop at the base's size (its known pixels are read)
 * @param keep [S, S] 1 keep, 0 hole
 * @returns [S, S] 1 for the object's pixels, or null when the object is under MIN_SHARE or over MAX_SHARE of the hole
 */
export function drawnObject(drawn: Float32Array, crop: Float32Array, keep: Float32Array, size: number): Uint8Array | null {
  const plane = size * size;
  const level = (x: Float32Array, i: number) => (x[i] + 1) * 127.5;
  // The known colours, one for each 4-level bin they fall in, so the search stays short.
  const seen = new Set<number>();
  const known: number[] = [];
  for (let p = 0; p < plane; p++) {
    if (keep[p] < 0.5) continue;
    const r = level(crop, p), g = level(crop, plane + p), b = level(crop, 2 * plane + p);
    const bin = ((r >> 2) << 12) | ((g >> 2) << 6) | (b >> 2);
    if (seen.has(bin)) continue;
    seen.add(bin);
    known.push(r, g, b);
  }
  if (!known.length) return null;
  const far = OBJECT_DISTANCE * OBJECT_DISTANCE;
  let object: Uint8Array = new Uint8Array(plane);
  let holeCount = 0;
  for (let p = 0; p < plane; p++) {
    if (keep[p] >= 0.5) continue;
    holeCount++;
    const r = level(drawn, p), g = level(drawn, plane + p), b = level(drawn, 2 * plane + p);
    let photoColour = false;
    for (let k = 0; k < known.length && !photoColour; k += 3) photoColour = (known[k] - r) ** 2 + (known[k + 1] - g) ** 2 + (known[k + 2] - b) ** 2 <= far;
    if (!photoColour) object[p] = 1;
  }
  spreadOverItsColour(object, drawn, keep, size);
  for (let i = 0; i < OBJECT_GROW; i++) object = grow(object, keep, size);
  object = withEnclosed(object, keep, size);
  let count = 0;
  for (let p = 0; p < plane; p++) count += object[p];
  const share = holeCount ? count / holeCount : 0;
  return share < MIN_SHARE || share > MAX_SHARE ? null : object;
}

/**
 * The object carried, in place, over the hole pixels that touch it and are close to its mean colour: parts of
 * it whose colour the photo also has (a yellow star's arm over a sunset's glow) are still the object's.
 */
function spreadOverItsColour(object: Uint8Array, drawn: Float32Array, keep: Float32Array, size: number): void {
  const plane = size * size;
  const mean = [0, 0, 0];
  const queue: number[] = [];
  for (let p = 0; p < plane; p++) {
    if (!object[p]) continue;
    queue.push(p);
    for (let c = 0; c < 3; c++) mean[c] += drawn[c * plane + p];
  }
  if (!queue.length) return;
  for (let c = 0; c < 3; c++) mean[c] /= queue.length;
  const close = ((OBJECT_SIMILAR / 127.5) ** 2);
  for (let head = 0; head < queue.length; head++) {
    const p = queue[head], x = p % size;
    for (const q of [x > 0 ? p - 1 : -1, x < size - 1 ? p + 1 : -1, p - size, p + size]) {
      if (q < 0 || q >= plane || object[q] || keep[q] >= 0.5) continue;
      let d = 0;
      for (let c = 0; c < 3; c++) d += (drawn[c * plane + q] - mean[c]) ** 2;
      if (d > close) continue;
      object[q] = 1;
      queue.push(q);
    }
  }
}

/**
 * The object with every part of the hole it encloses: background is only what connects to the known pixels
 * through other background (a yellow star over a sunset had its middle taken for the sun's glow).
 */
function withEnclosed(object: Uint8Array, keep: Float32Array, size: number): Uint8Array {
  const plane = size * size;
  const open = new Uint8Array(plane);
  const queue: number[] = [];
  for (let p = 0; p < plane; p++) if (keep[p] >= 0.5) { open[p] = 1; queue.push(p); }
  for (let head = 0; head < queue.length; head++) {
    const p = queue[head], x = p % size;
    for (const q of [x > 0 ? p - 1 : -1, x < size - 1 ? p + 1 : -1, p - size, p + size]) {
      if (q < 0 || q >= plane || open[q] || object[q]) continue;
      open[q] = 1;
      queue.push(q);
    }
  }
  const out = object.slice();
  for (let p = 0; p < plane; p++) if (!open[p]) out[p] = 1;
  return out;
}

/** The object grown by one pixel (8 neighbours), within the hole. */
function grow(object: Uint8Array, keep: Float32Array, size: number): Uint8Array {
  const out = object.slice();
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!object[y * size + x]) continue;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy, xx = x + dx;
          if (yy >= 0 && yy < size && xx >= 0 && xx < size && keep[yy * size + xx] < 0.5) out[yy * size + xx] = 1;
        }
      }
    }
  }
  return out;
}
