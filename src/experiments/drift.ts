import { Matrix } from 'ml-matrix';
import { fail, integerAtLeast, positive } from '../validate.js';
import { Random } from './random.js';
import { logSpace } from './stats.js';

/**
 * The 1/f-drift regression problem: θ(t) ∈ ℝ^d is a sum of K independent AR(1) processes
 * z_k(t+1) = ρ_k z_k(t) + √(1−ρ_k²)·σ·ε with log-spaced timescales τ_k (ρ_k = e^(−1/τ_k)) and the
 * same stationary variance σ² = 1/K each (so Var θ_j = 1). Their summed spectrum is close to 1/f
 * between 1/τ_K and 1/τ_1. Each step draws x ~ N(0, I_d) and y = x·θ(t) + noise·ε.
 */
export interface DriftProblem {
  /** d, the number of weights. */
  dim: number;
  /** τ_k of the K components, in steps. */
  timescales: number[];
  /** ρ_k = exp(−1/τ_k), the per-step retention of each component. */
  retention: number[];
  /** σ² = 1/K, the stationary variance of each component. */
  componentVariance: number;
  /** Standard deviation of the observation noise. */
  noise: number;
  /** Steps per run. */
  steps: number;
  /** Steps at the start of a run that the MSE ignores (every learner starts from θ's mean, 0). */
  burnIn: number;
}

/** Options of `driftProblem`. */
export interface DriftProblemOptions {
  /** d. Default 4. */
  dim?: number;
  /** K. Default 5. */
  components?: number;
  /** τ_1. Default 1. */
  fastest?: number;
  /** τ_K. Default 10⁴. */
  slowest?: number;
  /** Observation noise std. Default 0.5. */
  noise?: number;
  /** Steps per run. Default 20 000. */
  steps?: number;
  /** Fraction of steps ignored at the start. Default 0.2. */
  burnInFraction?: number;
}

/** Builds (and validates) a drift problem. */
export function driftProblem(options: DriftProblemOptions = {}): DriftProblem {
  const where = 'driftProblem';
  const dim = integerAtLeast(where, 'dim', options.dim ?? 4, 1);
  const K = integerAtLeast(where, 'components', options.components ?? 5, 1);
  const fastest = positive(where, 'fastest', options.fastest ?? 1);
  const slowest = positive(where, 'slowest', options.slowest ?? 1e4);
  if (slowest < fastest) fail(where, 'slowest', slowest, `it must be ≥ fastest = ${fastest}`);
  const noise = positive(where, 'noise', options.noise ?? 0.5);
  const steps = integerAtLeast(where, 'steps', options.steps ?? 20_000, 10);
  const fraction = options.burnInFraction ?? 0.2;
  if (!(fraction >= 0 && fraction < 1))
    fail(where, 'burnInFraction', fraction, 'it must lie in [0, 1)');
  const timescales = logSpace(fastest, slowest, K);
  return {
    dim,
    timescales,
    retention: timescales.map((tau) => Math.exp(-1 / tau)),
    componentVariance: 1 / K,
    noise,
    steps,
    burnIn: Math.floor(fraction * steps),
  };
}

/** Inputs and targets of `replicas` independent runs, row-major by step then replica. */
export interface DriftData {
  /** Number of independent runs. */
  replicas: number;
  /** x, [steps][replicas][dim] flattened. */
  x: Float32Array;
  /** y, [steps][replicas] flattened. */
  y: Float32Array;
}

/**
 * Draws `replicas` independent runs of the problem from one seed. θ starts in its stationary
 * distribution. The values are stored in float32 (what the tfjs learners see); the Kalman filter
 * reads the same float32 numbers.
 */
export function driftData(problem: DriftProblem, seed: number, replicas: number): DriftData {
  integerAtLeast('driftData', 'replicas', replicas, 1);
  const { dim, retention, componentVariance, noise, steps } = problem;
  const K = retention.length;
  const rng = new Random(seed);
  const sigma = Math.sqrt(componentVariance);
  const z = new Float64Array(replicas * K * dim);
  for (let i = 0; i < z.length; i++) z[i] = sigma * rng.normal();
  const shock = retention.map((r) => sigma * Math.sqrt(1 - r * r));
  const x = new Float32Array(steps * replicas * dim);
  const y = new Float32Array(steps * replicas);
  for (let t = 0; t < steps; t++) {
    for (let r = 0; r < replicas; r++) {
      let dot = 0;
      const xo = (t * replicas + r) * dim;
      for (let j = 0; j < dim; j++) {
        const xj = Math.fround(rng.normal());
        x[xo + j] = xj;
        let theta = 0;
        for (let k = 0; k < K; k++) theta += z[(r * K + k) * dim + j] as number;
        dot += xj * theta;
      }
      y[t * replicas + r] = dot + noise * rng.normal();
      for (let k = 0; k < K; k++) {
        for (let j = 0; j < dim; j++) {
          const i = (r * K + k) * dim + j;
          z[i] = (retention[k] as number) * (z[i] as number) + (shock[k] as number) * rng.normal();
        }
      }
    }
  }
  return { replicas, x, y };
}

/**
 * The exact Kalman filter for the drift problem, which knows the generator: the state is all K·d
 * components z_kj, with transition F = diag(ρ_k), process noise Q = diag((1−ρ_k²)σ²), and the
 * observation row H_t = (x_t, …, x_t) (x repeated for each component), noise variance noise².
 * It is the Bayes-optimal predictor, so its MSE is the floor every learner is measured against.
 * Covariance algebra uses ml-matrix.
 */
