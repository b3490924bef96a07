import { EigenvalueDecomposition, Matrix, pseudoInverse } from 'ml-matrix';
import { diagonalize } from '../dynamics/diagonalize.js';
import {
  checkDynamics,
  type LinearDynamics,
  restingState,
  stepState,
} from '../dynamics/linear-dynamics.js';
import { momentumDynamics } from '../dynamics/momentum.js';
import { fail, finite, finiteVector, integerAtLeast, positive } from '../validate.js';
import { Random } from './random.js';

/**
 * The closed loop of a linear optimizer on a quadratic L = ½λ(w − w*)²: with w* = 0 the gradient is
 * g = λw = λ·cᵀs, so the state evolves by itself as
 *
 * $$ s(t+1) = (T + \lambda\, b\, c^\top)\, s(t) $$
 *
 * For momentum (tfjs convention) this is Goh (2017)'s 2×2 iteration on (w, v),
 * [[1 − ηλ, −ηβ], [λ, β]].
 * @example
 * closedLoopMatrix(momentumDynamics({learningRate: 0.1, momentum: 0.5}), 2) // [[0.8, -0.05], [2, 0.5]]
 */
export function closedLoopMatrix(d: LinearDynamics, curvature: number): number[][] {
  checkDynamics(d, 'closedLoopMatrix');
  const lambda = finite('closedLoopMatrix', 'curvature', curvature);
  return d.transition.map((row, i) =>
    row.map((x, j) => x + lambda * (d.input[i] as number) * (d.readout[j] as number)),
  );
}

/** A complex number. */
export interface Complex {
  re: number;
  im: number;
}

/**
 * The closed-loop eigenvalues z_1 … z_k (eigenvalues of `closedLoopMatrix`), largest |z| first. A
 * complex pair means the weight oscillates along this eigen-direction of the Hessian; |z| < 1 for
 * all means it converges, at rate ρ = max |z|.
 * @example
 * closedLoopEigenvalues(momentumDynamics({learningRate: 1, momentum: 0.25}), 1) // [{re: 0.125, im: 0.4841229182759271}, {re: 0.125, im: -0.4841229182759271}]
 */
export function closedLoopEigenvalues(d: LinearDynamics, curvature: number): Complex[] {
  const A = closedLoopMatrix(d, curvature);
  const e = new EigenvalueDecomposition(new Matrix(A));
  const z = e.realEigenvalues.map((re, i) => ({ re, im: e.imaginaryEigenvalues[i] as number }));
  return z.sort((a, b) => Math.hypot(b.re, b.im) - Math.hypot(a.re, a.im) || b.im - a.im);
}

/**
 * The convergence rate ρ = max |z| over the closed-loop eigenvalues of every curvature λ (every
 * eigenvalue of the Hessian): the distance to the minimum shrinks like ρ^t.
 * @example
 * convergenceRate(momentumDynamics({learningRate: 1, momentum: 0}), [0.5, 1.5]) // 0.5
 */
export function convergenceRate(d: LinearDynamics, curvatures: readonly number[]): number {
  finiteVector('convergenceRate', 'curvatures', curvatures);
  let rho = 0;
  for (const lambda of curvatures) {
    for (const z of closedLoopEigenvalues(d, lambda)) rho = Math.max(rho, Math.hypot(z.re, z.im));
  }
  return rho;
}

/**
 * The momentum β ∈ [0, 1) with the smallest convergence rate for step size η on a quadratic with
 * Hessian eigenvalues `curvatures`, found numerically (a 1000-point grid, then golden-section
 * search around the best point). Goh (2017): for one curvature λ the optimum is the critical
 * damping β = (1 − √(ηλ))², where the two roots meet and ρ = √β = 1 − √(ηλ); for several, it is
 * the critical β of the smallest λ as long as the largest stays stable.
 * @example
 * optimalMomentum(0.01, [1]).momentum // 0.81
 */
