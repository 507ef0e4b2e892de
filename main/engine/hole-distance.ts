/**
 * Distance from the hole, in 4-neighbour steps, for the known pixels near it: the band that the fine
 * detail (detail-match.ts) is measured against.
 */

/** 0 in the hole (keep < 0.5), 1..limit in the known band around it, limit + 1 beyond; null when the mask is all hole or all known. */
export function holeDistance(keep: Float32Array, size: number, limit: number): Int32Array | null {
  const plane = size * size;
  const dist = new Int32Array(plane).fill(limit + 1);
  const queue = new Int32Array(plane);
  let tail = 0;
  for (let p = 0; p < plane; p++) if (keep[p] < 0.5) { dist[p] = 0; queue[tail++] = p; }
  if (tail === 0 || tail === plane) return null;
  for (let head = 0; head < tail; head++) {
    const p = queue[head];
    const d = dist[p] + 1;
    if (d > limit) continue;
    const y = Math.floor(p / size), x = p - y * size;
    if (x > 0 && dist[p - 1] > d) { dist[p - 1] = d; queue[tail++] = p - 1; }
    if (x < size - 1 && dist[p + 1] > d) { dist[p + 1] = d; queue[tail++] = p + 1; }
    if (y > 0 && dist[p - size] > d) { dist[p - size] = d; queue[tail++] = p - size; }
    if (y < size - 1 && dist[p + size] > d) { dist[p + size] = d; queue[tail++] = p + size; }
  }
  return dist;
}
