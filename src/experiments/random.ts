import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import { integerAtLeast } from '../validate.js';

/**
 * Mixes a seed with labels into a new 32-bit seed (a MurmurHash3-style finalizer), so that each
 * part of an experiment (a trial, a replica, the validation run) gets its own independent stream.
 * @example
 * subSeed(42, 3) // the seed of replica 3 of an experiment run with --seed 42
 */
export function subSeed(seed: number, ...labels: readonly number[]): number {
  const mix = (x: number) => {
    let h = x | 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h;
  };
  let h = mix(seed ^ 0x5bd1e995);
  for (const label of labels) h = mix(h + Math.imul(label | 0, 0x9e3779b1) + 0x7f4a7c15);
  return h | 0;
}

/**
 * A seeded stream of random numbers over pure-rand's xoroshiro128+ generator: uniforms, standard
 * normals (Box–Muller) and random ±1 patterns. The same seed gives the same numbers on every
 * machine; nothing here reads `Math.random`.
 * @example
 * const rng = new Random(42);
 * rng.normal(); rng.signs(8); // Float32Array of ±1
 */
export class Random {
  private readonly rng: JumpableRandomGenerator;
  private spare: number | null = null;

  constructor(seed: number) {
    integerAtLeast('Random', 'seed', seed, Number.MIN_SAFE_INTEGER);
    this.rng = xoroshiro128plus(seed | 0);
  }

  /** Uniform in [0, 1), 53 random bits. */
  uniform(): number {
    return uniformFloat64(this.rng);
  }

  /** A standard normal, by the Box–Muller transform (two per pair of uniforms). */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const u = 1 - this.uniform(); // in (0, 1]: log is finite
    const r = Math.sqrt(-2 * Math.log(u));
    const phi = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(phi);
    return r * Math.cos(phi);
  }

  /** `n` standard normals (into `out` when given). */
  normals(n: number): Float64Array;
  normals<T extends Float32Array | Float64Array>(n: number, out: T): T;
  normals(n: number, out: Float32Array | Float64Array = new Float64Array(n)) {
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }

  /** `n` independent fair ±1 values, 32 per draw of the generator (into `out` when given). */
  signs(n: number, out: Float32Array = new Float32Array(n)): Float32Array {
    for (let i = 0; i < n; i += 32) {
      const bits = this.rng.next();
      const end = Math.min(32, n - i);
      for (let b = 0; b < end; b++) out[i + b] = (bits >>> b) & 1 ? 1 : -1;
    }
    return out;
  }
}