export function optimalMomentum(
  learningRate: number,
  curvatures: readonly number[],
): { momentum: number; rate: number } {
  const eta = positive('optimalMomentum', 'learningRate', learningRate);
  finiteVector('optimalMomentum', 'curvatures', curvatures);
  const rate = (beta: number) =>
    convergenceRate(momentumDynamics({ learningRate: eta, momentum: beta }), curvatures);
  const n = 1000;
  let best = 0;
  let bestRate = rate(0);
  for (let j = 1; j < n; j++) {
    const r = rate(j / n);
    if (r < bestRate) {
      bestRate = r;
      best = j / n;
    }
  }
  let lo = Math.max(0, best - 1 / n);
  let hi = Math.min(1 - 1e-12, best + 1 / n);
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 60; it++) {
    const a = hi - phi * (hi - lo);
    const b = lo + phi * (hi - lo);
    if (rate(a) <= rate(b)) hi = b;
    else lo = a;
  }
  const momentum = 0.5 * (lo + hi);
  return { momentum, rate: rate(momentum) };
}

/** Options of `ravinePath`. */
export interface RavineOptions {
  /** The optimizer, as linear dynamics applied to each of the two weights. */
  dynamics: LinearDynamics;
  /** Hessian eigenvalues (λ_1, λ_2): the ravine's steep and shallow curvature. */
  curvatures: readonly [number, number];
  /** Angle of the steep eigen-direction from the w_1 axis, in radians. Default 0. */
  angle?: number;
  /** Where the weights start (at rest). */
  start: readonly [number, number];
  /** Number of steps ≥ 1. */
  steps: number;
  /**
   * A drifting minimum: the target moves by a seeded Gaussian random walk with this per-step
   * standard deviation in each coordinate. Default 0 (fixed minimum at the origin).
   */
  drift?: number;
  /** Seed of the drift. Default 1. */
  seed?: number;
  /** Stop early once |w − w*| exceeds this (a diverging path). Default 1e6. */
  escape?: number;
}

/** What `ravinePath` computed. */
export interface RavinePath {
  /** Weights w(t) for t = 0 … (w[0] is the start). */
  w: [number, number][];
  /** The minimum w*(t) at each w(t); the gradient at step t pulls towards target[t]. */
  target: [number, number][];
  /** Gradient g(t) = H(w(t) − w*(t)) applied at step t (one fewer than w). */
  gradient: [number, number][];
  /** Loss L(t) = ½(w − w*)ᵀH(w − w*) for each w(t). */
  loss: number[];
  /**
   * Subweights along each Hessian eigen-direction: `subweights[d][i][t]` is ω_i (slowest first,
   * from `diagonalize`) of w(t), projected onto eigen-direction d (0 = steep, 1 = shallow).
   */
  subweights: number[][][];
  /** True when the path left the `escape` radius and was stopped. */
  diverged: boolean;
}

/**
 * Runs a linear optimizer on a 2-D quadratic ravine L = ½(w − w*)ᵀH(w − w*), with H having
 * eigenvalues λ_1, λ_2 along directions rotated by `angle`, in float64. Each weight carries its
 * own state s_j (s_j ← T s_j + b g_j, w_j = cᵀ s_j), exactly as the tf.Optimizers do. The
 * subweights are the diagonal coordinates ω = V⁻¹s of `diagonalize`, projected onto the Hessian's
 * eigen-directions (so momentum shows its slow part and its negative fast part).
 * @example
 * ravinePath({dynamics: momentumDynamics({learningRate: 1, momentum: 0}), curvatures: [1, 0.5], start: [1, 1], steps: 1}).w[1] // [0, 0.5]
 */
