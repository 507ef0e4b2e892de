/**
 * Tone matching of the hole to its surroundings, at model resolution, on each step's x0 prediction.
 *
 * Why: a small model's refill of a large hole drifts by 5-20 levels (a sky a shade lighter, dark wood
 * darker), and once an early step has drifted, later steps build on it. The drift shows as a step in
 * tone across the hole's border: the known pixel just outside against the predicted pixel just inside.
 * Those steps, measured per channel on every border edge against the context's gradient continued one
 * pixel, and smoothed along the border (so only the tone is matched, not the texture's pixel-to-pixel
 * variation), are spread over the hole as a harmonic field (Laplace's equation with the steps as
 * boundary values: the smoothest field that cancels them) and added to the hole's x0, so sampling goes
 * on from a prediction whose tone continues the context.
 *
 * Steps larger than `maxStep` are left out of the smoothing: they are edges of content, such as an
 * object drawn against the border, not drift, and matching them would wash the object out.
 */
import type { Dims4 } from './sampler.ts';

export interface SeamToneOptions {
  /** Border steps above this (in [-1, 1] units, any channel) are content, not drift. Default 60/127.5. */
  maxStep?: number;
  /** Gaussian smoothing of the steps along the border, in pixels; 0 matches each edge. Default 2. */
  borderSigma?: number;
  /** Conjugate-gradient iterations per channel and step, started from the previous step's field. Default 40. */
  iterations?: number;
  /**
   * Match the hole's border pixel to the context's own gradient continued one pixel (2q - q', q' the
   * next pixel out) rather than to its neighbour q, so a gradient or texture is not flattened at the
   * seam. Default true.
   */
  extrapolate?: boolean;
}

export class SeamToneMatcher {
  private readonly maxStep: number;
  private readonly iterations: number;
  /** Hole pixel indices (into S×S). */
  private readonly hole: Int32Array;
  /** Per hole pixel: its 4 hole neighbours as indices into `hole` (-1: none). */
  private readonly holeNbrs: Int32Array;
  /** Per hole pixel: how many hole neighbours it has (the Laplacian's diagonal before boundary edges). */
  private readonly holeDegree: Float64Array;
  /** Border edges: the hole pixel (index into `hole`) and the keep pixel (into S×S) on either side. */
  private readonly edgeHole: Int32Array;
  private readonly edgeKeep: Int32Array;
  /** The keep pixel one further out from each edge's keep pixel (-1: none, or not extrapolating). */
  private readonly edgeOuter: Int32Array;
  /** Per edge, the edges it averages over and their weights (CSR). */
  private readonly smoothStart: Int32Array;
  private readonly smoothEdge: Int32Array;
  private readonly smoothWeight: Float64Array;
  private readonly plane: number;
  /** Last field per channel: the next step's solve starts from it. */
  private readonly previous: Float64Array[];

  /** @param mask [S×S] keep-mask (1 keep, 0 generate) of a [1, 3, S, S] image */
  constructor(mask: Float32Array, shape: Dims4, options: SeamToneOptions = {}) {
    const [n, c, h, w] = shape;
    if (n !== 1 || c !== 3 || mask.length !== h * w) throw new RangeError('SeamToneMatcher takes one RGB image [1, 3, H, W] and its [H, W] mask');
    this.maxStep = options.maxStep ?? 60 / 127.5;
    this.iterations = options.iterations ?? 40;
    this.plane = h * w;
    const where = new Int32Array(h * w).fill(-1);
    const holeList: number[] = [];
    for (let p = 0; p < h * w; p++) if (mask[p] < 0.5) { where[p] = holeList.length; holeList.push(p); }
    this.hole = Int32Array.from(holeList);
    this.holeNbrs = new Int32Array(4 * holeList.length).fill(-1);
    this.holeDegree = new Float64Array(holeList.length);
    const edgeHole: number[] = [], edgeKeep: number[] = [], edgeOuter: number[] = [], ex: number[] = [], ey: number[] = [];
    holeList.forEach((p, k) => {
      const y = Math.floor(p / w), x = p % w;
      const nbrs = [y > 0 ? p - w : -1, y < h - 1 ? p + w : -1, x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1];
      nbrs.forEach((q, j) => {
        if (q < 0) return; // the image's edge: no boundary value there
        if (where[q] >= 0) { this.holeNbrs[4 * k + j] = where[q]; this.holeDegree[k] += 1; return; }
        edgeHole.push(k);
        edgeKeep.push(q);
        const [qy, qx] = [Math.floor(q / w), q % w];
        const [oy, ox] = [2 * qy - y, 2 * qx - x];
        const outer = oy * w + ox;
        edgeOuter.push((options.extrapolate ?? true) && oy >= 0 && oy < h && ox >= 0 && ox < w && where[outer] < 0 ? outer : -1);
        ex.push((x + qx) / 2);
        ey.push((y + qy) / 2);
      });
    });
    this.edgeHole = Int32Array.from(edgeHole);
    this.edgeKeep = Int32Array.from(edgeKeep);
    this.edgeOuter = Int32Array.from(edgeOuter);
    // Smoothing weights between edges within 3 sigma, found through a grid of 3-sigma cells (a hole at
    // 1024 px has thousands of edges), each edge's neighbours in edge order.
    const sigma = options.borderSigma ?? 2;
    const start = [0], nb: number[] = [], wt: number[] = [];
    const cell = Math.max(1, 3 * sigma), cols = Math.floor(w / cell) + 2;
    const cells = new Map<number, number[]>();
    const cellOf = (e: number) => (Math.floor(ey[e] / cell) + 1) * cols + Math.floor(ex[e] / cell) + 1;
    for (let e = 0; e < edgeHole.length; e++) {
      const list = cells.get(cellOf(e));
      if (list) list.push(e);
      else cells.set(cellOf(e), [e]);
    }
    for (let e = 0; e < edgeHole.length; e++) {
      if (sigma === 0) {
        nb.push(e);
        wt.push(1);
        start.push(nb.length);
        continue;
      }
      const near: number[] = [];
      const home = cellOf(e);
      for (const dy of [-cols, 0, cols]) for (const dx of [-1, 0, 1]) for (const f of cells.get(home + dy + dx) ?? []) near.push(f);
      near.sort((a, b) => a - b);
      for (const f of near) {
        const d2 = (ex[e] - ex[f]) ** 2 + (ey[e] - ey[f]) ** 2;
        if (d2 <= 9 * sigma * sigma) { nb.push(f); wt.push(Math.exp(-d2 / (2 * sigma * sigma))); }
      }
      start.push(nb.length);
    }
    this.smoothStart = Int32Array.from(start);
    this.smoothEdge = Int32Array.from(nb);
    this.smoothWeight = Float64Array.from(wt);
    this.previous = [0, 1, 2].map(() => new Float64Array(holeList.length));
  }

