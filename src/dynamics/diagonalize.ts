import { EigenvalueDecomposition, inverse, Matrix, SingularValueDecomposition } from 'ml-matrix';
import {
  checkDynamics,
  checkStable,
  type LinearDynamics,
  restingState,
} from './linear-dynamics.js';

/** A multiscale optimizer equivalent to some `LinearDynamics`, and the change of basis. */
export interface Diagonalization {
  /** Learning rate α_i of each decoupled subweight, slowest first. */
  alpha: number[];
  /** Retention γ_i = λ_i, an eigenvalue of the transition, slowest (largest |γ|) first. */
  gamma: number[];
  /**
   * V, k × (number of subweights): column i is the eigenvector of subweight i in the original
   * coordinates, scaled so that readout·v_i = 1. Then s = V·ω and w = Σ_i ω_i.
   */
  basis: number[][];
  /**
   * How a weight w0 that starts at rest in the original coordinates (see `restingState`) splits
   * across the subweights: ω_i(0) = initialShare_i · w0. The shares sum to 1.
   */
  initialShare: number[];
}

const TOLERANCE = 1e-10;

/**
 * The largest condition number κ of the eigenvector basis V (columns scaled to unit length) that
 * `diagonalize` accepts. Near a defective T (a Jordan block) eigenvectors turn parallel and κ
 * grows without bound; at the block itself there is no eigenvector basis at all. Before that, the
 * subweights ω = V⁻¹s, their learning rates α = −V⁻¹b and `initialShare` reach about κ times the
 * weight, with opposite signs: they no longer describe separate timescales, and reading them in
 * float32 (ε₃₂ ≈ 6·10⁻⁸; `subweights()`, w − Σ slots) cancels about log₁₀ κ digits. κ ≤ 10⁴ keeps
 * that error below 10⁴·ε₃₂ ≈ 6·10⁻⁴ of the weight (three digits). The optimizer's own step is not
 * the limit: the k−1-slot layout adds slot rows with the small factor γ_r − γ_p, and
 * test/dynamics.test.ts checks a pair at κ ≈ 2·10⁶ against float64. The optimizers of this library
 * (momentum, Nesterov, fast weights, Benna–Fusi chains) lie orders of magnitude below the limit.
 */
export const BASIS_CONDITION_LIMIT = 1e4;

/** cond₂(V) with V's columns scaled to unit length (so it does not depend on their arbitrary scale). */
function basisCondition(V: Matrix): number {
  const unit = V.clone();
  for (let j = 0; j < unit.columns; j++) {
    const norm = unit.getColumnVector(j).norm();
    for (let i = 0; i < unit.rows; i++) unit.set(i, j, unit.get(i, j) / norm);
  }
  return new SingularValueDecomposition(unit).condition;
}

/** The two eigenvalues closest to each other (the pair that nearly forms a Jordan block). */
function closestPair(values: number[]): [number, number] {
  let best: [number, number] = [values[0] as number, values[0] as number];
  let gap = Number.POSITIVE_INFINITY;
  values.forEach((x, i) => {
    values.forEach((y, j) => {
      if (j > i && Math.abs(x - y) < gap) {
        gap = Math.abs(x - y);
        best = [x, y];
      }
    });
  });
  return best;
}

/**
 * A diagonal D with D·T·D⁻¹ symmetric, when one exists for a tridiagonal T whose off-diagonal
 * pairs have the same sign (the Benna–Fusi chain: D = C^(1/2)). Null otherwise.
 */
function symmetrizer(T: number[][]): number[] | null {
  const k = T.length;
  const d = new Array<number>(k).fill(1);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      if (Math.abs(i - j) > 1 && (T[i] as number[])[j] !== 0) return null;
    }
  }
  for (let i = 0; i + 1 < k; i++) {
    const up = (T[i] as number[])[i + 1] as number;
    const down = (T[i + 1] as number[])[i] as number;
    if (up === 0 && down === 0) d[i + 1] = 1;
    else if (up * down > 0) d[i + 1] = (d[i] as number) * Math.sqrt(up / down);
    else return null;
  }
  return d;
}

/** Throws when the eigenvector basis is too ill-conditioned for float32 (see `BASIS_CONDITION_LIMIT`). */
function checkBasis(values: number[], V: Matrix): void {
  const condition = basisCondition(V);
  if (condition <= BASIS_CONDITION_LIMIT) return;
  const [x, y] = closestPair(values);
  throw new Error(
    `diagonalize: transition is defective or nearly so: eigenvalues ${x} and ${y} share almost ` +
      `the same eigenvector, so the eigenvector basis has condition number ${condition.toPrecision(3)} ` +
      `(allowed: ≤ ${BASIS_CONDITION_LIMIT}). Its subweights would be about that many times the ` +
      'weight, with opposite signs that cancel in float32, and would not describe separate ' +
      'timescales; run the dynamics coupled (linearDynamicsOptimizer, form: "coupled").',
  );
}

