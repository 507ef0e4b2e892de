/**
 * Seeded Gaussian noise that is the same on every machine, so a recipe (seed + prompt + settings +
 * bundle) replays to the same image.
 *
 * Choice: xoshiro128** (Blackman & Vigna, 2018) for uniform 32-bit integers: 32-bit operations only
 * (exact in JavaScript via Math.imul and >>> 0), small state, good statistical quality. Its state is
 * filled from the seed with SplitMix64, as its authors recommend. Normals come from the Box-Muller
 * transform on 53-bit uniforms. Math.sqrt is exactly rounded by IEEE 754, and V8 computes Math.log,
 * Math.cos and Math.sin with its own fdlibm port rather than the OS's libm, so the values do not
 * depend on the OS or CPU. The test pins the first outputs, so a change in any of this is caught.
 */

/** Where a sampling run's standard-normal noise comes from. Draws are requested in a fixed order. */
export interface NoiseSource {
  /** `length` standard-normal values for one draw (the caller only reads them). */
  next(draw: NoiseDraw, length: number): Float32Array;
}

/** What a draw is for: the starting noise of a stage, or the noise of one sampling step (0-based). */
export type NoiseDraw =
  | { stage: 'base' | 'upsampler'; kind: 'start' }
  | { stage: 'base' | 'upsampler'; kind: 'step'; step: number };

const MASK64 = (1n << 64n) - 1n;

/** SplitMix64, used only to spread a seed over xoshiro's 128-bit state. */
function splitMix64(state: { x: bigint }): bigint {
  state.x = (state.x + 0x9e3779b97f4a7c15n) & MASK64;
  let z = state.x;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** xoshiro128**: uniform unsigned 32-bit integers. */
export class Xoshiro128 {
  // The 128 bits as four int32 fields (a typed array cost SeededNoise.fill a third of its speed).
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** `seed`: an integer in 0..2^53-1 (the app uses 0..2^32-1). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
    const state = { x: BigInt(seed) };
    // two consecutive outputs are never both zero, so the state is valid
    const a = splitMix64(state), b = splitMix64(state);
    this.s0 = Number(a & 0xffffffffn) | 0;
    this.s1 = Number(a >> 32n) | 0;
    this.s2 = Number(b & 0xffffffffn) | 0;
    this.s3 = Number(b >> 32n) | 0;
  }

  nextUint32(): number {
    const m = Math.imul(this.s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0; // rotl(s1 * 5, 7) * 9
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21); // rotl(s3, 11)
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextDouble(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }
}

/** Standard normals from one seeded stream: each draw continues where the previous one ended. */
export class SeededNoise implements NoiseSource {
  private readonly rng: Xoshiro128;
  private spare: number | null = null; // Box-Muller makes pairs; the second waits for the next value

  constructor(seed: number) {
    this.rng = new Xoshiro128(seed);
  }

  nextGaussian(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    const u1 = 1 - this.rng.nextDouble(); // (0, 1]: log stays finite
    const u2 = this.rng.nextDouble();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /**
   * Fills `out` with standard normals (rounded to float32): the values nextGaussian would give, the pairs
   * written together (an edit draws millions).
   */
  fill(out: Float32Array): Float32Array {
    let i = 0;
    if (this.spare !== null && out.length) { out[i++] = this.spare; this.spare = null; }
    const rng = this.rng;
    for (; i < out.length; i += 2) {
      const u1 = 1 - rng.nextDouble();
      const u2 = rng.nextDouble();
      const r = Math.sqrt(-2 * Math.log(u1));
      const theta = 2 * Math.PI * u2;
      out[i] = r * Math.cos(theta);
      if (i + 1 < out.length) out[i + 1] = r * Math.sin(theta);
      else this.spare = r * Math.sin(theta);
    }
    return out;
  }

  next(_draw: NoiseDraw, length: number): Float32Array {
    return this.fill(new Float32Array(length));
  }
}
