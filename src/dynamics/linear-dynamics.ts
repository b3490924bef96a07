import { EigenvalueDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';
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

/** How far an eigenvalue may lie from the unit circle (float64 eigen-solver rounding) and count as on it. */
const UNIT_CIRCLE_TOLERANCE = 1e-12;

/**
 * Checks that T is stable, in every mode (also modes the readout cannot see: the coupled state
 * still carries them, and an unbounded one turns the weight into 0·∞ = NaN). Every eigenvalue λ of
 * T must satisfy |λ| < 1, or be λ = 1 (a memory that never decays). Refused: |λ| > 1 (the state
 * grows without bound) and any other λ on the unit circle, such as λ = −1 (an undamped
 * oscillation, never a decaying subweight), and λ = 1 in a Jordan block (a double integrator,
 * whose state grows like t). So a retention lies in (−1, 1]. Throws an error that names the
 * eigenvalue; returns the dynamics unchanged.
 * @example
 * checkStable(momentumDynamics({learningRate: 0.1, momentum: 0.9})).readout // [1, 0]
 */
export function checkStable(d: LinearDynamics, where = 'LinearDynamics'): LinearDynamics {
  const e = new EigenvalueDecomposition(new Matrix(d.transition));
  const tol = UNIT_CIRCLE_TOLERANCE;
  e.realEigenvalues.forEach((re, i) => {
    const im = e.imaginaryEigenvalues[i] as number;
    const value = Math.abs(im) > tol ? `${re} ± ${Math.abs(im)}i` : `${re}`;
    const modulus = Math.hypot(re, im);
    if (modulus > 1 + tol) {
      throw new Error(
        `${where}: transition has eigenvalue ${value} (|λ| = ${modulus} > 1), so the optimizer ` +
          'is unstable: its state grows without bound. Every eigenvalue must satisfy |λ| < 1, or be λ = 1.',
      );
    }
    if (modulus >= 1 - tol && !(Math.abs(re - 1) <= tol && Math.abs(im) <= tol)) {
      throw new Error(
        `${where}: transition has eigenvalue ${value} on the unit circle (|λ| = 1), an undamped ` +
          'oscillation that never decays. Every eigenvalue must satisfy |λ| < 1, or be λ = 1 ' +
          '(a retention lies in (−1, 1]).',
      );
    }
  });
  // λ = 1 repeated without as many eigenvectors (a Jordan block): a state that grows like t even
  // with no gradient (a double integrator), unstable though |λ| = 1.
  const ones = e.realEigenvalues.filter(
    (re, i) => Math.abs(re - 1) <= tol && Math.abs(e.imaginaryEigenvalues[i] as number) <= tol,
  ).length;
  if (ones > 1) {
    const k = d.transition.length;
    const shifted = new Matrix(d.transition).sub(Matrix.eye(k));
    const singular = new SingularValueDecomposition(shifted).diagonal;
    const scale = Math.max(1, ...singular);
    const eigenvectors = singular.filter((x) => x <= 1e-10 * scale).length;
    if (eigenvectors < ones) {
      throw new Error(
        `${where}: transition has eigenvalue 1 ${ones} times but only ${eigenvectors} ` +
          'eigenvector(s) for it (a Jordan block), so its state grows without bound even with ' +
          'no gradient. Every eigenvalue must satisfy |λ| < 1, or be λ = 1 with its own eigenvector.',
      );
    }
  }
  return d;
}

/**
 * The coordinate that stores the weight itself, the one rule every optimizer here uses: the
 * largest |readout| (w is recovered as s_p = (w − Σ_{i≠p} c_i s_i)/c_p, so c_p must be as far from
 * 0 as possible); among equal readouts the largest |retention| when retentions are given (the
 * slowest subweight holds most of the weight between steps, so the k−1 slot rows stay small and
 * decay to zero); then the first. Optimizers keep the other k−1 coordinates as slot variables.
 * @example
 * pivotIndex([0, 1, 0]) // 1
 * pivotIndex([1, 1, 1], [0.5, 1, 0.9]) // 1
 */
export function pivotIndex(readout: readonly number[], retention?: readonly number[]): number {
  const size = (i: number) => Math.abs(readout[i] as number);
  const slowness = (i: number) => (retention ? Math.abs(retention[i] as number) : 0);
  let best = 0;
  for (let i = 1; i < readout.length; i++) {
    if (size(i) > size(best) || (size(i) === size(best) && slowness(i) > slowness(best))) best = i;
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