/** Eigenvalues and right/left eigenvectors (V, V⁻¹) of T, preferring the symmetric solver. */
function eigen(T: number[][]): { values: number[]; V: Matrix; Vinv: Matrix } {
  const d = symmetrizer(T);
  if (d) {
    const S = new Matrix(
      T.map((row, i) => row.map((x, j) => ((d[i] as number) * x) / (d[j] as number))),
    );
    // Average out rounding so the symmetric solver sees an exactly symmetric matrix.
    const sym = S.add(S.transpose()).mul(0.5);
    const e = new EigenvalueDecomposition(sym, { assumeSymmetric: true });
    const Q = e.eigenvectorMatrix;
    const V = Matrix.diag(d.map((x) => 1 / x)).mmul(Q);
    const Vinv = Q.transpose().mmul(Matrix.diag(d));
    checkBasis(e.realEigenvalues, V);
    return { values: e.realEigenvalues, V, Vinv };
  }
  const e = new EigenvalueDecomposition(new Matrix(T));
  const scale = Math.max(1, ...e.realEigenvalues.map(Math.abs));
  const complex = e.imaginaryEigenvalues.findIndex((im) => Math.abs(im) > TOLERANCE * scale);
  if (complex >= 0) {
    const re = e.realEigenvalues[complex] as number;
    const im = Math.abs(e.imaginaryEigenvalues[complex] as number);
    throw new Error(
      `diagonalize: transition has complex eigenvalues ${re} ± ${im}i; a multiscale optimizer ` +
        'needs real eigenvalues (an oscillating mode is not a decaying subweight).',
    );
  }
  const V = e.eigenvectorMatrix;
  checkBasis(e.realEigenvalues, V);
  return { values: e.realEigenvalues, V, Vinv: inverse(V) };
}

/**
 * The eigenvector reparameterization. Writes T = VΛV⁻¹ and changes coordinates to ω = V⁻¹s, which
 * decouples any diagonalizable linear optimizer into independent subweights:
 *
 * $$ \omega_i \leftarrow \lambda_i\,\omega_i - \alpha_i\, g, \qquad
 *    \alpha = -V^{-1} b, \qquad w = \sum_i \omega_i $$
 *
 * (each eigenvector is scaled so that its readout is 1). The returned multiscale system produces
 * the same w as `d` for every gradient sequence. Modes that the readout cannot see are dropped.
 *
 * Throws a clear error when T has complex eigenvalues, is defective or nearly so (the eigenvector
 * basis's condition number exceeds `BASIS_CONDITION_LIMIT`), or has an eigenvalue with |λ| > 1 or
 * on the unit circle other than 1 (see `checkStable`), in any mode, seen by the readout or not.
 * @example
 * diagonalize(momentumDynamics({learningRate: 0.1, momentum: 0.9, ema: true}))
 * // {gamma: [1, 0.9], alpha: [0.1, -0.09], …}
 */
export function diagonalize(d: LinearDynamics): Diagonalization {
  checkDynamics(d, 'diagonalize');
  checkStable(d, 'diagonalize');
  const { transition: T, input: b, readout: c } = d;
  const { values, V, Vinv } = eigen(T);
  const k = T.length;
  const s0 = restingState(d, 1);
  const cNorm = Math.hypot(...c);
  const modes: Array<{ gamma: number; alpha: number; share: number; column: number[] }> = [];
  for (let i = 0; i < k; i++) {
    const column = V.getColumn(i);
    const row = Vinv.getRow(i);
    const seen = column.reduce((acc, v, j) => acc + v * (c[j] as number), 0);
    if (Math.abs(seen) <= TOLERANCE * cNorm * Math.hypot(...column)) continue; // invisible in w
    // checkStable allowed |λ| < 1 and λ = 1 up to eigen-solver rounding; a λ that rounding put
    // just above 1 is that λ = 1.
    const gamma = Math.min(values[i] as number, 1);
    const alpha = -seen * row.reduce((acc, v, j) => acc + v * (b[j] as number), 0);
    const share = seen * row.reduce((acc, v, j) => acc + v * (s0[j] as number), 0);
    modes.push({ gamma, alpha, share, column: column.map((v) => v / seen) });
  }
  modes.sort((x, y) => Math.abs(y.gamma) - Math.abs(x.gamma));
  return {
    alpha: modes.map((m) => m.alpha),
    gamma: modes.map((m) => m.gamma),
    basis: Array.from({ length: k }, (_, j) => modes.map((m) => m.column[j] as number)),
    initialShare: modes.map((m) => m.share),
  };
}
