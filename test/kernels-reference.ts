// Float64 references for the fused-kernel tests, shared by test/kernels.test.ts (Node: cpu, wasm)
// and test/browser/webgl-kernels (headless Chromium: webgl). No tfjs here, so both can bundle it.
import { type LinearDynamics, pivotIndex } from '../src/dynamics/linear-dynamics.js';
import type { MultiscaleStepConstants } from '../src/optimizers/multiscale-step.js';

/** float32 machine epsilon. */
export const EPS32 = 2 ** -23;

/** A seeded stream of uniforms in (−1, 1) (32-bit LCG), as float32. */
export function uniforms(seed: number, n: number): Float32Array {
  let state = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = 2 * ((state + 0.5) / 2 ** 32) - 1;
  }
  return out;
}

/** The multiscale step in float64 from float32 inputs, with each entry's rounding scale. */
export interface StepReference {
  w: Float64Array;
  s: Float64Array;
  /** Σ|terms| of each new weight entry: float32 rounding of the sum is a few ε times this. */
  scaleW: Float64Array;
  scaleS: Float64Array;
}

/** The multiscale step in float64 (an independent reference for the fused and generic paths). */
export function multiscaleReference(
  w: Float32Array,
  g: Float32Array,
  s: Float32Array | null,
  c: MultiscaleStepConstants,
): StepReference {
  const n = w.length;
  const r = s === null ? 0 : c.decays.length;
  const out: StepReference = {
    w: new Float64Array(n),
    s: new Float64Array(r * n),
    scaleW: new Float64Array(n),
    scaleS: new Float64Array(r * n),
  };
  for (let i = 0; i < n; i++) {
    const wi = w[i] as number;
    const gi = g[i] as number;
    let acc = c.pivotDecay * wi - c.totalRate * gi;
    let scale = Math.abs(c.pivotDecay * wi) + Math.abs(c.totalRate * gi);
    for (let j = 0; j < r; j++) {
      const x = (s as Float32Array)[j * n + i] as number;
      const [d, a, cr] = [c.decays[j], c.rates[j], c.cross[j]] as number[];
      acc += (cr as number) * x;
      scale += Math.abs((cr as number) * x);
      out.s[j * n + i] = (d as number) * x - (a as number) * gi;
      out.scaleS[j * n + i] = Math.abs((d as number) * x) + Math.abs((a as number) * gi);
    }
    out.w[i] = acc;
    out.scaleW[i] = scale;
  }
  return out;
}

/** max over entries of |actual − expected| / (terms·ε₃₂·scale): ≤ 1 means float32 rounding. */
export function roundingRatio(
  actual: ArrayLike<number>,
  expected: Float64Array,
  scale: Float64Array,
  terms: number,
): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs((actual[i] as number) - (expected[i] as number));
    worst = Math.max(worst, err / (terms * EPS32 * ((scale[i] as number) + 1e-30)));
  }
  return worst;
}

/**
 * Step constants of a k-timescale optimizer: γ_1 = 1, the others spread in (0, 1), mixed-sign α
 * for the faster parts and a slow α_1 large enough that Σα > 0, as every optimizer requires.
 */
export function sampleMultiscale(k: number, seed: number): { alpha: number[]; gamma: number[] } {
  const u = uniforms(seed, 2 * k);
  const fast = Array.from({ length: k - 1 }, (_, i) => 0.05 * (u[k + 1 + i] as number));
  const fastSum = fast.reduce((a, b) => a + b, 0);
  const slow = 0.05 * Math.abs(u[k] as number) + Math.max(0, -fastSum) + 0.001;
  return {
    gamma: Array.from({ length: k }, (_, i) =>
      i === 0 ? 1 : 0.99 - 0.9 * Math.abs(u[i] as number) * (i / k),
    ),
    alpha: [slow, ...fast],
  };
}

/** The shapes every agreement test runs (odd sizes exercise the SIMD tail). */
export const SHAPES: number[][] = [[1], [7], [3, 5], [2, 3, 4], [1027], [64, 33]];

/** A tridiagonal system whose weight is 2× its middle coordinate (pivot ≠ 0, c_p ≠ 1). */
export const scaledMiddle: LinearDynamics = {
  transition: [
    [0.9, 0.05, 0],
    [0.02, 0.99, 0.01],
    [0, 0.1, 0.5],
  ],
  input: [-0.1, -0.02, 0.3],
  readout: [0, 2, 0],
};

/** The coupled step in float64 with the dense T, in the original coordinates. */
export function coupledReference(
  d: LinearDynamics,
  w: Float32Array,
  g: Float32Array,
  s: Float32Array,
): { w: Float64Array; s: Float64Array; scaleW: Float64Array; scaleS: Float64Array } {
  const k = d.readout.length;
  const p = pivotIndex(d.readout);
  const cp = d.readout[p] as number;
  const n = w.length;
  const out = {
    w: new Float64Array(n),
    s: new Float64Array((k - 1) * n),
    scaleW: new Float64Array(n),
    scaleS: new Float64Array((k - 1) * n),
  };
  const row = (i: number) => (i < p ? i : i - 1);
  for (let e = 0; e < n; e++) {
    const x = Array.from({ length: k }, (_, i) =>
      i === p ? (w[e] as number) / cp : (s[row(i) * n + e] as number),
    );
    for (let i = 0; i < k; i++) {
      const Ti = d.transition[i] as number[];
      let acc = (d.input[i] as number) * (g[e] as number);
      let scale = Math.abs(acc);
      for (let j = 0; j < k; j++) {
        acc += (Ti[j] as number) * (x[j] as number);
        scale += Math.abs((Ti[j] as number) * (x[j] as number));
      }
      if (i === p) {
        out.w[e] = cp * acc;
        out.scaleW[e] = Math.abs(cp) * scale;
      } else {
        out.s[row(i) * n + e] = acc;
        out.scaleS[row(i) * n + e] = scale;
      }
    }
  }
  return out;
}