export class KalmanFilter {
  private readonly n: number;
  private readonly means: Float64Array[];
  private readonly covariances: Matrix[];
  private readonly decay: Float64Array;
  private readonly processNoise: Float64Array;

  constructor(
    private readonly problem: DriftProblem,
    private readonly replicas: number,
  ) {
    const { dim, retention, componentVariance } = problem;
    this.n = retention.length * dim;
    this.decay = Float64Array.from(
      { length: this.n },
      (_, i) => retention[Math.floor(i / dim)] as number,
    );
    this.processNoise = this.decay.map((r) => (1 - r * r) * componentVariance);
    this.means = Array.from({ length: replicas }, () => new Float64Array(this.n));
    this.covariances = Array.from({ length: replicas }, () =>
      Matrix.eye(this.n, this.n).mul(componentVariance),
    );
  }

  /** Predicts ŷ = H·m for each replica, then updates with y and steps the prior forward. */
  step(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
    const { dim, noise } = this.problem;
    const n = this.n;
    const out = new Float64Array(this.replicas);
    const h = new Matrix(n, 1);
    for (let r = 0; r < this.replicas; r++) {
      const m = this.means[r] as Float64Array;
      const P = this.covariances[r] as Matrix;
      let prediction = 0;
      for (let i = 0; i < n; i++) {
        const xi = x[r * dim + (i % dim)] as number;
        h.set(i, 0, xi);
        prediction += xi * (m[i] as number);
      }
      out[r] = prediction;
      const Ph = P.mmul(h);
      const S = h.transpose().mmul(Ph).get(0, 0) + noise * noise;
      const innovation = (y[r] as number) - prediction;
      for (let i = 0; i < n; i++) m[i] = (m[i] as number) + (Ph.get(i, 0) / S) * innovation;
      P.sub(Ph.mmul(Ph.transpose()).div(S));
      // Prior for the next step: m ← F m, P ← F P F + Q (F diagonal).
      for (let i = 0; i < n; i++) {
        const fi = this.decay[i] as number;
        m[i] = fi * (m[i] as number);
        for (let j = 0; j < n; j++) P.set(i, j, fi * (this.decay[j] as number) * P.get(i, j));
        P.set(i, i, P.get(i, i) + (this.processNoise[i] as number));
      }
    }
    return out;
  }
}

/**
 * A multiscale configuration derived from the generator, one subweight per component:
 * γ_i = ρ_i, and α_i from the steady-state Kalman gain of a diagonal approximation.
 *
 * Derivation. Look at one weight j and treat every other weight's error as extra noise. Its K
 * components z_j ∈ ℝ^K follow z ← F z + q with F = diag(ρ), Q = diag((1−ρ²)σ²), and we observe
 * y = x_j·1ᵀz + v. Replace x_j² by its mean 1 (the diagonal/mean-field step) and let v carry the
 * observation noise plus the other d−1 weights' prediction errors: R = noise² + (d−1)·1ᵀP1, where
 * P is the steady-state prior covariance of z_j. The Riccati recursion
 *
 * $$ P \leftarrow F\Big(P - \frac{P\mathbf 1\mathbf 1^\top P}{S}\Big)F + Q,\qquad
 *    S = \mathbf 1^\top P\mathbf 1 + R $$
 *
 * is iterated to its fixed point. The filter's prior mean then moves as
 * m⁻ ← F(m⁻ + (P1/S)(y − ŷ)x_j), and since the squared-error gradient is g = (ŷ − y)x_j this is
 * exactly the multiscale step ω_i ← γ_i ω_i − α_i g with w = Σ_i ω_i = 1ᵀm⁻ and
 *
 * $$ \gamma_i = \rho_i, \qquad \alpha_i = \rho_i\,\frac{(P\mathbf 1)_i}{S}. $$
 *
 * `gainScale` multiplies every α_i (1 = the derivation; a grid search may tune it, because the
 * approximation ignores the spread of x_j², which makes the gradient step overshoot when x is
 * large).
 */
export function derivedMultiscale(
  problem: DriftProblem,
  gainScale = 1,
): { alpha: number[]; gamma: number[] } {
  positive('derivedMultiscale', 'gainScale', gainScale);
  const { retention: rho, componentVariance, noise, dim } = problem;
  const K = rho.length;
  let P = Array.from({ length: K }, (_, i) =>
    Array.from({ length: K }, (_, j) => (i === j ? componentVariance : 0)),
  );
  let gain = new Array<number>(K).fill(0);
  let S = 1;
  for (let iter = 0; iter < 1_000_000; iter++) {
    const P1 = P.map((row) => row.reduce((a, b) => a + b, 0));
    const e = P1.reduce((a, b) => a + b, 0);
    S = e + noise * noise + (dim - 1) * e;
    const next = P.map((row, i) =>
      row.map(
        (p, j) =>
          (rho[i] as number) *
            (rho[j] as number) *
            (p - ((P1[i] as number) * (P1[j] as number)) / S) +
          (i === j ? (1 - (rho[i] as number) ** 2) * componentVariance : 0),
      ),
    );
    let change = 0;
    next.forEach((row, i) => {
      row.forEach((v, j) => {
        change = Math.max(change, Math.abs(v - ((P[i] as number[])[j] as number)));
      });
    });
    P = next;
    gain = P1.map((v) => v / S);
    if (change < 1e-14 * componentVariance) break;
  }
  return {
    alpha: rho.map((r, i) => gainScale * r * (gain[i] as number)),
    gamma: [...rho],
  };
}
