import { fail, finiteVector, squareMatrix } from '../validate.js';

/**
 * A linear time-invariant optimizer: each weight carries a state vector s ∈ ℝᵏ that the gradient
 * g drives, and the weight is a fixed readout of that state.
 *
 * $$ s(t+1) = T\,s(t) + b\,g(t), \qquad w(t) = c^\top s(t) $$
 *
 * SGD, momentum, Nesterov, fast weights, the multiscale optimizer and the Benna–Fusi synapse are
 * all of this form; see the constructors `multiscaleDynamics`, `momentumDynamics`, …
 */
export interface LinearDynamics {
  /** T, the k×k state transition (row-major: `transition[i][j]` maps s_j to s_i). */
  transition: number[][];
  /** b, how one unit of gradient enters each state coordinate (length k). */
  input: number[];
  /** c, the weight as a combination of the state coordinates (length k). */
  readout: number[];
  /**
   * The state a weight of value 1 starts from (length k, with c·s₀ = 1); a weight w0 starts at
   * w0·s₀. Default: at rest, everything in the pivot coordinate (see `restingState`).
   */
  initialState?: number[];
}

/** Checks shapes and finiteness; returns the dynamics unchanged. Throws a named error otherwise. */
export function checkDynamics(d: LinearDynamics, where = 'LinearDynamics'): LinearDynamics {
  if (d === null || typeof d !== 'object') fail(where, 'dynamics', d, 'it must be an object');
  const transition = squareMatrix(where, 'transition', d.transition);
  const k = transition.length;
  finiteVector(where, 'input', d.input, k);
  const readout = finiteVector(where, 'readout', d.readout, k);
  if (d.initialState !== undefined) {
    const s0 = finiteVector(where, 'initialState', d.initialState, k);
    const read = s0.reduce((acc, x, i) => acc + x * (readout[i] as number), 0);
    if (Math.abs(read - 1) > 1e-9) {
      fail(where, 'readout·initialState', read, 'it must be 1 (the state of a weight of value 1)');
    }
  }
  if (readout.every((x) => x === 0)) {
    fail(
      where,
      'readout',
      readout,
      'at least one entry must be non-zero, or no weight is read out',
    );
  }
  return d;
}

/**
 * The coordinate that stores the weight itself: the one with the largest |readout| (the first on
 * ties). Optimizers keep the other k−1 coordinates as slot variables and recover this one from w.
 */
export function pivotIndex(readout: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < readout.length; i++) {
    if (Math.abs(readout[i] as number) > Math.abs(readout[best] as number)) best = i;
  }
  return best;
}

/**
 * The state an optimizer starts from when a weight has value `w0`: w0·`initialState` when the
 * dynamics give one, else everything in the pivot coordinate, so that readout·s = w0 and every
 * other coordinate is at rest (zero).
 */
export function restingState(d: LinearDynamics, w0: number): Float64Array {
  if (d.initialState !== undefined) return Float64Array.from(d.initialState, (x) => x * w0);
  const s = new Float64Array(d.readout.length);
  const p = pivotIndex(d.readout);
  s[p] = w0 / (d.readout[p] as number);
  return s;
}

/** s ← T·s + b·g, in float64, into `out`. */
export function stepState(d: LinearDynamics, s: Float64Array, g: number, out: Float64Array): void {
  const k = s.length;
  for (let i = 0; i < k; i++) {
    const row = d.transition[i] as number[];
    let acc = (d.input[i] as number) * g;
    for (let j = 0; j < k; j++) acc += (row[j] as number) * (s[j] as number);
    out[i] = acc;
  }
}

/** readout·s, in float64. */
export function readWeight(d: LinearDynamics, s: Float64Array): number {
  let w = 0;
  for (let i = 0; i < s.length; i++) w += (d.readout[i] as number) * (s[i] as number);
  return w;
}