export function ravinePath(options: RavineOptions): RavinePath {
  const where = 'ravinePath';
  const d = checkDynamics(options?.dynamics, where);
  const [l1, l2] = finiteVector(where, 'curvatures', options.curvatures, 2) as [number, number];
  const angle = finite(where, 'angle', options.angle ?? 0);
  const start = finiteVector(where, 'start', options.start, 2) as [number, number];
  const steps = integerAtLeast(where, 'steps', options.steps, 1);
  const drift = finite(where, 'drift', options.drift ?? 0);
  if (drift < 0) fail(where, 'drift', drift, 'it must be ≥ 0');
  const radius = positive(where, 'escape', options.escape ?? 1e6);
  const rng = new Random(options.seed ?? 1);
  // Eigen-directions e_steep = (c, s), e_shallow = (−s, c); hx(x) = H·x.
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const hx = (x0: number, x1: number): [number, number] => [
    (l1 * c * c + l2 * s * s) * x0 + (l1 - l2) * c * s * x1,
    (l1 - l2) * c * s * x0 + (l1 * s * s + l2 * c * c) * x1,
  ];
  const states = start.map((x) => restingState(d, x));
  const next = new Float64Array(d.readout.length);
  const { basis } = diagonalize(d);
  const Vinv = pseudoInverse(new Matrix(basis));
  const modes = Vinv.rows;
  const weight = (j: number) =>
    (states[j] as Float64Array).reduce((a, x, i) => a + x * (d.readout[i] as number), 0);
  const target: [number, number] = [0, 0];
  const w: [number, number][] = [];
  const targets: [number, number][] = [];
  const gradients: [number, number][] = [];
  const loss: number[] = [];
  const steep: number[][] = Array.from({ length: modes }, () => []);
  const shallow: number[][] = Array.from({ length: modes }, () => []);
  const record = () => {
    const current: [number, number] = [weight(0), weight(1)];
    w.push(current);
    targets.push([target[0], target[1]]);
    const x0 = current[0] - target[0];
    const x1 = current[1] - target[1];
    const [h0, h1] = hx(x0, x1);
    loss.push(0.5 * (x0 * h0 + x1 * h1));
    // ω = V⁻¹s per weight, then each ω_i's two weights projected onto the eigen-directions.
    const [o0, o1] = states.map((st) => Vinv.mmul(Matrix.columnVector(Array.from(st))).to1DArray());
    for (let i = 0; i < modes; i++) {
      const a = (o0 as number[])[i] as number;
      const b = (o1 as number[])[i] as number;
      (steep[i] as number[]).push(c * a + s * b);
      (shallow[i] as number[]).push(-s * a + c * b);
    }
    return Math.hypot(x0, x1);
  };
  record();
  let diverged = false;
  for (let t = 0; t < steps && !diverged; t++) {
    const [w0, w1] = w[w.length - 1] as [number, number];
    const g = hx(w0 - target[0], w1 - target[1]);
    gradients.push(g);
    for (let j = 0; j < 2; j++) {
      stepState(d, states[j] as Float64Array, g[j] as number, next);
      (states[j] as Float64Array).set(next);
    }
    if (drift > 0) {
      target[0] += drift * rng.normal();
      target[1] += drift * rng.normal();
    }
    diverged = record() > radius;
  }
  const subweights = [steep, shallow];
  return { w, target: targets, gradient: gradients, loss, subweights, diverged };
}

/**
 * Autocorrelation of a vector sequence along a path, r(Δ) = Σ_t g(t)·g(t+Δ) / Σ_t g(t)·g(t),
 * for Δ = 0 … maxLag (no mean removed: a path towards a fixed minimum has mean-zero gradients
 * only in the limit). r(1) < 0: the gradient keeps flipping sign (an oscillating path).
 * @example
 * autocorrelation([[1, 0], [-1, 0], [1, 0]], 1) // [1, -0.6666666666666666]
 */
export function autocorrelation(
  sequence: readonly (readonly number[])[],
  maxLag: number,
): number[] {
  integerAtLeast('autocorrelation', 'maxLag', maxLag, 0);
  const dot = (a: readonly number[], b: readonly number[]) =>
    a.reduce((acc, x, i) => acc + x * (b[i] as number), 0);
  let zero = 0;
  for (const g of sequence) zero += dot(g, g);
  const r: number[] = [];
  for (let lag = 0; lag <= maxLag; lag++) {
    let sum = 0;
    for (let t = 0; t + lag < sequence.length; t++) {
      sum += dot(sequence[t] as number[], sequence[t + lag] as number[]);
    }
    r.push(zero > 0 ? sum / zero : 0);
  }
  return r;
}