  /** Whether there is a hole with a border to match. */
  get active(): boolean {
    return this.edgeHole.length > 0;
  }

  /** Adds the tone field to the hole of `x0` ([3, H, W], known pixels outside the hole) in place. */
  apply(x0: Float32Array | Float64Array): void {
    if (!this.active) return;
    const edges = this.edgeHole.length;
    const steps = new Float64Array(3 * edges);
    const content = new Uint8Array(edges);
    for (let e = 0; e < edges; e++) {
      for (let c = 0; c < 3; c++) {
        const off = c * this.plane;
        const kept = x0[off + this.edgeKeep[e]];
        const step = kept - x0[off + this.hole[this.edgeHole[e]]];
        const outer = this.edgeOuter[e];
        steps[c * edges + e] = outer >= 0 ? step - (x0[off + outer] - kept) : step;
        if (Math.abs(step) > this.maxStep) content[e] = 1;
      }
    }
    // Which edges have a boundary value, and the weights that smooth it, are the same for every channel.
    const m = this.hole.length;
    const diag = this.holeDegree.slice();
    const weights = new Float64Array(edges);
    for (let e = 0; e < edges; e++) {
      for (let i = this.smoothStart[e]; i < this.smoothStart[e + 1]; i++) if (!content[this.smoothEdge[i]]) weights[e] += this.smoothWeight[i];
      if (weights[e] > 0) diag[this.edgeHole[e]] += 1; // else all content around: this edge is left free
    }
    for (let c = 0; c < 3; c++) {
      const rhs = new Float64Array(m);
      for (let e = 0; e < edges; e++) {
        if (weights[e] === 0) continue;
        let sum = 0;
        for (let i = this.smoothStart[e]; i < this.smoothStart[e + 1]; i++) {
          const f = this.smoothEdge[i];
          if (!content[f]) sum += this.smoothWeight[i] * steps[c * edges + f];
        }
        rhs[this.edgeHole[e]] += sum / weights[e];
      }
      const field = this.solve(diag, rhs, this.previous[c]);
      const off = c * this.plane;
      for (let k = 0; k < m; k++) x0[off + this.hole[k]] += field[k];
    }
  }

  /** Conjugate gradients on (D - A) h = rhs, A the hole's adjacency, from the given h (updated in place). */
  private solve(diag: Float64Array, rhs: Float64Array, h: Float64Array): Float64Array {
    const m = diag.length;
    const nb = this.holeNbrs;
    const apply = (v: Float64Array, out: Float64Array) => {
      for (let k = 0; k < m; k++) {
        let s = diag[k] * v[k];
        for (let j = 0; j < 4; j++) { const q = nb[4 * k + j]; if (q >= 0) s -= v[q]; }
        // A tiny pull to 0 keeps parts of the hole cut off from every boundary value at 0 (else singular).
        out[k] = s + 1e-6 * v[k];
      }
    };
    const r = new Float64Array(m), p = new Float64Array(m), ap = new Float64Array(m);
    apply(h, ap);
    let rr = 0, bb = 0;
    for (let k = 0; k < m; k++) { r[k] = rhs[k] - ap[k]; p[k] = r[k]; rr += r[k] * r[k]; bb += rhs[k] * rhs[k]; }
    const tolerance = 1e-12 * Math.max(bb, 1e-12);
    for (let it = 0; it < this.iterations && rr > tolerance; it++) {
      apply(p, ap);
      let pap = 0;
      for (let k = 0; k < m; k++) pap += p[k] * ap[k];
      if (!(pap > 0)) break;
      const a = rr / pap;
      let next = 0;
      for (let k = 0; k < m; k++) { h[k] += a * p[k]; r[k] -= a * ap[k]; next += r[k] * r[k]; }
      const beta = next / rr;
      rr = next;
      for (let k = 0; k < m; k++) p[k] = r[k] + beta * p[k];
    }
    return h;
  }
}
